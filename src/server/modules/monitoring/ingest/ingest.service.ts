// Ingestion of the trading engine's events (issue 6): the one place both paths (the signed webhook and the NATS
// JetStream consumer) store through. A batch is validated event by event, then stored in ONE audited transaction
// with ONE audit event (`monitoring.events_ingest`, counts in its fields, never values); the registered listeners
// (the rules) run inside that transaction with the events that were new, so an alert and the events behind it
// commit together, and a listener's failure stores nothing. Callers acknowledge only after this resolves, i.e.
// after the commit.
//
// The rules of an event's fate (docs/monitoring-ingestion.md):
//   malformed (schema, unknown field, oversized)            → rejected, reason `malformed` + the failing paths
//   account reference not a Bulwark trader                  → rejected, `unknown_account`
//   the trader's data key was destroyed (erased)            → rejected, `trader_erased`
//   occurredAt more than futureSkewMs ahead of our clock    → rejected, `future_event`
//   event id already stored, or earlier in the same batch   → `duplicate` (not an error; nothing written)
//   older than the trader's newest event by > lateTolerance,
//   or its sequence is not above the newest event's        → stored, flagged `late` (monitoring must see it)
// Rejections are recorded as one `monitoring.event_rejected` security event per batch (reason codes, no values).
import { createHash, randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../../contracts/errors.js';
import type { EventBatchResult, EventResult, ExchangeEvent, RejectReason } from '../../../../contracts/monitoring-events.js';
import type { AuditOutcome } from '../../../platform/audit/canonical.js';
import type { Audited, AuditedTx, AuditEventBuilder, AuditSpec } from '../../../platform/audit/writer.js';
import type { Clock } from '../../../platform/clock.js';
import type { SubjectKey } from '../../../platform/crypto/key-ring.js';
import type { Vault } from '../../../platform/crypto/vault.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ActorContext } from '../../../platform/http/request-context.js';
import type { MonitoringEvent, StoredEventsListener } from '../model.js';
import { canonicalWallet, parseEvent, secretPart, toModel, WALLET_INDEX_KIND } from './event-schema.js';
import * as repo from './ingest.repository.js';

/** Default: an event more than 5 minutes older than the trader's newest is late. */
export const DEFAULT_LATE_TOLERANCE_MS = 5 * 60_000;
/** Default: an event more than 5 minutes in our future is refused (the exchange's clock is wrong, or it is forged). */
export const DEFAULT_FUTURE_SKEW_MS = 5 * 60_000;
/** A webhook signature verifies for ±5 min around its timestamp; it is remembered a little longer than that. */
const NONCE_KEEP_MS = 2 * 5 * 60_000 + 60_000;
/** How long an Idempotency-Key's answer is kept (a sender retries within this). */
export const IDEMPOTENCY_KEEP_MS = 24 * 3_600_000;
/** Account reference → trader id; a trader's reference never changes, so positive answers are cached. */
const ACCOUNT_CACHE_MAX = 100_000;

export interface IngestDeps {
  audited: Audited;
  /** Records an event without a transaction (rejections, refused webhooks). */
  record: (ctx: ActorContext, spec: AuditSpec, outcome: AuditOutcome, errorCode?: string | null) => Promise<void>;
  vault: Vault;
  clock: Clock;
  /** HMAC secret of the webhook (EXCHANGE_WEBHOOK_SECRET); undefined: the webhook answers 503. */
  webhookSecret: string | undefined;
  lateToleranceMs?: number;
  futureSkewMs?: number;
  log?: { error(obj: object, msg: string): void };
}

/** What a caller learns about a batch, in the order the events were given. */
export interface IngestOutcome extends EventBatchResult {
  /** Epoch ms just after the commit: the benchmark's event-to-stored latency is storedAt − the event's send time. */
  storedAt: number;
}

export type IngestService = ReturnType<typeof createIngestService>;

type Prepared =
  | { kind: 'valid'; event: ExchangeEvent; occurredAt: number }
  | { kind: 'rejected'; result: EventResult };

const FIELDS = ['monitoring_event.type', 'monitoring_event.amount', 'monitoring_event.country', 'monitoring_event.counterparty_bidx', 'monitoring_event.payload_ct'];

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply be run again. */
const isRetryable = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
};

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** Creates the ingestion service (see the file comment for the rules). */
export function createIngestService(d: IngestDeps) {
  const lateTolerance = d.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
  const futureSkew = d.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  const listeners: StoredEventsListener[] = [];
  const accounts = new Map<string, string>();

  /** Validation that needs no database: schema and the future bound. */
  function prepare(raw: readonly unknown[], now: number): Prepared[] {
    return raw.map((r): Prepared => {
      const p = parseEvent(r);
      if (!p.ok) return { kind: 'rejected', result: { eventId: p.eventId, status: 'rejected', reason: 'malformed', detail: p.detail } };
      const occurredAt = Date.parse(p.event.occurredAt);
      if (occurredAt > now + futureSkew) return { kind: 'rejected', result: { eventId: p.event.eventId, status: 'rejected', reason: 'future_event' } };
      return { kind: 'valid', event: p.event, occurredAt };
    });
  }

  async function resolveAccounts(tx: AuditedTx, refs: Iterable<string>): Promise<void> {
    const missing = [...new Set(refs)].filter((r) => !accounts.has(r));
    if (!missing.length) return;
    const found = await repo.tradersByAccountRef(tx, missing);
    if (accounts.size + found.size > ACCOUNT_CACHE_MAX) accounts.clear();
    for (const [ref, id] of found) accounts.set(ref, id);
  }

  /** Data keys of the batch's traders, one query; keys are not cached beyond the batch (erasure must bite at once). */
  async function keysFor(tx: AuditedTx, traderIds: string[]): Promise<Map<string, SubjectKey | 'erased'>> {
    const out = new Map<string, SubjectKey | 'erased'>();
    for (const [id, key] of await d.vault.subjectKeys(tx, traderIds)) out.set(id, key ?? 'erased');
    return out;
  }

  /** Stores the prepared batch in tx; answers per-event results in input order. */
  async function storeIn(tx: AuditedTx, ev: AuditEventBuilder, prepared: Prepared[], receivedAt: number): Promise<EventBatchResult> {
    const valid = prepared.filter((p): p is Extract<Prepared, { kind: 'valid' }> => p.kind === 'valid');
    await resolveAccounts(tx, valid.map((p) => p.event.accountRef));
    const traderIds = [...new Set(valid.map((p) => accounts.get(p.event.accountRef)).filter((x): x is string => Boolean(x)))];
    const keys = await keysFor(tx, traderIds);
    const newest = await repo.newestPerTrader(tx, traderIds);

    const results: EventResult[] = new Array(prepared.length);
    const rows: repo.EventRow[] = [];
    const models = new Map<string, MonitoringEvent>();
    const slot = new Map<string, number>();
    const receivedDate = new Date(receivedAt);
    prepared.forEach((p, i) => {
      if (p.kind === 'rejected') {
        results[i] = p.result;
        return;
      }
      const e = p.event;
      const reject = (reason: RejectReason) => (results[i] = { eventId: e.eventId, status: 'rejected', reason });
      const traderId = accounts.get(e.accountRef);
      if (!traderId) return reject('unknown_account');
      const key = keys.get(traderId);
      if (!key || key === 'erased') return reject('trader_erased');
      if (slot.has(e.eventId)) return (results[i] = { eventId: e.eventId, status: 'duplicate' });
      // Late against the newest event stored or seen earlier in this batch; the batch's own order counts.
      const last = newest.get(traderId);
      const late = Boolean(last && (p.occurredAt < last.occurredAt - lateTolerance || (e.sequence !== undefined && last.seq !== null && e.sequence <= last.seq)));
      if (!last || p.occurredAt >= last.occurredAt) newest.set(traderId, { occurredAt: p.occurredAt, seq: e.sequence ?? last?.seq ?? null });
      else if (e.sequence !== undefined && (last.seq === null || e.sequence > last.seq)) last.seq = e.sequence;
      const model = toModel(e, traderId, receivedAt);
      const wallet = canonicalWallet(model.counterparty);
      rows.push({
        event_id: e.eventId,
        trader_id: traderId,
        type: e.type,
        occurred_at: new Date(p.occurredAt),
        received_at: receivedDate,
        asset: model.asset,
        amount: model.amount,
        amount_usd: model.amountUsd,
        country: model.country,
        counterparty_bidx: wallet ? d.vault.blindIndex(WALLET_INDEX_KIND, wallet) : null,
        detail: model.detail,
        source_seq: e.sequence === undefined ? null : String(e.sequence),
        late,
        payload_ct: d.vault.encryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: e.eventId }, JSON.stringify(secretPart(e))),
      });
      models.set(e.eventId, model);
      slot.set(e.eventId, i);
      results[i] = { eventId: e.eventId, status: 'stored', ...(late ? { late: true } : {}) };
    });

    const inserted = await repo.insertEvents(tx, rows);
    const fresh: MonitoringEvent[] = [];
    for (const [id, i] of slot) {
      if (inserted.has(id)) fresh.push(models.get(id)!);
      else results[i] = { eventId: id, status: 'duplicate' };
    }
    // The rules see only what is new, in the transaction that stores it: a throw here rolls the batch back.
    for (const l of listeners) await l(tx, fresh);

    const count = (s: EventResult['status']) => results.filter((r) => r.status === s).length;
    const out: EventBatchResult = { stored: fresh.length, duplicate: count('duplicate'), rejected: count('rejected'), late: results.filter((r) => r.late).length, results };
    ev.addFields(...(fresh.length ? FIELDS : []), `count.stored.${out.stored}`, `count.duplicate.${out.duplicate}`, `count.late.${out.late}`, `count.rejected.${out.rejected}`);
    return out;
  }

  /** One security event for the batch's rejections: reason codes and a count, never the events' values. */
  async function recordRejections(ctx: ActorContext, batchId: string, r: EventBatchResult): Promise<void> {
    if (!r.rejected) return;
    const reasons = [...new Set(r.results.filter((x) => x.status === 'rejected').map((x) => `reason.${x.reason}`))].sort();
    await d.record(ctx, { action: 'monitoring.event_rejected', target: { type: 'event_batch', id: batchId }, fields: reasons, reason: `${r.rejected} of ${r.results.length} events rejected` }, 'denied', ErrorCode.validation);
  }

  async function run(ctx: ActorContext, raw: readonly unknown[], extra?: (tx: AuditedTx, ev: AuditEventBuilder, store: () => Promise<EventBatchResult>) => Promise<{ result: EventBatchResult; replayed: boolean }>): Promise<IngestOutcome> {
    const receivedAt = d.clock.now().getTime();
    const prepared = prepare(raw, receivedAt);
    const batchId = randomUUID();
    let out: { result: EventBatchResult; replayed: boolean } | undefined;
    for (let attempt = 1; !out; attempt++) {
      try {
        out = await d.audited(ctx, { action: 'monitoring.events_ingest', target: { type: 'event_batch', id: batchId } }, async (tx, ev) => {
          const store = () => storeIn(tx, ev, prepared, receivedAt);
          return extra ? extra(tx, ev, store) : { result: await store(), replayed: false };
        });
      } catch (err) {
        if (err instanceof AppError) throw err;
        // A deadlock or serialisation victim was rolled back whole (its failed attempt is in the audit log): try again.
        if (attempt < 3 && isRetryable(err)) continue;
        // The batch was not stored (a listener failed, the database is unavailable): the sender must retry.
        d.log?.error({ err }, 'monitoring event batch not stored');
        throw new AppError(ErrorCode.internal, 503, 'The events could not be stored; nothing was stored, retry later');
      }
    }
    if (!out.replayed) await recordRejections(ctx, batchId, out.result);
    return { ...out.result, storedAt: d.clock.now().getTime() };
  }

  return {
    /** Whether the webhook is configured. */
    webhookSecret: d.webhookSecret,

    /** Adds a listener called in the storing transaction with the new events (the rules); its throw stores nothing. */
    onStored(listener: StoredEventsListener): void {
      listeners.push(listener);
    },

    /** Stores a batch of raw events (any path); per-event results in input order, after commit. */
    ingest(ctx: ActorContext, raw: readonly unknown[]): Promise<IngestOutcome> {
      return run(ctx, raw);
    },

    /**
     * The webhook's batch: the signature is accepted once, the Idempotency-Key answers a repeated body with the
     * stored answer (and refuses another body under the same key); then like ingest().
     */
    ingestWebhook(ctx: ActorContext, req: { signatureSha256: string; idempotencyKey: string; body: Buffer; events: readonly unknown[] }): Promise<IngestOutcome> {
      const keySha = sha256(req.idempotencyKey);
      const bodySha = sha256(req.body);
      return run(ctx, req.events, async (tx, ev, store) => {
        const now = d.clock.now();
        if (!(await repo.rememberSignature(tx, req.signatureSha256, now, new Date(now.getTime() - NONCE_KEEP_MS)))) {
          throw new AppError(ErrorCode.webhookReplayed, 409, 'This request was already received', { denial: true });
        }
        const prior = await repo.findIdempotent(tx, keySha);
        if (prior) {
          if (prior.bodySha256 !== bodySha) throw new AppError(ErrorCode.conflict, 409, 'This Idempotency-Key was used with a different body', { denial: true });
          ev.addFields('idempotency.replayed');
          return { result: JSON.parse(prior.response) as EventBatchResult, replayed: true };
        }
        const result = await store();
        const saved = await repo.saveIdempotent(tx, { keySha256: keySha, bodySha256: bodySha, response: JSON.stringify(result), now, olderThan: new Date(now.getTime() - IDEMPOTENCY_KEEP_MS) });
        // Another request with this key committed first: roll this one back; the sender's retry gets that answer.
        if (!saved) throw new AppError(ErrorCode.conflict, 409, 'A request with this Idempotency-Key is in progress; retry', { denial: true });
        return { result, replayed: false };
      });
    },

    /** Records a refused webhook request (missing, stale or forged signature): a security event. */
    async rejectWebhook(ctx: ActorContext, reason: string): Promise<void> {
      await d.record(ctx, { action: 'monitoring.webhook_rejected', target: { type: 'webhook', id: 'exchange_events' }, fields: [`reason.${reason}`] }, 'denied', ErrorCode.webhookSignatureInvalid);
    },

    /** Records messages refused before any event could be read (e.g. a NATS message that is not JSON). */
    async recordUnreadable(ctx: ActorContext, count: number, reason: string): Promise<void> {
      await d.record(ctx, { action: 'monitoring.event_rejected', target: { type: 'event_batch', id: randomUUID() }, fields: [`reason.${reason}`], reason: `${count} messages rejected` }, 'denied', ErrorCode.validation);
    },

    /** Number of stored events (metadata; tests, CLI). */
    count(ctx: ActorContext): Promise<number> {
      return d.audited(ctx, { action: 'monitoring.events_count', target: { type: 'monitoring_event' } }, (tx) => repo.countEvents(tx));
    },
  };
}
