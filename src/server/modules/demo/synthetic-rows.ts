// The rows of one synthetic trader, every personal value encrypted under the trader's own key and bound to its
// table, column and row, with the blind indexes search uses. Shared by the demo seed (one audited request per
// trader) and the benchmarks' bulk loader, so both write exactly what the product writes.
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { TraderBalanceTable, TraderPersonTable, TraderTable, TraderWalletTable } from '../../platform/db/schema.js';
import type { SyntheticTrader } from './synthetic.js';

export interface TraderRows {
  trader: Insertable<TraderTable>;
  wallets: Insertable<TraderWalletTable>[];
  balances: Insertable<TraderBalanceTable>[];
  persons: Insertable<TraderPersonTable>[];
}

/** The rows of trader `id` built from synthetic data `t`, encrypted under `key`. */
export function syntheticTraderRows(vault: Vault, key: SubjectKey, id: string, t: SyntheticTrader, now: Date): TraderRows {
  const enc = (table: string, column: string, rowId: string, v: string) => vault.encryptForSubject(key, { table, column, rowId }, v);
  return {
    trader: {
      id,
      account_ref: t.accountRef,
      kind: t.kind,
      status: 'active',
      country: t.country,
      legal_name_ct: enc('trader', 'legal_name_ct', id, t.legalName),
      name_bidx: vault.blindIndex('trader.name', t.legalName),
      email_ct: enc('trader', 'email_ct', id, t.email),
      email_bidx: vault.blindIndex('trader.email', t.email),
      phone_ct: enc('trader', 'phone_ct', id, t.phone),
      phone_bidx: vault.blindIndex('trader.phone', t.phone),
      date_of_birth_ct: enc('trader', 'date_of_birth_ct', id, t.dateOfBirth),
      bank_account_ct: enc('trader', 'bank_account_ct', id, t.bankAccount),
      risk: t.risk,
      kyc_state: t.kycState,
      vip: t.vip,
      activity_band: t.activityBand,
      registration_number_ct: t.registrationNumber ? enc('trader', 'registration_number_ct', id, t.registrationNumber) : null,
      anti_phishing_code_ct: t.antiPhishingCode ? enc('trader', 'anti_phishing_code_ct', id, t.antiPhishingCode) : null,
      created_at: now,
      updated_at: now,
    },
    wallets: t.wallets.map((w) => {
      const wid = randomUUID();
      return { id: wid, trader_id: id, chain: w.chain, address_ct: enc('trader_wallet', 'address_ct', wid, w.address), address_bidx: vault.blindIndex('wallet.address', w.address), created_at: now };
    }),
    balances: t.balances.map((b) => ({ trader_id: id, asset: b.asset, amount_ct: enc('trader_balance', 'amount_ct', `${id}/${b.asset}`, b.amount), updated_at: now })),
    persons: t.persons.map((p) => {
      const pid = randomUUID();
      return {
        id: pid,
        trader_id: id,
        role: p.role,
        name_ct: enc('trader_person', 'name_ct', pid, p.name),
        date_of_birth_ct: enc('trader_person', 'date_of_birth_ct', pid, p.dateOfBirth),
        nationality: p.nationality,
        ownership_pct: p.ownershipPct,
        created_at: now,
      };
    }),
  };
}
