// Trader rows: pure Kysely over an audited transaction. Personal fields arrive already encrypted.
import type { Insertable } from 'kysely';
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

/** Trader ids by email blind index. */
export async function findByEmailIndex(tx: AuditedTx, bidx: Uint8Array) {
  return tx.selectFrom('trader').selectAll().where('email_bidx', '=', bidx).execute();
}
