// Rows of the exchange module: the connection, the last good answers (snapshots) and the security events the
// exchange reported. Pure Kysely over an audited transaction; every personal value arrives already encrypted.
import { randomUUID } from 'node:crypto';
import type { AuditedTx } from '../../platform/audit/writer.js';

/** The one connection row, or undefined when the exchange was never connected. */
export async function findConnection(tx: AuditedTx) {
  return tx.selectFrom('exchange_connection').selectAll().where('id', '=', 'default').executeTakeFirst();
}

/** Creates or replaces the connection. */
export async function saveConnection(tx: AuditedTx, row: { base_url: string; key_id: string; secret_ct: Buffer; updated_at: Date; updated_by: string }): Promise<void> {
  await tx
    .insertInto('exchange_connection')
    .values({ id: 'default', ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

/** The last good answer of one kind for one trader. */
export async function findSnapshot(tx: AuditedTx, traderId: string, kind: string) {
  return tx.selectFrom('exchange_snapshot').select(['payload_ct', 'fetched_at']).where('trader_id', '=', traderId).where('kind', '=', kind).executeTakeFirst();
}

/** Stores the last good answer of one kind (replacing the previous one). */
export async function saveSnapshot(tx: AuditedTx, row: { trader_id: string; kind: string; payload_ct: Buffer; fetched_at: Date }): Promise<void> {
  await tx
    .insertInto('exchange_snapshot')
    .values(row)
    .onConflict((oc) => oc.columns(['trader_id', 'kind']).doUpdateSet({ payload_ct: row.payload_ct, fetched_at: row.fetched_at }))
    .execute();
}

/** Inserts security events, skipping any already stored (dedup on the exchange's event id). Returns how many were new. */
export async function insertSecurityEvents(
  tx: AuditedTx,
  rows: { id?: string; trader_id: string; exchange_event_id: string; kind: string; occurred_at: Date; ip_ct: Buffer | null; country: string | null; detail_ct: Buffer | null; received_at: Date }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await tx
    .insertInto('trader_security_event')
    .values(rows.map((r) => ({ ...r, id: r.id ?? randomUUID() })))
    .onConflict((oc) => oc.columns(['trader_id', 'exchange_event_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

