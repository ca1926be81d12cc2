// Bootstrap, sign-in and sessions, attacked: every protection is probed the way an attacker would, and each
// test has a control showing the same request succeeds when the protection does not apply.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { passwordStep } from '../../../../test/helpers/sign-in.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { ADMIN, bootstrapAdmin, createTestApp, signIn, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';

const MINUTE = 60_000;
const STEP = 30_000;

async function countStaff(t: TestApp): Promise<number> {
  const r = await t.container.db.system.selectFrom('staff').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

describe('first-administrator bootstrap', () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let t: TestApp;
  let ip = 1;
  const nextIp = () => `127.0.2.${ip++}`;
  /** The link the administrator was created with (for the replay test). */
  let spent: { token: string; secret: string } | undefined;

  const issue = async () => {
    const link = await t.container.staffAuth.issueBootstrapLinkIfNeeded();
    assert.ok(link, 'a link is issued while no staff exists');
    return link.url.split('#token=')[1]!;
  };
  const start = (token: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/bootstrap/start', remoteAddress: nextIp(), payload: { token } });
  const complete = (token: string, fields: Partial<typeof ADMIN> & { totpCode: string }) =>
    t.app.inject({ method: 'POST', url: '/api/v1/bootstrap/complete', remoteAddress: nextIp(), payload: { token, ...ADMIN, ...fields } });

  before(async () => {
    t = await createTestApp({ clock });
  });
  after(async () => {
    await t?.close();
  });

  it('leaves nothing to sign in to before the bootstrap: no default account, no default password', async () => {
    assert.equal(await countStaff(t), 0);
    for (const [email, password] of [
      [ADMIN.email, ADMIN.password],
      ['admin@bulwark.local', 'admin'],
      ['admin@localhost.test', 'password'],
      ['root@bulwark.local', 'changeme'],
      ['bulwark@bulwark.local', 'bulwark'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: nextIp(),
        payload: { email, password },
      });
      expectProblem(res, 401, 'login_failed');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', errorCode: 'unknown_account' });
  });

  it('refuses a malformed or made-up token without revealing anything', async () => {
    expectProblem(await start('A'.repeat(43)), 410, 'bootstrap_token_invalid');
    expectProblem(await start('short'), 400, 'validation_failed');
    await expectAudited(t, { action: 'bootstrap.start', outcome: 'denied', errorCode: 'bootstrap_token_invalid' });
  });

  it('a new link invalidates the previous one', async () => {
    const older = await issue();
    const newer = await issue();
    expectProblem(await start(older), 410, 'bootstrap_token_invalid');
    const res = await start(newer);
    assert.equal(res.statusCode, 200, res.body);
  });

  it('a link expires after 30 minutes', async () => {
    const token = await issue();
    clock.advance(29 * MINUTE);
    const started = await start(token);
    assert.equal(started.statusCode, 200, `control: still valid at 29 min: ${started.body}`);
    const secret = started.json().totpSecret as string;
    clock.advance(2 * MINUTE);
    expectProblem(await start(token), 410, 'bootstrap_token_invalid');
    expectProblem(await complete(token, { totpCode: totpAt(secret, clock.now()) }), 410, 'bootstrap_token_invalid');
    assert.equal(await countStaff(t), 0);
  });

  it('refuses a wrong TOTP code or a weak password, and the link stays usable', async () => {
    const token = await issue();
    const started = await start(token);
    assert.equal(started.statusCode, 200, started.body);
    const secret = started.json().totpSecret as string;

    // A code from ten minutes ahead: right secret, wrong time (outside the ±1 step window).
    const wrongCode = totpAt(secret, new Date(clock.now().getTime() + 10 * MINUTE));
    const badCode = expectProblem(await complete(token, { totpCode: wrongCode }), 400, 'totp_invalid');
    assert.ok((badCode.errors as { path: string }[]).some((e) => e.path.endsWith('totpCode')));
    expectProblem(await complete(token, { totpCode: '000000' === wrongCode ? '111111' : '000000' }), 400, 'totp_invalid');

    // Under 12 characters: refused by the schema, naming the field.
    const short = expectProblem(await complete(token, { password: 'Tr0ub4dor&3', totpCode: totpAt(secret, clock.now()) }), 400, 'validation_failed');
    assert.ok((short.errors as { path: string }[]).some((e) => e.path.endsWith('password')));
    // Long enough but built on the email's name part ("ada.admin"), in any case.
    const mine = expectProblem(
      await complete(token, { password: 'My-ADA.ADMIN-password-2026', totpCode: totpAt(secret, clock.now()) }),
      400,
      'password_rejected',
    );
    assert.ok((mine.errors as { path: string }[]).some((e) => e.path.endsWith('password')));
    assert.ok(!JSON.stringify(mine).includes('My-ADA.ADMIN-password-2026'));
    assert.equal(await countStaff(t), 0);
    await expectAudited(t, { action: 'bootstrap.complete', outcome: 'error', errorCode: 'totp_invalid' });

    // Control: the same link still works with a right code and an acceptable password. Two requests race
    // for it; exactly one creates an administrator.
    const code = totpAt(secret, clock.now());
    const [a, b] = await Promise.all([complete(token, { totpCode: code }), complete(token, { totpCode: code })]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [201, 410], `${a.body} / ${b.body}`);
    assert.equal(await countStaff(t), 1);
    await expectAudited(t, { action: 'bootstrap.complete', outcome: 'ok' });
    spent = { token, secret };
  });

  it('a link works once: the spent link cannot be replayed, and no new link is issued once an administrator exists', async () => {
    assert.ok(spent, 'set by the previous test');
    clock.advance(STEP);
    const again = await complete(spent.token, { email: 'mallory@bank.test', totpCode: totpAt(spent.secret, clock.now()) });
    expectProblem(again, 410, 'bootstrap_token_invalid');
    expectProblem(await start(spent.token), 410, 'bootstrap_token_invalid');
    assert.equal(await countStaff(t), 1);
    assert.equal(await t.container.staffAuth.issueBootstrapLinkIfNeeded(), null);
  });
});

describe('sign-in and sessions', () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let t: TestApp;
  let secret: string;
  let adminId: string;
  // Every scenario signs in from its own address: the strict per-IP sign-in limit never gets in the way.
  let ipCounter = 1;
  const nextIp = () => `127.0.3.${ipCounter++}`;
  /** A sign-in with a code of a step nobody used yet. */
  const freshSignIn = (ip: string, ua = 'test-agent') => {
    clock.advance(STEP);
    return signIn(t, secret, clock, ua, ip);
  };
  const me = (headers: Record<string, string>, ip: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers, remoteAddress: ip });

  /** A member who signs in with TOTP (a role without a hardware-key requirement). */
  let tina: TestMember;
  let disabled: TestMember;

  before(async () => {
    t = await createTestApp({ clock });
    ({ secret, staffId: adminId } = await bootstrapAdmin(t, clock));
    tina = await createMember(t, clock, { email: 'tina.totp@bank.test', roles: ['support_junior'], displayName: 'Tina Totp' });
    disabled = await createMember(t, clock, { email: 'dora.disabled@bank.test', roles: ['support_junior'], displayName: 'Dora Disabled' });
    await t.container.audited(systemContext('test'), { action: 'staff.set_status', target: { type: 'staff', id: disabled.id } }, async (tx) => {
      await tx.updateTable('staff').set({ status: 'disabled' }).where('id', '=', disabled.id).execute();
    });
  });
  after(async () => {
    await t?.close();
  });

  it('answers a wrong password, an unknown email and a disabled account identically (no account enumeration)', async () => {
    clock.advance(STEP);
    const ip = nextIp();
    const attempt = (email: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email, password } });
    const answers = [
      await attempt(ADMIN.email, 'not the right password at all'),
      await attempt('nobody@bank.test', ADMIN.password),
      await attempt(disabled.email, disabled.password),
    ];
    const shapes = answers.map((r) => {
      const body = expectProblem(r, 401, 'login_failed');
      assert.equal(r.headers['set-cookie'], undefined);
      const { instance: _instance, ...rest } = body;
      return rest;
    });
    assert.deepEqual(shapes[1], shapes[0]);
    assert.deepEqual(shapes[2], shapes[0]);
    // The reason is kept where staff can investigate it: the audit log.
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', errorCode: 'bad_password', actorIp: ip });
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', errorCode: 'unknown_account', actorIp: ip });
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', errorCode: 'account_disabled', actorIp: ip });
    // Control: the right password opens a session whose second factor is pending.
    const ok = await attempt(ADMIN.email, ADMIN.password);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().state, 'mfa_pending');
  });

  it('answers a wrong second factor with one generic message, and audits the reason', async () => {
    const ip = nextIp();
    clock.advance(STEP);
    const s = await passwordStep(t, tina, 'test-agent', ip);
    const wrong = totpAt(tina.secret, new Date(clock.now().getTime() + 10 * MINUTE));
    const seq = await lastSeq(t);
    const bad = expectProblem(await s.request('POST', '/api/v1/auth/mfa/totp', { code: wrong }), 401, 'mfa_failed');
    const badRecovery = expectProblem(await s.request('POST', '/api/v1/auth/mfa/recovery', { code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' }), 401, 'mfa_failed');
    assert.equal(bad.title, badRecovery.title);
    await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'bad_totp', actorId: tina.id }, { afterSeq: seq });
    // Control: the right code signs in.
    const ok = await s.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(tina.secret, clock.now()) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().state, 'active');
  });

  it('accepts a TOTP code once: replaying it (or an older one) after signing out is refused and audited', async () => {
    const ip = nextIp();
    clock.advance(STEP);
    const code = totpAt(tina.secret, clock.now());
    const first = await passwordStep(t, tina, 'test-agent', ip);
    const done = await first.request('POST', '/api/v1/auth/mfa/totp', { code });
    assert.equal(done.statusCode, 200, done.body);
    first.absorb(done);
    const out = await first.request('POST', '/api/v1/auth/logout');
    assert.equal(out.statusCode, 204, out.body);

    const okBefore = (await findAudited(t, { action: 'auth.mfa', outcome: 'ok' })).length;
    const seq = await lastSeq(t);
    clock.advance(5_000); // same 30-second window
    const again = await passwordStep(t, tina, 'test-agent', ip);
    expectProblem(await again.request('POST', '/api/v1/auth/mfa/totp', { code }), 401, 'mfa_failed');
    await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'totp_replayed', targetId: tina.id }, { afterSeq: seq });
    // The previous step's code is within the ±1 drift window but older than the one used: refused too.
    expectProblem(await again.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(tina.secret, new Date(clock.now().getTime() - STEP)) }), 401, 'mfa_failed');
    // A refused answer must never appear in the audit log as a successful one, and the session stays pending.
    assert.equal((await findAudited(t, { action: 'auth.mfa', outcome: 'ok' })).length, okBefore);
    assert.equal((await again.request('GET', '/api/v1/auth/me')).json().state, 'mfa_pending');
  });

  it('lets only one of two simultaneous sign-ins with the same code through', async () => {
    const ip = nextIp();
    clock.advance(STEP);
    const a = await passwordStep(t, tina, 'test-agent', ip);
    const b = await passwordStep(t, tina, 'test-agent', ip);
    const code = totpAt(tina.secret, clock.now());
    const seq = await lastSeq(t);
    const [ra, rb] = await Promise.all([a, b].map((s) => s.request('POST', '/api/v1/auth/mfa/totp', { code })));
    assert.deepEqual([ra!.statusCode, rb!.statusCode].sort(), [200, 401], `${ra!.body} / ${rb!.body}`);
    // One success and one denial in the audit log, whichever way the race went.
    const events = (await findAudited(t, { action: 'auth.mfa' })).filter((r) => r.seq > seq);
    assert.deepEqual(events.map((e) => e.outcome).sort(), ['denied', 'ok']);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/, host-only, and stores only its hash', async () => {
    clock.advance(STEP);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      payload: { email: ADMIN.email, password: ADMIN.password },
    });
    assert.equal(res.statusCode, 200, res.body);
    const header = res.headers['set-cookie'];
    const raw = Array.isArray(header) ? header : [String(header)];
    assert.equal(raw.length, 1);
    const [pair, ...attrs] = raw[0]!.split(';').map((s) => s.trim());
    const attributes = new Map(attrs.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1]]));
    assert.ok(attributes.has('httponly'), raw[0]);
    assert.equal(attributes.get('samesite'), 'Strict', raw[0]);
    assert.equal(attributes.get('path'), '/', raw[0]);
    assert.equal(attributes.has('domain'), false, 'host-only cookie');
    assert.ok(Number(attributes.get('max-age')) <= 12 * 60 * 60, raw[0]);
    const token = pair!.slice(pair!.indexOf('=') + 1);
    assert.ok(token.length >= 43, 'at least 256 bits');
    // The body carries the CSRF token, never the session token.
    assert.ok(!res.body.includes(token));
    const rows = await t.container.db.system.selectFrom('staff_session').select(['token_hash', 'csrf_hash']).execute();
    assert.ok(rows.every((r) => r.token_hash !== token && !r.token_hash.includes(token)));
    const hashed = createHash('sha256').update(token).digest('hex');
    assert.equal(rows.filter((r) => r.token_hash === hashed).length, 1);
  });

  it('ends a session whose cookie shows up from another IP address, and audits it', async () => {
    const ip = nextIp();
    const s = await freshSignIn(ip);
    assert.equal((await me(s.headers, ip)).statusCode, 200, 'control: the owner is served');
    expectProblem(await me(s.headers, '10.1.2.3'), 401, 'unauthenticated');
    // Ended for the owner too: the thief cannot wait for them to go away.
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_ip_changed', outcome: 'denied', actorIp: '10.1.2.3', actorId: adminId });
    const row = await t.container.db.system
      .selectFrom('staff_session')
      .select(['ended_at', 'end_reason'])
      .where('token_hash', '=', createHash('sha256').update(s.cookie.split('=')[1]!).digest('hex'))
      .executeTakeFirstOrThrow();
    assert.equal(row.end_reason, 'ip_changed');
    assert.notEqual(row.ended_at, null);
  });

  it('ends a session whose cookie shows up in another browser (user agent), and audits it', async () => {
    const ip = nextIp();
    const s = await freshSignIn(ip, 'Mozilla/5.0 (owner)');
    assert.equal((await me(s.headers, ip)).statusCode, 200);
    expectProblem(await me({ ...s.headers, 'user-agent': 'curl/8.0 (thief)' }, ip), 401, 'unauthenticated');
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_agent_changed', outcome: 'denied', actorId: adminId });
  });

  it('locks a session idle for 10 minutes (activity keeps it open)', async () => {
    const ip = nextIp();
    const s = await freshSignIn(ip);
    clock.advance(9 * MINUTE);
    assert.equal((await me(s.headers, ip)).statusCode, 200, 'control: 9 minutes idle is fine and counts as activity');
    clock.advance(9 * MINUTE);
    assert.equal((await me(s.headers, ip)).statusCode, 200, 'control: 9 more minutes after activity');
    const seq = await lastSeq(t);
    clock.advance(10 * MINUTE + 1);
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_idle', actorId: adminId }, { afterSeq: seq });
    // Ended, not merely refused once: coming back immediately does not revive it.
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
  });

  it('ends every session after 12 hours even with activity every 5 minutes', async () => {
    const ip = nextIp();
    const s = await freshSignIn(ip);
    for (let i = 1; i <= 144; i++) {
      clock.advance(5 * MINUTE);
      const res = await me(s.headers, ip);
      assert.equal(res.statusCode, 200, `control: still open after ${i * 5} minutes`);
    }
    clock.advance(1);
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_absolute', actorId: adminId });
  });

  it('refuses a state-changing request without the CSRF token of its own session, and audits it', async () => {
    const ip = nextIp();
    const s = await freshSignIn(ip);
    const other = await freshSignIn(nextIp());
    const logout = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers, remoteAddress: ip });
    const { 'x-csrf-token': _csrf, ...noToken } = s.headers;
    const seq = await lastSeq(t);
    expectProblem(await logout(noToken), 403, 'csrf_failed');
    expectProblem(await logout({ ...s.headers, 'x-csrf-token': 'forged-token' }), 403, 'csrf_failed');
    expectProblem(await logout({ ...s.headers, 'x-csrf-token': other.csrf }), 403, 'csrf_failed');
    expectProblem(await logout({ ...s.headers, 'x-csrf-token': '' }), 403, 'csrf_failed');
    const denials = (await findAudited(t, { action: 'access.csrf_failed', outcome: 'denied', actorId: adminId })).filter((r) => r.seq > seq);
    assert.equal(denials.length, 4);
    // None of them did anything: the session is still open.
    assert.equal((await me(s.headers, ip)).statusCode, 200);
    // Control: with its own token the request goes through, and the session is then ended server-side.
    assert.equal((await logout(s.headers)).statusCode, 204);
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
  });

  it('answers a request without a session (or with a forged cookie) 401, and audits it', async () => {
    const seq = await lastSeq(t);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/audit/events', remoteAddress: '127.0.3.200' }), 401, 'unauthenticated');
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events',
      remoteAddress: '127.0.3.200',
      headers: { cookie: `${t.container.staffAuth.cookieName}=${'A'.repeat(43)}` },
    });
    expectProblem(forged, 401, 'unauthenticated');
    await expectAudited(t, { action: 'access.unauthenticated', outcome: 'denied', actorIp: '127.0.3.200' }, { afterSeq: seq });
  });

  it('denies a support_junior the audit log and key management, and audits each denial', async () => {
    const junior = await createMember(t, clock, { email: 'sam.support@bank.test', roles: ['support_junior'] });
    clock.advance(STEP);
    const ip = nextIp();
    const s = await signInAs(t, junior, clock, 'test-agent', ip);
    assert.equal((await me(s.headers, ip)).statusCode, 200, 'control: signed in');

    const seq = await lastSeq(t);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: s.headers, remoteAddress: ip }), 403, 'forbidden');
    const denied = await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: junior.id, actorIp: ip }, { afterSeq: seq });
    assert.match(String(denied.targetId), /audit\.read/);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: s.headers, remoteAddress: ip }), 403, 'forbidden');
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: s.headers, remoteAddress: ip }), 403, 'forbidden');
    const denials = (await findAudited(t, { action: 'access.denied', actorId: junior.id })).filter((r) => r.seq > seq);
    assert.equal(denials.length, 3);
    assert.equal(t.container.vault.activeFieldVersion, 1, 'the refused rotation did nothing');

    // Control: the administrator is allowed the same read.
    const adminIp = nextIp();
    const a = await freshSignIn(adminIp);
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/audit/events?limit=5', headers: a.headers, remoteAddress: adminIp });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('ends the sessions of a member whose account is no longer active', async () => {
    const member = await createMember(t, clock, { email: 'leaver@bank.test', roles: ['auditor'], displayName: 'Lee Leaver' });
    clock.advance(STEP);
    const ip = nextIp();
    const s = await signInAs(t, member, clock, 'test-agent', ip);
    assert.equal((await me(s.headers, ip)).statusCode, 200);
    const setStatus = (status: string) =>
      t.container.audited(
        { actorType: 'system', actorId: null, actorName: 'test', ip: null, sessionIdHash: null, requestId: null },
        { action: 'staff.set_status', target: { type: 'staff', id: member.id } },
        async (tx) => {
          await tx.updateTable('staff').set({ status }).where('id', '=', member.id).execute();
        },
      );
    await setStatus('disabled');
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_account_inactive', outcome: 'denied', actorId: member.id });
    await setStatus('active');
    expectProblem(await me(s.headers, ip), 401, 'unauthenticated');
  });
});
