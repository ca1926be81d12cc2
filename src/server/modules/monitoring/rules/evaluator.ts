// The rule evaluator: pure TypeScript, no database, no clock of its own. Live evaluation (the ingestion hook) and
// the backtest run this same code, so a backtest predicts what the live rule does.
//
// Per trader it keeps (TraderState): the trader's events within the longest window of the rules (ordered by
// occurredAt then eventId; a late event is inserted in order; an eventId is held once), per event type the
// newest activity older than that window (dormancy), per UTC day and type the count and USD sum (baselines), and
// the recent hits of the parts of all/any combinations. States live in an LRU bounded by trader count and by
// buffered events (memory); an evicted trader is warmed again from the database by the caller.
//
// Window semantics (one rule for all windowed conditions): the window of an event at time t is the closed interval
// [t − W, t]: an event exactly W before counts, one a millisecond earlier does not; events later than t never count.
// A windowed condition is evaluated for the window ending at each event that can complete it; a late event also
// re-evaluates the windows ending at the later events within W after it (they now contain it), so the hits found
// for a set of events do not depend on the order they arrived in. Thresholds are ≥ (amounts, counts, sums,
// percentages, dormant days); baseline deviation is strictly greater than factor × baseline; the structuring band
// is [threshold − threshold × band, threshold): the lower edge counts, the threshold itself does not.
import {
  durationMs,
  type BaselineDeviationCondition,
  type Condition,
  type DormantReactivatedCondition,
  type HighRiskJurisdictionCondition,
  type RapidInOutCondition,
  type RuleDefinition,
  type SanctionedCounterpartyCondition,
  type StructuringCondition,
  type ThresholdCondition,
  type VelocityCondition,
} from '../../../../contracts/monitoring-rules.js';
import type { EventType, JurisdictionLookup, MonitoringEvent, RuleHit, SanctionedWalletLookup } from '../model.js';

export const DAY_MS = 86_400_000;
/** At most this many event ids travel with a hit (the newest ones); the facts carry the full count. */
export const MAX_HIT_EVENT_IDS = 100;

export interface ActiveRule {
  id: string;
  version: number;
  definition: RuleDefinition;
}

export interface EvaluatorDeps {
  jurisdiction: JurisdictionLookup;
  walletListed: SanctionedWalletLookup;
  /** Epoch ms: the detection time stamped on hits (the backtest passes the event's own time). */
  now: () => number;
}

export interface EvaluatorLimits {
  /** Traders whose state is kept. */
  maxTraders: number;
  /** Events buffered over all traders (about 200–300 bytes each). */
  maxEvents: number;
}

export const DEFAULT_LIMITS: EvaluatorLimits = { maxTraders: 200_000, maxEvents: 2_000_000 };

/** What the state needs from history: the longest window, dormancy, the longest baseline. */
export interface Lookback {
  windowMs: number;
  /** A dormancy rule is active: the newest activity per type before the window is needed. */
  prior: boolean;
  baselineDays: number;
}

/** One day's activity of one type. */
export interface DayAggregate {
  day: number;
  type: EventType;
  count: number;
  sumUsd: number;
}

/** A trader's state as read from the database (warm-up). */
export interface TraderSeed {
  /** Events within the look-back window (any order). */
  events: MonitoringEvent[];
  /** Per type, the newest occurredAt before the window. */
  prior: Partial<Record<EventType, number>>;
  /** Day aggregates of the baseline look-back (they must include the seeded events' days). */
  days: DayAggregate[];
}

interface Match {
  facts: Record<string, string | number | boolean | null>;
  eventIds: string[];
  eventAt: number;
  /** The part of the dedup key after rule and trader. */
  bucket: string;
}

interface TraderState {
  events: MonitoringEvent[];
  ids: Set<string>;
  newest: number;
  prior: Map<EventType, number>;
  days: Map<number, Map<EventType, { count: number; sumUsd: number }>>;
  combo: Map<string, { at: number; eventIds: string[]; facts: Match['facts'] }[]>;
  /** The newest day the day aggregates were last pruned for. */
  prunedDay: number;
}

const usd = (e: MonitoringEvent) => e.amountUsd ?? 0;
const durations = new Map<string, number>();
/** durationMs, memoised: it runs for every event and rule. */
const ms = (d: string): number => {
  let v = durations.get(d);
  if (v === undefined) durations.set(d, (v = durationMs(d)));
  return v;
};
const dayOf = (t: number) => Math.floor(t / DAY_MS);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Orders events by time, then id (a deterministic order for equal times). */
function before(a: MonitoringEvent, b: MonitoringEvent): boolean {
  return a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId < b.eventId);
}

function windowOf(c: Condition): number {
  switch (c.type) {
    case 'velocity':
    case 'structuring':
    case 'rapid_in_out':
      return durationMs(c.window);
    case 'all':
    case 'any':
      return Math.max(c.window ? durationMs(c.window) : 0, ...c.conditions.map(windowOf));
    default:
      return 0;
  }
}

function walk(c: Condition, fn: (c: Condition) => void): void {
  fn(c);
  if (c.type === 'all' || c.type === 'any') for (const x of c.conditions) walk(x, fn);
}

/** The history a set of rules needs. */
export function lookbackOf(rules: readonly ActiveRule[]): Lookback {
  const lb: Lookback = { windowMs: 0, prior: false, baselineDays: 0 };
  for (const r of rules) {
    lb.windowMs = Math.max(lb.windowMs, windowOf(r.definition.condition));
    walk(r.definition.condition, (c) => {
      if (c.type === 'dormant_reactivated') lb.prior = true;
      if (c.type === 'baseline_deviation') lb.baselineDays = Math.max(lb.baselineDays, c.baselineDays);
    });
  }
  return lb;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Renders `{placeholder}`s with the facts (numbers formatted, unknown placeholders left as written). */
export function renderExplanation(template: string, facts: Match['facts']): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (m, k: string) => {
    if (!(k in facts)) return m;
    const v = facts[k];
    return v === null ? '—' : typeof v === 'number' ? numberFormat.format(v) : String(v);
  });
}

function newestIds(events: MonitoringEvent[]): string[] {
  return events.slice(-MAX_HIT_EVENT_IDS).map((e) => e.eventId);
}

/** Creates an evaluator for a set of active rules. */
export class RuleEvaluator {
  private readonly states = new Map<string, TraderState>();
  private buffered = 0;
  readonly lookback: Lookback;

  constructor(
    readonly rules: readonly ActiveRule[],
    private readonly deps: EvaluatorDeps,
    private limits: EvaluatorLimits = DEFAULT_LIMITS,
  ) {
    this.lookback = lookbackOf(rules);
  }

  /** Changes the state bounds (the backtest lifts them: it has no database to warm an evicted trader from). */
  resize(limits: EvaluatorLimits): void {
    this.limits = limits;
  }

  /** Traders and events currently held (for metrics and tests). */
  size(): { traders: number; events: number } {
    return { traders: this.states.size, events: this.buffered };
  }

  /** True when the trader's state is held (no warm-up needed). */
  has(traderId: string): boolean {
    return this.states.has(traderId);
  }

  /** Drops a trader's state (the backtest, once it has streamed a trader's history). */
  forget(traderId: string): void {
    const st = this.states.get(traderId);
    if (!st) return;
    this.buffered -= st.events.length;
    this.states.delete(traderId);
  }

  /** Installs a trader's state read from the database; the seeded events are context, not evaluated. */
  seed(traderId: string, seed: TraderSeed): void {
    this.forget(traderId);
    const st = this.fresh();
    for (const [type, t] of Object.entries(seed.prior)) if (t !== undefined) st.prior.set(type as EventType, t);
    for (const d of seed.days) {
      const m = st.days.get(d.day) ?? new Map();
      m.set(d.type, { count: d.count, sumUsd: d.sumUsd });
      st.days.set(d.day, m);
    }
    for (const e of [...seed.events].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))) {
      if (st.ids.has(e.eventId)) continue;
      st.events.push(e);
      st.ids.add(e.eventId);
      st.newest = Math.max(st.newest, e.occurredAt);
    }
    this.buffered += st.events.length;
    this.states.set(traderId, st);
    this.prune(st);
    this.evict(traderId);
  }

  /** Evaluates one event against every rule; returns the hits. */
  evaluate(e: MonitoringEvent): RuleHit[] {
    let st = this.states.get(e.traderId);
    if (st) {
      // LRU: most recently used last.
      this.states.delete(e.traderId);
      this.states.set(e.traderId, st);
    } else {
      st = this.fresh();
      this.states.set(e.traderId, st);
    }
    // Held once per eventId. Seen again (ingestion passes only events it stored, so this is a batch redelivered
    // after its transaction rolled back), it is evaluated again without being counted twice: the hits that were
    // rolled back with it are raised again, and the alert sink absorbs any repeat by its dedup key.
    const i = st.ids.has(e.eventId) ? st.events.findIndex((x) => x.eventId === e.eventId) : this.insert(st, e);
    if (i < 0) return [];
    const hits: RuleHit[] = [];
    for (const rule of this.rules) {
      const def = rule.definition;
      for (const m of this.evalCondition(def.condition, def.appliesTo, rule.id, st, i, e)) {
        const facts = { eventType: e.type, asset: e.asset, amountUsd: e.amountUsd, ruleId: rule.id, ...m.facts };
        hits.push({
          ruleId: rule.id,
          ruleVersion: rule.version,
          ruleName: def.name,
          severity: def.severity,
          traderId: e.traderId,
          explanation: renderExplanation(def.explanation, facts),
          facts,
          eventIds: m.eventIds,
          eventAt: m.eventAt,
          detectedAt: this.deps.now(),
          dedupKey: `${rule.id}|${e.traderId}|${m.bucket}`,
        });
      }
    }
    this.prune(st);
    this.evict(e.traderId);
    return hits;
  }

  private fresh(): TraderState {
    return { events: [], ids: new Set(), newest: -Infinity, prior: new Map(), days: new Map(), combo: new Map(), prunedDay: -Infinity };
  }

  /** Inserts in (occurredAt, eventId) order and counts the day aggregate; returns the index. */
  private insert(st: TraderState, e: MonitoringEvent): number {
    let i = st.events.length;
    // Usually the newest: walk back from the end (a late event walks a little further).
    while (i > 0 && before(e, st.events[i - 1]!)) i--;
    st.events.splice(i, 0, e);
    st.ids.add(e.eventId);
    this.buffered++;
    st.newest = Math.max(st.newest, e.occurredAt);
    const day = dayOf(e.occurredAt);
    const m = st.days.get(day) ?? new Map<EventType, { count: number; sumUsd: number }>();
    const agg = m.get(e.type) ?? { count: 0, sumUsd: 0 };
    agg.count++;
    agg.sumUsd += usd(e);
    m.set(e.type, agg);
    st.days.set(day, m);
    return i;
  }

  /** Moves events older than the longest window into `prior`; drops day aggregates and combo hits past use. */
  private prune(st: TraderState): void {
    const edge = st.newest - this.lookback.windowMs;
    let n = 0;
    while (n < st.events.length && st.events[n]!.occurredAt < edge) {
      const old = st.events[n]!;
      st.prior.set(old.type, Math.max(st.prior.get(old.type) ?? -Infinity, old.occurredAt));
      st.ids.delete(old.eventId);
      n++;
    }
    if (n) {
      st.events.splice(0, n);
      this.buffered -= n;
    }
    const newestDay = dayOf(st.newest);
    if (newestDay !== st.prunedDay) {
      st.prunedDay = newestDay;
      const firstDay = newestDay - this.lookback.baselineDays - 1;
      for (const d of st.days.keys()) if (d < firstDay) st.days.delete(d);
    }
    for (const [k, list] of st.combo) {
      const kept = list.filter((h) => h.at >= edge);
      if (kept.length) st.combo.set(k, kept);
      else st.combo.delete(k);
    }
  }

  /** Evicts least recently used traders beyond the limits (never the one being evaluated). */
  private evict(current: string): void {
    for (const [id, st] of this.states) {
      if (this.states.size <= this.limits.maxTraders && this.buffered <= this.limits.maxEvents) return;
      if (id === current) continue;
      this.buffered -= st.events.length;
      this.states.delete(id);
    }
  }

  /**
   * Matches of one condition for the arrival of events[i]: windowed conditions are checked for the window ending at
   * events[i] and, when it arrived late, for the windows ending at the later events within W after it.
   */
  private evalCondition(c: Condition, parentTypes: readonly EventType[], path: string, st: TraderState, i: number, e: MonitoringEvent): Match[] {
    const types = (c as { appliesTo?: EventType[] }).appliesTo ?? parentTypes;
    switch (c.type) {
      case 'threshold':
        return this.single(this.threshold(c, types, e));
      case 'high_risk_jurisdiction':
        return this.single(this.jurisdiction(c, types, e));
      case 'sanctioned_counterparty':
        return this.single(this.sanctioned(c, types, e));
      case 'dormant_reactivated':
        return this.single(this.dormant(c, types, st, i, e));
      case 'baseline_deviation':
        return this.single(this.baseline(c, types, st, e));
      case 'velocity': {
        const w = ms(c.window);
        if (!this.counts(types, c.assets, e)) return [];
        return this.windows(st, i, w, (j) => this.velocity(c, types, w, st, j));
      }
      case 'structuring': {
        const w = ms(c.window);
        if (!this.inBand(c, types, e)) return [];
        return this.windows(st, i, w, (j) => this.structuring(c, types, w, st, j));
      }
      case 'rapid_in_out': {
        const w = ms(c.window);
        if (e.type !== 'deposit' && e.type !== 'withdrawal') return [];
        return this.windows(st, i, w, (j) => this.rapid(c, w, st, j));
      }
      case 'any':
      case 'all':
        return this.combination(c, types, path, st, i, e);
    }
  }

  private single(m: Match | null): Match[] {
    return m ? [m] : [];
  }

  /** Runs check(j) for j = i and each later event within w after events[i]. */
  private windows(st: TraderState, i: number, w: number, check: (j: number) => Match | null): Match[] {
    const out: Match[] = [];
    const until = st.events[i]!.occurredAt + w;
    for (let j = i; j < st.events.length && st.events[j]!.occurredAt <= until; j++) {
      const m = check(j);
      if (m) out.push(m);
    }
    return out;
  }

  private counts(types: readonly EventType[], assets: readonly string[] | undefined, e: MonitoringEvent): boolean {
    return types.includes(e.type) && (!assets || (e.asset !== null && assets.includes(e.asset)));
  }

  private threshold(c: ThresholdCondition, types: readonly EventType[], e: MonitoringEvent): Match | null {
    if (!this.counts(types, c.assets, e) || e.amountUsd === null || e.amountUsd < c.minAmountUsd) return null;
    return { facts: { minAmountUsd: c.minAmountUsd }, eventIds: [e.eventId], eventAt: e.occurredAt, bucket: `e:${e.eventId}` };
  }

  private jurisdiction(c: HighRiskJurisdictionCondition, types: readonly EventType[], e: MonitoringEvent): Match | null {
    if (!types.includes(e.type) || !e.country || usd(e) < c.minAmountUsd) return null;
    const verdict = this.deps.jurisdiction(e.country);
    if (!verdict || !c.lists.includes(verdict)) return null;
    // One alert per trader, rule and day: ten logins from the same country are one pattern.
    return { facts: { country: e.country, list: verdict }, eventIds: [e.eventId], eventAt: e.occurredAt, bucket: `d:${dayOf(e.occurredAt)}` };
  }

  private sanctioned(_c: SanctionedCounterpartyCondition, types: readonly EventType[], e: MonitoringEvent): Match | null {
    if (!types.includes(e.type) || !e.counterparty) return null;
    const listed = this.deps.walletListed(e.counterparty);
    if (!listed.length) return null;
    // The list entry is named by source and id (public list data), never by the address itself.
    return { facts: { listSource: listed[0]!.source, listEntityId: listed[0]!.entityId, listings: listed.length }, eventIds: [e.eventId], eventAt: e.occurredAt, bucket: `d:${dayOf(e.occurredAt)}` };
  }

  private dormant(c: DormantReactivatedCondition, types: readonly EventType[], st: TraderState, i: number, e: MonitoringEvent): Match | null {
    if (!types.includes(e.type) || e.amountUsd === null || e.amountUsd < c.minAmountUsd) return null;
    // The newest earlier activity: the buffer before i (same time counts as earlier), else what was pruned or seeded.
    let prev = -Infinity;
    for (let k = i - 1; k >= 0; k--) {
      if (c.activityTypes.includes(st.events[k]!.type)) {
        prev = st.events[k]!.occurredAt;
        break;
      }
    }
    if (prev === -Infinity) for (const t of c.activityTypes) prev = Math.max(prev, st.prior.get(t) ?? -Infinity);
    // A first-ever event is a new account, not a dormant one.
    if (prev === -Infinity) return null;
    const gap = e.occurredAt - prev;
    if (gap < c.dormantDays * DAY_MS) return null;
    return { facts: { dormantDays: Math.floor(gap / DAY_MS), minDormantDays: c.dormantDays }, eventIds: [e.eventId], eventAt: e.occurredAt, bucket: `e:${e.eventId}` };
  }

  private baseline(c: BaselineDeviationCondition, types: readonly EventType[], st: TraderState, e: MonitoringEvent): Match | null {
    if (!types.includes(e.type)) return null;
    const day = dayOf(e.occurredAt);
    let count = 0;
    let sum = 0;
    let earliest = Infinity;
    for (let d = day - c.baselineDays; d < day; d++) {
      const m = st.days.get(d);
      if (!m) continue;
      for (const t of types) {
        const a = m.get(t);
        if (!a || a.count === 0) continue;
        count += a.count;
        sum += a.sumUsd;
        earliest = Math.min(earliest, d);
      }
    }
    // History: the earliest active day of the baseline period is at least minHistoryDays before the event's day.
    if (count === 0 || earliest > day - c.minHistoryDays) return null;
    let value: number;
    let base: number;
    if (c.measure === 'amount') {
      if (e.amountUsd === null) return null;
      value = e.amountUsd;
      base = sum / count;
    } else {
      value = 0;
      const today = st.days.get(day);
      for (const t of types) value += today?.get(t)?.sumUsd ?? 0;
      base = sum / c.baselineDays;
    }
    if (value < c.minAmountUsd || !(value > c.factor * base)) return null;
    return {
      facts: { measure: c.measure, valueUsd: round2(value), baselineUsd: round2(base), factor: c.factor, ratio: base > 0 ? round2(value / base) : null, baselineDays: c.baselineDays },
      eventIds: [e.eventId],
      eventAt: e.occurredAt,
      // One alert per day: the day's sum keeps growing with each event.
      bucket: `d:${day}`,
    };
  }

  private velocity(c: VelocityCondition, types: readonly EventType[], w: number, st: TraderState, j: number): Match | null {
    const end = st.events[j]!;
    if (!this.counts(types, c.assets, end)) return null;
    const matched: MonitoringEvent[] = [];
    let sum = 0;
    for (let k = j; k >= 0 && st.events[k]!.occurredAt >= end.occurredAt - w; k--) {
      const x = st.events[k]!;
      if (!this.counts(types, c.assets, x)) continue;
      matched.push(x);
      sum += usd(x);
    }
    if (c.minCount !== undefined && matched.length < c.minCount) return null;
    if (c.minSumUsd !== undefined && sum < c.minSumUsd) return null;
    matched.reverse();
    return {
      facts: { count: matched.length, sumUsd: round2(sum), window: c.window, minCount: c.minCount ?? null, minSumUsd: c.minSumUsd ?? null },
      eventIds: newestIds(matched),
      eventAt: end.occurredAt,
      bucket: `w:${Math.floor(end.occurredAt / w)}`,
    };
  }

  private inBand(c: StructuringCondition, types: readonly EventType[], e: MonitoringEvent): boolean {
    // threshold − threshold × band, not threshold × (1 − band): 10,000 × 0.1 is exact, 1 − 0.1 is not.
    const low = c.thresholdUsd - c.thresholdUsd * c.band;
    return types.includes(e.type) && e.amountUsd !== null && e.amountUsd >= low && e.amountUsd < c.thresholdUsd;
  }

  private structuring(c: StructuringCondition, types: readonly EventType[], w: number, st: TraderState, j: number): Match | null {
    const end = st.events[j]!;
    if (!this.inBand(c, types, end)) return null;
    const matched: MonitoringEvent[] = [];
    let sum = 0;
    for (let k = j; k >= 0 && st.events[k]!.occurredAt >= end.occurredAt - w; k--) {
      const x = st.events[k]!;
      if (!this.inBand(c, types, x)) continue;
      matched.push(x);
      sum += usd(x);
    }
    if (matched.length < c.minCount) return null;
    matched.reverse();
    return {
      facts: { count: matched.length, sumUsd: round2(sum), thresholdUsd: c.thresholdUsd, lowUsd: round2(c.thresholdUsd - c.thresholdUsd * c.band), window: c.window, minCount: c.minCount },
      eventIds: newestIds(matched),
      eventAt: end.occurredAt,
      bucket: `w:${Math.floor(end.occurredAt / w)}`,
    };
  }

  private rapid(c: RapidInOutCondition, w: number, st: TraderState, j: number): Match | null {
    const end = st.events[j]!;
    if (end.type !== 'withdrawal' || end.amountUsd === null) return null;
    const deposits: MonitoringEvent[] = [];
    let sum = 0;
    for (let k = st.events.length - 1; k >= 0; k--) {
      const x = st.events[k]!;
      if (x.occurredAt > end.occurredAt) continue;
      if (x.occurredAt < end.occurredAt - w) break;
      if (x.type !== 'deposit') continue;
      deposits.push(x);
      sum += usd(x);
    }
    if (sum <= 0 || sum < c.minDepositsUsd) return null;
    // withdrawal ≥ p % of the deposits, compared without dividing (exact at the boundary).
    if (end.amountUsd * 100 < c.minPercent * sum) return null;
    deposits.reverse();
    return {
      facts: { withdrawalUsd: round2(end.amountUsd), depositsUsd: round2(sum), depositCount: deposits.length, percent: round2((end.amountUsd / sum) * 100), minPercent: c.minPercent, window: c.window },
      eventIds: newestIds([...deposits, end]),
      eventAt: end.occurredAt,
      bucket: `w:${Math.floor(end.occurredAt / w)}`,
    };
  }

  /**
   * any: a part fired. all: a part fired now and every other part fired at an event within [T − W, T], T being the
   * time of the event that completed it. The parts' hits are remembered per trader for the longest window.
   */
  private combination(c: Condition & { type: 'all' | 'any' }, types: readonly EventType[], path: string, st: TraderState, i: number, e: MonitoringEvent): Match[] {
    const fresh: { part: number; m: Match }[] = [];
    c.conditions.forEach((part, n) => {
      for (const m of this.evalCondition(part, types, `${path}/${n}`, st, i, e)) {
        fresh.push({ part: n, m });
        const key = `${path}/${n}`;
        const list = st.combo.get(key) ?? [];
        list.push({ at: m.eventAt, eventIds: m.eventIds, facts: m.facts });
        // A part that keeps firing (a velocity past its count) needs only its recent hits.
        if (list.length > 64) list.splice(0, list.length - 64);
        st.combo.set(key, list);
      }
    });
    if (!fresh.length) return [];
    if (c.type === 'any') {
      return fresh.map(({ part, m }) => ({ ...m, facts: { ...m.facts, conditions: 1 }, bucket: `p${part}:${m.bucket}` }));
    }
    const w = ms(c.window!);
    const out: Match[] = [];
    for (const { m } of fresh) {
      const T = m.eventAt;
      const parts = c.conditions.map((_, n) => (st.combo.get(`${path}/${n}`) ?? []).filter((h) => h.at >= T - w && h.at <= T).at(-1));
      if (parts.some((p) => !p)) continue;
      const ids = [...new Set(parts.flatMap((p) => p!.eventIds))];
      const facts = Object.assign({}, ...parts.map((p) => p!.facts), { conditions: c.conditions.length, window: c.window! }) as Match['facts'];
      out.push({ facts, eventIds: ids.slice(-MAX_HIT_EVENT_IDS), eventAt: T, bucket: `w:${Math.floor(T / w)}` });
    }
    return out;
  }
}
