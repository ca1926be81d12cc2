// Trader rows: pure Kysely over an audited transaction. Personal fields arrive already encrypted.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { TraderBalanceTable, TraderTable, TraderWalletTable } from '../../platform/db/schema.js';

/** Inserts a trader. */
export async function insertTrader(tx: AuditedTx, row: Insertable<TraderTable>): Promise<void> {
  await tx.insertInto('trader').values(row).execute();
}

/** Inserts wallet addresses of a trader. */
export async function insertWallets(tx: AuditedTx, rows: Insertable<TraderWalletTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('trader_wallet').values(rows).execute();
}

/** Inserts balances of a trader. */
export async function insertBalances(tx: AuditedTx, rows: Insertable<TraderBalanceTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('trader_balance').values(rows).execute();
}

/** Updates columns of one trader. */
export async function updateTrader(tx: AuditedTx, id: string, set: Updateable<TraderTable>): Promise<void> {
  await tx.updateTable('trader').set(set).where('id', '=', id).execute();
}

/** The trader with this account reference (case-insensitive). */
export async function findByAccountRef(tx: AuditedTx, accountRef: string) {
  return tx.selectFrom('trader').selectAll().where(sql<string>`lower(account_ref)`, '=', accountRef.toLowerCase()).executeTakeFirst();
}

/** Trader ids by email blind index. */
export async function findByEmailIndex(tx: AuditedTx, bidx: Uint8Array) {
  return tx.selectFrom('trader').selectAll().where('email_bidx', '=', bidx).execute();
}

/** One trader row, or undefined. */
export async function findTrader(tx: AuditedTx, id: string) {
  return tx.selectFrom('trader').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of trader rows in id order, after the given id (keyset pagination). */
export async function listTraders(tx: AuditedTx, opts: { after?: string | undefined; limit: number }) {
  let q = tx.selectFrom('trader').selectAll().orderBy('id').limit(opts.limit);
  if (opts.after) q = q.where('id', '>', opts.after);
  return q.execute();
}

/** Wallets of the given traders. */
export async function walletsOf(tx: AuditedTx, traderIds: string[]) {
  if (traderIds.length === 0) return [];
  return tx.selectFrom('trader_wallet').selectAll().where('trader_id', 'in', traderIds).orderBy('created_at').orderBy('id').execute();
}

/** Balances of the given traders. */
export async function balancesOf(tx: AuditedTx, traderIds: string[]) {
  if (traderIds.length === 0) return [];
  return tx.selectFrom('trader_balance').selectAll().where('trader_id', 'in', traderIds).orderBy('asset').execute();
}

/** Successful reveals by a member since a moment (the per-member rate limit counts the audit log). */
export async function countRevealsSince(tx: AuditedTx, staffId: string, since: Date): Promise<number> {
  const r = await tx
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', '=', staffId)
    .where('action', '=', 'trader.reveal')
    .where('outcome', '=', 'ok')
    .where('time', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
