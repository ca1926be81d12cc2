// `bulwark demo seed`: synthetic traders through the same encrypted, audited path the product uses.
import { randomUUID } from 'node:crypto';
import type { Audited } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import * as traders from '../traders/traders.repository.js';
import { syntheticTraderRows } from './synthetic-rows.js';
import { syntheticTrader, type SyntheticTrader } from './synthetic.js';

export interface DemoDeps {
  audited: Audited;
  vault: Vault;
  clock: Clock;
}

export type DemoService = ReturnType<typeof createDemoService>;

/** Creates the demo data service. */
export function createDemoService(d: DemoDeps) {
  /** Stores one trader with every personal field under the trader's own data key. */
  async function createTrader(ctx: ActorContext, t: SyntheticTrader): Promise<string> {
    const id = randomUUID();
    const fields = ['legal_name', 'email', 'phone', 'date_of_birth', 'bank_account', 'wallet.address', 'balance.amount', 'registration_number', 'persons', 'anti_phishing_code'];
    return d.audited(ctx, { action: 'trader.create', target: { type: 'trader', id }, fields }, async (tx) => {
      const key = await d.vault.subjectKey(tx, id, { create: true });
      const rows = syntheticTraderRows(d.vault, key, id, t, d.clock.now());
      await traders.insertTrader(tx, rows.trader);
      await traders.insertPersons(tx, rows.persons);
      await traders.insertWallets(tx, rows.wallets);
      await traders.insertBalances(tx, rows.balances);
      return id;
    });
  }

  return {
    createTrader,
    /** Creates n synthetic traders, `concurrency` at a time (they share group commits), reporting progress. */
    async seedTraders(ctx: ActorContext, n: number, onProgress?: (done: number) => void, concurrency = 32) {
      const made: (SyntheticTrader & { id: string })[] = [];
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < n) {
          const i = next++;
          const t = syntheticTrader(i);
          const id = await createTrader(ctx, t);
          made.push({ ...t, id });
          onProgress?.(++done);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
      return made;
    },
  };
}
