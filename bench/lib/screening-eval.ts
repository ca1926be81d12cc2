// Shared by bench/screening-quality.bench.ts, bench/screening-speed.bench.ts and the engine's quality
// regression test: the public evaluation cases, the real list samples, and how a case is judged.
//
// Lists are parsed by the lists module (src/server/modules/screening/lists, `parseListPath`) when it is there.
// Until then a minimal reader of OFAC sdn.csv files stands in (bench/test code only, per the issue plan), and
// cases whose list cannot be loaded (UN, OpenSanctions FtM) fall back to a pairwise comparison with their
// expected name, flagged as such in the report. The OpenSanctions us_congress PEP file is in Senzing JSON,
// which is not a list format Bulwark imports; it is read here for the PEP cases only.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { EntityKind, ListEntity, ListSource, ParsedList, ScreeningIndex, ScreeningQuery } from '../../src/server/modules/screening/model.js';
import { DEFAULT_THRESHOLD, buildScreeningIndex, normaliseName, scorePair } from '../../src/server/modules/screening/engine/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
/** The shared data directory, reached through the repository root (../shared/data). */
export const DATA_DIR = resolve(REPO_ROOT, '../shared/data');
export const CASES_FILE = join(DATA_DIR, 'screening-eval/cases.jsonl');
export const SANCTIONS_DIR = join(DATA_DIR, 'sanctions');

export interface EvalCase {
  query: string;
  type: 'person' | 'organization' | 'address' | 'wallet';
  expected_match: string | null;
  source: string;
  candidate?: string;
  schema?: string;
  case_group?: string;
  quality?: string;
  category?: string;
  query_props?: Record<string, string>;
  expected_id?: string;
  currency?: string;
  list_file?: string;
  notes?: string;
}

export function loadCases(file = CASES_FILE): EvalCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalCase);
}

// ---------------------------------------------------------------------------------------------------------
// Lists

export interface LoadedLists {
  lists: { source: ListSource; entities: ListEntity[]; file: string }[];
  /** 'lists-module' when the real parsers were used, 'minimal' for the stand-in sdn.csv reader. */
  loader: 'lists-module' | 'minimal';
  /** Sources whose entities are loaded (cases needing others fall back to pairwise). */
  loaded: Set<string>;
}

/** Every list sample in shared/data/sanctions Bulwark can import, with the source it belongs to. */
export const LIST_PATHS: { source: ListSource; path: string }[] = [
  { source: 'ofac_sdn', path: 'ofac_sdn/2024-05-03_sdn_only' },
  { source: 'ofac_sdn', path: 'ofac_sdn/watchman_ofactest_17_entities' },
  { source: 'ofac_cons', path: 'ofac_non_sdn_consolidated/2025-12' },
  { source: 'un_sc', path: 'un_consolidated/2026-02-27/consolidated.xml' },
  { source: 'eu_fsf', path: 'eu_fsf_sample/sample_eu_fsf.xml' },
  { source: 'uk_sanctions', path: 'uk_sanctions_list_sample/sample_uk_sanctions.xml' },
  { source: 'opensanctions', path: 'opensanctions_ftm/yente_fixture_zala/entities.ftm.json' },
  { source: 'opensanctions', path: 'opensanctions_ftm/yente_fixture_t1/entities.ftm.json' },
  { source: 'opensanctions', path: 'opensanctions_ftm/wikidata_saudi_peps_2024-03/entities.ftm.json' },
];

type ParseListPath = (path: string) => Promise<ParsedList>;

async function listsModule(): Promise<ParseListPath | null> {
  const candidates = ['../../src/server/modules/screening/lists/parse.js', '../../src/server/modules/screening/lists/index.js'];
  for (const c of candidates) {
    const file = resolve(here, c.replace(/\.js$/, '.ts'));
    if (!existsSync(file)) continue;
    try {
      const mod = (await import(c)) as { parseListPath?: ParseListPath };
      if (typeof mod.parseListPath === 'function') return mod.parseListPath;
    } catch (err) {
      console.warn(`lists module present but not loadable (${(err as Error).message}); using the minimal sdn.csv reader`);
    }
  }
  return null;
}

export async function loadLists(): Promise<LoadedLists> {
  const parse = process.env.SCREENING_MINIMAL_LOADER ? null : await listsModule();
  const out: LoadedLists = { lists: [], loader: parse ? 'lists-module' : 'minimal', loaded: new Set() };
  for (const { source, path } of LIST_PATHS) {
    const full = join(SANCTIONS_DIR, path);
    if (!existsSync(full)) continue;
    if (parse) {
      const parsed = await parse(full);
      out.lists.push({ source: parsed.source ?? source, entities: parsed.entities, file: path });
      out.loaded.add(parsed.source ?? source);
    } else if (source === 'ofac_sdn') {
      out.lists.push({ source, entities: readSdnMinimal(full), file: path });
      out.loaded.add(source);
    }
  }
  const congress = join(SANCTIONS_DIR, 'opensanctions_senzing/us_congress_senzing.json');
  if (existsSync(congress)) {
    out.lists.push({ source: 'opensanctions', entities: readSenzing(congress), file: 'opensanctions_senzing/us_congress_senzing.json' });
    out.loaded.add('pep_us_congress');
  }
  return out;
}

/** Minimal stand-in for the lists module: OFAC sdn.csv (+ sdn_comments.csv) → entities; bench/test only. */
export function readSdnMinimal(dir: string): ListEntity[] {
  const file = statSync(dir).isDirectory() ? join(dir, 'sdn.csv') : dir;
  const comments = new Map<string, string>();
  const cfile = join(dirname(file), 'sdn_comments.csv');
  if (existsSync(cfile)) for (const r of csvRows(readFileSync(cfile, 'latin1'))) comments.set(r[0]!, (comments.get(r[0]!) ?? '') + (r[1] ?? ''));
  const entities: ListEntity[] = [];
  for (const r of csvRows(readFileSync(file, 'latin1'))) {
    if (r.length < 12 || !/^\d+$/.test(r[0]!)) continue;
    const type = r[2]!.toLowerCase();
    const kind: EntityKind = type === 'individual' ? 'person' : type === 'vessel' ? 'vessel' : type === 'aircraft' ? 'aircraft' : 'organization';
    const remarks = (r[11] ?? '') + (comments.get(r[0]!) ?? '');
    const aliases: string[] = [];
    const weakAliases: string[] = [];
    for (const m of remarks.matchAll(/([fn]\.k\.a\.|a\.k\.a\.)\s*'([^']+)'/g)) aliases.push(m[2]!);
    const birthDates = [...remarks.matchAll(/DOB (?:\d{1,2} )?(?:[A-Z][a-z]{2} )?(\d{4})/g)].map((m) => m[1]!);
    const wallets = [...remarks.matchAll(/Digital Currency Address - ([A-Z0-9]+) ([0-9A-Za-z:]+)/g)].map((m) => ({ currency: m[1]!, address: m[2]! }));
    entities.push({
      id: r[0]!, kind, name: r[1]!, aliases, weakAliases, birthDates, nationalities: [], countries: [],
      programs: r[3]!.split('] [').map((p) => p.trim()), topics: ['sanction'], wallets,
    });
  }
  return entities;
}

function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(clean(field));
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r' && c !== '\x1a') field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

function clean(s: string): string {
  const t = s.trim();
  return t === '-0-' ? '' : t;
}

/** OpenSanctions Senzing JSON lines (the us_congress PEP sample) → entities; bench/test only. */
export function readSenzing(file: string): ListEntity[] {
  const out: ListEntity[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as {
      RECORD_ID: string; RECORD_TYPE?: string; NAMES?: { NAME_TYPE?: string; NAME_FULL?: string; NAME_ORG?: string }[];
      DATES?: { DATE_OF_BIRTH?: string }[]; COUNTRIES?: { NATIONALITY?: string }[]; RISKS?: { TOPIC?: string }[];
    };
    const names = (r.NAMES ?? []).map((n) => n.NAME_FULL ?? n.NAME_ORG ?? '').filter(Boolean);
    if (names.length === 0) continue;
    out.push({
      id: r.RECORD_ID, kind: r.RECORD_TYPE === 'PERSON' ? 'person' : 'organization', name: names[0]!, aliases: names.slice(1),
      weakAliases: [], birthDates: (r.DATES ?? []).map((d) => d.DATE_OF_BIRTH ?? '').filter(Boolean),
      nationalities: (r.COUNTRIES ?? []).map((c) => (c.NATIONALITY ?? '').toUpperCase()).filter(Boolean), countries: [],
      programs: [], topics: (r.RISKS ?? []).map((x) => x.TOPIC ?? '').filter(Boolean), wallets: [],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Judging

const require = createRequire(import.meta.url);
let countriesLib: { getAlpha2Code(name: string, lang: string): string | undefined } | null | undefined;
function countryCode(v: string): string | null {
  if (/^[a-z]{2}$/i.test(v)) return v.toUpperCase();
  if (countriesLib === undefined) {
    try {
      const lib = require('i18n-iso-countries') as { getAlpha2Code(n: string, l: string): string | undefined; registerLocale(x: unknown): void };
      lib.registerLocale(require('i18n-iso-countries/langs/en.json'));
      countriesLib = lib;
    } catch {
      countriesLib = null;
    }
  }
  return countriesLib?.getAlpha2Code(v, 'en') ?? null;
}

/** The screening query a case asks (name or wallet, with its DOB / nationality / country properties). */
export function queryOf(c: EvalCase): ScreeningQuery {
  if (c.type === 'wallet') return { wallet: c.query };
  const q: ScreeningQuery = { name: c.query };
  if (c.type === 'person' || c.type === 'organization') q.kind = c.type;
  const p = c.query_props ?? {};
  const dob = p.date_of_birth ?? p.birthDate;
  if (dob && /^\d{4}/.test(dob)) q.birthDate = dob;
  const countries = [p.nationality, p.country].filter((x): x is string => !!x).map(countryCode).filter((x): x is string => !!x);
  if (countries.length) q.countries = countries;
  return q;
}

/** Which row of the report a case belongs to. */
export function groupOf(c: EvalCase): string {
  if (c.type === 'wallet') {
    if (c.category === 'case_variant') return 'wallet: case variants';
    if (c.category === 'near_miss') return 'wallet: near misses';
    if (c.source.startsWith('derived:')) return 'wallet: OFAC SDN (derived)';
    return 'wallet: anchor tests';
  }
  if (c.type === 'address') return 'address (not a name; scored as one)';
  if (c.category === 'cross_script') return 'person: Watchman cross-script';
  if (c.source.includes('watchman')) return `${c.type}: Watchman`;
  if (c.expected_match?.startsWith('UN-SC')) return 'person: yente UN treated (typo/reorder)';
  if (c.expected_match?.startsWith('PEP us_congress')) return 'person: yente US Congress PEPs';
  if (c.expected_match?.startsWith('OS:')) return 'person: yente zala fixture';
  if (c.category === 'synthetic_negative') return 'person: yente synthetic negatives';
  return `${c.type}: nomenklatura ${c.case_group ?? ''}`.trim();
}

export interface Judged {
  c: EvalCase;
  group: string;
  expected: boolean;
  predicted: boolean;
  score: number;
  /** How it was judged: pairwise against the candidate, or a search of the loaded lists. */
  mode: 'pairwise' | 'search';
  detail: string;
}

function entityOf(name: string, type: EvalCase['type']): ListEntity {
  return {
    id: 'candidate', kind: type === 'person' ? 'person' : type === 'organization' ? 'organization' : 'unknown', name,
    aliases: [], weakAliases: [], birthDates: [], nationalities: [], countries: [], programs: [], topics: [], wallets: [],
  };
}

/** A name's normalised tokens in sorted order: list names are often "LAST, First" where the case says "First Last". */
function sortedTokens(name: string): string {
  return normaliseName(name).split(' ').sort().join(' ');
}

function stripPrefix(expected: string): string {
  if (expected.startsWith('OS:')) return expected.replace(/^OS:\S+\s+/, '');
  return expected.replace(/^[A-Za-z_ -]+:\s*(\d+\s+)?/, '');
}

/**
 * Judges one case. Pairwise cases compare the query with `candidate`; list cases search the index and count
 * a hit on the expected entity (by id, or by name for UN/PEP rows) as the match; negatives without a
 * candidate count any hit as a false positive.
 */
export function judge(c: EvalCase, index: ScreeningIndex | null, loaded: Set<string>, threshold = DEFAULT_THRESHOLD, listedNames?: Set<string>): Judged {
  const expected = c.expected_match !== null;
  const q = queryOf(c);
  const base = { c, group: groupOf(c), expected };
  const listSource = c.expected_match?.startsWith('UN-SC') ? 'un_sc'
    : c.expected_match?.startsWith('PEP us_congress') ? 'pep_us_congress'
    : c.expected_match?.startsWith('OS:') ? 'opensanctions'
    : c.expected_match?.startsWith('OFAC-SDN') ? 'ofac_sdn'
    : !c.candidate ? 'any' : null;
  // A case whose expected entity is not on the loaded list version (delisted since the anchor test was written,
  // e.g. UN QDi.317 in 2025) cannot be searched for; it is judged pairwise against its candidate instead.
  const onList = !listedNames || c.expected_id || !c.expected_match || listedNames.has(sortedTokens(stripPrefix(c.expected_match)));
  const canSearch = index && listSource && (listSource === 'any' || loaded.has(listSource)) && onList;
  if (canSearch) {
    const hits = index.search(q, { threshold, limit: 100 });
    if (!expected) {
      return { ...base, mode: 'search', predicted: hits.length > 0, score: hits[0]?.score ?? 0, detail: hits[0] ? `hit ${hits[0].source}:${hits[0].entityId} ${hits[0].entityName} ${hits[0].score}` : 'no hit' };
    }
    const want = sortedTokens(stripPrefix(c.expected_match!));
    const hit = hits.find((h) => (c.expected_id ? h.entityId === c.expected_id : sortedTokens(h.entityName) === want || sortedTokens(h.explanation.matchedName) === want));
    return { ...base, mode: 'search', predicted: !!hit, score: hit?.score ?? 0, detail: hit ? `hit ${hit.entityName} ${hit.score}` : `missed (top: ${hits[0] ? `${hits[0].entityName} ${hits[0].score}` : 'none'})` };
  }
  const candidate = c.candidate ?? (c.expected_match ? stripPrefix(c.expected_match) : null);
  if (!candidate) return { ...base, mode: 'pairwise', predicted: false, score: 0, detail: 'no candidate and no list' };
  const entity = entityOf(c.type === 'wallet' ? '' : candidate, c.type);
  if (c.type === 'wallet') entity.wallets = [{ currency: c.currency ?? '', address: candidate }];
  const m = scorePair(q, entity);
  const score = m?.score ?? 0;
  return { ...base, mode: 'pairwise', predicted: score >= threshold, score, detail: m ? `${m.explanation.normalisedMatchedName} ${score}` : 'no match' };
}

export interface Stats { n: number; tp: number; fp: number; fn: number; tn: number; precision: number; recall: number; f1: number }

export function stats(rows: readonly Judged[]): Stats {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of rows) {
    if (r.expected && r.predicted) tp++;
    else if (!r.expected && r.predicted) fp++;
    else if (r.expected && !r.predicted) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { n: rows.length, tp, fp, fn, tn, precision, recall, f1 };
}

/** Every name and alias on the loaded lists, as sorted normalised tokens (to tell whether an expected name is listed). */
export function listedNamesOf(l: LoadedLists): Set<string> {
  const out = new Set<string>();
  for (const list of l.lists) for (const e of list.entities) for (const n of [e.name, ...e.aliases, ...e.weakAliases]) out.add(sortedTokens(n));
  return out;
}

/** Builds the index over every loaded list. */
export function indexOf(l: LoadedLists): ScreeningIndex {
  return buildScreeningIndex(l.lists);
}

export function dataAvailable(): boolean {
  return existsSync(CASES_FILE) && existsSync(SANCTIONS_DIR) && readdirSync(SANCTIONS_DIR).length > 0;
}
