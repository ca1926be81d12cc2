// Bulk synthetic traders for benchmarks: the same columns, ciphertexts (under each trader's own data key) and
// blind indexes as the product writes, inserted a thousand at a time through the system handle instead of one
// audited request each — setting up a million traders that way would take longer than the benchmark.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Container } from '../../src/server/container.js';
import { syntheticTraderRows } from '../../src/server/modules/demo/synthetic-rows.js';
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
        const rows = syntheticTraderRows(v, keys.get(id)!, id, { ...t, persons: [] }, now);
        traders.push(rows.trader);
        wallets.push(...rows.wallets);
        balances.push(...rows.balances);
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
