// Bulk synthetic traders for benchmarks: the same columns, ciphertexts (under each trader's own data key) and
// blind indexes as the product writes, inserted a thousand at a time through the system handle instead of one
// audited request each — setting up a million traders that way would take longer than the benchmark.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Container } from '../../src/server/container.js';
import { syntheticTrader, type SyntheticTrader } from '../../src/server/modules/demo/synthetic.js';

export interface Seeded {
  ids: string[];
  emails: string[];
}

/** Inserts n synthetic traders (two wallets, their balances); reports progress every 50,000. */
export async function seedTradersFast(c: Container, n: number, log: (s: string) => void = () => undefined): Promise<Seeded> {
  const v = c.vault;
  const ids: string[] = [];
  const emails: string[] = [];
  const BATCH = 1000;
  const t0 = Date.now();
  for (let start = 0; start < n; start += BATCH) {
    const batch: { id: string; t: SyntheticTrader }[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) batch.push({ id: randomUUID(), t: syntheticTrader(i) });
    await c.db.system.transaction().execute(async (tx) => {
      const keys = await v.createSubjectKeys(tx, batch.map((b) => b.id));
      const now = new Date();
      const traders = [];
      const wallets = [];
      const balances = [];
      for (const { id, t } of batch) {
        const key = keys.get(id)!;
        const enc = (table: string, column: string, rowId: string, value: string) => v.encryptForSubject(key, { table, column, rowId }, value);
        traders.push({
          id,
          account_ref: t.accountRef,
          kind: t.kind,
          status: 'active',
          country: t.country,
          legal_name_ct: enc('trader', 'legal_name_ct', id, t.legalName),
          name_bidx: v.blindIndex('trader.name', t.legalName),
          email_ct: enc('trader', 'email_ct', id, t.email),
          email_bidx: v.blindIndex('trader.email', t.email),
          phone_ct: enc('trader', 'phone_ct', id, t.phone),
          phone_bidx: v.blindIndex('trader.phone', t.phone),
          date_of_birth_ct: enc('trader', 'date_of_birth_ct', id, t.dateOfBirth),
          bank_account_ct: enc('trader', 'bank_account_ct', id, t.bankAccount),
          risk: t.risk,
          kyc_state: t.kycState,
          vip: t.vip,
          activity_band: t.activityBand,
          anti_phishing_code_ct: t.antiPhishingCode ? enc('trader', 'anti_phishing_code_ct', id, t.antiPhishingCode) : null,
          created_at: now,
          updated_at: now,
        });
        for (const w of t.wallets) {
          const wid = randomUUID();
          wallets.push({ id: wid, trader_id: id, chain: w.chain, address_ct: enc('trader_wallet', 'address_ct', wid, w.address), address_bidx: v.blindIndex('wallet.address', w.address), created_at: now });
        }
        for (const b of t.balances) balances.push({ trader_id: id, asset: b.asset, amount_ct: enc('trader_balance', 'amount_ct', `${id}/${b.asset}`, b.amount), updated_at: now });
        ids.push(id);
        emails.push(t.email);
      }
      await tx.insertInto('trader').values(traders).execute();
      await tx.insertInto('trader_wallet').values(wallets).execute();
      await tx.insertInto('trader_balance').values(balances).execute();
    });
    if ((start + BATCH) % 50_000 === 0) log(`  seeded ${(start + BATCH).toLocaleString('en')} traders (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await sql`analyze trader, trader_wallet, trader_balance, subject_key`.execute(c.db.system);
  return { ids, emails };
}
