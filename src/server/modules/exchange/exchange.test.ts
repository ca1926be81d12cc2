// The exchange view through the API, from the attacker's side: not connected and unavailable are clear 503s;
// the connection's secret is write-only and never stored in clear; each role sees exactly its sections, masked
// per its field policy; other traders' ids give only their own data, random ids 404; containment needs the
// permission, step-up and a reason, and is audited with it; an outage serves the last good answer marked stale.
// (Withdrawal limits: src/server/modules/withdrawal-limits/withdrawal-limits.test.ts.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import { createSimulator, syntheticAccount, type Simulator } from './simulator.js';

const SECRET = 'exchange-shared-secret-0123456789abcdefXYZ';
const KEY_ID = 'bulwark-test';
const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const ROLES = ['support_junior', 'compliance_officer', 'compliance_senior', 'security_officer', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** An account reference whose synthetic account has API keys and a non-empty balance list. */
function richRef(prefix: string): string {
  for (let i = 0; ; i++) {
    const ref = `${prefix}-${i}`;
    const a = syntheticAccount(ref);
    if (a.apiKeys.length > 0 && a.balances.length > 0 && a.events.length > 0) return ref;
  }
}

describe('exchange: sections, connection, containment, four eyes', () => {
  let t: TestApp;
  let sim: Simulator;
  const members = new Map<Role, TestMember>();
  const refA = richRef('ACC-A');
  const refB = richRef('ACC-B');
  let a: string;
  let b: string;
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.3.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const sessions = new Map<Role, S>();
  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) sessions.set(role, (s = await session(members.get(role)!)));
    return s;
  };
  const get = async (role: Role, url: string) => {
    const s = await as(role);
    return t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  };
  const send = async (role: Role, method: 'POST' | 'PUT', url: string, payload: object) => {
    const s = await as(role);
    return t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, payload });
  };

  before(async () => {
    t = await createTestApp({ clock, env: { EXCHANGE_RETRY_DELAY_MS: '1', EXCHANGE_TIMEOUT_MS: '1000', EXCHANGE_BREAKER_AFTER: '100' } });
    for (const role of ROLES) {
      const privileged = role !== 'support_junior' && role !== 'compliance_officer';
      members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}`, key: privileged }));
    }
    a = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: refA });
    b = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(2), accountRef: refB });
    sim = createSimulator({ keyId: KEY_ID, secret: SECRET });
    await sim.listen(0);
  });
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  it('not connected: every section says so with a 503 problem, never a 500', async () => {
    expectProblem(await get('compliance_senior', `/api/v1/traders/${a}/exchange/balances`), 503, 'exchange_not_connected');
    expectProblem(await get('security_officer', `/api/v1/traders/${a}/exchange/security`), 503, 'exchange_not_connected');
  });

  it('the connection: exchange.configure only, step-up and a reason; the secret is write-only', async () => {
    const body = { baseUrl: sim.url(), keyId: KEY_ID, secret: SECRET };
    expectProblem(await send('compliance_senior', 'PUT', '/api/v1/exchange/connection', { ...body, reason: 'connecting the engine' }), 403, 'forbidden');
    expectProblem(await get('support_junior', '/api/v1/exchange/connection'), 403, 'forbidden');
    expectProblem(await send('admin', 'PUT', '/api/v1/exchange/connection', body), 400, 'validation_failed');
    expectProblem(await send('admin', 'PUT', '/api/v1/exchange/connection', { ...body, secret: 'short', reason: 'connecting the engine' }), 400, 'validation_failed');
    expectProblem(await send('admin', 'PUT', '/api/v1/exchange/connection', { ...body, baseUrl: 'http://user:pw@127.0.0.1:1/', reason: 'connecting the engine' }), 400, 'validation_failed');
    const ok = await send('admin', 'PUT', '/api/v1/exchange/connection', { ...body, reason: 'connecting the engine' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.doesNotMatch(ok.body, new RegExp(SECRET));
    const ev = await expectAudited(t, { action: 'exchange.connection.set', outcome: 'ok', actorId: members.get('admin')!.id });
    assert.equal(ev.reason, 'connecting the engine');
    const g = await get('admin', '/api/v1/exchange/connection');
    assert.equal(g.statusCode, 200, g.body);
    assert.deepEqual({ ...(g.json() as object), configuredAt: undefined }, { configured: true, baseUrl: sim.url(), keyId: KEY_ID, configuredAt: undefined, configuredBy: members.get('admin')!.id, breaker: null });
    assert.doesNotMatch(g.body, new RegExp(SECRET));
  });

  it('role × section: support junior sees no balances or API keys; security officer sees security and keys but no balances', async () => {
    for (const s of ['balances', 'api-keys', 'security', 'orders', 'trades', 'transfers']) {
      expectProblem(await get('support_junior', `/api/v1/traders/${a}/exchange/${s}`), 403, 'forbidden');
    }
    await expectAudited(t, { action: 'trader.exchange.view', outcome: 'denied', actorId: members.get('support_junior')!.id, targetId: a });
    for (const s of ['balances', 'orders', 'trades', 'transfers']) expectProblem(await get('security_officer', `/api/v1/traders/${a}/exchange/${s}`), 403, 'forbidden');
    const sec = await get('security_officer', `/api/v1/traders/${a}/exchange/security`);
    assert.equal(sec.statusCode, 200, sec.body);
    const want = syntheticAccount(refA);
    assert.equal(sec.json().stale, false);
    assert.deepEqual(sec.json().rows.map((r: { ip: string }) => r.ip), want.events.map((e) => e.ip), 'IPs in full');
    assert.equal(sec.json().settings.twoFactorEnabled, want.twoFactorEnabled);
    const keys = await get('security_officer', `/api/v1/traders/${a}/exchange/api-keys`);
    assert.equal(keys.statusCode, 200, keys.body);
    assert.deepEqual(keys.json().rows, want.apiKeys);
    assert.deepEqual(keys.json().masked, []);
  });

  it('compliance officer sees balances masked; compliance senior in full; the view is audited with the fields shown', async () => {
    const want = syntheticAccount(refA);
    const masked = await get('compliance_officer', `/api/v1/traders/${a}/exchange/balances`);
    assert.equal(masked.statusCode, 200, masked.body);
    assert.deepEqual(masked.json().rows, want.balances.map((x) => ({ asset: x.asset, available: '***', locked: '***' })));
    assert.deepEqual(masked.json().masked.sort(), ['available', 'locked']);
    const tr = await get('compliance_officer', `/api/v1/traders/${a}/exchange/transfers`);
    assert.equal(tr.statusCode, 200, tr.body);
    for (const r of tr.json().rows) assert.match(r.address, /^\*{4}[0-9a-f]{4}$/);
    const full = await get('compliance_senior', `/api/v1/traders/${a}/exchange/balances`);
    assert.deepEqual(full.json().rows, want.balances);
    const ev = await expectAudited(t, { action: 'trader.exchange.view', outcome: 'ok', actorId: members.get('compliance_senior')!.id, targetId: a });
    assert.deepEqual(ev.fields.sort(), ['balances.asset', 'balances.available', 'balances.locked']);
    // Compliance's security class is masked: IPs masked, booleans left out.
    const sec = await get('compliance_officer', `/api/v1/traders/${a}/exchange/security`);
    assert.equal(sec.statusCode, 200, sec.body);
    for (const r of sec.json().rows) assert.ok(r.ip === null || /\.\*\*\*$/.test(r.ip), r.ip);
    assert.equal(sec.json().settings.twoFactorEnabled, undefined);
  });

  it('IDOR: random and malformed ids are 404; another trader gives only their own data', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', `${a}x`]) {
      expectProblem(await get('compliance_senior', `/api/v1/traders/${id}/exchange/balances`), 404, 'not_found');
      expectProblem(await send('security_officer', 'POST', `/api/v1/traders/${id}/exchange/freeze`, { reason: 'containment test' }), 404, 'not_found');
    }
    const rb = await get('compliance_senior', `/api/v1/traders/${b}/exchange/trades`);
    assert.equal(rb.statusCode, 200, rb.body);
    assert.deepEqual(rb.json().rows, syntheticAccount(refB).trades);
    assert.notDeepEqual(rb.json().rows, syntheticAccount(refA).trades);
  });

  it('the security section stores the reported events once (IP encrypted) and the anti-phishing code', async () => {
    const want = syntheticAccount(refA);
    await get('security_officer', `/api/v1/traders/${a}/exchange/security`);
    const rows = await t.container.db.system.selectFrom('trader_security_event').selectAll().where('trader_id', '=', a).execute();
    assert.equal(rows.length, want.events.length, 'one row per event, no duplicates after two views');
    for (const r of rows) {
      assert.ok(r.ip_ct);
      const e = want.events.find((x) => x.eventId === r.exchange_event_id)!;
      assert.equal(r.country, e.country);
      assert.ok(!Buffer.from(r.ip_ct).toString('latin1').includes(e.ip!));
    }
    const code = await t.container.audited(systemContext('test'), { action: 'test.read', target: { type: 'trader', id: a } }, (tx) => t.container.traders.antiPhishingCode(tx, a));
    assert.equal(code, want.antiPhishingCode);
    const sec = await get('security_officer', `/api/v1/traders/${a}/exchange/security`);
    assert.doesNotMatch(sec.body, new RegExp(`${want.antiPhishingCode ?? 'no code at all'}`), 'never shown');
  });

  it('containment: permission, step-up and reason; audited with the reason; freeze sets the trader frozen', async () => {
    const url = `/api/v1/traders/${b}/exchange/freeze`;
    expectProblem(await send('compliance_senior', 'POST', url, { reason: 'suspected takeover' }), 403, 'forbidden');
    expectProblem(await send('support_junior', 'POST', url, { reason: 'suspected takeover' }), 403, 'forbidden');
    const seq = await lastSeq(t);
    expectProblem(await send('security_officer', 'POST', url, { reason: 'no' }), 400, 'validation_failed');
    await expectAudited(t, { action: 'trader.exchange.freeze', outcome: 'denied', targetId: b }, { afterSeq: seq });
    const ok = await send('security_officer', 'POST', url, { reason: 'suspected account takeover' });
    assert.equal(ok.statusCode, 200, ok.body);
    const ev = await expectAudited(t, { action: 'trader.exchange.freeze', outcome: 'ok', actorId: members.get('security_officer')!.id, targetId: b });
    assert.equal(ev.reason, 'suspected account takeover');
    const row = await t.container.db.system.selectFrom('trader').select('status').where('id', '=', b).executeTakeFirstOrThrow();
    assert.equal(row.status, 'frozen');
    const sec = await get('security_officer', `/api/v1/traders/${b}/exchange/security`);
    assert.equal(sec.json().settings.frozen, true);
    const un = await send('security_officer', 'POST', `/api/v1/traders/${b}/exchange/unfreeze`, { reason: 'trader verified by phone' });
    assert.equal(un.statusCode, 200, un.body);
    assert.equal((await t.container.db.system.selectFrom('trader').select('status').where('id', '=', b).executeTakeFirstOrThrow()).status, 'active');
    const end = await send('security_officer', 'POST', `/api/v1/traders/${b}/exchange/end-sessions`, { reason: 'suspected account takeover' });
    assert.equal(end.statusCode, 200, end.body);
  });

  it('containment needs a fresh second factor', async () => {
    const s = await session(members.get('security_officer')!);
    clock.advance(4 * 60_000);
    await t.app.inject({ url: `/api/v1/traders/${b}/exchange/security`, headers: s.headers, remoteAddress: s.ip });
    clock.advance(2 * 60_000);
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/traders/${b}/exchange/freeze`, headers: s.headers, remoteAddress: s.ip, payload: { reason: 'suspected takeover' } });
    expectProblem(r, 401, 'step_up_required');
    sessions.clear();
  });

  it('revoking an API key: the key disappears; an unknown key is 404', async () => {
    const keyId = syntheticAccount(refA).apiKeys[0]!.keyId;
    expectProblem(await send('security_officer', 'POST', `/api/v1/traders/${a}/exchange/api-keys/no-such-key/revoke`, { reason: 'leaked key reported' }), 404, 'not_found');
    const ok = await send('security_officer', 'POST', `/api/v1/traders/${a}/exchange/api-keys/${keyId}/revoke`, { reason: 'leaked key reported' });
    assert.equal(ok.statusCode, 200, ok.body);
    const ev = await expectAudited(t, { action: 'trader.exchange.api_key.revoke', outcome: 'ok', targetId: a });
    assert.equal(ev.reason, 'leaked key reported');
    const keys = await get('security_officer', `/api/v1/traders/${a}/exchange/api-keys`);
    assert.ok(!keys.json().rows.some((k: { keyId: string }) => k.keyId === keyId));
  });

  it('an outage: the last good answer is served marked stale with its time; nothing cached is a 503', async () => {
    const fresh = await get('compliance_senior', `/api/v1/traders/${b}/exchange/balances`);
    assert.equal(fresh.json().stale, false);
    const fetchedAt = fresh.json().fetchedAt;
    await sim.close();
    clock.advance(60_000);
    const stale = await get('compliance_senior', `/api/v1/traders/${b}/exchange/balances`);
    assert.equal(stale.statusCode, 200, stale.body);
    assert.equal(stale.json().stale, true);
    assert.equal(stale.json().fetchedAt, fetchedAt);
    assert.deepEqual(stale.json().rows, syntheticAccount(refB).balances);
    expectProblem(await get('compliance_senior', `/api/v1/traders/${b}/exchange/orders`), 503, 'exchange_unavailable');
    expectProblem(await send('security_officer', 'POST', `/api/v1/traders/${b}/exchange/freeze`, { reason: 'suspected takeover' }), 503, 'exchange_unavailable');
  });

  it('the secret, the snapshots and the security events are never stored in clear', async () => {
    const want = syntheticAccount(refA);
    const needles = [
      { label: 'exchange secret', value: SECRET },
      ...want.events.filter((e) => e.ip).map((e, i) => ({ label: `event ${i} ip`, value: e.ip! })),
      ...want.balances.map((x, i) => ({ label: `balance ${i}`, value: x.available })),
      { label: 'control: account ref', value: refA },
    ];
    const hits = await scanAllTables(t.container.db.system, new PlaintextScanner(needles));
    assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
    assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
  });
});
