// Withdrawal-limit requests in the database. Pure Kysely on the audited transaction handle; no decryption here.
import type { Insertable, Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { WithdrawalLimitRequestTable, WithdrawalLimitStatus } from '../../platform/db/schema-withdrawal-limits.js';

export type NewRequestRow = Insertable<WithdrawalLimitRequestTable>;

function withNames(tx: AuditedTx) {
  return tx
    .selectFrom('withdrawal_limit_request as r')
    .innerJoin('trader', 'trader.id', 'r.trader_id')
    .leftJoin('staff as maker', 'maker.id', 'r.requested_by')
    .leftJoin('staff as checker', 'checker.id', 'r.decided_by')
    .selectAll('r')
    .select(['trader.account_ref', 'maker.display_name as requested_by_name', 'checker.display_name as decided_by_name']);
}

export type RequestRow = Awaited<ReturnType<ReturnType<typeof withNames>['executeTakeFirstOrThrow']>>;

/** One request with the names of the members on it; `lock` takes the row lock for a decision. */
export async function findRequest(tx: AuditedTx, id: string, opts: { lock?: boolean } = {}): Promise<RequestRow | undefined> {
  if (opts.lock) await tx.selectFrom('withdrawal_limit_request').select('id').where('id', '=', id).forUpdate().execute();
  return withNames(tx).where('r.id', '=', id).executeTakeFirst();
}

/** The trader's request with this exchange request id (the idempotency key of the signed inbound endpoint). */
export async function findByExternalId(tx: AuditedTx, externalId: string): Promise<RequestRow | undefined> {
  return withNames(tx).where('r.external_id', '=', externalId).executeTakeFirst();
}

/** Requests newest first, after the keyset cursor (created_at, id), filtered. */
export async function listRequests(
  tx: AuditedTx,
  f: { status?: WithdrawalLimitStatus | undefined; source?: 'staff' | 'trader' | undefined; traderId?: string | undefined; after?: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<RequestRow[]> {
  let q = withNames(tx);
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.source) q = q.where('r.source', '=', f.source);
  if (f.traderId) q = q.where('r.trader_id', '=', f.traderId);
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb('r.created_at', '<', a.createdAt), eb.and([eb('r.created_at', '=', a.createdAt), eb('r.id', '<', a.id)])]));
  }
  return q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
}

/** Pending requests past their time become expired (lazily, before a list or a decision reads them). */
export async function expireOverdue(tx: AuditedTx, now: Date, where: { traderId?: string; asset?: string; id?: string } = {}): Promise<number> {
  let q = tx.updateTable('withdrawal_limit_request').set({ status: 'expired' }).where('status', '=', 'pending').where('expires_at', '<=', now);
  if (where.traderId) q = q.where('trader_id', '=', where.traderId);
  if (where.asset) q = q.where('asset', '=', where.asset);
  if (where.id) q = q.where('id', '=', where.id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The pending increase of a trader for an asset, if any. */
export async function findPending(tx: AuditedTx, traderId: string, asset: string): Promise<{ id: string } | undefined> {
  return tx.selectFrom('withdrawal_limit_request').select('id').where('trader_id', '=', traderId).where('asset', '=', asset).where('status', '=', 'pending').executeTakeFirst();
}

/** Inserts a request. */
export async function insertRequest(tx: AuditedTx, row: NewRequestRow): Promise<void> {
  await tx.insertInto('withdrawal_limit_request').values(row).execute();
}

/** Updates a request only while it is in the expected state (a decision never overwrites another). */
export async function updateRequest(tx: AuditedTx, id: string, from: WithdrawalLimitStatus, set: Updateable<WithdrawalLimitRequestTable>): Promise<boolean> {
  const r = await tx.updateTable('withdrawal_limit_request').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Remembers an inbound signature; false when it was seen before (a replay). Old ones are deleted. */
export async function rememberSignature(tx: AuditedTx, sha256: string, now: Date, olderThan: Date): Promise<boolean> {
  await tx.deleteFrom('withdrawal_limit_inbound_nonce').where('received_at', '<', olderThan).execute();
  const r = await tx
    .insertInto('withdrawal_limit_inbound_nonce')
    .values({ signature_sha256: sha256, received_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('signature_sha256')
    .executeTakeFirst();
  return r !== undefined;
}

/** Ids, states, assets and amounts only (the CLI's list: no personal data, nothing to decrypt). */
export async function listPlain(tx: AuditedTx, f: { status?: WithdrawalLimitStatus | undefined; limit: number }) {
  let q = tx
    .selectFrom('withdrawal_limit_request')
    .select(['id', 'trader_id', 'asset', 'current_limit', 'requested_limit', 'direction', 'source', 'status', 'error_code', 'created_at', 'decided_at', 'applied_at']);
  if (f.status) q = q.where('status', '=', f.status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}
