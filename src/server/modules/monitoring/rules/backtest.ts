// Backtest: one rule version run over stored history through the same evaluator as live evaluation.
//
// The history is streamed from monitoring_event ordered by (trader_id, occurred_at, event_id) in keyset-paged
// batches, reading only the columns rules read, with the rule's pre-filter (event types; for a lone threshold or
// structuring rule the amount band) pushed into SQL; the payload ciphertext is read and decrypted (the trader's key)
// only for the sanctioned-counterparty rule. Each trader's state is dropped once their events are streamed, so
// memory holds one trader at a time.
//
// Semantics: events from `from − look-back` (the rule's longest window, its baseline days) are streamed as context;
// hits count when the event that completes them is in [from, to]. Alerts = distinct dedup keys (what the alert sink
// would have raised, assuming none was closed in between); detectedAt = the event's own time.
import { DAY_MS, RuleEvaluator, type ActiveRule } from './evaluator.js';
import type { Condition, StructuringCondition, ThresholdCondition } from '../../../../contracts/monitoring-rules.js';
import type { AuditedTx } from '../../../platform/audit/writer.js';
import type { EventType, JurisdictionLookup, MonitoringEvent, SanctionedWalletLookup } from '../model.js';
import * as repo from './rules.repository.js';

export interface BacktestOptions {
  from: Date;
  to: Date;
  sampleSize: number;
  /** Stop (truncated) past this many ms. */
  timeLimitMs: number;
  pageSize?: number;
}

export interface BacktestDeps {
  jurisdiction: JurisdictionLookup;
  walletListed: SanctionedWalletLookup;
  /** Decrypts a payload (the counterparty address) with the trader's key; null when the key is gone. */
  counterpartyOf?: (tx: AuditedTx, traderId: string, eventId: string, payload: Uint8Array) => Promise<string | null>;
  /** Wall-clock ms (for the time limit and the duration). */
  now: () => number;
}

export interface BacktestOutcome {
  alerts: number;
  hits: number;
  traders: number;
  perDay: { day: string; alerts: number }[];
  sample: { traderId: string; eventAt: string; explanation: string; eventCount: number }[];
  eventsScanned: number;
  durationMs: number;
  truncated: boolean;
}

const ALL_TYPES: EventType[] = ['deposit', 'withdrawal', 'trade', 'transfer', 'login', 'security'];

/** The event types a condition reads (triggers and context). */
function typesOf(c: Condition, parent: readonly EventType[], out: Set<EventType>): void {
  const own = (c as { appliesTo?: EventType[] }).appliesTo ?? parent;
  switch (c.type) {
    case 'rapid_in_out':
      out.add('deposit');
      out.add('withdrawal');
      return;
    case 'dormant_reactivated':
      for (const t of [...own, ...c.activityTypes]) out.add(t);
      return;
    case 'all':
    case 'any':
      for (const x of c.conditions) typesOf(x, own, out);
      return;
    default:
      for (const t of own) out.add(t);
  }
}

/** What the stream must read for a rule: types, an amount band where the rule ignores everything else, payloads. */
export function prefilterOf(rule: ActiveRule): { types: EventType[]; minUsd?: number; maxUsd?: number; payload: boolean } {
  const c = rule.definition.condition;
  const types = new Set<EventType>();
  typesOf(c, rule.definition.appliesTo, types);
  let payload = false;
  const walk = (x: Condition) => {
    if (x.type === 'sanctioned_counterparty') payload = true;
    if (x.type === 'all' || x.type === 'any') x.conditions.forEach(walk);
  };
  walk(c);
  const out = { types: ALL_TYPES.filter((t) => types.has(t)), payload };
  // Only a lone threshold or structuring condition ignores events outside its band: the band goes into SQL.
  if (c.type === 'threshold') return { ...out, minUsd: (c as ThresholdCondition).minAmountUsd };
  if (c.type === 'structuring') {
    const s = c as StructuringCondition;
    return { ...out, minUsd: s.thresholdUsd - s.thresholdUsd * s.band, maxUsd: s.thresholdUsd };
  }
  return out;
}

/** How far before `from` the stream starts, so windows and baselines at `from` are complete. */
export function lookbackMs(ev: RuleEvaluator): number {
  return Math.max(ev.lookback.windowMs, ev.lookback.baselineDays * DAY_MS + DAY_MS);
}

/** Runs one rule over stored history (see the file comment). */
export async function runBacktest(tx: AuditedTx, rule: ActiveRule, opts: BacktestOptions, d: BacktestDeps): Promise<BacktestOutcome> {
  const started = d.now();
  let eventTime = 0;
  const ev = new RuleEvaluator([rule], { jurisdiction: d.jurisdiction, walletListed: d.walletListed, now: () => eventTime }, { maxTraders: 4, maxEvents: Number.MAX_SAFE_INTEGER });
  const pre = prefilterOf(rule);
  const streamFrom = new Date(opts.from.getTime() - lookbackMs(ev));
  const fromMs = opts.from.getTime();
  const toMs = opts.to.getTime();
  // Dormancy needs each trader's newest activity before the stream: one grouped read up front.
  const prior = ev.lookback.prior ? await repo.priorActivityAll(tx, streamFrom, pre.types) : new Map<string, Partial<Record<EventType, number>>>();

  const firstHit = new Map<string, { traderId: string; eventAt: number; explanation: string; eventCount: number }>();
  const traders = new Set<string>();
  let hits = 0;
  let scanned = 0;
  let truncated = false;
  let current: string | null = null;
  let after: { traderId: string; t: Date; eventId: string } | null = null;
  const pageSize = opts.pageSize ?? 20_000;

  for (;;) {
    const rows = await repo.streamPage(tx, { from: streamFrom, to: opts.to, ...pre }, after, pageSize);
    for (const r of rows) {
      if (r.trader_id !== current) {
        if (current) ev.forget(current);
        current = r.trader_id;
        ev.seed(current, { events: [], prior: prior.get(current) ?? {}, days: [] });
      }
      let counterparty: string | null = null;
      if (pre.payload && r.payload_ct && d.counterpartyOf && (r.type === 'deposit' || r.type === 'withdrawal')) counterparty = await d.counterpartyOf(tx, r.trader_id, r.event_id, r.payload_ct);
      const e: MonitoringEvent = repo.toEvent(r, counterparty);
      eventTime = e.occurredAt;
      for (const h of ev.evaluate(e)) {
        if (h.eventAt < fromMs || h.eventAt > toMs) continue;
        hits++;
        traders.add(h.traderId);
        if (!firstHit.has(h.dedupKey)) firstHit.set(h.dedupKey, { traderId: h.traderId, eventAt: h.eventAt, explanation: h.explanation, eventCount: h.eventIds.length });
      }
    }
    scanned += rows.length;
    if (rows.length < pageSize) break;
    const last = rows.at(-1)!;
    after = { traderId: last.trader_id, t: new Date(last.t), eventId: last.event_id };
    if (d.now() - started > opts.timeLimitMs) {
      truncated = true;
      break;
    }
  }

  const perDay = new Map<string, number>();
  for (const h of firstHit.values()) {
    const day = new Date(h.eventAt).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return {
    alerts: firstHit.size,
    hits,
    traders: traders.size,
    perDay: [...perDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, alerts]) => ({ day, alerts })),
    sample: [...firstHit.values()].slice(0, opts.sampleSize).map((h) => ({ traderId: h.traderId, eventAt: new Date(h.eventAt).toISOString(), explanation: h.explanation, eventCount: h.eventCount })),
    eventsScanned: scanned,
    durationMs: d.now() - started,
    truncated,
  };
}
