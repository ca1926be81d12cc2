// Account administration from the attacker's side: a disabled account's sessions end at once; a reset never
// bypasses the second factor and ends every session; only security officers unlock and unfreeze, with a reason,
// never for themselves; allowed networks lock out the rest of the Internet; the staff list shows e-mail
// addresses in full only to members who invite staff.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited } from '../../../../test/helpers/audit.js';
import { call, linkToken, nextLoopback, outboxTo, signInFresh, type Client } from '../../../../test/helpers/identity.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { passwordStep } from '../../../../test/helpers/sign-in.js';
import { createMember, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';

const clock = new FakeClock('2026-11-21T09:00:00.000Z');
const NEW_PASSWORD = 'seven marmots juggle quietly at dawn';

describe('staff administration', () => {
  let t: TestApp;
  let admin: TestMember;
  let officer: TestMember;
  let officer2: TestMember;
  let sam: TestMember;
  let adminC: Client;
  let officerC: Client;

  const tick = () => clock.advance(31_000);

  before(async () => {
    t = await createTestApp({ clock });
    admin = await createMember(t, clock, { email: 'ada.admin@bank.test', roles: ['admin'], displayName: 'Ada Admin' });
    officer = await createMember(t, clock, { email: 'sol.officer@bank.test', roles: ['security_officer'], displayName: 'Sol Officer' });
    officer2 = await createMember(t, clock, { email: 'otto.officer@bank.test', roles: ['security_officer'], displayName: 'Otto Officer' });
    sam = await createMember(t, clock, { email: 'sam.support@bank.test', roles: ['support_junior'], displayName: 'Sam Support' });
    adminC = await signInFresh(t, admin, clock);
    tick();
    officerC = await signInFresh(t, officer, clock);
  });
  after(async () => t?.close());

  it('lists staff: e-mail in full for admins, masked for others; factor counts only; no secrets', async () => {
    const a = await call(t, adminC, { url: '/api/v1/staff' });
    assert.equal(a.statusCode, 200, a.body);
    const samRow = a.json().members.find((m: { id: string }) => m.id === sam.id);
    assert.equal(samRow.email, 'sam.support@bank.test');
    assert.equal(samRow.emailMasked, false);
    assert.deepEqual(samRow.factors, { totp: 1, securityKeys: 0, recoveryCodes: 0 });
    assert.equal(samRow.status, 'active');
    const o = await call(t, officerC, { url: '/api/v1/staff' });
    assert.equal(o.statusCode, 200);
    const masked = o.json().members.find((m: { id: string }) => m.id === sam.id);
    assert.equal(masked.email, 's***@b***.test');
    assert.ok(!o.body.includes('sam.support@'));
    await expectAudited(t, { action: 'staff.list', outcome: 'ok', actorId: officer.id });
    tick();
    const samC = await signInFresh(t, sam, clock);
    expectProblem(await call(t, samC, { url: '/api/v1/staff' }), 403, 'forbidden');
  });

  it('disabling ends every session at once; the cookie is refused; re-enable restores sign-in', async () => {
    tick();
    const samC = await signInFresh(t, sam, clock);
    tick();
    const samC2 = await signInFresh(t, sam, clock, 'other-browser');
    assert.equal((await call(t, samC, { url: '/api/v1/sessions/mine' })).statusCode, 200);
    // Permission and reason first.
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${sam.id}/disable`, payload: { reason: 'left the company' } }), 403, 'forbidden');
    expectProblem(await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/disable`, payload: { reason: '' } }), 400, 'validation_failed');
    expectProblem(await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${admin.id}/disable`, payload: { reason: 'disable myself' } }), 409, 'conflict');
    const res = await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/disable`, payload: { reason: 'laptop reported stolen' } });
    assert.equal(res.statusCode, 200, res.body);
    await expectAudited(t, { action: 'staff.disable', outcome: 'ok', actorId: admin.id, targetId: sam.id });
    // At once, without waiting for any timeout: both sessions are dead.
    expectProblem(await call(t, samC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    expectProblem(await call(t, samC2, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    const live = await t.container.db.system.selectFrom('staff_session').select('token_hash').where('staff_id', '=', sam.id).where('ended_at', 'is', null).execute();
    assert.equal(live.length, 0);
    // Signing in fails with the generic message.
    const ip = nextLoopback();
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: sam.email, password: sam.password }, remoteAddress: ip });
    expectProblem(r, 401, 'login_failed');
    // Re-enable.
    const en = await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/enable`, payload: { reason: 'laptop found, reimaged' } });
    assert.equal(en.statusCode, 200, en.body);
    tick();
    await signInFresh(t, sam, clock);
  });

  it('a reset is e-mailed to the member, never shown to the admin, ends sessions, and never bypasses the second factor', async () => {
    tick();
    const samC = await signInFresh(t, sam, clock);
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${sam.id}/reset`, payload: {} }), 403, 'forbidden');
    const res = await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/reset`, payload: { reason: 'forgot the password' } });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().sentTo, 's***@b***.test');
    assert.ok(!res.body.includes('#token='));
    await expectAudited(t, { action: 'staff.reset_issue', outcome: 'ok', actorId: admin.id, targetId: sam.id });
    const mail = await outboxTo(t, sam.email);
    const token = linkToken(mail[0]!.body, 'reset-password')!;
    assert.ok(token);
    // A second reset makes the first link useless.
    clock.advance(1000);
    const res2 = await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/reset`, payload: {} });
    assert.equal(res2.statusCode, 202);
    const token2 = linkToken((await outboxTo(t, sam.email))[0]!.body, 'reset-password')!;
    assert.notEqual(token, token2);
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/start', payload: { token }, remoteAddress: nextLoopback() }), 410, 'link_invalid');

    const st = await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/start', payload: { token: token2 }, remoteAddress: nextLoopback() });
    assert.equal(st.statusCode, 200, st.body);
    assert.equal(st.json().email, 's***@b***.test');
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: token2, password: 'qwerty123456' }, remoteAddress: nextLoopback() }), 400, 'password_rejected');
    const done = await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: token2, password: NEW_PASSWORD }, remoteAddress: nextLoopback() });
    assert.equal(done.statusCode, 200, done.body);
    assert.ok(!done.headers['set-cookie'], 'a reset signs nobody in');
    await expectAudited(t, { action: 'staff.password_reset', outcome: 'ok', targetId: sam.id });
    // Single use.
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: token2, password: NEW_PASSWORD }, remoteAddress: nextLoopback() }), 410, 'link_invalid');
    // Existing sessions ended.
    expectProblem(await call(t, samC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    // The old password no longer works; the new one only opens a session that still owes its second factor.
    const old = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: sam.email, password: sam.password }, remoteAddress: nextLoopback() });
    expectProblem(old, 401, 'login_failed');
    tick();
    const half = await passwordStep(t, { email: sam.email, password: NEW_PASSWORD }, 'test-agent', nextLoopback());
    assert.equal(half.body.state, 'mfa_pending');
    const blocked = await half.request('GET', '/api/v1/sessions/mine');
    assert.notEqual(blocked.statusCode, 200, 'a password alone (after reset) opens nothing');
    // TOTP is unchanged: with it, sign-in completes.
    tick();
    sam.password = NEW_PASSWORD;
    await signInFresh(t, sam, clock);
    const row = await t.container.db.system.selectFrom('staff').select(['totp_secret_ct', 'password_changed_at']).where('id', '=', sam.id).executeTakeFirstOrThrow();
    assert.ok(row.totp_secret_ct && row.password_changed_at);
  });

  it('unlock and unfreeze need security.unfreeze and a reason, and never one’s own account', async () => {
    await t.container.db.system.updateTable('staff').set({ locked_until: new Date(clock.now().getTime() + 3600_000), failed_logins: 10 }).where('id', '=', sam.id).execute();
    await t.container.db.system.updateTable('staff').set({ status: 'frozen', frozen_reason: 'sign-in from a new country (DE)' }).where('id', '=', officer2.id).execute();
    const listed = (await call(t, adminC, { url: '/api/v1/staff' })).json().members;
    assert.equal(listed.find((m: { id: string }) => m.id === sam.id).status, 'locked');
    assert.equal(listed.find((m: { id: string }) => m.id === officer2.id).status, 'frozen');

    expectProblem(await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${sam.id}/unlock`, payload: { reason: 'they called the helpdesk' } }), 403, 'forbidden');
    expectProblem(await call(t, adminC, { method: 'POST', url: `/api/v1/staff/${officer2.id}/unfreeze`, payload: { reason: 'travelling, confirmed' } }), 403, 'forbidden');
    await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: admin.id });
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${officer2.id}/unfreeze`, payload: {} }), 400, 'validation_failed');
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${officer2.id}/unfreeze`, payload: { reason: 'ok' } }), 400, 'validation_failed');
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${officer.id}/unlock`, payload: { reason: 'unlock myself please' } }), 403, 'forbidden');
    expectProblem(await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${sam.id}/unfreeze`, payload: { reason: 'sam is not frozen' } }), 409, 'conflict');

    const u = await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${sam.id}/unlock`, payload: { reason: 'identity confirmed by video call' } });
    assert.equal(u.statusCode, 200, u.body);
    const ev = await expectAudited(t, { action: 'staff.unlock', outcome: 'ok', actorId: officer.id, targetId: sam.id });
    assert.equal(ev.reason, 'identity confirmed by video call');
    const f = await call(t, officerC, { method: 'POST', url: `/api/v1/staff/${officer2.id}/unfreeze`, payload: { reason: 'travelling to Berlin, confirmed' } });
    assert.equal(f.statusCode, 200, f.body);
    await expectAudited(t, { action: 'staff.unfreeze', outcome: 'ok', actorId: officer.id, targetId: officer2.id });
    const rows = await t.container.db.system.selectFrom('staff').select(['id', 'status', 'locked_until', 'failed_logins']).where('id', 'in', [sam.id, officer2.id]).execute();
    for (const r of rows) {
      assert.equal(r.status, 'active');
      assert.equal(r.locked_until, null);
    }
  });

  it('allowed networks: validated, applied to live sessions at once and to sign-in; cannot lock oneself out', async () => {
    expectProblem(await call(t, adminC, { method: 'PUT', url: `/api/v1/staff/${sam.id}/allowed-networks`, payload: { cidrs: ['10.0.0.0/33'] } }), 400, 'validation_failed');
    expectProblem(await call(t, adminC, { method: 'PUT', url: `/api/v1/staff/${sam.id}/allowed-networks`, payload: { cidrs: ['not-an-ip'] } }), 400, 'validation_failed');
    expectProblem(await call(t, officerC, { method: 'PUT', url: `/api/v1/staff/${sam.id}/allowed-networks`, payload: { cidrs: ['10.0.0.0/8'] } }), 403, 'forbidden');
    expectProblem(await call(t, adminC, { method: 'PUT', url: `/api/v1/staff/${admin.id}/allowed-networks`, payload: { cidrs: ['10.0.0.0/8'] } }), 409, 'conflict');
    tick();
    const samC = await signInFresh(t, sam, clock);
    const r = await call(t, adminC, { method: 'PUT', url: `/api/v1/staff/${sam.id}/allowed-networks`, payload: { cidrs: ['10.20.0.0/16', '2001:db8::/32', '10.20.0.0/16'] } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().allowedNetworks, ['10.20.0.0/16', '2001:db8::/32']);
    const ev = await expectAudited(t, { action: 'staff.allowed_networks_set', outcome: 'ok', targetId: sam.id });
    assert.deepEqual(ev.fields, ['allowed_cidrs']);
    // Sam's session from 127.0.0.x is outside: it ended.
    expectProblem(await call(t, samC, { url: '/api/v1/sessions/mine' }), 401, 'unauthenticated');
    // Signing in from outside the ranges fails generically, even with the right password.
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: sam.email, password: sam.password }, remoteAddress: nextLoopback() });
    expectProblem(out, 401, 'login_failed');
    await expectAudited(t, { action: 'auth.network_refused', outcome: 'denied', targetId: sam.id });
    // Lift the restriction again.
    const clear = await call(t, adminC, { method: 'PUT', url: `/api/v1/staff/${sam.id}/allowed-networks`, payload: { cidrs: [] } });
    assert.deepEqual(clear.json().allowedNetworks, []);
    tick();
    await signInFresh(t, sam, clock);
  });
});
