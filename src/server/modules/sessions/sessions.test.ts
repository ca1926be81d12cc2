// Sessions from the attacker's side: members see and end only their own (ids are opaque, never token hashes);
// ending another member's sessions, or everyone's, needs session.manage; everyone's also needs a reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited } from '../../../../test/helpers/audit.js';
import { call, signInFresh, type Client } from '../../../../test/helpers/identity.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { sessionPublicId } from './sessions.service.js';

const clock = new FakeClock('2026-11-21T09:00:00.000Z');

describe('sessions', () => {
  let t: TestApp;
  let admin: TestMember;
  let sam: TestMember;
  let kim: TestMember;
  const tick = () => clock.advance(31_000);
  const fresh = async (m: TestMember, ua?: string): Promise<Client> => {
    tick();
    return signInFresh(t, m, clock, ua);
  };

  before(async () => {
    t = await createTestApp({ clock });
    admin = await createMember(t, clock, { email: 'ada.admin@bank.test', roles: ['admin'], displayName: 'Ada Admin' });
    sam = await createMember(t, clock, { email: 'sam.support@bank.test', roles: ['support_junior'], displayName: 'Sam' });
    kim = await createMember(t, clock, { email: 'kim.support@bank.test', roles: ['support_junior'], displayName: 'Kim' });
  });
  after(async () => t?.close());

  it('lists my sessions with an opaque id and a current flag, and lets me end another one of mine', async () => {
    const laptop = await fresh(sam, 'laptop-browser');
    const phone = await fresh(sam, 'phone-browser');
    expectProblem(await t.app.inject({ url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    const res = await call(t, laptop, { url: '/api/v1/sessions/mine' });
    assert.equal(res.statusCode, 200, res.body);
    const sessions = res.json().sessions as { id: string; current: boolean; userAgent: string; ip: string; country: string }[];
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions.map((s) => s.current).sort(), [false, true]);
    assert.equal(sessions.find((s) => s.current)!.userAgent, 'laptop-browser');
    assert.equal(sessions[0]!.country, 'ZZ');
    const hashes = (await t.container.db.system.selectFrom('staff_session').select('token_hash').where('staff_id', '=', sam.id).execute()).map((r) => r.token_hash.trim());
    for (const h of hashes) assert.ok(!res.body.includes(h), 'no token hash in the answer');
    for (const s of sessions) assert.match(s.id, /^[A-Za-z0-9_-]{22}$/);
    const other = sessions.find((s) => !s.current)!;
    const del = await call(t, laptop, { method: 'DELETE', url: `/api/v1/sessions/mine/${other.id}` });
    assert.equal(del.statusCode, 204, del.body);
    await expectAudited(t, { action: 'session.end', outcome: 'ok', actorId: sam.id, targetId: other.id });
    expectProblem(await call(t, phone, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    assert.equal((await call(t, laptop, { url: '/api/v1/sessions/mine' })).statusCode, 200);
  });

  it("members cannot end other members' sessions without session.manage", async () => {
    const samC = await fresh(sam);
    const kimC = await fresh(kim);
    const kimSessions = await t.container.db.system.selectFrom('staff_session').select('token_hash').where('staff_id', '=', kim.id).where('ended_at', 'is', null).execute();
    // Kim's session id, guessed or leaked, is not Sam's to end.
    const kimId = sessionPublicId(kimSessions[0]!.token_hash);
    expectProblem(await call(t, samC, { method: 'DELETE', url: `/api/v1/sessions/mine/${kimId}` }), 404, 'not_found');
    expectProblem(await call(t, samC, { method: 'DELETE', url: `/api/v1/staff/${kim.id}/sessions`, payload: {} }), 403, 'forbidden');
    expectProblem(await call(t, samC, { url: `/api/v1/staff/${kim.id}/sessions` }), 403, 'forbidden');
    expectProblem(await call(t, samC, { method: 'POST', url: '/api/v1/sessions/end-all', payload: { reason: 'I want everyone out' } }), 403, 'forbidden');
    assert.equal((await call(t, kimC, { url: '/api/v1/sessions/mine' })).statusCode, 200, "Kim's session survived");
  });

  it("an administrator ends a member's sessions", async () => {
    const kimC = await fresh(kim);
    const adminC = await fresh(admin);
    const list = await call(t, adminC, { url: `/api/v1/staff/${kim.id}/sessions` });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().sessions.length >= 1);
    const res = await call(t, adminC, { method: 'DELETE', url: `/api/v1/staff/${kim.id}/sessions`, payload: { reason: 'suspicious activity on the ticket queue' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().ended >= 1);
    expectProblem(await call(t, kimC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_member', outcome: 'ok', actorId: admin.id, targetId: kim.id });
    expectProblem(await call(t, adminC, { method: 'DELETE', url: `/api/v1/staff/00000000-0000-4000-8000-000000000000/sessions`, payload: {} }), 404, 'not_found');
  });

  it("ending everyone's sessions needs a reason (and step-up); the caller's own session survives", async () => {
    const samC = await fresh(sam);
    const kimC = await fresh(kim);
    const adminC = await fresh(admin);
    expectProblem(await call(t, adminC, { method: 'POST', url: '/api/v1/sessions/end-all', payload: {} }), 400, 'validation_failed');
    const res = await call(t, adminC, { method: 'POST', url: '/api/v1/sessions/end-all', payload: { reason: 'incident 42: credential leak suspected' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().ended >= 2);
    expectProblem(await call(t, samC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    expectProblem(await call(t, kimC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    assert.equal((await call(t, adminC, { url: '/api/v1/sessions/mine' })).statusCode, 200);
    const ev = await expectAudited(t, { action: 'session.end_all', outcome: 'ok', actorId: admin.id });
    assert.equal(ev.reason, 'incident 42: credential leak suspected');
    // Five minutes after the last second factor, step-up is stale: refused.
    clock.advance(5 * 60_000 + 1000);
    const stale = await call(t, adminC, { method: 'POST', url: '/api/v1/sessions/end-all', payload: { reason: 'again, without fresh MFA' } });
    assert.notEqual(stale.statusCode, 200, stale.body);
  });
});
