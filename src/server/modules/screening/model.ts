// The shared vocabulary of screening: what a list entity is once parsed (lists/), what the matching engine
// takes and answers (engine/), and what the lists and KYC modules need from each other. Parsers, engine,
// lists service, screening service and KYC are built against these types; change them in one place.
import type { AuditedTx } from '../../platform/audit/writer.js';

/** Which published list an entity comes from. The key of an entity across lists is `${source}:${id}`. */
export const LIST_SOURCES = ['ofac_sdn', 'ofac_cons', 'un_sc', 'eu_fsf', 'uk_sanctions', 'opensanctions', 'ofac_wallets'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];

/** The file formats `bulwark lists import` recognises (detected from content, never from the file name alone). */
export const LIST_FORMATS = [
  'ofac_csv', // sdn.csv (+ alt.csv, add.csv, sdn_comments.csv) or the cons_*.csv set: a directory or a single file
  'ofac_xml', // SDN_ENHANCED.XML / sdn.xml
  'un_xml',
  'eu_fsf_xml',
  'uk_xml',
  'ftm_jsonl', // OpenSanctions FollowTheMoney entities, one JSON object per line
  'ofac_wallet_list', // OFAC digital-currency address lists (one address per line, file per currency)
] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export type EntityKind = 'person' | 'organization' | 'vessel' | 'aircraft' | 'unknown';

export interface ListWallet {
  /** Ticker as published (XBT, ETH, USDT, TRX, …), upper-case. */
  currency: string;
  /** As published; matching normalises per chain (engine/wallet.ts). */
  address: string;
}

/** One sanctioned or politically exposed party (or vessel, aircraft) as its list publishes it. */
export interface ListEntity {
  /** Stable within its list: OFAC ent_num, UN REFERENCE_NUMBER, EU logicalId, UK unique id, OpenSanctions id. */
  id: string;
  kind: EntityKind;
  /** Primary name as published. */
  name: string;
  /** Strong aliases (a.k.a., f.k.a., n.k.a., good-quality aliases): they count as names. */
  aliases: string[];
  /** Weak / low-quality aliases (OFAC "weak aka", UN quality "Low"): scored, but lower. */
  weakAliases: string[];
  /** Dates of birth or incorporation: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'. */
  birthDates: string[];
  /** ISO 3166-1 alpha-2, upper-case: nationality and citizenship. */
  nationalities: string[];
  /** ISO 3166-1 alpha-2, upper-case: addresses, jurisdiction, place of birth. */
  countries: string[];
  /** Sanctions programmes / regimes (e.g. 'CYBER2', 'RUSSIA-EO14024', 'Al-Qaida'). */
  programs: string[];
  /** FollowTheMoney-style topics: 'sanction', 'role.pep', 'role.rca', 'crime', 'debarment'… Sanctions lists set 'sanction'. */
  topics: string[];
  wallets: ListWallet[];
  /** Date of listing where the list says it ('YYYY-MM-DD'). */
  listedOn?: string;
}

/** What a parser returns for one file (or one OFAC CSV set). */
export interface ParsedList {
  source: ListSource;
  format: ListFormat;
  /** The publication date the file states, ISO 8601, or null when it states none. */
  publishedAt: string | null;
  entities: ListEntity[];
  /** Records skipped or fields dropped, in plain words (shown to the operator; never silent). */
  warnings: string[];
}

/** The difference between two versions of the same list, by entity id. */
export interface ListDelta {
  added: ListEntity[];
  removed: ListEntity[];
  /** Same id, different content (names, aliases, dates, countries, wallets, programmes). */
  changed: { before: ListEntity; after: ListEntity }[];
}

/** A stored, versioned snapshot of one list (lists service). */
export interface ListVersionRef {
  id: string;
  source: ListSource;
  /** 1, 2, 3… per source. */
  version: number;
  /** SHA-256 (hex) of the imported bytes (of the files concatenated in name order for a CSV set). */
  sha256: string;
  publishedAt: string | null;
  importedAt: Date;
  entityCount: number;
}

// ---------------------------------------------------------------------------------------------------------
// The matching engine (engine/): pure, synchronous, in memory. The service and `bulwark screen` use the same.

export interface ScreeningQuery {
  /** A person's or organisation's name, in any script. */
  name?: string;
  kind?: 'person' | 'organization';
  /** 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'. */
  birthDate?: string;
  /** ISO alpha-2: nationality, residence, incorporation. */
  countries?: string[];
  /** A wallet address; matched exactly under the chain's case rules. */
  wallet?: string;
}

export interface TokenMatch {
  query: string;
  list: string;
  score: number;
  how: 'exact' | 'fuzzy' | 'phonetic' | 'initial' | 'transliterated';
}

export interface MatchFactor {
  factor: 'birth_date' | 'country' | 'kind' | 'wallet' | 'name_coverage';
  /** Added to (positive) or taken from (negative) the score. */
  effect: number;
  detail: string;
}

/** Why a candidate scored what it did: enough for a reviewer to agree or disagree without re-running it. */
export interface MatchExplanation {
  /** The query name after normalisation. */
  query: string;
  /** The list name (primary or alias) that matched best, as published, and after normalisation. */
  matchedName: string;
  normalisedMatchedName: string;
  nameKind: 'primary' | 'alias' | 'weak_alias' | 'wallet';
  tokens: TokenMatch[];
  nameScore: number;
  factors: MatchFactor[];
}

export interface ScreeningMatch {
  source: ListSource;
  entityId: string;
  entityName: string;
  kind: EntityKind;
  topics: string[];
  /** 0..1 after factors. */
  score: number;
  explanation: MatchExplanation;
}

export interface SearchOptions {
  /** Minimum score to report; default the engine's DEFAULT_THRESHOLD. */
  threshold?: number;
  /** At most this many matches, best first; default 10. */
  limit?: number;
}

/** An index over the entities of one or more lists. */
export interface ScreeningIndex {
  /** Changes whenever normalisation or scoring changes: stored with every screening as evidence. */
  readonly algorithmVersion: string;
  readonly entityCount: number;
  search(query: ScreeningQuery, opts?: SearchOptions): ScreeningMatch[];
}

// ---------------------------------------------------------------------------------------------------------
// What KYC needs from screening (screening implements it; KYC is wired with it in the container).

export type ScreeningTrigger = 'onboarding' | 'field_change' | 'list_change' | 'counterparty' | 'manual';

export interface ScreeningFacts {
  /** 'none' when no list is loaded: a trader is then never reported clear. */
  lists: 'loaded' | 'none';
  lastScreenedAt: Date | null;
  /** Hits waiting for review. */
  openHits: number;
  /** Hits a reviewer confirmed as true matches. */
  confirmedHits: number;
  /** A confirmed or open hit on a PEP entity (topic role.pep). */
  pep: boolean;
}

export interface ScreeningForKyc {
  /** Screens the trader and their directors and UBOs now, inside the caller's audited transaction; returns the facts after. */
  screenTrader(tx: AuditedTx, traderId: string, trigger: ScreeningTrigger): Promise<ScreeningFacts>;
  /** The current screening facts of a trader (for the risk rating). */
  factsFor(tx: AuditedTx, traderId: string): Promise<ScreeningFacts>;
}
