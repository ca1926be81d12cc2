// Storage of exchange events (monitoring_event) and of the webhook's replay nonces and idempotency answers. Pure
// Kysely on the audited transaction handle; no decisions here (the service decides, this stores).
import { sql } from 'kysely';
import type { AuditedTx } from '../../../platform/audit/writer.js';
import type { MonitoringEventTable } from '../../../platform/db/schema-monitoring.js';

/** Rows per INSERT statement. */
const INSERT_CHUNK = 1000;

/** Bulwark trader ids of the given exchange account references (unknown ones are absent from the map). */
export async function tradersByAccountRef(tx: AuditedTx, refs: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!refs.length) return out;
  const rows = await tx.selectFrom('trader').select(['id', 'account_ref']).where('account_ref', 'in', refs).execute();
  for (const r of rows) out.set(r.account_ref, r.id);
  return out;
}

/**
 * Each trader's newest stored event (by the exchange's clock) and its sequence number: what a new event is compared
 * with to call it late. One index probe per trader (monitoring_event_trader_time), however long the history.
 */
export async function newestPerTrader(tx: AuditedTx, traderIds: readonly string[]): Promise<Map<string, { occurredAt: number; seq: number | null }>> {
  const out = new Map<string, { occurredAt: number; seq: number | null }>();
  if (!traderIds.length) return out;
  const ids = sql.join(traderIds.map((id) => sql`(${id}::uuid)`));
  const r = await sql<{ trader_id: string; occurred_at: Date | string; source_seq: string | number | null }>`
    select t.id as trader_id, e.occurred_at, e.source_seq
    from (values ${ids}) as t(id)
    cross join lateral (
      select occurred_at, source_seq from monitoring_event where trader_id = t.id order by occurred_at desc limit 1
    ) e`.execute(tx);
  for (const row of r.rows) {
    out.set(row.trader_id, { occurredAt: new Date(row.occurred_at).getTime(), seq: row.source_seq === null ? null : Number(row.source_seq) });
  }
  return out;
}

/** One row of monitoring_event as ingestion writes it. */
export interface EventRow {
  event_id: string;
  trader_id: string;
  type: MonitoringEventTable['type'];
  occurred_at: Date;
  received_at: Date;
  asset: string | null;
  amount: string | null;
  amount_usd: number | null;
  country: string | null;
  counterparty_bidx: Uint8Array | null;
  detail: string | null;
  source_seq: string | null;
  late: boolean;
  payload_ct: Uint8Array;
}

/**
 * Inserts events; answers the ids actually inserted (a duplicate event id is skipped, not an error). The rows go as
 * one array per column through unnest(): 14 parameters for any batch size instead of 14 per row, which the
 * database parses and plans in a fraction of the time (measured: see docs/monitoring-ingestion.md).
 */
export async function insertEvents(tx: AuditedTx, rows: readonly EventRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const col = <K extends keyof EventRow>(k: K) => chunk.map((r) => r[k]);
    const r = await sql<{ event_id: string }>`
      insert into monitoring_event (event_id, trader_id, type, occurred_at, received_at, asset, amount, amount_usd, country, counterparty_bidx, detail, source_seq, late, payload_ct)
      select * from unnest(
        ${col('event_id')}::text[], ${col('trader_id')}::uuid[], ${col('type')}::text[], ${col('occurred_at')}::timestamptz[],
        ${col('received_at')}::timestamptz[], ${col('asset')}::text[], ${col('amount')}::numeric[], ${col('amount_usd')}::float8[],
        ${col('country')}::text[], ${col('counterparty_bidx')}::bytea[], ${col('detail')}::text[], ${col('source_seq')}::int8[],
        ${col('late')}::bool[], ${col('payload_ct')}::bytea[])
      on conflict (event_id) do nothing
      returning event_id`.execute(tx);
    for (const x of r.rows) inserted.add(x.event_id);
  }
  return inserted;
}

/**
 * Remembers a webhook signature; false when it was seen before (a replay). Expired ones are deleted a few hundred at
 * a time, skipping rows another request is deleting: concurrent requests deleting the same old rows in different
 * orders deadlocked under load (measured by the ingestion benchmark).
 */
export async function rememberSignature(tx: AuditedTx, sha256: string, now: Date, olderThan: Date): Promise<boolean> {
  await sql`delete from monitoring_webhook_nonce where signature_sha256 in (
    select signature_sha256 from monitoring_webhook_nonce where received_at < ${olderThan} limit 500 for update skip locked)`.execute(tx);
  const r = await tx
    .insertInto('monitoring_webhook_nonce')
    .values({ signature_sha256: sha256, received_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('signature_sha256')
    .executeTakeFirst();
  return Boolean(r);
}

/** The stored answer of an idempotency key, if any. */
export async function findIdempotent(tx: AuditedTx, keySha256: string): Promise<{ bodySha256: string; response: string } | undefined> {
  const r = await tx.selectFrom('monitoring_idempotency').select(['body_sha256', 'response']).where('key_sha256', '=', keySha256).executeTakeFirst();
  return r ? { bodySha256: r.body_sha256, response: r.response } : undefined;
}

/** Stores an idempotency key's answer; false when another request stored the key first. Expired keys are deleted (as above). */
export async function saveIdempotent(tx: AuditedTx, row: { keySha256: string; bodySha256: string; response: string; now: Date; olderThan: Date }): Promise<boolean> {
  await sql`delete from monitoring_idempotency where key_sha256 in (
    select key_sha256 from monitoring_idempotency where created_at < ${row.olderThan} limit 500 for update skip locked)`.execute(tx);
  const r = await tx
    .insertInto('monitoring_idempotency')
    .values({ key_sha256: row.keySha256, body_sha256: row.bodySha256, response: row.response, created_at: row.now })
    .onConflict((oc) => oc.doNothing())
    .returning('key_sha256')
    .executeTakeFirst();
  return Boolean(r);
}

/** Count of stored events (tests, the CLI's summary): metadata only. */
export async function countEvents(tx: AuditedTx): Promise<number> {
  const r = await tx.selectFrom('monitoring_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
