// Withdrawal-limit changes through the API, from the attacker's side first: roles that may not touch limits get
// 403, unknown and malformed ids 404, a request needs a reason and must really be an increase; only a compliance
// senior who did not make the request approves it, with a fresh second factor; the approved limit is read back
// from the exchange simulator; an exchange failure leaves the request failed (nothing applied) and a retry applies
// it; the exchange's signed request on a trader's behalf refuses unsigned, forged, stale and replayed deliveries and
// answers a redelivered request id the same; a decrease applies at once, never as a disguised increase; every step
// is audited, and no reason is stored in clear anywhere.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited } from '../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import { createSimulator, DEFAULT_LIMITS, type Simulator } from '../exchange/simulator.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../support/index.js';
import { compareAmounts } from './withdrawal-limits.service.js';
import { sendTraderLimitRequest } from './withdrawal-limits.sender.js';

const SECRET = 'exchange-shared-secret-0123456789abcdefXYZ';
const KEY_ID = 'bulwark-test';
const INBOUND_SECRET = 'inbound-webhook-secret-0123456789abcdefghijkl';
const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const ROLES = ['support_junior', 'support_senior', 'marketing', 'auditor', 'compliance_officer', 'compliance_senior', 'compliance_senior_2', 'admin'] as const;
type Role = (typeof ROLES)[number];
const REASONS = {
  staff: 'Customer moved savings here, ticket 4411',
  own: 'Senior asks for own desk client 7788',
  failing: 'Client buys a flat next week, ticket 5521',
  trader: 'I am buying a car from a dealer who takes USDT',
  decrease: 'Structuring pattern seen in alert 9931 today',
  approve: 'Checked the ticket and the source of funds',
};

describe('withdrawal limits: requests, four eyes, decreases, the exchange on behalf of traders', () => {
  let t: TestApp;
  let sim: Simulator;
  const members = new Map<Role, TestMember>();
  let a: string;
  let b: string;
  const refA = 'WL-ACC-A';
  const refB = 'WL-ACC-B';
  let n = 0;
  const sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.4.${++n >> 8}.${n & 255}`;
      s = { headers: (await signInAs(t, members.get(role)!, clock, 'test-agent', ip)).headers, ip };
      sessions.set(role, s);
    }
    return s;
  };
  const get = async (role: Role, url: string) => {
    const s = await as(role);
    return t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  };
  const post = async (role: Role, url: string, payload: object = {}) => {
    const s = await as(role);
    return t.app.inject({ method: 'POST', url, headers: s.headers, remoteAddress: s.ip, payload });
  };
  const limitOf = async (traderId: string, asset: string) => {
    const r = await get('compliance_senior', `/api/v1/traders/${traderId}/withdrawal-limits`);
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().limits as { asset: string; dailyLimit: string }[]).find((l) => l.asset === asset)?.dailyLimit;
  };
  const inbound = (body: object | string, opts: { ts?: number; sig?: string | null; secret?: string } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(clock.now().getTime() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts) };
    if (opts.sig !== null) headers[SIGNATURE_HEADER] = opts.sig ?? signInbound(opts.secret ?? INBOUND_SECRET, ts, raw);
    return t.app.inject({ method: 'POST', url: '/api/v1/exchange/inbound/withdrawal-limit-requests', headers, payload: raw });
  };

  before(async () => {
    t = await createTestApp({
      clock,
      env: { EXCHANGE_RETRY_DELAY_MS: '1', EXCHANGE_TIMEOUT_MS: '1000', EXCHANGE_BREAKER_AFTER: '100', EXCHANGE_WEBHOOK_SECRET: INBOUND_SECRET },
    });
    for (const role of ROLES) {
      const roles = [role === 'compliance_senior_2' ? 'compliance_senior' : role];
      const privileged = role.startsWith('compliance_senior') || role === 'admin';
      members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles, displayName: `M ${role}`, key: privileged }));
    }
    a = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: refA });
    b = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(2), accountRef: refB });
    sim = createSimulator({ keyId: KEY_ID, secret: SECRET });
    await sim.listen(0);
    await t.container.exchange.setConnection(systemContext('test'), { baseUrl: sim.url(), keyId: KEY_ID, secret: SECRET }, members.get('admin')!.id, { requireReason: false });
  });
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  it('compares limits as exact decimals', () => {
    assert.equal(compareAmounts('2', '2.00000000'), 0);
    assert.equal(compareAmounts('10', '9.99999999'), 1);
    assert.equal(compareAmounts('0.1', '0.09'), 1);
    assert.equal(compareAmounts('007', '7'), 0);
    assert.equal(compareAmounts('123456789012345678', '123456789012345679'), -1);
  });

  it('roles without a withdrawal-limit permission are refused everything (403), and the refusal is audited', async () => {
    const id = randomUUID();
    for (const role of ['support_junior', 'marketing', 'auditor'] as const) {
      expectProblem(await get(role, '/api/v1/withdrawal-limits'), 403, 'forbidden');
      expectProblem(await get(role, `/api/v1/withdrawal-limits/${id}`), 403, 'forbidden');
      expectProblem(await get(role, `/api/v1/traders/${a}/withdrawal-limits`), 403, 'forbidden');
      expectProblem(await post(role, `/api/v1/traders/${a}/withdrawal-limits/requests`, { asset: 'BTC', dailyLimit: '9', reason: REASONS.staff }), 403, 'forbidden');
      expectProblem(await post(role, `/api/v1/traders/${a}/withdrawal-limits/decrease`, { asset: 'BTC', dailyLimit: '1', reason: REASONS.decrease }), 403, 'forbidden');
      expectProblem(await post(role, `/api/v1/withdrawal-limits/${id}/approve`, { reason: REASONS.approve }), 403, 'forbidden');
    }
    // Support may ask, never decide or decrease; a compliance officer decreases, never approves.
    expectProblem(await post('support_senior', `/api/v1/traders/${a}/withdrawal-limits/decrease`, { asset: 'BTC', dailyLimit: '1', reason: REASONS.decrease }), 403, 'forbidden');
    expectProblem(await post('support_senior', `/api/v1/withdrawal-limits/${id}/approve`, { reason: REASONS.approve }), 403, 'forbidden');
    expectProblem(await post('compliance_officer', `/api/v1/withdrawal-limits/${id}/approve`, { reason: REASONS.approve }), 403, 'forbidden');
    expectProblem(await post('compliance_officer', `/api/v1/withdrawal-limits/${id}/retry`), 403, 'forbidden');
    const denied = await findAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('compliance_officer')!.id });
    assert.ok(denied.length >= 2, 'the refused approvals are in the audit log');
  });

  it('a request: 404 for unknown and malformed traders and ids, a reason, a real increase, one pending per asset', async () => {
    const url = `/api/v1/traders/${a}/withdrawal-limits/requests`;
    expectProblem(await post('support_senior', `/api/v1/traders/${randomUUID()}/withdrawal-limits/requests`, { asset: 'BTC', dailyLimit: '9', reason: REASONS.staff }), 404, 'not_found');
    expectProblem(await post('support_senior', '/api/v1/traders/not-an-id/withdrawal-limits/requests', { asset: 'BTC', dailyLimit: '9', reason: REASONS.staff }), 404, 'not_found');
    expectProblem(await get('support_senior', `/api/v1/withdrawal-limits/${randomUUID()}`), 404, 'not_found');
    expectProblem(await get('support_senior', '/api/v1/withdrawal-limits/../../etc'), 404, 'not_found');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '9' }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '9', reason: 'ok' }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '-1', reason: REASONS.staff }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '1e9', reason: REASONS.staff }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'btc; drop', dailyLimit: '9', reason: REASONS.staff }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '9', reason: 'x'.repeat(1001) }), 400, 'validation_failed');
    expectProblem(await post('support_senior', url, { asset: 'XRP', dailyLimit: '9', reason: REASONS.staff }), 400, 'validation_failed');
    // The same limit, or a lower one, is not an increase.
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: DEFAULT_LIMITS.BTC!, reason: REASONS.staff }), 409, 'conflict');
    expectProblem(await post('support_senior', url, { asset: 'BTC', dailyLimit: '1.5', reason: REASONS.staff }), 409, 'conflict');

    const before = sim.hits.get('setWithdrawalLimit') ?? 0;
    const ok = await post('support_senior', url, { asset: 'BTC', dailyLimit: '5', reason: REASONS.staff });
    assert.equal(ok.statusCode, 201, ok.body);
    const r = ok.json();
    assert.equal(r.status, 'pending');
    assert.equal(r.currentLimit, DEFAULT_LIMITS.BTC, 'the current limit as the exchange stated it');
    assert.equal(r.requestedLimit, '5');
    assert.equal(r.source, 'staff');
    assert.equal(r.requestedBy, members.get('support_senior')!.id);
    assert.equal(r.reason, REASONS.staff, 'the maker sees their own reason');
    assert.equal(sim.hits.get('setWithdrawalLimit') ?? 0, before, 'nothing reached the exchange');
    expectProblem(await post('compliance_officer', url, { asset: 'BTC', dailyLimit: '7', reason: REASONS.staff }), 409, 'conflict');
    const ev = await expectAudited(t, { action: 'withdrawal_limit.request', outcome: 'ok', actorId: members.get('support_senior')!.id, targetId: a });
    assert.equal(ev.reason, null, 'the reason is not written in clear to the audit log');
    assert.ok(ev.fields.includes('withdrawal_limit_request.reason'));
    await expectAudited(t, { action: 'withdrawal_limit.read', outcome: 'denied', actorId: members.get('support_senior')!.id });
  });

  it('approval: only a compliance senior, never the maker, with a fresh second factor; the limit is applied at the exchange', async () => {
    const pending = (await get('compliance_senior', `/api/v1/withdrawal-limits?status=pending`)).json().requests as { id: string; asset: string; traderId: string; reason: string | null }[];
    const req = pending.find((p) => p.asset === 'BTC' && p.traderId === a)!;
    assert.ok(req);
    assert.equal(req.reason, REASONS.staff, 'the approver sees the reason');

    // The maker cannot approve their own request, even holding the permission.
    const own = await post('compliance_senior', `/api/v1/traders/${a}/withdrawal-limits/requests`, { asset: 'ETH', dailyLimit: '45', reason: REASONS.own });
    assert.equal(own.statusCode, 201, own.body);
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${own.json().id}/approve`, { reason: REASONS.approve }), 403, 'forbidden');
    await expectAudited(t, { action: 'withdrawal_limit.approve', outcome: 'denied', actorId: members.get('compliance_senior')!.id, targetId: own.json().id });

    // A second factor older than 5 minutes is not enough.
    clock.advance(6 * 60_000);
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${req.id}/approve`, { reason: REASONS.approve }), 401, 'step_up_required');
    await expectAudited(t, { action: 'access.step_up_required', outcome: 'denied', actorId: members.get('compliance_senior')!.id });
    sessions.clear();
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${req.id}/approve`, { reason: 'ok' }), 400, 'validation_failed');
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${randomUUID()}/approve`, { reason: REASONS.approve }), 404, 'not_found');
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/nope/approve`, { reason: REASONS.approve }), 404, 'not_found');
    assert.equal(await limitOf(a, 'BTC'), DEFAULT_LIMITS.BTC);

    const ok = await post('compliance_senior', `/api/v1/withdrawal-limits/${req.id}/approve`, { reason: REASONS.approve });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'applied');
    assert.equal(ok.json().decidedBy, members.get('compliance_senior')!.id);
    assert.equal(ok.json().decisionReason, REASONS.approve);
    assert.ok(ok.json().appliedAt);
    assert.equal(await limitOf(a, 'BTC'), '5', 'read back from the exchange');
    const ev = await expectAudited(t, { action: 'withdrawal_limit.approve', outcome: 'ok', actorId: members.get('compliance_senior')!.id, targetId: req.id });
    assert.ok(ev.fields.includes('result.applied'));
    assert.equal(ev.reason, null);
    // Decided once: a second decision is refused.
    expectProblem(await post('compliance_senior_2', `/api/v1/withdrawal-limits/${req.id}/approve`, { reason: REASONS.approve }), 409, 'conflict');
    expectProblem(await post('compliance_senior_2', `/api/v1/withdrawal-limits/${req.id}/reject`, { reason: REASONS.approve }), 409, 'conflict');

    // Another senior approves the first senior's request.
    const other = await post('compliance_senior_2', `/api/v1/withdrawal-limits/${own.json().id}/reject`, { reason: 'No ticket behind this request' });
    assert.equal(other.statusCode, 200, other.body);
    assert.equal(other.json().status, 'rejected');
    assert.equal(await limitOf(a, 'ETH'), DEFAULT_LIMITS.ETH, 'a rejection changes nothing at the exchange');
    await expectAudited(t, { action: 'withdrawal_limit.reject', outcome: 'ok', actorId: members.get('compliance_senior_2')!.id, targetId: own.json().id });
  });

  it('an exchange failure leaves the request failed with its code and nothing applied; a retry applies it', async () => {
    const made = await post('support_senior', `/api/v1/traders/${b}/withdrawal-limits/requests`, { asset: 'SOL', dailyLimit: '900', reason: REASONS.failing });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as string;
    sim.failNext(10_000, 503);
    const failed = await post('compliance_senior', `/api/v1/withdrawal-limits/${id}/approve`, { reason: REASONS.approve });
    assert.equal(failed.statusCode, 200, failed.body);
    assert.equal(failed.json().status, 'failed');
    assert.equal(failed.json().errorCode, 'exchange_unavailable');
    assert.equal(failed.json().appliedAt, null);
    const ev = await expectAudited(t, { action: 'withdrawal_limit.approve', outcome: 'ok', targetId: id });
    assert.ok(ev.fields.includes('result.apply_failed.exchange_unavailable'));
    sim.failNext(0);
    assert.equal(await limitOf(b, 'SOL'), DEFAULT_LIMITS.SOL, 'nothing changed at the exchange');
    // A failed request is not pending: approving again is refused; the maker cannot retry; an approver can.
    expectProblem(await post('compliance_senior_2', `/api/v1/withdrawal-limits/${id}/approve`, { reason: REASONS.approve }), 409, 'conflict');
    expectProblem(await post('support_senior', `/api/v1/withdrawal-limits/${id}/retry`), 403, 'forbidden');
    const retried = await post('compliance_senior_2', `/api/v1/withdrawal-limits/${id}/retry`);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal(retried.json().status, 'applied');
    assert.equal(retried.json().errorCode, null);
    assert.equal(retried.json().attempts, 2);
    assert.equal(retried.json().decidedBy, members.get('compliance_senior')!.id, 'the decision stays the first approver’s');
    assert.equal(await limitOf(b, 'SOL'), '900');
    await expectAudited(t, { action: 'withdrawal_limit.retry', outcome: 'ok', actorId: members.get('compliance_senior_2')!.id, targetId: id });
    expectProblem(await post('compliance_senior_2', `/api/v1/withdrawal-limits/${id}/retry`), 409, 'conflict');
  });

  it("the trader's request through the exchange: signed, fresh, once; the same request id answers the same", async () => {
    const body = { requestId: 'exch-req-000123', accountRef: refB, asset: 'USDT', dailyLimit: '80000', reason: REASONS.trader };
    expectProblem(await inbound(body, { sig: null }), 401, 'webhook_signature_invalid');
    expectProblem(await inbound(body, { secret: 'another-secret-of-sufficient-length-123456' }), 401, 'webhook_signature_invalid');
    expectProblem(await inbound(body, { ts: Math.floor(clock.now().getTime() / 1000) - 600 }), 401, 'webhook_signature_invalid');
    // Bytes that are not JSON stop at the body parser (before the signature check, as on every signed route).
    expectProblem(await inbound('{"requestId": "x"', { sig: null }), 400, 'bad_request');
    await expectAudited(t, { action: 'withdrawal_limit.inbound', outcome: 'denied', errorCode: 'signature_missing' });
    await expectAudited(t, { action: 'withdrawal_limit.inbound', outcome: 'denied', errorCode: 'signature_timestamp' });

    const ts = Math.floor(clock.now().getTime() / 1000);
    const raw = JSON.stringify(body);
    const sig = signInbound(INBOUND_SECRET, ts, raw);
    const first = await inbound(raw, { ts, sig });
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.json().status, 'pending');
    // The very same delivery again is a replay.
    expectProblem(await inbound(raw, { ts, sig }), 401, 'webhook_replayed');
    // A redelivery (new signature) of the same request id: the same answer, no second request.
    clock.advance(2_000);
    const again = await inbound(body);
    assert.equal(again.statusCode, 202, again.body);
    assert.deepEqual(again.json(), first.json());
    const rows = await t.container.db.system.selectFrom('withdrawal_limit_request').select(['source', 'requested_by', 'external_id']).where('external_id', '=', body.requestId).execute();
    assert.deepEqual(rows, [{ source: 'trader', requested_by: null, external_id: body.requestId }]);
    expectProblem(await inbound({ ...body, requestId: 'exch-req-000124', accountRef: 'NO-SUCH-ACCOUNT' }), 404, 'not_found');
    expectProblem(await inbound({ ...body, requestId: 'exch-req-000125', dailyLimit: '10' }), 409, 'conflict');
    expectProblem(await inbound({ ...body, requestId: 'x', extra: 1 }), 400, 'validation_failed');

    // Shown with its source; a compliance senior approves it like any other (the maker is the trader).
    const view = await get('compliance_senior', `/api/v1/withdrawal-limits/${first.json().id}`);
    assert.equal(view.json().source, 'trader');
    assert.equal(view.json().requestedBy, null);
    assert.equal(view.json().reason, REASONS.trader);
    expectProblem(await post('compliance_officer', `/api/v1/withdrawal-limits/${first.json().id}/approve`, { reason: REASONS.approve }), 403, 'forbidden');
    const ok = await post('compliance_senior', `/api/v1/withdrawal-limits/${first.json().id}/approve`, { reason: REASONS.approve });
    assert.equal(ok.json().status, 'applied', ok.body);
    assert.equal(await limitOf(b, 'USDT'), '80000');
    const bySource = (await get('compliance_senior', '/api/v1/withdrawal-limits?source=trader')).json().requests as { id: string }[];
    assert.deepEqual(bySource.map((r) => r.id), [first.json().id]);

    // Over HTTP, as the exchange (and `bulwark withdrawal-limits trader-request`) sends it.
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const now = () => clock.now().getTime();
    const sent = await sendTraderLimitRequest(url, INBOUND_SECRET, { accountRef: refA, asset: 'USDC', dailyLimit: '60000', reason: REASONS.trader }, { now });
    assert.equal(sent.status, 'pending');
    await assert.rejects(sendTraderLimitRequest(url, 'not-the-secret-but-long-enough-0123456789', { accountRef: refA, asset: 'SOL', dailyLimit: '600', reason: REASONS.trader }, { now }), /401 webhook_signature_invalid/);
  });

  it('a decrease: at once by compliance with a reason; never an increase in disguise', async () => {
    const url = `/api/v1/traders/${b}/withdrawal-limits/decrease`;
    expectProblem(await post('compliance_officer', url, { asset: 'BTC', dailyLimit: '1' }), 400, 'validation_failed');
    expectProblem(await post('compliance_officer', url, { asset: 'BTC', dailyLimit: '1', reason: '    ' }), 400, 'validation_failed');
    expectProblem(await post('compliance_officer', url, { asset: 'BTC', dailyLimit: DEFAULT_LIMITS.BTC!, reason: REASONS.decrease }), 409, 'conflict');
    expectProblem(await post('compliance_officer', url, { asset: 'BTC', dailyLimit: '3', reason: REASONS.decrease }), 409, 'conflict');
    expectProblem(await post('compliance_officer', `/api/v1/traders/${randomUUID()}/withdrawal-limits/decrease`, { asset: 'BTC', dailyLimit: '1', reason: REASONS.decrease }), 404, 'not_found');
    assert.equal(await limitOf(b, 'BTC'), DEFAULT_LIMITS.BTC);
    const ok = await post('compliance_officer', url, { asset: 'BTC', dailyLimit: '0.5', reason: REASONS.decrease });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().status, 'applied');
    assert.equal(ok.json().direction, 'decrease');
    assert.equal(ok.json().currentLimit, DEFAULT_LIMITS.BTC);
    assert.equal(await limitOf(b, 'BTC'), '0.5', 'applied at once');
    const ev = await expectAudited(t, { action: 'withdrawal_limit.decrease', outcome: 'ok', actorId: members.get('compliance_officer')!.id, targetId: b });
    assert.equal(ev.reason, null);
    await expectAudited(t, { action: 'withdrawal_limit.decrease', outcome: 'denied', actorId: members.get('compliance_officer')!.id, errorCode: 'conflict' });
    // Nothing to decide on a decrease.
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${ok.json().id}/approve`, { reason: REASONS.approve }), 409, 'conflict');
    // The exchange down: nothing is recorded as applied.
    sim.failNext(10_000, 503);
    expectProblem(await post('compliance_officer', url, { asset: 'ETH', dailyLimit: '1', reason: REASONS.decrease }), 503, 'exchange_unavailable');
    sim.failNext(0);
  });

  it('the list: filters, keyset pages; reasons only for compliance and their maker; expiry after 48 hours', async () => {
    const page1 = await get('compliance_officer', '/api/v1/withdrawal-limits?limit=2');
    assert.equal(page1.statusCode, 200, page1.body);
    assert.equal(page1.json().requests.length, 2);
    assert.ok(page1.json().nextCursor);
    const page2 = await get('compliance_officer', `/api/v1/withdrawal-limits?limit=2&cursor=${page1.json().nextCursor}`);
    const ids1 = (page1.json().requests as { id: string }[]).map((r) => r.id);
    const ids2 = (page2.json().requests as { id: string }[]).map((r) => r.id);
    assert.equal(ids2.length, 2);
    assert.ok(!ids2.some((id) => ids1.includes(id)), 'the pages do not overlap');
    expectProblem(await get('compliance_officer', '/api/v1/withdrawal-limits?cursor=bm9wZQ'), 400, 'validation_failed');
    expectProblem(await get('compliance_officer', '/api/v1/withdrawal-limits?status=bogus'), 400, 'validation_failed');
    const applied = (await get('compliance_officer', '/api/v1/withdrawal-limits?status=applied&limit=100')).json().requests as { status: string }[];
    assert.ok(applied.length >= 3 && applied.every((r) => r.status === 'applied'));

    // Support sees the requests, but not compliance's reasons (a risk decrease's reason may name a suspicion).
    const support = (await get('support_senior', '/api/v1/withdrawal-limits?limit=100')).json().requests as { direction: string; reason: string | null; requestedBy: string | null }[];
    const dec = support.find((r) => r.direction === 'decrease')!;
    assert.equal(dec.reason, null);
    assert.ok(support.filter((r) => r.requestedBy === members.get('support_senior')!.id).every((r) => r.reason !== null));
    const compliance = (await get('compliance_officer', '/api/v1/withdrawal-limits?limit=100')).json().requests as { direction: string; reason: string | null }[];
    assert.equal(compliance.find((r) => r.direction === 'decrease')!.reason, REASONS.decrease);
    await expectAudited(t, { action: 'withdrawal_limit.list', outcome: 'ok', actorId: members.get('compliance_officer')!.id });

    // A request nobody decided within 48 hours expires and can no longer be approved.
    const made = await post('support_senior', `/api/v1/traders/${a}/withdrawal-limits/requests`, { asset: 'EUR', dailyLimit: '60000', reason: REASONS.staff });
    assert.equal(made.statusCode, 201, made.body);
    clock.advance(49 * 3_600_000);
    sessions.clear();
    expectProblem(await post('compliance_senior', `/api/v1/withdrawal-limits/${made.json().id}/approve`, { reason: REASONS.approve }), 409, 'conflict');
    const expired = (await get('compliance_senior', '/api/v1/withdrawal-limits?status=expired')).json().requests as { id: string; status: string }[];
    assert.ok(expired.some((r) => r.id === made.json().id));
    assert.ok(expired.every((r) => r.status === 'expired'));
    assert.deepEqual((await get('compliance_senior', '/api/v1/withdrawal-limits?status=pending')).json().requests, [], 'nothing pending is older than 48 hours');
  });

  it('no reason is stored in clear in any table (the audit log included)', async () => {
    const needles = [...Object.entries(REASONS).map(([k, v]) => ({ label: `reason ${k}`, value: v })), { label: 'control: account ref', value: refA }];
    const hits = await scanAllTables(t.container.db.system, new PlaintextScanner(needles));
    assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
    assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
  });
});
