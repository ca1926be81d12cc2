// The in-memory screening index: every name of every entity analysed once, an inverted index from blocking
// keys to names, and a map from canonical wallet address to entities.
//
// A search never scores the whole list. Candidate generation ("blocking") looks up each query token's keys
//   t:<token>     the token itself                      (exact tokens, reordered names)
//   p:<phonetic>  its phonetic key                      (Mohammed / Muhammad, Akhmed / Ahmed)
//   d:<deletion>  the token and each 1-deletion of it    (any single-character typo: symmetric delete)
//   f:<prefix3> / s:<suffix3>  first and last 3 letters  (several typos at one end of a token)
//   c:<compact>   the whole name without spaces, and its 1-deletions (SiemensAG, Abdulrahman, AhmedSultn)
// Typo keys (d, f, s) are looked up only for query tokens that no list has. A name's evidence is the sum over
// query tokens of its best key's inverse document frequency. Names with less than MIN_EVIDENCE of the query's
// possible evidence are dropped; of the rest, the MAX_CANDIDATES with the most evidence are scored in full by
// matcher.ts. Frequent keys (al, mohammed) cost a walk over their posting list but weigh little.

import type { ListEntity, ListSource, ScreeningIndex, ScreeningMatch, ScreeningQuery, SearchOptions } from '../model.js';
import { ALGORITHM_VERSION, DEFAULT_THRESHOLD, analyseEntityNames, scoreEntity, tokenSimCache, walletMatch, type AnalysedEntityName } from './matcher.js';
import { analyseName, STOPWORDS, type AnalysedName } from './normalise.js';
import { normaliseWallet } from './wallet.js';

/** Names scored in full per query, at most. */
export const MAX_CANDIDATES = 80;
/** A candidate must share at least this fraction of the query's blocking weight. */
export const MIN_EVIDENCE = 0.4;
/** A candidate must share keys with query tokens holding at least this fraction of the query's token weight. */
export const MIN_COVERAGE = 0.6;
const DEFAULT_LIMIT = 10;

interface IndexedEntity {
  source: ListSource;
  entity: ListEntity;
  names: AnalysedEntityName[];
}

/** Kinds of blocking key; each kind has its own map, so a key needs no prefix string to tell them apart. */
const KEY = { token: 0, phonetic: 1, deletion: 2, prefix: 3, suffix: 4, compact: 5 } as const;
const KEY_KINDS = 6;

/** The keys one query token (or list token) contributes: kinds[i] is the kind of keys[i]. */
export interface KeyGroup {
  kinds: number[];
  keys: string[];
  weight: number;
}

function add(g: KeyGroup, kind: number, key: string): void {
  for (let i = 0; i < g.keys.length; i++) if (g.kinds[i] === kind && g.keys[i] === key) return;
  g.kinds.push(kind);
  g.keys.push(key);
}

/** The token itself and every string one deletion away from it (symmetric-delete blocking, as in SymSpell). */
function deletions(text: string): string[] {
  const out = [text];
  for (let i = 0; i < text.length; i++) out.push(text.slice(0, i) + text.slice(i + 1));
  return out;
}

/**
 * The blocking keys of an analysed name, grouped by the token they come from (a name's evidence for one query
 * token is its best key, so a token with many keys does not outweigh the others). Shared by indexing and
 * querying so both sides agree. On the query side `known` says whether a token is a list token: the
 * typo-catching keys (deletions, prefix/suffix) are looked up only for tokens the lists do not have, since a
 * known token already finds its names exactly. The index side (no `known`) stores every key.
 */
export function blockingKeyGroups(a: AnalysedName, known?: (token: string) => boolean): KeyGroup[] {
  const groups: KeyGroup[] = [];
  const significant = a.tokens.filter((t) => !STOPWORDS.has(t.text) && t.text.length > 1);
  const use = significant.length > 0 ? significant : a.tokens;
  for (const t of use) {
    const g: KeyGroup = { kinds: [KEY.token], keys: [t.text], weight: t.weight };
    if (t.key.length >= 2) add(g, KEY.phonetic, t.key);
    if (!known || !known(t.text)) {
      if (t.text.length >= 4) for (const d of deletions(t.text)) add(g, KEY.deletion, d);
      if (t.text.length >= 5) {
        add(g, KEY.prefix, t.text.slice(0, 3));
        add(g, KEY.suffix, t.text.slice(-3));
      }
    }
    groups.push(g);
  }
  return groups;
}

/**
 * Whole-name keys: the name without spaces, and (for 6 to 24 letters) each one-letter deletion of it; and the
 * name without spaces before legal forms were removed ("LimitedLiability Company River Park").
 */
function compactKeys(a: AnalysedName): string[] {
  const c = a.compact;
  if (c.length === 0) return [];
  const keys = c.length < 6 || c.length > 24 ? [c] : deletions(c);
  if (a.fullCompact !== c) keys.push(a.fullCompact);
  return keys;
}

class InMemoryScreeningIndex implements ScreeningIndex {
  readonly algorithmVersion = ALGORITHM_VERSION;
  readonly entityCount: number;
  private readonly entities: IndexedEntity[];
  /** name ref → entity index, and → the name's position in that entity's names. */
  private readonly nameEntity: Int32Array;
  private readonly nameSlot: Int32Array;
  /**
   * Posting lists, flat: key → its number; postingStart[n]..postingStart[n + 1] indexes postingData (name refs).
   * One typed array for all keys instead of one per key: most keys (deletions) list one or two names, and a
   * typed array's own overhead would be most of the index's memory.
   */
  private readonly keys: Map<string, number>[] = Array.from({ length: KEY_KINDS }, () => new Map<string, number>());
  private readonly postingStart: Int32Array;
  private readonly postingData: Int32Array;
  private readonly wallets = new Map<string, number[]>();
  /** Scratch for a search: accumulated blocking weight per name ref (reset after each search). */
  private readonly acc: Float64Array;
  /** Scratch: a name's best key weight for the query token being looked up. */
  private readonly tokenBest: Float64Array;
  /** Scratch: the query token weight a name shares keys with. */
  private readonly covered: Float64Array;

  constructor(lists: readonly { source: ListSource; entities: readonly ListEntity[] }[]) {
    this.entities = [];
    for (const l of lists) for (const e of l.entities) this.entities.push({ source: l.source, entity: e, names: analyseEntityNames(e) });
    this.entityCount = this.entities.length;
    let nameCount = 0;
    for (const e of this.entities) nameCount += e.names.length;
    this.nameEntity = new Int32Array(nameCount);
    this.nameSlot = new Int32Array(nameCount);
    this.acc = new Float64Array(nameCount);
    this.tokenBest = new Float64Array(nameCount);
    this.covered = new Float64Array(nameCount);
    // Per kind, key → name refs in ascending order (so a ref already last on a list is a duplicate).
    const building: Map<string, number[]>[] = Array.from({ length: KEY_KINDS }, () => new Map<string, number[]>());
    const post = (kind: number, k: string, ref: number) => {
      let list = building[kind]!.get(k);
      if (!list) building[kind]!.set(k, (list = []));
      if (list[list.length - 1] !== ref) list.push(ref);
    };
    let ref = 0;
    this.entities.forEach((e, ei) => {
      e.names.forEach((n, slot) => {
        this.nameEntity[ref] = ei;
        this.nameSlot[ref] = slot;
        for (const g of blockingKeyGroups(n.analysed)) for (let i = 0; i < g.keys.length; i++) post(g.kinds[i]!, g.keys[i]!, ref);
        for (const k of compactKeys(n.analysed)) post(KEY.compact, k, ref);
        ref++;
      });
      for (const w of e.entity.wallets) {
        const canon = normaliseWallet(w.address, w.currency);
        if (!canon) continue;
        let list = this.wallets.get(canon);
        if (!list) this.wallets.set(canon, (list = []));
        if (!list.includes(ei)) list.push(ei);
      }
    });
    let size = 0;
    let count = 0;
    for (const m of building) {
      count += m.size;
      for (const list of m.values()) size += list.length;
    }
    this.postingStart = new Int32Array(count + 1);
    this.postingData = new Int32Array(size);
    let n = 0;
    let at = 0;
    building.forEach((m, kind) => {
      for (const [k, list] of m) {
        this.keys[kind]!.set(k, n);
        this.postingStart[n] = at;
        for (const r of list) this.postingData[at++] = r;
        n++;
      }
    });
    this.postingStart[n] = at;
  }

  search(query: ScreeningQuery, opts: SearchOptions = {}): ScreeningMatch[] {
    const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
    const limit = opts.limit ?? DEFAULT_LIMIT;
    const byEntity = new Map<number, ScreeningMatch>();
    if (query.wallet) {
      const canon = normaliseWallet(query.wallet);
      for (const ei of (canon && this.wallets.get(canon)) || []) {
        const e = this.entities[ei]!;
        const m = walletMatch(e.source, e.entity, query.wallet);
        if (m) byEntity.set(ei, m);
      }
    }
    if (query.name) {
      const q = analyseName(query.name, query.kind);
      if (q.tokens.length > 0) {
        const cache = tokenSimCache(q);
        for (const [ei, names] of this.candidates(q)) {
          if (byEntity.has(ei)) continue;
          const e = this.entities[ei]!;
          const m = scoreEntity(e.source, e.entity, names, query, q, cache, threshold);
          if (m && m.score >= threshold) byEntity.set(ei, m);
        }
      }
    }
    const out = [...byEntity.values()].filter((m) => m.score >= threshold);
    out.sort((a, b) => b.score - a.score || a.source.localeCompare(b.source) || a.entityId.localeCompare(b.entityId));
    return out.slice(0, limit);
  }

  /** Candidate names grouped by entity: the MAX_CANDIDATES best by summed blocking weight. */
  private candidates(q: AnalysedName): Map<number, AnalysedEntityName[]> {
    const total = this.nameEntity.length;
    const touched: number[] = [];
    const acc = this.acc;
    const best = this.tokenBest;
    const covered = this.covered;
    let queryWeight = 0;
    let tokenWeight = 0;
    const start = this.postingStart;
    const data = this.postingData;
    const tokens = this.keys[KEY.token]!;
    for (const group of blockingKeyGroups(q, (t) => tokens.has(t))) {
      // Per query token: each name's best key weight (max, not sum), then added to the name's evidence.
      const seen: number[] = [];
      let groupMax = 0;
      for (let g = 0; g < group.keys.length; g++) {
        const n = this.keys[group.kinds[g]!]!.get(group.keys[g]!);
        if (n === undefined) continue;
        const from = start[n]!;
        const to = start[n + 1]!;
        const idf = Math.log(1 + total / (to - from));
        if (idf > groupMax) groupMax = idf;
        for (let i = from; i < to; i++) {
          const r = data[i]!;
          const b = best[r]!;
          if (b === 0) seen.push(r);
          if (idf > b) best[r] = idf;
        }
      }
      queryWeight += groupMax;
      // A token no key of which is on any list ("Aiexandvr") can still match fuzzily, but no name shares
      // evidence for it: it does not count against a name's coverage.
      if (groupMax > 0) tokenWeight += group.weight;
      for (const r of seen) {
        if (acc[r] === 0) touched.push(r);
        acc[r] = acc[r]! + best[r]!;
        covered[r] = covered[r]! + group.weight;
        best[r] = 0;
      }
    }
    // A name that shares less than MIN_EVIDENCE of the query's blocking weight cannot reach a hit: the
    // tokens it does not share a key with would have to match fuzzily, and they weigh too much for that.
    // A name equal to the query once spaces are dropped ("SiemensAG"), or one typo away from it, is always a
    // candidate.
    // And a name must share keys with query tokens holding MIN_COVERAGE of the query's token weight: the score
    // counts a query token left unmatched at half its weight at least, so a name that can match only tokens
    // holding less than two thirds of the weight cannot reach 0.8 (0.6 leaves room for fuzzy matches).
    const floor = queryWeight * MIN_EVIDENCE;
    const coverageFloor = tokenWeight * MIN_COVERAGE;
    for (const k of compactKeys(q)) {
      const n = this.keys[KEY.compact]!.get(k);
      if (n === undefined) continue;
      for (let i = start[n]!; i < start[n + 1]!; i++) {
        const r = data[i]!;
        if (acc[r] === 0) touched.push(r);
        if (acc[r]! < queryWeight + 1) acc[r] = queryWeight + 1;
        covered[r] = tokenWeight;
      }
    }
    let chosen = touched.filter((r) => acc[r]! >= floor && covered[r]! >= coverageFloor);
    if (chosen.length > MAX_CANDIDATES) {
      // The K-th largest weight by selection (no full sort), then the names at or above it, capped at K.
      const pool = chosen;
      const cut = kthLargest(Float64Array.from(pool, (r) => acc[r]!), MAX_CANDIDATES);
      chosen = [];
      for (const r of pool) if (acc[r]! > cut) chosen.push(r);
      for (const r of pool) if (chosen.length < MAX_CANDIDATES && acc[r] === cut) chosen.push(r);
    }
    for (const r of touched) {
      acc[r] = 0;
      covered[r] = 0;
    }
    const out = new Map<number, AnalysedEntityName[]>();
    for (const r of chosen) {
      const ei = this.nameEntity[r]!;
      const name = this.entities[ei]!.names[this.nameSlot[r]!]!;
      const list = out.get(ei);
      if (list) list.push(name);
      else out.set(ei, [name]);
    }
    return out;
  }
}

/** The k-th largest value (1-based) of `a` (Hoare's quickselect; reorders `a`). */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}

/** Builds an index over the entities of one or more lists (pure, in memory; rebuild when a list changes). */
export function buildScreeningIndex(lists: readonly { source: ListSource; entities: readonly ListEntity[] }[]): ScreeningIndex {
  return new InMemoryScreeningIndex(lists);
}
