// The in-memory screening index: every name of every entity analysed once, an inverted index from blocking
// keys to names, and a map from canonical wallet address to entities.
//
// A search never scores the whole list. Candidate generation ("blocking") looks up each query token's keys
//   t:<token>     the token itself                      (exact tokens, reordered names)
//   p:<phonetic>  its phonetic key                      (Mohammed / Muhammad, Akhmed / Ahmed)
//   f:<prefix3> / s:<suffix3>  first and last 3 letters  (typos in the middle or at one end of a token)
//   c:<compact>   the whole name without spaces          (SiemensAG, Abdulrahman)
// and adds the key's inverse document frequency to every name it lists. The MAX_CANDIDATES names with the
// highest sums are scored in full by matcher.ts. Frequent keys (al, mohammed) cost a walk over their posting
// list but are outweighed by rare ones, so the bounded candidate set still holds the right names.

import type { ListEntity, ListSource, ScreeningIndex, ScreeningMatch, ScreeningQuery, SearchOptions } from '../model.js';
import { ALGORITHM_VERSION, DEFAULT_THRESHOLD, analyseEntityNames, scoreEntity, walletMatch, type AnalysedEntityName } from './matcher.js';
import { analyseName, STOPWORDS, type AnalysedName } from './normalise.js';
import { normaliseWallet } from './wallet.js';

/** Names scored in full per query, at most. */
export const MAX_CANDIDATES = 80;
const DEFAULT_LIMIT = 10;

interface IndexedEntity {
  source: ListSource;
  entity: ListEntity;
  names: AnalysedEntityName[];
}

/** The blocking keys of an analysed name (shared by indexing and querying so both sides agree). */
export function blockingKeys(a: AnalysedName): string[] {
  const keys = new Set<string>();
  const significant = a.tokens.filter((t) => !STOPWORDS.has(t.text) && t.text.length > 1);
  const use = significant.length > 0 ? significant : a.tokens;
  for (const t of use) {
    keys.add('t:' + t.text);
    if (t.key.length >= 2) keys.add('p:' + t.key);
    if (t.text.length >= 5) {
      keys.add('f:' + t.text.slice(0, 3));
      keys.add('s:' + t.text.slice(-3));
    }
  }
  if (a.compact.length > 0) keys.add('c:' + a.compact);
  return [...keys];
}

class InMemoryScreeningIndex implements ScreeningIndex {
  readonly algorithmVersion = ALGORITHM_VERSION;
  readonly entityCount: number;
  private readonly entities: IndexedEntity[];
  /** name ref → entity index, and → the name's position in that entity's names. */
  private readonly nameEntity: Int32Array;
  private readonly nameSlot: Int32Array;
  private readonly postings = new Map<string, Int32Array>();
  private readonly wallets = new Map<string, number[]>();
  /** Scratch for a search: accumulated blocking weight per name ref (reset after each search). */
  private readonly acc: Float64Array;

  constructor(lists: readonly { source: ListSource; entities: readonly ListEntity[] }[]) {
    this.entities = [];
    for (const l of lists) for (const e of l.entities) this.entities.push({ source: l.source, entity: e, names: analyseEntityNames(e) });
    this.entityCount = this.entities.length;
    let nameCount = 0;
    for (const e of this.entities) nameCount += e.names.length;
    this.nameEntity = new Int32Array(nameCount);
    this.nameSlot = new Int32Array(nameCount);
    this.acc = new Float64Array(nameCount);
    const building = new Map<string, number[]>();
    let ref = 0;
    this.entities.forEach((e, ei) => {
      e.names.forEach((n, slot) => {
        this.nameEntity[ref] = ei;
        this.nameSlot[ref] = slot;
        for (const k of blockingKeys(n.analysed)) {
          let list = building.get(k);
          if (!list) building.set(k, (list = []));
          list.push(ref);
        }
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
    for (const [k, list] of building) this.postings.set(k, Int32Array.from(list));
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
        for (const [ei, names] of this.candidates(q)) {
          if (byEntity.has(ei)) continue;
          const e = this.entities[ei]!;
          const m = scoreEntity(e.source, e.entity, names, query, q);
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
    for (const k of blockingKeys(q)) {
      const list = this.postings.get(k);
      if (!list) continue;
      const idf = Math.log(1 + total / list.length);
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!;
        if (acc[r] === 0) touched.push(r);
        acc[r] = acc[r]! + idf;
      }
    }
    let chosen = touched;
    if (touched.length > MAX_CANDIDATES) {
      chosen = touched.slice().sort((a, b) => acc[b]! - acc[a]! || a - b).slice(0, MAX_CANDIDATES);
    }
    for (const r of touched) acc[r] = 0;
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

/** Builds an index over the entities of one or more lists (pure, in memory; rebuild when a list changes). */
export function buildScreeningIndex(lists: readonly { source: ListSource; entities: readonly ListEntity[] }[]): ScreeningIndex {
  return new InMemoryScreeningIndex(lists);
}
