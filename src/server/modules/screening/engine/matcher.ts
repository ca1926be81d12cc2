// Pairwise scoring: one query against one list entity. The index (screening-index.ts) only decides which
// entities are worth scoring; every score, and every explanation, comes from here.
//
// Name score (0..1), for each of the entity's names (primary, aliases, weak aliases) and the best kept:
//   1. token similarity: exact 1; same phonetic key ≥ 0.9; Jaro-Winkler otherwise; a single-letter token
//      against a token it begins (an initial) 0.9 but with the weight of one letter.
//   2. best assignment of query tokens to list tokens, order-independent (greedy on the similarity matrix,
//      which is optimal for these small matrices in practice and O(n² log n)).
//   3. weighted agreement: Σ sim'·w over matched pairs / (Σ w matched + penalties for unmatched tokens),
//      where sim' drops sharply below 0.8 (two different names with a JW of 0.75 are not "75 % the same").
//   4. the concatenated forms are compared too ("SiemensAG", "Abdul Rahman"/"Abdulrahman").
// Factors then move the score: birth date, nationality/country, entity kind; weak aliases are discounted.

import type { EntityKind, ListEntity, MatchExplanation, MatchFactor, ScreeningMatch, ScreeningQuery, TokenMatch } from '../model.js';
import type { ListSource } from '../model.js';
import { jaroWinkler } from './jaro-winkler.js';
import { MAX_TOKENS, analyseName, type AnalysedName, type NameToken } from './normalise.js';
import { normaliseWallet } from './wallet.js';

/** Bump whenever normalisation, scoring or factors change: stored with every screening as evidence. */
export const ALGORITHM_VERSION = 'bulwark-match-1.0';
/** Default minimum score reported as a hit. */
export const DEFAULT_THRESHOLD = 0.8;

/** How much a weak (low-quality) alias match is worth relative to a strong name. */
const WEAK_ALIAS_FACTOR = 0.9;
/** Weight given to list tokens the query does not have (a list's middle names are often unknown to the query). */
const UNMATCHED_LIST_PENALTY = 0.25;
/** Weight given to query tokens the list name does not have. */
const UNMATCHED_QUERY_PENALTY = 0.5;
/** Weight given to a pair of unmatched tokens, one on each side (a different name in the same place). */
const SUBSTITUTION_PENALTY = 1;
/** Token similarities at or below SHAPE_LO count as no match; from SHAPE_HI up they count as they are. */
const SHAPE_LO = 0.75;
const SHAPE_HI = 0.9;
/** A whole-name (concatenated) similarity counts from here: below it, differences are more than typos. */
const COMPACT_MIN = 0.93;
const PATRONYMIC = /(ovich|evich|ovna|evna|ichna|oglu|ogly|kyzy|qizi)$/;

/** A patronymic the query leaves out is expected (lists give the full Russian form): it costs little. */
function unmatchedListWeight(t: NameToken): number {
  return PATRONYMIC.test(t.text) ? t.weight * 0.3 : t.weight;
}

export interface NameComparison {
  score: number;
  tokens: TokenMatch[];
}

interface TokenSim {
  score: number;
  how: TokenMatch['how'];
}

const TRANSLITERATED_EXACT: TokenSim = { score: 1, how: 'transliterated' };
const EXACT: TokenSim = { score: 1, how: 'exact' };
const NONE: TokenSim = { score: 0, how: 'fuzzy' };

function tokenSimilarity(q: NameToken, l: NameToken, transliterated: boolean): TokenSim {
  if (q.text === l.text) return transliterated ? TRANSLITERATED_EXACT : EXACT;
  const ql = q.text.length;
  const ll = l.text.length;
  if (ql === 1 || ll === 1) {
    // An initial stands for a token it begins; it never matches more than that.
    if ((ql === 1 && l.text.startsWith(q.text)) || (ll === 1 && q.text.startsWith(l.text))) return { score: 0.9, how: 'initial' };
    return NONE;
  }
  let jw = jaroWinkler(q.text, l.text);
  // Jaro-Winkler rewards a shared prefix even when one token is twice the other ("ahmed" in "ahmedsultan"
  // scores 0.90): a token that is much shorter than the other is capped by the length ratio.
  const ratio = Math.min(ql, ll) / Math.max(ql, ll);
  if (ratio < 0.75) jw *= 0.85 + 0.2 * ratio;
  if (q.key.length >= 2 && q.key === l.key && jw >= 0.75) return { score: Math.max(0.9, jw), how: jw >= 0.9 ? 'fuzzy' : 'phonetic' };
  return { score: jw, how: 'fuzzy' };
}

/** Similarity after the drop-off: close tokens keep their score, distant ones count for (almost) nothing. */
function shaped(sim: number): number {
  if (sim >= SHAPE_HI) return sim;
  if (sim <= SHAPE_LO) return 0;
  return sim * ((sim - SHAPE_LO) / (SHAPE_HI - SHAPE_LO));
}

/**
 * Per-query memo of token similarities: a query is compared with many list names that share tokens
 * (mohammed, al, bank), and Jaro-Winkler is the bulk of the cost. One map per query token, keyed by list token.
 */
export type TokenSimCache = Map<string, TokenSim>[];

/** A fresh similarity memo for one query (pass it to every compareNames call of that query). */
export function tokenSimCache(q: AnalysedName): TokenSimCache {
  return q.tokens.map(() => new Map<string, TokenSim>());
}

// Scratch space for compareNames (names have at most MAX_TOKENS tokens): one comparison allocates nothing
// unless it is asked to explain itself.
const MAX_PAIRS = MAX_TOKENS * MAX_TOKENS;
const pairScore = new Float64Array(MAX_PAIRS);
const pairQ = new Int32Array(MAX_PAIRS);
const pairL = new Int32Array(MAX_PAIRS);
const pairSim: TokenSim[] = new Array<TokenSim>(MAX_PAIRS);
const usedQ = new Uint8Array(MAX_TOKENS);
const usedL = new Uint8Array(MAX_TOKENS);
const unmatchedQ = new Float64Array(MAX_TOKENS);
const unmatchedL = new Float64Array(MAX_TOKENS);

/** Sorts the first n values of a descending (insertion sort: n is at most a dozen). */
function sortDesc(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! < v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Upper bound of the Jaro-Winkler of two strings from their letter counts (Jaro matches ≤ common letters). */
function compactBound(q: AnalysedName, l: AnalysedName): number {
  let common = 0;
  const a = q.letters;
  const b = l.letters;
  for (let k = 0; k < a.length; k++) common += a[k]! < b[k]! ? a[k]! : b[k]!;
  const qa = q.sortedCompact.length;
  const lb = l.sortedCompact.length;
  if (common === 0) return 0;
  const j = (common / qa + common / lb + 1) / 3;
  return j + 0.4 * (1 - j);
}

/**
 * Compares two analysed names; order-independent. `explain` false skips building the token list (the
 * index scores many names per query and explains only the ones it reports).
 */
export function compareNames(q: AnalysedName, l: AnalysedName, cache?: TokenSimCache, explain = true): NameComparison {
  const nq = Math.min(q.tokens.length, MAX_TOKENS);
  const nl = Math.min(l.tokens.length, MAX_TOKENS);
  if (nq === 0 || nl === 0) return { score: 0, tokens: [] };
  const translit = q.transliterated || l.transliterated;
  if (q.compact === l.compact || q.fullCompact === l.fullCompact) {
    const how: TokenMatch['how'] = translit ? 'transliterated' : 'exact';
    return { score: 1, tokens: explain ? [{ query: q.normalised, list: l.normalised, score: 1, how }] : [] };
  }
  let np = 0;
  for (let i = 0; i < nq; i++) {
    const memo = cache?.[i];
    for (let j = 0; j < nl; j++) {
      const lt = l.tokens[j]!;
      let sim = memo?.get(lt.text);
      if (!sim) {
        sim = tokenSimilarity(q.tokens[i]!, lt, false);
        memo?.set(lt.text, sim);
      }
      if (sim.score <= SHAPE_LO) continue;
      // Insertion into the list sorted best first. Ties are broken by the tokens themselves, not their
      // positions, so the result does not depend on the order the tokens were written in.
      let k = np++;
      while (k > 0) {
        const ps = pairScore[k - 1]!;
        const before = ps > sim.score || (ps === sim.score && (cmpText(q.tokens[pairQ[k - 1]!]!.text, q.tokens[i]!.text) || cmpText(l.tokens[pairL[k - 1]!]!.text, lt.text)) <= 0);
        if (before) break;
        pairScore[k] = ps;
        pairQ[k] = pairQ[k - 1]!;
        pairL[k] = pairL[k - 1]!;
        pairSim[k] = pairSim[k - 1]!;
        k--;
      }
      pairScore[k] = sim.score;
      pairQ[k] = i;
      pairL[k] = j;
      pairSim[k] = translit && sim.how === 'exact' ? TRANSLITERATED_EXACT : sim;
    }
  }
  usedQ.fill(0, 0, nq);
  usedL.fill(0, 0, nl);
  const tokens: TokenMatch[] = [];
  let num = 0;
  let den = 0;
  let matched = 0;
  let initials = 0;
  for (let p = 0; p < np; p++) {
    const i = pairQ[p]!;
    const j = pairL[p]!;
    if (usedQ[i] || usedL[j]) continue;
    usedQ[i] = 1;
    usedL[j] = 1;
    const qt = q.tokens[i]!;
    const lt = l.tokens[j]!;
    const sim = pairSim[p]!;
    // An initial weighs what one letter weighs, on both sides.
    const w = sim.how === 'initial' ? Math.min(qt.weight, lt.weight) : (qt.weight + lt.weight) / 2;
    num += shaped(sim.score) * w;
    den += w;
    matched++;
    if (sim.how === 'initial') initials++;
    if (explain) tokens.push({ query: qt.text, list: lt.text, score: round(sim.score), how: sim.how });
  }
  let score = 0;
  if (matched > 0) {
    // Unmatched tokens. One on each side is a substitution (the query has another name where the list has one:
    // "Ahmad Hasib Turk" / "Ahmad Abdul Turk"), which is evidence of a different person and counts in full;
    // a token only one side has (a middle name the other omits) counts for less.
    let nuq = 0;
    let nul = 0;
    for (let i = 0; i < nq; i++) if (!usedQ[i]) unmatchedQ[nuq++] = q.tokens[i]!.weight;
    for (let j = 0; j < nl; j++) if (!usedL[j]) unmatchedL[nul++] = unmatchedListWeight(l.tokens[j]!);
    sortDesc(unmatchedQ, nuq);
    sortDesc(unmatchedL, nul);
    const subst = Math.min(nuq, nul);
    for (let k = 0; k < nuq; k++) den += unmatchedQ[k]! * (k < subst ? SUBSTITUTION_PENALTY : UNMATCHED_QUERY_PENALTY);
    for (let k = 0; k < nul; k++) den += unmatchedL[k]! * (k < subst ? SUBSTITUTION_PENALTY : UNMATCHED_LIST_PENALTY);
    score = den > 0 ? num / den : 0;
    // Initials alone ("K M A" against "Mohammed Anne Khan") are no evidence of identity.
    if (initials === matched) score = Math.min(0.5, score);
  }
  // Token boundaries drawn differently ("Abdul Rahman" / "Abdulrahman", "Al Qaida" / "Alqaida") and typos in
  // short syllables ("Han Yyu-ro"): the concatenated tokens compared as one string. Only worth computing when
  // it could win: the token score is below the bar it would need to beat, and the letters the two have in
  // common allow a Jaro-Winkler of 0.93 at all.
  if (score < COMPACT_MIN && q.sortedCompact.length >= 6 && l.sortedCompact.length >= 6 && compactBound(q, l) >= COMPACT_MIN) {
    const c = jaroWinkler(q.sortedCompact, l.sortedCompact);
    if (c >= COMPACT_MIN && c > score) {
      return { score: c, tokens: explain ? [{ query: q.normalised, list: l.normalised, score: round(c), how: 'fuzzy' }] : [] };
    }
  }
  return { score, tokens };
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

// ---------------------------------------------------------------------------------------------------------
// Factors

/** The most the factors can add (a full date of birth and a country in common). */
const MAX_FACTOR_GAIN = 0.08 + 0.03;

const YEAR = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/;

function birthDateFactor(query: string | undefined, listed: string[]): MatchFactor | null {
  if (!query || listed.length === 0) return null;
  const q = YEAR.exec(query);
  if (!q) return null;
  let best: MatchFactor | null = null;
  for (const d of listed) {
    const m = YEAR.exec(d);
    if (!m) continue;
    const dy = Math.abs(Number(q[1]) - Number(m[1]));
    let f: MatchFactor;
    if (dy === 0) {
      const full = q[2] && q[3] && m[2] && m[3];
      if (full && (q[2] !== m[2] || q[3] !== m[3])) f = { factor: 'birth_date', effect: 0, detail: `same year ${m[1]}, different day (${d})` };
      else f = { factor: 'birth_date', effect: full ? 0.08 : 0.05, detail: full ? `same date of birth ${d}` : `same year of birth ${m[1]}` };
    } else if (dy === 1) f = { factor: 'birth_date', effect: -0.03, detail: `year of birth ${m[1]} is one year off` };
    else f = { factor: 'birth_date', effect: -0.15, detail: `different year of birth (${m[1]})` };
    if (!best || f.effect > best.effect) best = f;
  }
  return best;
}

function countryFactor(query: string[] | undefined, entity: ListEntity): MatchFactor | null {
  if (!query || query.length === 0) return null;
  const listed = new Set([...entity.nationalities, ...entity.countries].map((c) => c.toUpperCase()));
  if (listed.size === 0) return null;
  const hit = query.map((c) => c.toUpperCase()).find((c) => listed.has(c));
  if (hit) return { factor: 'country', effect: 0.03, detail: `country ${hit} is on the listing` };
  return { factor: 'country', effect: -0.05, detail: `no country in common (listed: ${[...listed].slice(0, 5).join(', ')})` };
}

function kindFactor(query: ScreeningQuery['kind'], kind: EntityKind): MatchFactor | null {
  if (!query || kind === 'unknown' || kind === query) return null;
  return { factor: 'kind', effect: -0.15, detail: `query is a ${query}, listed entity is a ${kind}` };
}

// ---------------------------------------------------------------------------------------------------------
// Entity scoring (shared by scorePair and the index)

export interface AnalysedEntityName {
  name: string;
  kind: MatchExplanation['nameKind'];
  analysed: AnalysedName;
}

/** The names of an entity, analysed for matching (primary, strong aliases, weak aliases; duplicates dropped). */
export function analyseEntityNames(entity: ListEntity): AnalysedEntityName[] {
  const out: AnalysedEntityName[] = [];
  const seen = new Set<string>();
  const add = (name: string, kind: AnalysedEntityName['kind']) => {
    const analysed = analyseName(name, entity.kind);
    if (analysed.tokens.length === 0 || seen.has(analysed.compact)) return;
    seen.add(analysed.compact);
    out.push({ name, kind, analysed });
  };
  add(entity.name, 'primary');
  for (const a of entity.aliases) add(a, 'alias');
  for (const a of entity.weakAliases) add(a, 'weak_alias');
  return out;
}

function clamp01(n: number): number {
  return n < 0 ? 0 : n > 1 ? 1 : n;
}

/** Scores a query name against some of an entity's names; null when no name shares anything. */
export function scoreEntity(
  source: ListSource,
  entity: ListEntity,
  names: readonly AnalysedEntityName[],
  query: ScreeningQuery,
  analysedQuery: AnalysedName,
  cache?: TokenSimCache,
  minScore?: number,
): ScreeningMatch | null {
  let best: { name: AnalysedEntityName; cmp: NameComparison; score: number } | null = null;
  for (const n of names) {
    const cmp = compareNames(analysedQuery, n.analysed, cache, false);
    if (cmp.score <= 0) continue;
    const score = n.kind === 'weak_alias' ? cmp.score * WEAK_ALIAS_FACTOR : cmp.score;
    if (!best || score > best.score) best = { name: n, cmp, score };
  }
  if (!best) return null;
  // Factors can add at most this much: a name that cannot reach the bar even so is not explained.
  if (minScore !== undefined && best.score + MAX_FACTOR_GAIN < minScore) return null;
  best.cmp = compareNames(analysedQuery, best.name.analysed, cache, true);
  const factors: MatchFactor[] = [];
  if (best.name.kind === 'weak_alias') {
    factors.push({ factor: 'name_coverage', effect: round(best.score - best.cmp.score), detail: 'matched a weak (low-quality) alias' });
  }
  for (const f of [birthDateFactor(query.birthDate, entity.birthDates), countryFactor(query.countries, entity), kindFactor(query.kind, entity.kind)]) {
    if (f) factors.push(f);
  }
  const nameFactors = factors.filter((f) => f.factor !== 'name_coverage').reduce((s, f) => s + f.effect, 0);
  const score = clamp01(best.score + nameFactors);
  return matchOf(source, entity, round(score), {
    query: analysedQuery.normalised,
    matchedName: best.name.name,
    normalisedMatchedName: best.name.analysed.normalised,
    nameKind: best.name.kind,
    tokens: best.cmp.tokens,
    nameScore: round(best.cmp.score),
    factors,
  });
}

function matchOf(source: ListSource, entity: ListEntity, score: number, explanation: MatchExplanation): ScreeningMatch {
  return { source, entityId: entity.id, entityName: entity.name, kind: entity.kind, topics: entity.topics, score, explanation };
}

/** Wallet hit: exact under the chain's case rules (wallet.ts); score 1 with the wallet as the explanation. */
export function walletMatch(source: ListSource, entity: ListEntity, queryWallet: string): ScreeningMatch | null {
  const q = normaliseWallet(queryWallet);
  if (!q) return null;
  const w = entity.wallets.find((x) => normaliseWallet(x.address, x.currency) === q);
  if (!w) return null;
  return matchOf(source, entity, 1, {
    query: q,
    matchedName: w.address,
    normalisedMatchedName: q,
    nameKind: 'wallet',
    tokens: [],
    nameScore: 1,
    factors: [{ factor: 'wallet', effect: 0, detail: `${w.currency} address listed on the entity (exact match)` }],
  });
}

/**
 * Scores one query against one entity (no index): the wallet if both have one, else the names.
 * `source` defaults to 'opensanctions' for ad-hoc evaluation; null when nothing matches at all.
 */
export function scorePair(query: ScreeningQuery, entity: ListEntity, source: ListSource = 'opensanctions'): ScreeningMatch | null {
  if (query.wallet) {
    const w = walletMatch(source, entity, query.wallet);
    if (w) return w;
  }
  if (!query.name) return null;
  const q = analyseName(query.name, query.kind);
  if (q.tokens.length === 0) return null;
  return scoreEntity(source, entity, analyseEntityNames(entity), query, q);
}
