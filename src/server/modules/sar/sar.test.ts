// Suspicious-activity reports from the attacker's side first: no session 401; support, marketing and auditors
// refused alike for every id (a real SAR's id and a random one get the same answer, so nobody learns a SAR exists),
// nothing about SARs in the trader timeline they see; malformed, unknown and another case's ids 404; oversized and
// hostile input 400. Then the workflow: a compliance officer drafts from a case (subjects, transactions from linked
// events and the events of linked alerts, the activity summary), edits, marks ready; cannot file (sar.file); the
// drafter/reviewer cannot file (four eyes); a senior files with the FIU reference; a filed report refuses edits (409);
// stale versions 409; exports (goAML, PDF) as no-store attachments; the deadline and overdue with an injected
// clock; content encrypted at rest (plaintext scan); audit rows naming fields, never values, never the trader.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { expectAudited, findAudited } from '../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import type { SarSettings, SarSummary, SarView } from '../../../contracts/sar.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader, type SyntheticTrader } from '../demo/synthetic.js';

const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const DAY = 86_400_000;

const ROLES = ['support_senior', 'marketing', 'auditor', 'compliance_officer', 'compliance_senior'] as const;
type Role = (typeof ROLES)[number] | 'officer_b' | 'senior_b' | 'case_reader';

const ADDRESS_IN = 'bc1qsarsourcewallet0000000000000000000000';
const ADDRESS_OUT = 'bc1qsardestinationwallet00000000000000000';
const TX_HASH = 'f00dfeedcafebabe0123456789abcdef0123456789abcdef0123456789abcdef';
const NARRATIVE = 'Structuring pattern: nine deposits just under the threshold, then a withdrawal to a fresh wallet.';
const REASON = 'Amounts and timing consistent with structuring; no stated source of funds';

const SETTINGS: SarSettings = {
  rentityId: '4711',
  rentityBranch: null,
  entityName: 'Example Exchange Ltd',
  fiuName: 'FIU Testland',
  currencyCodeLocal: 'EUR',
  usdToLocalRate: 0.9,
  deadlineDays: 30,
  transmodeCode: 'VA',
  fundsCode: 'K',
  reportingPerson: { firstName: 'Morgan', lastName: 'Officer', email: 'mlro@example.test', phone: null, occupation: 'MLRO' },
  location: { addressType: 'B', address: '1 Exchange Street', city: 'Testville', zip: '1000', countryCode: 'DE' },
};

function trader(over: Partial<SyntheticTrader>): SyntheticTrader {
  return { ...syntheticTrader(1), kind: 'individual', persons: [], registrationNumber: null, ...over };
}

describe('suspicious-activity reports', () => {
  let t: TestApp;
  const members = new Map<Role, TestMember>();
  let sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  let n = 0;
  const ids: Record<string, string> = {};

  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.6.${++n >> 8}.${n & 255}`;
      const signed = await signInAs(t, members.get(role)!, clock, 'test-agent', ip);
      sessions.set(role, (s = { headers: signed.headers, ip }));
    }
    return s;
  };
  const call = async (role: Role, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
    const s = await as(role);
    return t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  };
  const okView = (res: { statusCode: number; body: string; json: () => unknown }, status = 200): SarView => {
    assert.equal(res.statusCode, status, res.body);
    return res.json() as SarView;
  };

  /** Events, an alert and a case for a trader, inserted the way the monitoring and cases modules store them. */
  async function seedCase(traderId: string, tag: string, opts: { otherTraderId?: string } = {}): Promise<string> {
    const v = t.container.vault;
    return t.container.audited(systemContext('test:seed'), { action: 'test.seed', target: { type: 'test' } }, async (tx) => {
      const key = await v.subjectKey(tx, traderId, { create: false });
      const base = new Date('2026-11-10T10:00:00.000Z').getTime();
      const ev = async (id: string, type: string, i: number, extra: { asset?: string; amount?: string; usd?: number; detail?: string; payload?: object; trader?: string } = {}) => {
        const owner = extra.trader ?? traderId;
        const k = owner === traderId ? key : await v.subjectKey(tx, owner, { create: false });
        await tx
          .insertInto('monitoring_event')
          .values({
            event_id: id,
            trader_id: owner,
            type: type as 'deposit',
            occurred_at: new Date(base + i * 3_600_000),
            received_at: new Date(base + i * 3_600_000 + 500),
            asset: extra.asset ?? null,
            amount: extra.amount ?? null,
            amount_usd: extra.usd ?? null,
            country: type === 'login' ? 'DE' : null,
            counterparty_bidx: null,
            detail: extra.detail ?? null,
            source_seq: null,
            payload_ct: v.encryptForSubject(k, { table: 'monitoring_event', column: 'payload_ct', rowId: id }, JSON.stringify(extra.payload ?? {})),
          })
          .execute();
      };
      const alertEvents: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = `${tag}-dep-${i}`;
        alertEvents.push(id);
        await ev(id, 'deposit', i, { asset: 'BTC', amount: '0.150000000000000000', usd: 9_900, payload: { address: ADDRESS_IN, chain: 'bitcoin', txHash: TX_HASH } });
      }
      await ev(`${tag}-wd`, 'withdrawal', 5, { asset: 'BTC', amount: '0.4', usd: 26_400, payload: { address: ADDRESS_OUT, chain: 'bitcoin' } });
      await ev(`${tag}-trade`, 'trade', 6, { asset: 'ETH', amount: '2.5', usd: 8_000, detail: 'buy', payload: { quote: 'USDT' } });
      await ev(`${tag}-login`, 'login', 7, { payload: { ip: '203.0.113.9' } });
      if (opts.otherTraderId) await ev(`${tag}-xfer`, 'transfer', 8, { asset: 'USDT', amount: '500', usd: 500, detail: 'in', trader: opts.otherTraderId, payload: { counterpartAccount: 'ACC-SAR-ADA' } });
      const alertId = crypto.randomUUID();
      await tx
        .insertInto('monitoring_alert')
        .values({
          id: alertId,
          trader_id: traderId,
          rule_id: 'structuring',
          rule_version: 1,
          severity: 'high',
          status: 'escalated',
          dedup_key: `structuring:${traderId}:${tag}`,
          explanation_ct: v.encryptForSubject(key, { table: 'monitoring_alert', column: 'explanation_ct', rowId: alertId }, '{}'),
          event_ids: alertEvents,
          event_at: new Date(base + 2 * 3_600_000),
          detected_at: new Date('2026-11-12T08:00:00.000Z'),
          case_id: null,
          closed_by: null,
          closed_at: null,
          close_reason_ct: null,
        } as never)
        .execute();
      const caseId = crypto.randomUUID();
      await tx
        .insertInto('aml_case')
        .values({
          id: caseId,
          reference: `CASE-2026-${String(++n).padStart(6, '0')}`,
          status: 'investigating',
          priority: 'high',
          queue: 'aml',
          assignee_id: null,
          subject_trader_id: traderId,
          title_ct: v.encryptForSubject(key, { table: 'aml_case', column: 'title_ct', rowId: caseId }, 'Structuring'),
          opened_by: null,
          opened_at: new Date('2026-11-13T09:00:00.000Z'),
          due_at: null,
          closed_at: null,
        } as never)
        .execute();
      const link = (kind: 'trader' | 'alert' | 'event', ref: string) => tx.insertInto('aml_case_link').values({ case_id: caseId, kind, ref, added_by: null, added_at: clock.now() }).execute();
      await link('alert', alertId);
      await link('event', `${tag}-wd`);
      await link('event', `${tag}-trade`);
      await link('event', `${tag}-login`);
      await link('event', `${tag}-missing`);
      if (opts.otherTraderId) {
        await link('trader', opts.otherTraderId);
        await link('event', `${tag}-xfer`);
      }
      return caseId;
    });
  }

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ROLES) {
      members.set(role, await createMember(t, clock, { email: `${role}@sar.test`, roles: [role], displayName: `M ${role}`, key: role === 'compliance_senior' }));
    }
    members.set('officer_b', await createMember(t, clock, { email: 'officer_b@sar.test', roles: ['compliance_officer'], displayName: 'M officer_b' }));
    members.set('senior_b', await createMember(t, clock, { email: 'senior_b@sar.test', roles: ['compliance_senior'], displayName: 'M senior_b', key: true }));
    // A custom role that reads cases but not SARs: the case view must not tell it a report exists.
    const now = clock.now();
    await t.container.db.system.insertInto('role').values({ name: 'case_reader', created_at: now, updated_at: now }).execute();
    for (const p of ['trader.read', 'case.read', 'monitoring.read']) await t.container.db.system.insertInto('role_permission').values({ role: 'case_reader', permission: p }).execute();
    members.set('case_reader', await createMember(t, clock, { email: 'case_reader@sar.test', roles: ['compliance_officer'], displayName: 'M case_reader' }));
    await t.container.db.system.updateTable('staff').set({ roles: ['case_reader'] }).where('id', '=', members.get('case_reader')!.id).execute();
    const make = (over: Partial<SyntheticTrader>) => t.container.demo.createTrader(systemContext('test'), trader(over));
    ids.eve = await make({ accountRef: 'ACC-SAR-EVE', legalName: 'Evelyn Structurer', country: 'DE', dateOfBirth: '1980-02-03' });
    ids.ada = await make({ accountRef: 'ACC-SAR-ADA', legalName: 'Ada Accomplice', country: 'FR' });
    ids.bob = await make({ accountRef: 'ACC-SAR-BOB', legalName: 'Bob Bystander', country: 'NL' });
    ids.caseEve = await seedCase(ids.eve!, 'eve', { otherTraderId: ids.ada });
    ids.caseBob = await seedCase(ids.bob!, 'bob');
  });
  after(async () => t?.close());

  describe('access (tipping-off)', () => {
    it('401 without a session; support, marketing and auditors get the same 403 for every SAR route and id, audited', async () => {
      expectProblem(await t.app.inject({ url: '/api/v1/sars' }), 401, 'unauthenticated');
      expectProblem(await t.app.inject({ url: `/api/v1/cases/${ids.caseEve}/sars` }), 401, 'unauthenticated');
      // A real draft exists for these checks to be meaningful.
      const draft = okView(await call('compliance_officer', 'POST', `/api/v1/cases/${ids.caseBob}/sars`, {}), 201);
      ids.sarBob = draft.sar.id;
      for (const role of ['support_senior', 'marketing', 'auditor'] as const) {
        const real = await call(role, 'GET', `/api/v1/sars/${ids.sarBob}`);
        const fake = await call(role, 'GET', `/api/v1/sars/${crypto.randomUUID()}`);
        expectProblem(real, 403, 'forbidden');
        expectProblem(fake, 403, 'forbidden');
        // The same answer, word for word: the body does not depend on whether the report exists.
        const strip = (b: string) => b.replace(/"instance":"[^"]*"|"requestId":"[^"]*"/g, '');
        assert.equal(strip(real.body), strip(fake.body).replace(/[0-9a-f-]{36}/g, ids.sarBob!));
        assert.doesNotMatch(real.body, /SAR-\d{4}/);
        expectProblem(await call(role, 'GET', '/api/v1/sars'), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/cases/${ids.caseBob}/sars`), 403, 'forbidden');
        expectProblem(await call(role, 'POST', `/api/v1/cases/${ids.caseBob}/sars`, {}), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/sars/${ids.sarBob}/pdf`), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/sars/${ids.sarBob}/goaml`), 403, 'forbidden');
        expectProblem(await call(role, 'GET', '/api/v1/sars/settings'), 403, 'forbidden');
        await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get(role)!.id });
      }
    });

    it("nothing about a SAR in the trader timeline a support agent sees, nor in the audit rows targeting the trader", async () => {
      const res = await call('support_senior', 'GET', `/api/v1/traders/${ids.bob}/timeline?limit=100`);
      if (res.statusCode === 200) assert.doesNotMatch(res.body, /sar|suspicious/i);
      else assert.ok([403, 404].includes(res.statusCode), res.body);
      const rows = await findAudited(t, { action: 'sar.create' });
      assert.ok(rows.length > 0);
      for (const r of rows) assert.notEqual(r.targetType, 'trader');
    });

    it('a member who reads cases but not SARs sees the case without any trace of its report', async () => {
      const res = await call('case_reader', 'GET', `/api/v1/cases/${ids.caseBob}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.doesNotMatch(res.body, /SAR-\d{4}|"sar\.|suspicious/i);
      expectProblem(await call('case_reader', 'GET', `/api/v1/cases/${ids.caseBob}/sars`), 403, 'forbidden');
      const tl = await call('case_reader', 'GET', `/api/v1/traders/${ids.bob}/timeline?limit=100`);
      if (tl.statusCode === 200) assert.doesNotMatch(tl.body, /SAR-\d{4}|"sar\.|suspicious/i);
    });

    it('404 for malformed, unknown ids and cases; 400 for oversized and hostile input', async () => {
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/sars/not-a-uuid'), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/sars/${crypto.randomUUID()}`), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/sars/..%2F..%2Fetc'), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/cases/${crypto.randomUUID()}/sars`, {}), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/cases/nope/sars'), 404, 'not_found');
      const v = okView(await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarBob}`));
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { version: v.version, narrative: 'x'.repeat(20_001) }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { version: v.version, narrative: 'bell \u0007 here' }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { version: v.version, indicators: ['<script>'] }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { version: v.version, status: 'filed' }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { narrative: 'no version' }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarBob}`, { version: v.version }), 400, 'validation_failed');
      // A second open report on the same case is refused.
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/cases/${ids.caseBob}/sars`, {}), 409, 'conflict');
    });
  });

  describe('workflow', () => {
    it('drafts from a case: subjects of linked traders, transactions from linked events and alert events, the activity summary', async () => {
      const v = okView(await call('compliance_officer', 'POST', `/api/v1/cases/${ids.caseEve}/sars`, { narrative: NARRATIVE }), 201);
      ids.sarEve = v.sar.id;
      assert.match(v.sar.reference, /^SAR-2026-\d{6}$/);
      assert.equal(v.sar.status, 'draft');
      // Detection = the first linked alert's detection (before the case opened); deadline 30 days later by default.
      assert.equal(v.sar.detectedAt, '2026-11-12T08:00:00.000Z');
      assert.equal(v.sar.dueAt, '2026-12-12T08:00:00.000Z');
      assert.equal(v.sar.overdue, false);
      assert.deepEqual(v.subjects.map((s) => s.accountRef).sort(), ['ACC-SAR-ADA', 'ACC-SAR-EVE']);
      const eve = v.subjects.find((s) => s.accountRef === 'ACC-SAR-EVE')!;
      assert.equal(eve.legalName, 'Evelyn Structurer');
      // 3 alert deposits + withdrawal + trade + the other trader's transfer; the login is counted, not a transaction.
      assert.deepEqual(v.transactions.map((x) => x.type).sort(), ['deposit', 'deposit', 'deposit', 'trade', 'transfer', 'withdrawal']);
      const dep = v.transactions.find((x) => x.type === 'deposit')!;
      assert.equal(dep.counterparty, ADDRESS_IN);
      assert.equal(dep.txHash, TX_HASH);
      assert.equal(dep.direction, 'in');
      assert.equal(dep.amount, '0.15');
      assert.equal(v.transactions.find((x) => x.type === 'withdrawal')!.counterparty, ADDRESS_OUT);
      assert.equal(v.transactions.find((x) => x.type === 'trade')!.detail, 'buy against USDT');
      assert.equal(v.transactions.find((x) => x.type === 'transfer')!.accountRef, 'ACC-SAR-ADA');
      assert.equal(v.activity.eventCount, 7);
      assert.equal(v.activity.alertCount, 1);
      assert.equal(v.activity.missingEvents, 1);
      assert.equal(v.activity.byType.login, 1);
      assert.deepEqual(v.activity.totals.find((x) => x.asset === 'BTC' && x.direction === 'in'), { asset: 'BTC', direction: 'in', amount: '0.45', amountUsd: 29_700, count: 3 });
      assert.equal(v.activity.totalUsd, 29_700 + 26_400 + 8_000 + 500);
      assert.match(v.activity.text, /7 event\(s\) between 2026-11-10 and 2026-11-10/);
      assert.doesNotMatch(v.activity.text, /Evelyn|Ada/);
      assert.equal(v.narrative, NARRATIVE);
      assert.deepEqual(v.can, { edit: true, markReady: true, file: false, withdraw: false, export: true });
      const ev = await expectAudited(t, { action: 'sar.create', outcome: 'ok', actorId: members.get('compliance_officer')!.id, targetId: v.sar.id });
      assert.equal(ev.targetType, 'sar_report');
      assert.ok(ev.fields.includes('sar.narrative'));
      // The case timeline got the step, restricted to sar.read holders (the cases module shows it to them only).
      const steps = await t.container.db.system.selectFrom('aml_case_event').select(['kind', 'restricted']).where('case_id', '=', ids.caseEve!).where('kind', 'like', 'sar.%').execute();
      assert.deepEqual(steps, [{ kind: 'sar.created', restricted: 'sar' }]);
      // The case's list shows it.
      const list = await call('compliance_officer', 'GET', `/api/v1/cases/${ids.caseEve}/sars`);
      assert.deepEqual((list.json() as { sars: SarSummary[] }).sars.map((s) => s.id), [v.sar.id]);
    });

    it('edits while open with the current version; a stale version is a 409; completeness before ready', async () => {
      let v = okView(await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}`));
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/sars/${ids.sarEve}/ready`, { version: v.version }), 409, 'conflict');
      const stale = v.version;
      v = okView(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarEve}`, { version: v.version, reasonForSuspicion: REASON, action: 'Account frozen', indicators: ['VA01', 'STRUCT'] }));
      assert.equal(v.reasonForSuspicion, REASON);
      assert.equal(v.version, stale + 1);
      expectProblem(await call('officer_b', 'PATCH', `/api/v1/sars/${ids.sarEve}`, { version: stale, narrative: 'lost update' }), 409, 'conflict');
      const ev = await expectAudited(t, { action: 'sar.update', outcome: 'ok', targetId: ids.sarEve });
      assert.deepEqual(ev.fields.sort(), ['sar.action', 'sar.indicators', 'sar.reason']);
      assert.equal(JSON.stringify(ev).includes(REASON), false);
      v = okView(await call('compliance_officer', 'POST', `/api/v1/sars/${ids.sarEve}/ready`, { version: v.version }));
      assert.equal(v.sar.status, 'ready_for_review');
      // An edit of a ready report sends it back to draft: the filer files what was reviewed.
      v = okView(await call('officer_b', 'PATCH', `/api/v1/sars/${ids.sarEve}`, { version: v.version, narrative: `${NARRATIVE} Updated.` }));
      assert.equal(v.sar.status, 'draft');
      assert.ok(v.history.some((h) => h.kind === 'reopened'));
      v = okView(await call('officer_b', 'POST', `/api/v1/sars/${ids.sarEve}/ready`, { version: v.version }));
      assert.equal(v.sar.status, 'ready_for_review');
      assert.equal(v.readyByName, 'M officer_b');
    });

    it('a compliance officer cannot file (sar.file); the drafter or reviewer cannot file (four eyes); a senior files with the FIU reference', async () => {
      let v = okView(await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}`));
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/sars/${ids.sarEve}/file`, { version: v.version, fiuReference: 'FIU-1' }), 403, 'forbidden');
      expectProblem(await call('officer_b', 'POST', `/api/v1/sars/${ids.sarEve}/withdraw`, { version: v.version, reason: 'not suspicious after all' }), 403, 'forbidden');
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/sars/${ids.sarEve}/file`, { version: v.version, fiuReference: 'bad ref <x>' }), 400, 'validation_failed');
      // A senior who readied a report (after editing it) cannot file it.
      let b = okView(await call('compliance_senior', 'GET', `/api/v1/sars/${ids.sarBob}`));
      b = okView(await call('compliance_senior', 'PATCH', `/api/v1/sars/${b.sar.id}`, { version: b.version, narrative: 'Senior narrative', reasonForSuspicion: 'Senior reason' }));
      b = okView(await call('compliance_senior', 'POST', `/api/v1/sars/${b.sar.id}/ready`, { version: b.version }));
      assert.equal(b.can.file, false);
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/sars/${b.sar.id}/file`, { version: b.version, fiuReference: 'FIU-SELF' }), 403, 'forbidden');
      await expectAudited(t, { action: 'sar.file', outcome: 'denied', actorId: members.get('compliance_senior')!.id, targetId: b.sar.id });
      v = okView(await call('compliance_senior', 'POST', `/api/v1/sars/${ids.sarEve}/file`, { version: v.version, fiuReference: 'FIU/2026/000123' }));
      assert.equal(v.sar.status, 'filed');
      assert.equal(v.sar.fiuReference, 'FIU/2026/000123');
      assert.equal(v.filedByName, 'M compliance_senior');
      assert.equal(v.sar.daysLeft, null);
      assert.deepEqual(v.can, { edit: false, markReady: false, file: false, withdraw: false, export: true });
      await expectAudited(t, { action: 'sar.file', outcome: 'ok', actorId: members.get('compliance_senior')!.id, targetId: ids.sarEve });
    });

    it('a filed report refuses edits, readying, filing again and withdrawal (409)', async () => {
      const v = okView(await call('compliance_senior', 'GET', `/api/v1/sars/${ids.sarEve}`));
      expectProblem(await call('compliance_officer', 'PATCH', `/api/v1/sars/${ids.sarEve}`, { version: v.version, narrative: 'rewrite history' }), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/sars/${ids.sarEve}/ready`, { version: v.version }), 409, 'conflict');
      expectProblem(await call('senior_b', 'POST', `/api/v1/sars/${ids.sarEve}/file`, { version: v.version, fiuReference: 'FIU-2' }), 409, 'conflict');
      expectProblem(await call('senior_b', 'POST', `/api/v1/sars/${ids.sarEve}/withdraw`, { version: v.version, reason: 'second thoughts' }), 409, 'conflict');
      const after = okView(await call('compliance_senior', 'GET', `/api/v1/sars/${ids.sarEve}`));
      assert.equal(after.narrative, `${NARRATIVE} Updated.`);
      assert.equal(after.version, v.version);
    });

    it('withdrawal by a senior with a reason (kept encrypted, shown in the history)', async () => {
      const v = okView(await call('senior_b', 'GET', `/api/v1/sars/${ids.sarBob}`));
      expectProblem(await call('senior_b', 'POST', `/api/v1/sars/${ids.sarBob}/withdraw`, { version: v.version, reason: 'no' }), 400, 'validation_failed');
      const w = okView(await call('senior_b', 'POST', `/api/v1/sars/${ids.sarBob}/withdraw`, { version: v.version, reason: 'Duplicate of an earlier report' }));
      assert.equal(w.sar.status, 'withdrawn');
      assert.equal(w.history.at(-1)!.reason, 'Duplicate of an earlier report');
      expectProblem(await call('senior_b', 'GET', `/api/v1/sars/${ids.sarBob}/goaml`), 409, 'conflict');
    });
  });

  describe('exports', () => {
    it('goAML needs the entity settings (409 before), then is a no-store XML attachment with the report structure; audited', async () => {
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}/goaml`), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'PUT', '/api/v1/sars/settings', { settings: SETTINGS, baseVersion: 0 }), 403, 'forbidden');
      expectProblem(await call('compliance_senior', 'PUT', '/api/v1/sars/settings', { settings: { ...SETTINGS, rentityId: 'abc' }, baseVersion: 0 }), 400, 'validation_failed');
      const s = await call('compliance_senior', 'PUT', '/api/v1/sars/settings', { settings: SETTINGS, baseVersion: 0 });
      assert.equal(s.statusCode, 200, s.body);
      expectProblem(await call('senior_b', 'PUT', '/api/v1/sars/settings', { settings: SETTINGS, baseVersion: 0 }), 409, 'conflict');
      const res = await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}/goaml`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="SAR-2026-\d{6}\.goaml\.xml"$/);
      assert.match(String(res.headers['content-type']), /^application\/xml/);
      const names: string[] = [];
      const texts = new Map<string, string[]>();
      let cur = '';
      const p = new SaxesParser();
      p.on('opentag', (tag) => {
        names.push(tag.name);
        cur = tag.name;
      });
      p.on('text', (txt) => {
        if (txt.trim()) texts.set(cur, [...(texts.get(cur) ?? []), txt]);
      });
      p.write(res.body).close();
      assert.equal(names[0], 'report');
      assert.deepEqual(texts.get('rentity_id'), ['4711']);
      assert.deepEqual(texts.get('report_code'), ['STR']);
      assert.deepEqual(texts.get('currency_code_local'), ['EUR']);
      assert.equal(names.filter((x) => x === 'transaction').length, 6);
      assert.ok(texts.get('account')!.includes(ADDRESS_OUT));
      // 0.45 BTC at 9,900 USD each deposit × 0.9 EUR/USD.
      assert.ok(texts.get('amount_local')!.includes('8910.00'));
      await expectAudited(t, { action: 'sar.export_goaml', outcome: 'ok', targetId: ids.sarEve });
    });

    it('PDF: a no-store attachment, a valid PDF, audited', async () => {
      const res = await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}/pdf`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 200));
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="SAR-2026-\d{6}\.pdf"$/);
      assert.equal(res.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
      const ev = await expectAudited(t, { action: 'sar.export_pdf', outcome: 'ok', targetId: ids.sarEve });
      assert.ok(ev.fields.includes('sar.transactions'));
      const v = okView(await call('compliance_officer', 'GET', `/api/v1/sars/${ids.sarEve}`));
      assert.deepEqual(v.history.filter((h) => h.kind.startsWith('exported')).map((h) => h.kind), ['exported_goaml', 'exported_pdf']);
    });
  });

  describe('deadlines', () => {
    it('lists open reports by deadline; overdue once the deadline passed (injected clock)', async () => {
      // A fresh draft on Bob's case (his earlier one was withdrawn): detected 2026-11-12, due 2026-12-12.
      const d = okView(await call('compliance_officer', 'POST', `/api/v1/cases/${ids.caseBob}/sars`, {}), 201);
      let list = (await call('compliance_officer', 'GET', '/api/v1/sars')).json() as { sars: SarSummary[] };
      const open = list.sars.filter((s) => s.id === d.sar.id);
      assert.equal(open.length, 1);
      assert.equal(open[0]!.overdue, false);
      assert.ok(list.sars.every((s) => s.status === 'draft' || s.status === 'ready_for_review'));
      const filed = (await call('compliance_officer', 'GET', '/api/v1/sars?status=filed')).json() as { sars: SarSummary[] };
      assert.deepEqual(filed.sars.map((s) => s.id), [ids.sarEve]);
      assert.equal(((await call('compliance_officer', 'GET', '/api/v1/sars?overdue=true')).json() as { sars: SarSummary[] }).sars.length, 0);
      clock.set(new Date('2026-12-12T08:00:01.000Z'));
      sessions = new Map();
      list = (await call('compliance_officer', 'GET', '/api/v1/sars?overdue=true')).json() as { sars: SarSummary[] };
      assert.ok(list.sars.some((s) => s.id === d.sar.id && s.overdue && s.daysLeft === -1));
      // Filed reports are never overdue.
      assert.ok(!list.sars.some((s) => s.id === ids.sarEve));
      const deadlines = await t.container.sar.deadlines(systemContext('test'), { overdueOnly: true });
      assert.ok(deadlines.some((s) => s.id === d.sar.id));
      assert.ok(clock.now().getTime() - new Date(d.sar.dueAt).getTime() < DAY);
    });
  });

  describe('at rest', () => {
    it('subject data, addresses, narrative and reasons are not in any table in plaintext', async () => {
      const needles = [
        { label: 'narrative', value: 'nine deposits just under the threshold' },
        { label: 'reason', value: 'consistent with structuring' },
        { label: 'address in', value: ADDRESS_IN },
        { label: 'address out', value: ADDRESS_OUT },
        { label: 'subject name', value: 'Evelyn Structurer' },
        { label: 'withdraw reason', value: 'Duplicate of an earlier report' },
        { label: 'control:account', value: 'ACC-SAR-EVE' },
      ];
      const hits = await scanAllTables(t.container.db.system, new PlaintextScanner(needles));
      assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
      assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
    });
  });
});
