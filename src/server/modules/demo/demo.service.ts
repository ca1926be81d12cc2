// `bulwark demo seed`: synthetic traders through the same encrypted, audited path the product uses.
import { randomUUID } from 'node:crypto';
import type { Audited } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import * as traders from '../traders/traders.repository.js';
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
      const enc = (table: string, column: string, rowId: string, v: string) =>
        d.vault.encryptForSubject(key, { table, column, rowId }, v);
      const now = d.clock.now();
      await traders.insertTrader(tx, {
        id,
        account_ref: t.accountRef,
        kind: t.kind,
        status: 'active',
        country: t.country,
        legal_name_ct: enc('trader', 'legal_name_ct', id, t.legalName),
        name_bidx: d.vault.blindIndex('trader.name', t.legalName),
        email_ct: enc('trader', 'email_ct', id, t.email),
        email_bidx: d.vault.blindIndex('trader.email', t.email),
        phone_ct: enc('trader', 'phone_ct', id, t.phone),
        phone_bidx: d.vault.blindIndex('trader.phone', t.phone),
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
      });
      await traders.insertPersons(
        tx,
        t.persons.map((p) => {
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
      );
      await traders.insertWallets(
        tx,
        t.wallets.map((w) => {
          const wid = randomUUID();
          return {
            id: wid,
            trader_id: id,
            chain: w.chain,
            address_ct: enc('trader_wallet', 'address_ct', wid, w.address),
            address_bidx: d.vault.blindIndex('wallet.address', w.address),
            created_at: now,
          };
        }),
      );
      await traders.insertBalances(
        tx,
        t.balances.map((b) => ({
          trader_id: id,
          asset: b.asset,
          amount_ct: enc('trader_balance', 'amount_ct', `${id}/${b.asset}`, b.amount),
          updated_at: now,
        })),
      );
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
