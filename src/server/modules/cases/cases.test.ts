// Alerts and cases from the attacker's side first: no session, roles without the permissions (support senior,
// marketing, auditor: 403, audited), made-up and malformed ids (404), a forged cursor (400); then the sink
// (one alert per dedup key, hits absorbed, a new alert once the old one is closed), the queue and its masking per
// role, triage (reason required, a second close 409, escalation to a new or an existing case), the case workflow
// (illegal transitions 409, decisions with reasons), assignment (only to members who may manage cases), notes and
// attachments (typed by content, size-limited, encrypted), links, the timelines (SAR steps for sar.read only; the
// trader timeline shows nothing of this to support), a confirmed screening match opening a case, and the audit rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { CaseListQuery, type AlertDetail, type AlertPage, type CaseView } from '../../../contracts/cases.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import type { RuleHit } from '../monitoring/model.js';
import type { Member } from '../traders/index.js';
import { MAX_ATTACHMENT_BYTES } from './cases.attachments.js';

const clock = new FakeClock('2026-11-24T09:00:00.000Z');
const ROLES = ['support_senior', 'marketing', 'auditor', 'compliance_officer', 'compliance_senior'] as const;
type Role = (typeof ROLES)[number] | 'officer_b';

const ADDRESS = 'bc1qcounterpartyaddressxyz0000000000secretaddr';
const TX_HASH = 'f00dfeedbeefcafe0123456789abcdef0123456789abcdef0123456789abcd99';
const LOGIN_IP = '203.0.113.77';

/** A multipart body with one file. */
function multipart(file: { filename: string; type: string; content: Buffer }): { headers: Record<string, string>; payload: Buffer } {
  const boundary = `----bulwark${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat([head, file.content, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

describe('alerts and cases', () => {
  let t: TestApp;
  const members = new Map<Role, TestMember>();
  const sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  let n = 0;
  const ids = {} as Record<'ada' | 'bob' | 'case1' | 'case2' | 'bobAlert', string>;

  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.7.${++n >> 8}.${n & 255}`;
      const signed = await signInAs(t, members.get(role)!, clock, 'test-agent', ip);
      sessions.set(role, (s = { headers: signed.headers, ip }));
    }
    return s;
  };
  const call = async (role: Role, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const s = await as(role);
    return t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  };
  const upload = async (role: Role, caseId: string, file: { filename: string; type: string; content: Buffer }) => {
    const s = await as(role);
    const body = multipart(file);
    return t.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/attachments`, headers: { ...s.headers, ...body.headers }, remoteAddress: s.ip, payload: body.payload });
  };

  /** Stores exchange events for a trader as ingestion would (payload under the trader's key). */
  async function storeEvents(traderId: string, events: { id: string; type: 'deposit' | 'withdrawal' | 'login'; amountUsd?: number; payload: Record<string, string> }[]) {
    await t.container.audited(systemContext('test:ingest'), { action: 'monitoring.events_ingest', target: { type: 'event_batch' } }, async (tx) => {
      const key = await t.container.vault.subjectKey(tx, traderId, { create: true });
      for (const e of events) {
        await tx
          .insertInto('monitoring_event')
          .values({
            event_id: e.id,
            trader_id: traderId,
            type: e.type,
            occurred_at: clock.now(),
            received_at: clock.now(),
            asset: e.type === 'login' ? null : 'BTC',
            amount: e.type === 'login' ? null : '0.25',
            amount_usd: e.amountUsd ?? null,
            country: 'DE',
            counterparty_bidx: null,
            detail: null,
            source_seq: null,
            payload_ct: t.container.vault.encryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: e.id }, JSON.stringify(e.payload)),
          })
          .execute();
      }
    });
  }

  function hit(traderId: string, over: Partial<RuleHit> = {}): RuleHit {
    return {
      ruleId: 'structuring-1',
      ruleVersion: 2,
      ruleName: 'Zeta structuring test rule',
      severity: 'high',
      traderId,
      explanation: '4 deposits of 9,500–9,900 USD within 24 h (total 38,800 USD)',
      facts: { count: 4, totalUsd: 38800, windowHours: 24 },
      eventIds: [],
      eventAt: clock.now().getTime(),
      detectedAt: clock.now().getTime(),
      dedupKey: `structuring-1:${traderId}:2026-11-24`,
      ...over,
    };
  }

  const raise = (hits: RuleHit[]) => t.container.audited(systemContext('test:rules'), { action: 'monitoring.events_ingest', target: { type: 'event_batch' } }, (tx) => t.container.alerts.raiseIn(tx, hits));
  const alertRows = (traderId: string) => t.container.db.system.selectFrom('monitoring_alert').selectAll().where('trader_id', '=', traderId).orderBy('detected_at').execute();

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ROLES) {
      members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}`, key: role === 'compliance_senior' }));
    }
    members.set('officer_b', await createMember(t, clock, { email: 'officer_b@bank.test', roles: ['compliance_officer'], displayName: 'M officer_b' }));
    const make = (i: number, over: object) => t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(i), kind: 'individual', persons: [], wallets: [], ...over });
    ids.ada = await make(1, { accountRef: 'ACC-CASE-ADA', legalName: 'Ada Casewell', country: 'DE' });
    ids.bob = await make(2, { accountRef: 'ACC-CASE-BOB', legalName: 'Bob Alertson', country: 'FR' });
    await storeEvents(ids.ada, [
      { id: 'ev-ada-1', type: 'deposit', amountUsd: 9500, payload: { address: ADDRESS, chain: 'BTC', txHash: TX_HASH } },
      { id: 'ev-ada-2', type: 'deposit', amountUsd: 9900, payload: { address: ADDRESS, chain: 'BTC' } },
      { id: 'ev-ada-3', type: 'login', payload: { ip: LOGIN_IP } },
    ]);
    await storeEvents(ids.bob, [{ id: 'ev-bob-1', type: 'withdrawal', amountUsd: 50000, payload: { address: 'bc1qbobsdestination', chain: 'BTC' } }]);
  });
  after(async () => t?.close());

  describe('access', () => {
    it('401 without a session; 403 (audited) for support, marketing and auditors on every route class', async () => {
      expectProblem(await t.app.inject({ url: '/api/v1/monitoring/alerts' }), 401, 'unauthenticated');
      expectProblem(await t.app.inject({ url: '/api/v1/cases' }), 401, 'unauthenticated');
      const some = randomUUID();
      for (const role of ['support_senior', 'marketing', 'auditor'] as const) {
        expectProblem(await call(role, 'GET', '/api/v1/monitoring/alerts'), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/monitoring/alerts/${some}`), 403, 'forbidden');
        expectProblem(await call(role, 'POST', `/api/v1/monitoring/alerts/${some}/close`, { reason: 'nothing to see here at all' }), 403, 'forbidden');
        expectProblem(await call(role, 'POST', `/api/v1/monitoring/alerts/${some}/escalate`, { target: 'new' }), 403, 'forbidden');
        expectProblem(await call(role, 'GET', '/api/v1/cases'), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/cases/${some}`), 403, 'forbidden');
        expectProblem(await call(role, 'POST', '/api/v1/cases', { traderId: ids.ada, title: 'probe' }), 403, 'forbidden');
        expectProblem(await call(role, 'POST', `/api/v1/cases/${some}/notes`, { body: 'x' }), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/traders/${ids.ada}/alerts`), 403, 'forbidden');
        expectProblem(await call(role, 'GET', `/api/v1/traders/${ids.ada}/cases`), 403, 'forbidden');
      }
      const denied = await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('support_senior')!.id });
      assert.match(denied.targetId ?? '', /^(monitoring|case)\./);
    });

    it('404 for made-up and malformed alert and case ids; 400 for a forged cursor', async () => {
      for (const bad of [randomUUID(), 'not-a-uuid', '../../etc/passwd']) {
        expectProblem(await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts/${encodeURIComponent(bad)}`), 404, 'not_found');
        expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${encodeURIComponent(bad)}/close`, { reason: 'a reason long enough' }), 404, 'not_found');
        expectProblem(await call('compliance_officer', 'GET', `/api/v1/cases/${encodeURIComponent(bad)}`), 404, 'not_found');
      }
      expectProblem(await call('compliance_officer', 'POST', '/api/v1/cases', { traderId: randomUUID(), title: 'Nobody at all' }), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?cursor=bm90LWEtY3Vyc29y'), 400, 'bad_request');
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/cases?cursor=bm90LWEtY3Vyc29y'), 400, 'bad_request');
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?severity=apocalyptic'), 400, 'validation_failed');
      await expectAudited(t, { action: 'monitoring.alert_view', outcome: 'denied', actorId: members.get('compliance_officer')!.id });
    });
  });

  describe('the alert sink', () => {
    it('one alert per dedup key: a second hit in the batch and a later batch are absorbed (event ids merged); after closing, a new alert', async () => {
      const key = `velocity:${ids.bob}:w1`;
      const r1 = await raise([hit(ids.bob, { ruleId: 'velocity', dedupKey: key, eventIds: ['ev-bob-1'] }), hit(ids.bob, { ruleId: 'velocity', dedupKey: key, eventIds: ['ev-bob-1', 'ev-bob-x'] })]);
      assert.deepEqual(r1, { raised: 1, absorbed: 1 });
      const r2 = await raise([hit(ids.bob, { ruleId: 'velocity', dedupKey: key, eventIds: ['ev-bob-y'], explanation: '3 withdrawals within 1 h (pattern grown)', facts: { count: 3 } })]);
      assert.deepEqual(r2, { raised: 0, absorbed: 1 });
      let rows = (await alertRows(ids.bob)).filter((a) => a.dedup_key === key);
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.event_ids, ['ev-bob-1', 'ev-bob-x', 'ev-bob-y']);
      // The absorbed hit's explanation replaces the first one: the alert describes the pattern as it stands now.
      const detail = await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts/${rows[0]!.id}`);
      assert.equal(detail.statusCode, 200, detail.body);
      assert.equal(detail.json().explanation, '3 withdrawals within 1 h (pattern grown)');
      // The explanation is a ciphertext bound to the alert: not readable, not movable.
      assert.ok(!Buffer.from(rows[0]!.explanation_ct).toString('latin1').includes('Structuring'));
      const closed = await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${rows[0]!.id}/close`, { reason: 'Known payroll pattern, documented' });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.deepEqual(await raise([hit(ids.bob, { ruleId: 'velocity', dedupKey: key, eventIds: ['ev-bob-z'] })]), { raised: 1, absorbed: 0 });
      rows = (await alertRows(ids.bob)).filter((a) => a.dedup_key === key);
      assert.deepEqual(rows.map((a) => a.status).sort(), ['closed', 'open']);
    });

    it('different keys and traders in one batch raise one alert each', async () => {
      const r = await raise([
        hit(ids.ada, { eventIds: ['ev-ada-1', 'ev-ada-2', 'ev-ada-3'] }),
        hit(ids.ada, { ruleId: 'rapid-in-out', ruleName: 'Rapid in and out', severity: 'medium', dedupKey: `rio:${ids.ada}`, eventIds: ['ev-ada-2'] }),
        hit(ids.bob, { ruleId: 'dormant', ruleName: 'Dormant account active', severity: 'low', dedupKey: `dormant:${ids.bob}`, eventIds: ['ev-bob-1'] }),
      ]);
      assert.deepEqual(r, { raised: 3, absorbed: 0 });
    });
  });

  describe('the alert queue and an alert', () => {
    it('filters by status, severity, rule and trader; pages by cursor; audited with the filters named', async () => {
      const all = await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?status=all');
      assert.equal(all.statusCode, 200, all.body);
      const page = all.json() as AlertPage;
      assert.ok(page.alerts.length >= 4);
      assert.ok(page.alerts.every((a, i) => i === 0 || a.detectedAt <= page.alerts[i - 1]!.detectedAt));
      const high = (await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts?severity=high&trader=${ids.ada}`)).json() as AlertPage;
      assert.equal(high.alerts.length, 1);
      assert.equal(high.alerts[0]!.ruleName, 'Zeta structuring test rule');
      assert.equal(high.alerts[0]!.accountRef, 'ACC-CASE-ADA');
      assert.equal(high.alerts[0]!.eventCount, 3);
      const byRule = (await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?rule=dormant')).json() as AlertPage;
      assert.deepEqual(byRule.alerts.map((a) => a.ruleId), ['dormant']);
      // Pages of one, following the cursor, give the same alerts as one page.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const p = (await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts?status=all&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json() as AlertPage;
        seen.push(...p.alerts.map((a) => a.id));
        cursor = p.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, page.alerts.map((a) => a.id));
      const ev = await expectAudited(t, { action: 'monitoring.alert_list', outcome: 'ok', actorId: members.get('compliance_officer')!.id });
      assert.ok(ev.fields.includes('filter.status.all'));
    });

    it('the detail shows the explanation, facts and events; the counterparty and hash masked for an officer, in full for a senior; the IP per the security class', async () => {
      const id = ((await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts?severity=high&trader=${ids.ada}`)).json() as AlertPage).alerts[0]!.id;
      const officer = (await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts/${id}`)).json() as AlertDetail;
      assert.equal(officer.explanation, '4 deposits of 9,500–9,900 USD within 24 h (total 38,800 USD)');
      assert.deepEqual(officer.facts, { count: 4, totalUsd: 38800, windowHours: 24 });
      assert.deepEqual(officer.events.map((e) => e.eventId), ['ev-ada-1', 'ev-ada-2', 'ev-ada-3']);
      const dep = officer.events[0]!;
      assert.equal(dep.amountUsd, 9500);
      assert.equal(dep.chain, 'BTC');
      assert.notEqual(dep.counterparty, ADDRESS);
      assert.ok(dep.counterparty!.endsWith(ADDRESS.slice(-4)) && dep.counterparty!.length < 12, dep.counterparty!);
      assert.ok(dep.masked.includes('counterparty') && dep.masked.includes('txHash'));
      assert.equal(officer.events[2]!.ip !== LOGIN_IP, true, 'compliance officers see IPs masked');
      assert.equal(officer.can.triage, true);
      const senior = (await call('compliance_senior', 'GET', `/api/v1/monitoring/alerts/${id}`)).json() as AlertDetail;
      assert.equal(senior.events[0]!.counterparty, ADDRESS);
      assert.equal(senior.events[0]!.txHash, TX_HASH);
      const ev = await expectAudited(t, { action: 'monitoring.alert_view', outcome: 'ok', actorId: members.get('compliance_officer')!.id, targetId: id });
      assert.ok(ev.fields.includes('event.counterparty.masked'), ev.fields.join());
      const sev = await expectAudited(t, { action: 'monitoring.alert_view', outcome: 'ok', actorId: members.get('compliance_senior')!.id, targetId: id });
      assert.ok(sev.fields.includes('event.counterparty'), sev.fields.join());
    });
  });

  describe('triage', () => {
    it('closing needs a reason (refusal audited); closing twice is a 409', async () => {
      const id = ((await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?rule=dormant')).json() as AlertPage).alerts[0]!.id;
      const before = await lastSeq(t);
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${id}/close`, {}), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${id}/close`, { reason: 'short' }), 400, 'validation_failed');
      await expectAudited(t, { action: 'monitoring.alert_close', outcome: 'error', errorCode: 'validation_failed' }, { afterSeq: before });
      const ok = await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${id}/close`, { reason: 'Customer returned from a long stay abroad, verified' });
      assert.equal(ok.statusCode, 200, ok.body);
      const closed = ok.json() as AlertDetail;
      assert.equal(closed.status, 'closed');
      assert.equal(closed.closeReason, 'Customer returned from a long stay abroad, verified');
      assert.equal(closed.closedByName, 'M compliance_officer');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${id}/close`, { reason: 'Closing it once more, again' }), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${id}/escalate`, { target: 'new' }), 409, 'conflict');
      await expectAudited(t, { action: 'monitoring.alert_close', outcome: 'ok', targetId: id });
    });

    it('escalates to a new case (reference, priority from severity, alert and trader linked), then another alert to that existing case', async () => {
      const list = ((await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts?trader=${ids.ada}`)).json() as AlertPage).alerts;
      const structuring = list.find((a) => a.ruleId === 'structuring-1')!;
      const rio = list.find((a) => a.ruleId === 'rapid-in-out')!;
      const res = await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${structuring.id}/escalate`, { target: 'new', queue: 'aml' });
      assert.equal(res.statusCode, 200, res.body);
      const esc = res.json() as { alert: { status: string; caseId: string }; caseId: string; caseReference: string };
      assert.match(esc.caseReference, /^CASE-2026-\d{6}$/);
      assert.equal(esc.alert.status, 'escalated');
      ids.case1 = esc.caseId;
      const c = (await call('compliance_officer', 'GET', `/api/v1/cases/${esc.caseId}`)).json() as CaseView;
      assert.equal(c.case.priority, 'high');
      assert.equal(c.case.status, 'open');
      assert.equal(c.case.title, 'Alert: Zeta structuring test rule (high)');
      assert.equal(c.case.dueAt, new Date(clock.now().getTime() + 72 * 3_600_000).toISOString());
      assert.deepEqual(c.links.map((l) => `${l.kind}:${l.ref}`).sort(), [`alert:${structuring.id}`, `trader:${ids.ada}`].sort());
      const again = await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${rio.id}/escalate`, { target: 'existing', caseId: esc.caseId });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal((again.json() as { caseId: string }).caseId, esc.caseId);
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${rio.id}/escalate`, { target: 'existing', caseId: esc.caseId }), 409, 'conflict');
      const withBoth = (await call('compliance_officer', 'GET', `/api/v1/cases/${esc.caseId}`)).json() as CaseView;
      assert.ok(withBoth.links.some((l) => l.ref === rio.id));
      assert.ok(withBoth.timeline.some((e) => e.kind === 'link_added' && e.detail === `alert ${rio.id}`));
      await expectAudited(t, { action: 'monitoring.alert_escalate', outcome: 'ok', targetId: rio.id });
      // The SAR module's view of the case.
      const file = await t.container.audited(systemContext('test'), { action: 'test.read' }, (tx) => t.container.cases.caseFileIn(tx, esc.caseId));
      assert.deepEqual(file!.alertIds.sort(), [structuring.id, rio.id].sort());
      assert.deepEqual(file!.alertEventIds.sort(), ['ev-ada-1', 'ev-ada-2', 'ev-ada-3']);
      assert.deepEqual(file!.traderIds, [ids.ada]);
    });

    it('escalating to a missing case is a 404', async () => {
      await raise([hit(ids.bob, { ruleId: 'big-withdrawal', dedupKey: `bw:${ids.bob}`, eventIds: ['ev-bob-1'] })]);
      const a = ((await call('compliance_officer', 'GET', '/api/v1/monitoring/alerts?rule=big-withdrawal')).json() as AlertPage).alerts[0]!;
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${a.id}/escalate`, { target: 'existing', caseId: randomUUID() }), 404, 'not_found');
      assert.equal(((await call('compliance_officer', 'GET', `/api/v1/monitoring/alerts/${a.id}`)).json() as AlertDetail).status, 'open', 'nothing half-done');
      ids.bobAlert = a.id;
    });
  });

  describe('cases', () => {
    it('the workflow: illegal transitions are 409; closing is a decision with a reason; a closed case is final', async () => {
      const res = await call('compliance_officer', 'POST', '/api/v1/cases', { traderId: ids.bob, title: 'Large withdrawal after dormancy', queue: 'fraud', priority: 'urgent' });
      assert.equal(res.statusCode, 201, res.body);
      const c = res.json() as CaseView;
      ids.case2 = c.case.id;
      assert.deepEqual(c.can.transitions, ['investigating']);
      const url = `/api/v1/cases/${c.case.id}/transition`;
      expectProblem(await call('compliance_officer', 'POST', url, { to: 'pending_decision' }), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', url, { to: 'closed_no_action', reason: 'nothing suspicious found here' }), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', url, { to: 'closed_other', reason: 'opened by mistake, honestly' }), 409, 'conflict');
      assert.equal((await call('compliance_officer', 'POST', url, { to: 'investigating' })).statusCode, 200);
      const pending = await call('compliance_officer', 'POST', url, { to: 'pending_decision' });
      assert.equal(pending.statusCode, 200, pending.body);
      // Four eyes: the member who asked for the decision is not offered the closings and cannot take them.
      assert.deepEqual((pending.json() as CaseView).can.transitions, ['investigating']);
      expectProblem(await call('compliance_officer', 'POST', url, { to: 'closed_no_action', reason: 'Source of funds documented: sale of a house' }), 403, 'forbidden');
      await expectAudited(t, { action: 'case.transition', outcome: 'denied', errorCode: 'forbidden', actorId: members.get('compliance_officer')!.id, targetId: c.case.id });
      const other = (await call('officer_b', 'GET', `/api/v1/cases/${c.case.id}`)).json() as CaseView;
      assert.deepEqual(other.can.transitions, ['investigating', 'closed_no_action', 'closed_sar_filed', 'closed_other']);
      expectProblem(await call('officer_b', 'POST', url, { to: 'closed_no_action' }), 400, 'validation_failed');
      const done = await call('officer_b', 'POST', url, { to: 'closed_no_action', reason: 'Source of funds documented: sale of a house' });
      assert.equal(done.statusCode, 200, done.body);
      const v = done.json() as CaseView;
      assert.equal(v.case.status, 'closed_no_action');
      assert.equal(v.decision?.decision, 'no_action');
      assert.equal(v.decision?.reason, 'Source of funds documented: sale of a house');
      assert.equal(v.decision?.byName, 'M officer_b');
      assert.deepEqual(
        v.timeline.map((e) => [e.kind, e.toStatus]),
        [['opened', 'open'], ['status_changed', 'investigating'], ['status_changed', 'pending_decision'], ['decision', 'closed_no_action']],
      );
      assert.deepEqual(v.can, { manage: false, transitions: [] });
      expectProblem(await call('compliance_officer', 'POST', url, { to: 'investigating', reason: 'reopen the case please' }), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/cases/${c.case.id}/notes`, { body: 'late note' }), 409, 'conflict');
      // Escalating into a closed case: 409, open a new one instead.
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/monitoring/alerts/${ids.bobAlert}/escalate`, { target: 'existing', caseId: c.case.id }), 409, 'conflict');
      await expectAudited(t, { action: 'case.transition', outcome: 'ok', targetId: c.case.id });
      await expectAudited(t, { action: 'case.transition', outcome: 'error', errorCode: 'conflict', targetId: c.case.id });
    });

    it('lists cases by status, queue and overdue (SLA by priority, injected clock)', async () => {
      const active = (await call('compliance_officer', 'GET', '/api/v1/cases')).json() as { cases: { id: string; overdue: boolean }[] };
      assert.ok(active.cases.some((c) => c.id === ids.case1));
      assert.ok(!active.cases.some((c) => c.id === ids.case2), 'closed cases are not active');
      const closed = (await call('compliance_officer', 'GET', '/api/v1/cases?status=closed&queue=fraud')).json() as { cases: { id: string }[] };
      assert.deepEqual(closed.cases.map((c) => c.id), [ids.case2]);
      assert.deepEqual(((await call('compliance_officer', 'GET', '/api/v1/cases?overdue=true')).json() as { cases: unknown[] }).cases, []);
      clock.advance(73 * 3_600_000);
      sessions.clear();
      const late = (await call('compliance_officer', 'GET', '/api/v1/cases?overdue=true')).json() as { cases: { id: string; overdue: boolean }[] };
      assert.deepEqual(late.cases.map((c) => [c.id, c.overdue]), [[ids.case1, true]]);
      const mine = (await call('compliance_officer', 'GET', `/api/v1/traders/${ids.ada}/cases`)).json() as { cases: { id: string }[] };
      assert.deepEqual(mine.cases.map((c) => c.id), [ids.case1]);
    });

    it('assignment only to active members who may manage cases; priority changes move the due time', async () => {
      const url = `/api/v1/cases/${ids.case1}/assign`;
      expectProblem(await call('compliance_officer', 'POST', url, { assigneeId: members.get('support_senior')!.id }), 400, 'validation_failed');
      expectProblem(await call('compliance_officer', 'POST', url, { assigneeId: randomUUID() }), 400, 'validation_failed');
      const ok = await call('compliance_officer', 'POST', url, { assigneeId: members.get('officer_b')!.id });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((ok.json() as CaseView).case.assigneeName, 'M officer_b');
      const assignees = (await call('compliance_officer', 'GET', '/api/v1/cases/assignees')).json() as { members: { id: string }[] };
      assert.ok(assignees.members.some((m) => m.id === members.get('officer_b')!.id));
      assert.ok(!assignees.members.some((m) => m.id === members.get('support_senior')!.id));
      const mine = (await call('officer_b', 'GET', '/api/v1/cases?assignee=me')).json() as { cases: { id: string }[] };
      assert.deepEqual(mine.cases.map((c) => c.id), [ids.case1]);
      const up = await call('compliance_officer', 'PATCH', `/api/v1/cases/${ids.case1}`, { priority: 'low' });
      assert.equal(up.statusCode, 200, up.body);
      const v = up.json() as CaseView;
      assert.equal(v.case.overdue, false, 'low priority: 30 days');
      assert.ok(v.timeline.some((e) => e.kind === 'priority_changed' && e.detail === 'high → low'));
      await expectAudited(t, { action: 'case.assign', outcome: 'ok', targetId: ids.case1 });
    });

    it('notes and attachments: typed by content, size-limited, downloadable within their case only, encrypted at rest', async () => {
      const note = await call('compliance_officer', 'POST', `/api/v1/cases/${ids.case1}/notes`, { body: 'Called the bank: the salary account is at Sparkasse Ulm' });
      assert.equal(note.statusCode, 201, note.body);
      expectProblem(await upload('compliance_officer', ids.case1, { filename: 'statement.pdf', type: 'application/pdf', content: Buffer.from('<html><script>alert(1)</script></html>') }), 415, 'unsupported_media_type');
      expectProblem(await upload('compliance_officer', ids.case1, { filename: 'image.png', type: 'image/png', content: Buffer.from('%PDF-1.4\n%%EOF\n') }), 415, 'unsupported_media_type');
      expectProblem(await upload('compliance_officer', ids.case1, { filename: 'big.csv', type: 'text/csv', content: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x61) }), 413, 'payload_too_large');
      expectProblem(await upload('support_senior', ids.case1, { filename: 'x.csv', type: 'text/csv', content: Buffer.from('a,b\n') }), 403, 'forbidden');
      const csv = 'date,amount\n2026-11-20,9500 secretledgerline\n';
      const up = await upload('compliance_officer', ids.case1, { filename: 'ledger-sparkasse.csv', type: 'text/csv', content: Buffer.from(csv) });
      assert.equal(up.statusCode, 201, up.body);
      const att = (up.json() as { attachment: { id: string; contentType: string } }).attachment;
      assert.equal(att.contentType, 'text/plain');
      const dl = await call('compliance_officer', 'GET', `/api/v1/cases/${ids.case1}/attachments/${att.id}`);
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.body, csv);
      assert.equal(dl.headers['cache-control'], 'no-store');
      assert.match(String(dl.headers['content-disposition']), /^attachment;/);
      // Another case's attachment id under this case: 404.
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/cases/${ids.case2}/attachments/${att.id}`), 404, 'not_found');
      const v = (await call('compliance_officer', 'GET', `/api/v1/cases/${ids.case1}`)).json() as CaseView;
      assert.equal(v.notes.at(-1)!.body, 'Called the bank: the salary account is at Sparkasse Ulm');
      assert.equal(v.attachments[0]!.filename, 'ledger-sparkasse.csv');
      await expectAudited(t, { action: 'case.attachment_upload', outcome: 'error', errorCode: 'unsupported_media_type' });
      await expectAudited(t, { action: 'case.attachment_download', outcome: 'ok' });
      const hits = await scanAllTables(
        t.container.db.system,
        new PlaintextScanner([
          { label: 'note', value: 'Sparkasse Ulm' },
          { label: 'attachment name', value: 'ledger-sparkasse' },
          { label: 'attachment content', value: 'secretledgerline' },
          { label: 'case title', value: 'Large withdrawal after dormancy' },
          { label: 'decision reason', value: 'sale of a house' },
          { label: 'alert close reason', value: 'long stay abroad' },
          { label: 'alert explanation', value: 'Zeta structuring' },
          { label: 'counterparty', value: ADDRESS },
          { label: 'control: account ref', value: 'ACC-CASE-ADA' },
        ]),
      );
      assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
      assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
    });

    it('links: a trader must exist, an alert or event must exist (404), and linking one links its trader', async () => {
      const url = `/api/v1/cases/${ids.case1}/links`;
      expectProblem(await call('compliance_officer', 'POST', url, { kind: 'trader', ref: randomUUID() }), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'POST', url, { kind: 'alert', ref: randomUUID() }), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'POST', url, { kind: 'event', ref: 'ev-nobody' }), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'POST', url, { kind: 'screening_hit', ref: 'nope' }), 404, 'not_found');
      const ok = await call('compliance_officer', 'POST', url, { kind: 'event', ref: 'ev-bob-1' });
      assert.equal(ok.statusCode, 200, ok.body);
      const v = ok.json() as CaseView;
      assert.ok(v.links.some((l) => l.kind === 'event' && l.ref === 'ev-bob-1' && l.label.startsWith('withdrawal 0.25')));
      assert.ok(v.links.some((l) => l.kind === 'trader' && l.ref === ids.bob), "the event's trader is linked too");
      await expectAudited(t, { action: 'case.link_add', outcome: 'ok', targetId: ids.case1 });
      await expectAudited(t, { action: 'case.link_add', outcome: 'denied', errorCode: 'not_found' });
    });

    it("SAR steps on a case's timeline are shown to sar.read holders only", async () => {
      const added = await t.container.audited(systemContext('test:sar'), { action: 'test.sar' }, (tx) =>
        t.container.cases.addTimelineEventIn(tx, ids.case1, { kind: 'sar.drafted', actorId: members.get('compliance_officer')!.id, detail: 'SAR-2026-000001 drafted', restricted: 'sar' }),
      );
      assert.equal(added, true);
      const officer = (await call('compliance_officer', 'GET', `/api/v1/cases/${ids.case1}`)).json() as CaseView;
      assert.ok(officer.timeline.some((e) => e.kind === 'sar.drafted'));
      // A member who reads cases but not SARs (a custom role): the step is not there.
      const noSar: Member = { id: members.get('officer_b')!.id, roles: ['compliance_officer'], permissions: new Set(['trader.read', 'trader.timeline.read', 'screening.read', 'monitoring.read', 'case.read', 'case.manage']) };
      const v = await t.container.cases.get(systemContext('test'), noSar, ids.case1);
      assert.ok(!v.timeline.some((e) => e.kind.startsWith('sar')));
      assert.ok(!v.can.transitions.includes('closed_sar_filed'));
      const tl = await t.container.traders.timeline(systemContext('test'), noSar, ids.ada, { limit: 200 });
      assert.ok(tl.entries.some((e) => e.event === 'case.opened'));
      assert.ok(!tl.entries.some((e) => e.event.startsWith('case.sar')));
      const full = await t.container.traders.timeline(systemContext('test'), { ...noSar, permissions: new Set([...noSar.permissions, 'sar.read']) }, ids.ada, { limit: 200 });
      assert.ok(full.entries.some((e) => e.event === 'case.sar.drafted'));
    });

    it('a case closed as "SAR filed" reads as "closed other" to a member without sar.read: view, decision, timeline, list filters, trader timeline', async () => {
      const res = await call('compliance_officer', 'POST', '/api/v1/cases', { traderId: ids.bob, title: 'Layering through three exchanges', queue: 'aml', priority: 'high' });
      assert.equal(res.statusCode, 201, res.body);
      const id = (res.json() as CaseView).case.id;
      const url = `/api/v1/cases/${id}/transition`;
      assert.equal((await call('compliance_officer', 'POST', url, { to: 'investigating' })).statusCode, 200);
      assert.equal((await call('compliance_officer', 'POST', url, { to: 'pending_decision' })).statusCode, 200);
      const closed = await call('officer_b', 'POST', url, { to: 'closed_sar_filed', reason: 'Reported to the FIU after review' });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.equal((closed.json() as CaseView).case.status, 'closed_sar_filed');
      const noSar: Member = { id: members.get('officer_b')!.id, roles: ['compliance_officer'], permissions: new Set(['trader.read', 'trader.timeline.read', 'screening.read', 'monitoring.read', 'case.read', 'case.manage']) };
      const v = await t.container.cases.get(systemContext('test'), noSar, id);
      assert.equal(v.case.status, 'closed_other');
      assert.equal(v.decision?.decision, 'other');
      assert.ok(!JSON.stringify(v).includes('sar_filed'), 'no trace of the SAR in the case view');
      for (const status of ['closed_other', 'closed_sar_filed'] as const) {
        const page = await t.container.cases.list(systemContext('test'), noSar, CaseListQuery.parse({ status }));
        const found = page.cases.find((c) => c.id === id);
        assert.equal(found?.status, 'closed_other', `filter ${status} finds it, as closed other`);
      }
      const tl = await t.container.traders.timeline(systemContext('test'), noSar, ids.bob, { limit: 200 });
      assert.ok(tl.entries.some((e) => e.event === 'case.decision'));
      assert.ok(!JSON.stringify(tl.entries).includes('sar'), 'no trace of the SAR in the trader timeline');
      // With sar.read the decision is what it is.
      const full = await t.container.cases.get(systemContext('test'), { ...noSar, permissions: new Set([...noSar.permissions, 'sar.read']) }, id);
      assert.equal(full.case.status, 'closed_sar_filed');
      assert.equal(full.decision?.decision, 'sar_filed');
    });

    it('the trader timeline shows alerts and cases to compliance, nothing of them to support', async () => {
      const c = await call('compliance_officer', 'GET', `/api/v1/traders/${ids.ada}/timeline?limit=200`);
      assert.equal(c.statusCode, 200, c.body);
      const entries = (c.json() as { entries: { id: string; event: string }[] }).entries;
      assert.ok(entries.some((e) => e.event === 'monitoring.alert_raised'));
      assert.ok(entries.some((e) => e.event === 'case.opened'));
      assert.ok(entries.some((e) => e.event === 'case.trader_cases' || e.event === 'monitoring.trader_alerts'), 'compliance sees staff actions on cases and alerts');
      const s = await call('support_senior', 'GET', `/api/v1/traders/${ids.ada}/timeline?limit=200`);
      assert.equal(s.statusCode, 200, s.body);
      const support = (s.json() as { entries: { id: string; event: string; summary: string }[] }).entries;
      assert.deepEqual(
        support.filter((e) => /^(monitoring|case|sar)\./.test(e.event) || /alert|case/i.test(e.summary)).map((e) => e.event),
        [],
      );
    });
  });

  describe('from ingestion to the queue', () => {
    it('structuring deposits ingested from the exchange raise one alert through the active rules, with the events behind it', async () => {
      const at = (min: number) => new Date(clock.now().getTime() - min * 60_000).toISOString();
      const dep = (i: number, usd: number) => ({ eventId: `ing-ada-${i}`, accountRef: 'ACC-CASE-ADA', type: 'deposit', occurredAt: at(60 - i * 10), asset: 'USDT', amount: String(usd), valueUsd: usd, address: ADDRESS, chain: 'eth' });
      const out = await t.container.monitoringIngest.ingest(systemContext('exchange:webhook'), [dep(1, 9500), dep(2, 9700), dep(3, 9900)]);
      assert.ok(JSON.stringify(out).includes('stored'), JSON.stringify(out));
      const page = (await call('compliance_senior', 'GET', `/api/v1/monitoring/alerts?trader=${ids.ada}&severity=high`)).json() as AlertPage;
      const a = page.alerts.find((x) => x.ruleName === 'Structuring below 10,000 USD');
      assert.ok(a, JSON.stringify(page.alerts.map((x) => x.ruleName)));
      const d = (await call('compliance_senior', 'GET', `/api/v1/monitoring/alerts/${a.id}`)).json() as AlertDetail;
      assert.deepEqual(d.events.map((e) => e.eventId), ['ing-ada-1', 'ing-ada-2', 'ing-ada-3']);
      assert.equal(d.events[0]!.counterparty, ADDRESS);
      // The same pattern again in the same window: absorbed, not a second alert.
      await t.container.monitoringIngest.ingest(systemContext('exchange:webhook'), [dep(4, 9800)]);
      const again = ((await call('compliance_senior', 'GET', `/api/v1/monitoring/alerts?trader=${ids.ada}&severity=high`)).json() as AlertPage).alerts.filter((x) => x.ruleName === 'Structuring below 10,000 USD');
      assert.equal(again.length, 1);
      assert.equal(again[0]!.eventCount, 4, 'the fourth deposit joined the open alert');
    });
  });

  describe('screening', () => {
    it('a confirmed screening match opens a sanctions case and records it on the hit', async () => {
      const db = t.container.db.system;
      const hitId = randomUUID();
      const runId = randomUUID();
      await db.transaction().execute(async (tx) => {
        const key = await t.container.vault.subjectKey(tx, ids.bob, { create: false });
        const explanation = { query: 'Bob Alertson', matchedName: 'BOB ALERTSON', normalisedMatchedName: 'bob alertson', nameKind: 'primary', tokens: [], nameScore: 0.97, factors: [] };
        await tx
          .insertInto('screening_run')
          .values({ id: runId, trader_id: ids.bob, batch_id: null, trigger: 'manual', scope: 'full', status: 'hits', actor_type: 'system', actor_id: null, list_versions: JSON.stringify([]), algorithm_version: 'test', threshold: 0.85, subject_count: 1, candidate_count: 1, evidence_ct: t.container.vault.encryptForSubject(key, { table: 'screening_run', column: 'evidence_ct', rowId: runId }, '{}'), created_at: clock.now() })
          .execute();
        await tx
          .insertInto('screening_hit')
          .values({
            id: hitId,
            trader_id: ids.bob,
            subject_kind: 'trader',
            subject_ref: ids.bob,
            subject_hash: Buffer.alloc(32),
            source: 'ofac_sdn',
            entity_id: 'OFAC-99999',
            entity_name: 'BOB ALERTSON',
            entity_kind: 'person',
            entity_topics: ['sanction'],
            entity_sha256: '0'.repeat(64),
            score: 0.97,
            explanation_ct: t.container.vault.encryptForSubject(key, { table: 'screening_hit', column: 'explanation_ct', rowId: hitId }, JSON.stringify(explanation)),
            status: 'open',
            first_run_id: runId,
            last_run_id: runId,
            decided_by: null,
            decided_at: null,
            freeze_approval_id: null,
            case_id: null,
            opened_at: clock.now(),
            created_at: clock.now(),
            updated_at: clock.now(),
          })
          .execute();
      });
      const officer = members.get('compliance_officer')!;
      const member: Member = { id: officer.id, roles: ['compliance_officer'], permissions: new Set(['trader.read', 'screening.read', 'screening.review', 'monitoring.read', 'case.read', 'case.manage']) };
      const r = await t.container.screening.confirm(systemContext('test'), member, hitId, 'Same person: date of birth and passport match');
      assert.ok(r.hit.caseId);
      const row = await db.selectFrom('screening_hit').select('case_id').where('id', '=', hitId).executeTakeFirstOrThrow();
      assert.equal(row.case_id, r.hit.caseId);
      const v = (await call('compliance_officer', 'GET', `/api/v1/cases/${row.case_id}`)).json() as CaseView;
      assert.equal(v.case.queue, 'sanctions');
      assert.equal(v.case.priority, 'high');
      assert.equal(v.case.subjectTraderId, ids.bob);
      assert.ok(v.links.some((l) => l.kind === 'screening_hit' && l.ref === hitId && l.label.includes('BOB ALERTSON')));
    });
  });
});
