// Alert rows: pure Kysely over an audited transaction. Explanations and reasons arrive already encrypted.
import { createHash } from 'node:crypto';
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { MonitoringAlertTable } from '../../platform/db/schema-cases.js';

export type AlertRow = NonNullable<Awaited<ReturnType<typeof findAlert>>>;

function alertQuery(tx: AuditedTx) {
  return tx
    .selectFrom('monitoring_alert as a')
    .innerJoin('trader as t', 't.id', 'a.trader_id')
    .leftJoin('aml_case as c', 'c.id', 'a.case_id')
    .leftJoin('staff as s', 's.id', 'a.closed_by')
    .selectAll('a')
    .select(['t.account_ref', 'c.reference as case_reference', 's.display_name as closed_by_name']);
}

/** One alert with its trader's account reference and its case's reference. */
export async function findAlert(tx: AuditedTx, id: string, opts: { lock?: boolean } = {}) {
  if (opts.lock) await tx.selectFrom('monitoring_alert').select('id').where('id', '=', id).forUpdate().execute();
  return alertQuery(tx).where('a.id', '=', id).executeTakeFirst();
}

export interface AlertFilter {
  status?: MonitoringAlertTable['status'] | undefined;
  severity?: MonitoringAlertTable['severity'] | undefined;
  ruleId?: string | undefined;
  traderId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset: strictly older than (detectedAt, id). */
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

/** The queue, newest detection first (keyset on detected_at, id). */
export async function listAlerts(tx: AuditedTx, f: AlertFilter) {
  let q = alertQuery(tx);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.severity) q = q.where('a.severity', '=', f.severity);
  if (f.ruleId) q = q.where('a.rule_id', '=', f.ruleId);
  if (f.traderId) q = q.where('a.trader_id', '=', f.traderId);
  if (f.from) q = q.where('a.detected_at', '>=', f.from);
  if (f.to) q = q.where('a.detected_at', '<', f.to);
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb('a.detected_at', '<', a.at), eb.and([eb('a.detected_at', '=', a.at), eb('a.id', '<', a.id)])]));
  }
  return q.orderBy('a.detected_at', 'desc').orderBy('a.id', 'desc').limit(f.limit).execute();
}

/**
 * Serialises the sinks of concurrent ingestion batches per dedup key: one transaction-scoped advisory lock per key,
 * all taken first and in one global order, before any alert row is read, locked or inserted. Row locks alone
 * deadlocked (40P01 in the ingestion benchmark): a batch holds the rows it inserted while a second statement of it
 * locks more. The order is made here (64-bit ids sorted in JavaScript) and kept by a plain scan of the array: an
 * ORDER BY in SQL did not fix when PostgreSQL evaluates the lock function (the benchmark deadlocked on it).
 */
export async function lockDedupKeys(tx: AuditedTx, keys: readonly string[]): Promise<void> {
  if (!keys.length) return;
  const ids = [...new Set(keys.map((k) => createHash('sha256').update(`bulwark:alert:${k}`).digest().readBigInt64BE(0)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await sql`select count(pg_advisory_xact_lock(k)) from unnest(${ids.map(String)}::bigint[]) as k`.execute(tx);
}

/** Open alerts holding any of these dedup keys, locked (the sink absorbs hits into them). */
export async function openAlertsByDedupKey(tx: AuditedTx, keys: readonly string[]) {
  if (!keys.length) return [];
  return tx
    .selectFrom('monitoring_alert')
    .select(['id', 'dedup_key', 'event_ids'])
    .where('status', '=', 'open')
    .where('dedup_key', 'in', keys)
    // A fixed lock order: two ingestion batches absorbing hits into the same alerts must not deadlock.
    .orderBy('dedup_key')
    .forUpdate()
    .execute();
}

/** Inserts new alerts in one statement; an open alert with the same dedup key (a concurrent batch) wins: not inserted. */
export async function insertAlerts(tx: AuditedTx, rows: Insertable<MonitoringAlertTable>[]): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const out = await tx
    .insertInto('monitoring_alert')
    // In dedup-key order, like the locks above: concurrent batches wait on each other's keys in one order.
    .values([...rows].sort((a, b) => (a.dedup_key < b.dedup_key ? -1 : a.dedup_key > b.dedup_key ? 1 : 0)))
    .onConflict((oc) => oc.column('dedup_key').where('status', '=', 'open').doNothing())
    .returning('id')
    .execute();
  return new Set(out.map((r) => r.id));
}

/** Sets an open alert's event ids (the caller merged the absorbed hit's ids in) and, when given, its newest explanation. */
export async function setAlertEvents(tx: AuditedTx, id: string, eventIds: string[], now: Date, explanationCt: Buffer | null): Promise<void> {
  await tx
    .updateTable('monitoring_alert')
    .set({ event_ids: eventIds, updated_at: now, ...(explanationCt ? { explanation_ct: explanationCt } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function updateAlert(tx: AuditedTx, id: string, set: Updateable<MonitoringAlertTable>): Promise<void> {
  await tx.updateTable('monitoring_alert').set(set).where('id', '=', id).execute();
}

/** The stored events among these ids (the events behind an alert), oldest first. */
export async function eventsByIds(tx: AuditedTx, traderId: string, ids: readonly string[]) {
  if (!ids.length) return [];
  return tx
    .selectFrom('monitoring_event')
    .select(['event_id', 'trader_id', 'type', 'occurred_at', 'asset', 'amount', 'amount_usd', 'country', 'detail', 'payload_ct'])
    .where('event_id', 'in', ids)
    // An alert names events of its own trader only; the filter keeps it so even if ids were forged into it.
    .where('trader_id', '=', traderId)
    .orderBy('occurred_at')
    .orderBy('seq')
    .execute();
}

/** A trader's alerts, newest first (their timeline and the profile's panel). */
export async function alertsOfTrader(tx: AuditedTx, traderId: string, before: Date, limit: number) {
  return alertQuery(tx).where('a.trader_id', '=', traderId).where('a.detected_at', '<=', before).orderBy('a.detected_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

/** Counts by status and severity (CLI; no personal data). */
export async function countAlerts(tx: AuditedTx) {
  return tx
    .selectFrom('monitoring_alert')
    .select(['status', 'severity', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['status', 'severity'])
    .execute();
}
