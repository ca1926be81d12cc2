// MFA from the attacker's side: the second factor is mandatory and every way around it is tried — a session
// with only the password, a member with no factor yet, a replayed TOTP code, a key without user verification,
// a replayed or cloned assertion, a revoked key, a reused recovery code, a factor change without a recent
// re-authentication, a sensitive action without step-up, TOTP where a role demands a hardware key. Each
// refusal has a control showing the same request succeeding when the protection does not apply.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { FakeClock } from '../../platform/clock.js';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { answerWithKey, ClientSession, enrolKey, keyOf, newSoftKey, passwordStep, rememberKey, signInMember } from '../../../../test/helpers/sign-in.js';
import { createMember, type TestMember } from '../../../../test/helpers/staff.js';
import { bootstrapAdmin, createTestApp, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';
import { idleTimeoutMs } from './session-state.js';
import { matchTotpStep } from './totp.js';

const MINUTE = 60_000;
const STEP = 30_000;
const ANY_UUID = '00000000-0000-4000-8000-000000000000';

describe('TOTP follows RFC 6238', () => {
  // RFC 6238 Appendix B: SHA-1, seed "12345678901234567890", 30-second steps. The RFC lists 8-digit values;
  // a 6-digit code is the same truncation modulo 10^6, i.e. its last six digits.
  const seed = new OTPAuth.Secret({ buffer: new Uint8Array(Buffer.from('12345678901234567890', 'ascii')).buffer }).base32;
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  it('accepts the RFC 6238 test vectors (6-digit truncations), each at its own time step', () => {
    for (const [t, code8] of vectors) {
      const at = new Date(t * 1000);
      assert.equal(matchTotpStep(seed, code8.slice(-6), at), Math.floor(t / 30), `T=${t}`);
    }
  });

  it('allows one step of clock drift either way, and no more', () => {
    const [t, code8] = vectors[1]!;
    const code = code8.slice(-6);
    const step = Math.floor(t / 30);
    assert.equal(matchTotpStep(seed, code, new Date((t + 30) * 1000)), step, 'one step late');
    assert.equal(matchTotpStep(seed, code, new Date((t - 30) * 1000)), step, 'one step early');
    assert.equal(matchTotpStep(seed, code, new Date((t + 60) * 1000)), null, 'two steps late');
    assert.equal(matchTotpStep(seed, code, new Date((t - 60) * 1000)), null, 'two steps early');
    assert.equal(matchTotpStep(seed, code8, new Date(t * 1000)), null, 'eight digits are not six');
    assert.equal(matchTotpStep(seed, String((Number(code) + 1) % 1_000_000).padStart(6, '0'), new Date(t * 1000)), null);
  });
});

describe('second factor, attacked', () => {
  const clock = new FakeClock('2026-04-06T08:00:00.000Z');
  let t: TestApp;
  let adminId: string;
  let adminSecret: string;
  // Every client of this file comes from 127.0.5.0/24 (one network: no sign-in looks like a new place), each
  // scenario from its own address (its own rate-limit bucket).
  let octet = 1;
  const nextIp = () => `127.0.5.${octet++}`;
  const fresh = () => clock.advance(STEP);

  /** Every API route of the app (from its OpenAPI document), with path parameters filled in. */
  async function everyRoute(): Promise<{ method: string; url: string }[]> {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const out: { method: string; url: string }[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) out.push({ method: method.toUpperCase(), url: path.replace(/\{[^}]+\}/g, ANY_UUID) });
    }
    return out;
  }

  /** True for a route that answers without a session (its anonymous answer is not 401 unauthenticated). */
  async function isPublic(r: { method: string; url: string }): Promise<boolean> {
    const res = await t.app.inject({ method: r.method as 'GET', url: r.url, remoteAddress: '127.0.5.250', ...(r.method === 'GET' ? {} : { payload: {} }) });
    return !(res.statusCode === 401 && (res.json() as { code?: string }).code === 'unauthenticated');
  }

  /** Asserts that a session reaches nothing but `allowed` (and public routes): everything else is 403 `code`. */
  async function expectConfined(s: ClientSession, allowed: string[], code: string): Promise<number> {
    let refused = 0;
    for (const r of await everyRoute()) {
      if (allowed.includes(`${r.method} ${r.url}`) || (await isPublic(r))) continue;
      const res = await s.request(r.method as 'GET', r.url, r.method === 'GET' ? undefined : {});
      expectProblem(res, 403, code);
      refused++;
    }
    return refused;
  }

  async function setRole(name: string, opts: { hardwareKey: boolean; idleMinutes: number }) {
    const now = clock.now();
    await t.container.db.system
      .insertInto('role')
      .values({ name, require_hardware_key: opts.hardwareKey, idle_timeout_minutes: opts.idleMinutes, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ require_hardware_key: opts.hardwareKey, idle_timeout_minutes: opts.idleMinutes }))
      .execute();
  }

  const sessionRow = (cookie: string) =>
    t.container.db.system
      .selectFrom('staff_session')
      .selectAll()
      .where('token_hash', '=', createHash('sha256').update(cookie.slice(cookie.indexOf('=') + 1)).digest('hex'))
      .executeTakeFirstOrThrow();

  before(async () => {
    t = await createTestApp({ clock });
    ({ staffId: adminId, secret: adminSecret } = await bootstrapAdmin(t, clock));
    await setRole('mfa_probe_totp', { hardwareKey: false, idleMinutes: 10 });
    await setRole('mfa_probe_hw', { hardwareKey: true, idleMinutes: 10 });
    await setRole('mfa_probe_idle5', { hardwareKey: false, idleMinutes: 5 });
    await setRole('mfa_probe_idle15', { hardwareKey: false, idleMinutes: 15 });
  });
  after(async () => {
    await t?.close();
  });

  const PENDING_ALLOWED = [
    'GET /api/v1/auth/me',
    'POST /api/v1/auth/logout',
    'POST /api/v1/auth/mfa/totp',
    'POST /api/v1/auth/mfa/recovery',
    'POST /api/v1/auth/mfa/webauthn/options',
    'POST /api/v1/auth/mfa/webauthn/verify',
    // Reachable for a locked session's unlock; a pending one is refused by the service (below).
    'POST /api/v1/auth/reauth',
  ];

  it('a password alone opens a session that can reach nothing but the second-factor challenge', async () => {
    const m = await createMember(t, clock, { email: 'pat.pending@bank.test', roles: ['mfa_probe_totp'], displayName: 'Pat Pending' });
    const ip = nextIp();
    fresh();
    const s = await passwordStep(t, m, 'test-agent', ip);
    assert.equal(s.body.state, 'mfa_pending');
    assert.deepEqual(s.body.methods, ['totp']);
    const seq = await lastSeq(t);
    const refused = await expectConfined(s, PENDING_ALLOWED, 'mfa_required');
    assert.ok(refused > 20, `${refused} routes refused`);
    await expectAudited(t, { action: 'access.mfa_required', outcome: 'denied', actorId: m.id }, { afterSeq: seq });
    assert.equal((await s.request('GET', '/api/v1/auth/me')).json().state, 'mfa_pending');
    // Re-authentication is not a way around the challenge.
    expectProblem(await s.request('POST', '/api/v1/auth/reauth', { password: m.password, factor: { method: 'totp', code: totpAt(m.secret, clock.now()) } }), 409, 'conflict');

    // Control: the second factor opens them — with a NEW session token; the pending one stops working at once.
    const pendingCookie = s.cookie;
    const done = await s.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(m.secret, clock.now()) });
    assert.equal(done.statusCode, 200, done.body);
    s.absorb(done);
    assert.notEqual(s.cookie, pendingCookie);
    assert.equal(done.json().state, 'active');
    assert.equal((await s.request('GET', '/api/v1/mfa')).statusCode, 200);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/mfa', headers: { ...s.headers, cookie: pendingCookie }, remoteAddress: ip }), 401, 'unauthenticated');
    const row = await sessionRow(s.cookie);
    assert.equal(row.mfa_method, 'password+totp');
    assert.ok(row.mfa_at);
    await expectAudited(t, { action: 'auth.mfa', outcome: 'ok', actorId: m.id });
  });

  it('a pending session expires after 15 minutes, and a code cannot be answered for someone else', async () => {
    const a = await createMember(t, clock, { email: 'ann.a@bank.test', roles: ['mfa_probe_totp'], displayName: 'Ann A' });
    const b = await createMember(t, clock, { email: 'bob.b@bank.test', roles: ['mfa_probe_totp'], displayName: 'Bob B' });
    const ip = nextIp();
    fresh();
    const s = await passwordStep(t, a, 'test-agent', ip);
    // Bob's valid code does not answer Ann's challenge.
    expectProblem(await s.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(b.secret, clock.now()) }), 401, 'mfa_failed');
    for (let i = 0; i < 3; i++) {
      clock.advance(5 * MINUTE + 1000);
      assert.equal((await s.request('GET', '/api/v1/auth/me')).statusCode, i < 2 ? 200 : 401, `after ${(i + 1) * 5} minutes`);
    }
  });

  it('a member without any second factor can only enrol one; enrolling TOTP signs them in and shows recovery codes once', async () => {
    const m = await createMember(t, clock, { email: 'nina.new@bank.test', roles: ['mfa_probe_totp'], displayName: 'Nina New', totp: false });
    const ip = nextIp();
    const s = await passwordStep(t, m, 'test-agent', ip);
    assert.equal(s.body.state, 'enrolment_required');
    assert.deepEqual(s.body.methods, []);
    const seq = await lastSeq(t);
    await expectConfined(
      s,
      ['GET /api/v1/auth/me', 'POST /api/v1/auth/logout', 'GET /api/v1/mfa', 'POST /api/v1/mfa/totp/start', 'POST /api/v1/mfa/totp/confirm', 'POST /api/v1/mfa/keys/options', 'POST /api/v1/mfa/keys', 'POST /api/v1/auth/mfa/webauthn/options', 'POST /api/v1/auth/reauth'],
      'mfa_enrolment_required',
    );
    await expectAudited(t, { action: 'access.mfa_enrolment_required', outcome: 'denied', actorId: m.id }, { afterSeq: seq });

    const start = await s.request('POST', '/api/v1/mfa/totp/start');
    assert.equal(start.statusCode, 200, start.body);
    const { totpSecret, pending, otpauthUri } = start.json() as { totpSecret: string; pending: string; otpauthUri: string };
    assert.match(otpauthUri, /^otpauth:\/\/totp\/.*period=30/);
    assert.ok(!pending.includes(totpSecret), 'the proposal travels encrypted');
    // A wrong code stores nothing; a proposal made for another member is refused.
    expectProblem(await s.request('POST', '/api/v1/mfa/totp/confirm', { pending, code: totpAt(totpSecret, new Date(clock.now().getTime() + 10 * MINUTE)) }), 400, 'totp_invalid');
    const row = await t.container.db.system.selectFrom('staff').select('totp_secret_ct').where('id', '=', m.id).executeTakeFirstOrThrow();
    assert.equal(row.totp_secret_ct, null);

    const code = totpAt(totpSecret, clock.now());
    const done = await s.request('POST', '/api/v1/mfa/totp/confirm', { pending, code });
    assert.equal(done.statusCode, 200, done.body);
    const body = done.json() as { recoveryCodes: string[]; session: { state: string } };
    assert.equal(body.recoveryCodes.length, 10);
    assert.equal(new Set(body.recoveryCodes).size, 10);
    for (const c of body.recoveryCodes) assert.match(c, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);
    assert.equal(body.session.state, 'active');
    const old = s.cookie;
    s.absorb(done, body.session as unknown as Record<string, unknown>);
    assert.notEqual(s.cookie, old, 'a new token');
    const status = (await s.request('GET', '/api/v1/mfa')).json() as { totp: boolean; recoveryCodesLeft: number };
    assert.deepEqual([status.totp, status.recoveryCodesLeft], [true, 10]);
    await expectAudited(t, { action: 'mfa.totp_enrol', outcome: 'ok', actorId: m.id });

    // The enrolment code is spent: it cannot be replayed to sign in.
    const again = await passwordStep(t, m, 'test-agent', ip);
    expectProblem(await again.request('POST', '/api/v1/auth/mfa/totp', { code }), 401, 'mfa_failed');
    await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'totp_replayed', actorId: m.id });
  });

  it('a locked screen reaches nothing; only password + second factor unlock it, and unlocking never stretches the session', async () => {
    const m = await createMember(t, clock, { email: 'lou.locked@bank.test', roles: ['mfa_probe_totp'], displayName: 'Lou Locked' });
    const ip = nextIp();
    fresh();
    const s = await signedIn(m, ip);
    const born = await sessionRow(s.cookie);
    clock.advance(3 * MINUTE);
    assert.equal((await s.request('POST', '/api/v1/auth/lock')).statusCode, 204);
    await expectAudited(t, { action: 'auth.lock', outcome: 'ok', actorId: m.id });
    assert.equal((await s.request('GET', '/api/v1/auth/me')).json().state, 'locked');
    const seq = await lastSeq(t);
    await expectConfined(s, PENDING_ALLOWED, 'session_locked');
    await expectAudited(t, { action: 'access.session_locked', outcome: 'denied', actorId: m.id }, { afterSeq: seq });
    // A second factor alone does not unlock (that would skip the password), nor does a wrong password.
    fresh();
    expectProblem(await s.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(m.secret, clock.now()) }), 409, 'conflict');
    expectProblem(await s.request('POST', '/api/v1/auth/reauth', { password: 'somebody else guessing', factor: { method: 'totp', code: totpAt(m.secret, clock.now()) } }), 401, 'reauth_failed');
    assert.equal((await s.request('GET', '/api/v1/auth/me')).json().state, 'locked');
    // Control: password and a current code unlock, with a new token; the 12-hour limit still counts from sign-in.
    const unlocked = await s.request('POST', '/api/v1/auth/reauth', { password: m.password, factor: { method: 'totp', code: totpAt(m.secret, clock.now()) } });
    assert.equal(unlocked.statusCode, 200, unlocked.body);
    assert.equal(unlocked.json().state, 'active');
    s.absorb(unlocked);
    assert.equal((await s.request('GET', '/api/v1/mfa')).statusCode, 200);
    const after = await sessionRow(s.cookie);
    assert.equal(new Date(after.expires_at).getTime(), new Date(born.expires_at).getTime());
    assert.equal(new Date(after.created_at).getTime(), new Date(born.created_at).getTime());

    // Left locked, a session ends one idle timeout after the lock: looking at it does not keep it alive.
    assert.equal((await s.request('POST', '/api/v1/auth/lock')).statusCode, 204);
    clock.advance(6 * MINUTE);
    assert.equal((await s.request('GET', '/api/v1/auth/me')).json().state, 'locked');
    clock.advance(4 * MINUTE + 1000);
    expectProblem(await s.request('GET', '/api/v1/auth/me'), 401, 'unauthenticated');
  });

  describe('WebAuthn', () => {
    let kim: TestMember;
    const key = () => keyOf(t, kim.id)!;
    let ip: string;

    before(async () => {
      kim = await createMember(t, clock, { email: 'kim.key@bank.test', roles: ['mfa_probe_totp'], displayName: 'Kim Key' });
      ip = nextIp();
    });

    it('registers a key only with user verification, and only once per challenge', async () => {
      ip = nextIp();
      fresh();
      const s = await signedIn(kim, ip);
      const soft = newSoftKey(t);
      const o = await s.request('POST', '/api/v1/mfa/keys/options');
      assert.equal(o.statusCode, 200, o.body);
      const options = o.json().options as { challenge: string; authenticatorSelection: { userVerification: string }; rp: { id: string } };
      assert.equal(options.authenticatorSelection.userVerification, 'required');
      assert.equal(options.rp.id, 'localhost');
      const seq = await lastSeq(t);
      expectProblem(await s.request('POST', '/api/v1/mfa/keys', { name: 'No PIN', response: soft.register(options, { uv: false }) }), 400, 'webauthn_failed');
      await expectAudited(t, { action: 'mfa.webauthn_register', outcome: 'denied', errorCode: 'webauthn_registration_invalid', actorId: kim.id }, { afterSeq: seq });
      // The challenge was spent by the refused attempt: the same challenge, now with UV, is refused too.
      expectProblem(await s.request('POST', '/api/v1/mfa/keys', { name: 'Replay', response: soft.register(options) }), 400, 'webauthn_failed');
      await expectAudited(t, { action: 'mfa.webauthn_register', outcome: 'denied', errorCode: 'webauthn_challenge_invalid', actorId: kim.id }, { afterSeq: seq });
      // Another origin (a phishing site relaying the ceremony) is refused.
      const o2 = (await s.request('POST', '/api/v1/mfa/keys/options')).json().options as { challenge: string };
      expectProblem(await s.request('POST', '/api/v1/mfa/keys', { name: 'Phish', response: soft.register(o2, { origin: 'https://bulwark-login.example' }) }), 400, 'webauthn_failed');
      assert.equal((await listKeys(s)).length, 0);

      // Control: a fresh challenge, user verified, the right origin.
      const res = await enrolKey(s, soft, 'Desk YubiKey');
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().key.name, 'Desk YubiKey');
      assert.equal(res.json().session, undefined, 'already signed in: no new session');
      rememberKey(t, kim.id, soft);
      assert.deepEqual((await listKeys(s)).map((k) => k.name), ['Desk YubiKey']);
      await expectAudited(t, { action: 'mfa.webauthn_register', outcome: 'ok', actorId: kim.id });
    });

    it('signs in with the key, user verification required', async () => {
      ip = nextIp();
      fresh();
      const s = await passwordStep(t, kim, 'test-agent', ip);
      // Recovery codes came with the first key (the member had none): shown once, offered at sign-in.
      assert.deepEqual(s.body.methods, ['webauthn', 'totp', 'recovery']);
      const o = await s.request('POST', '/api/v1/auth/mfa/webauthn/options');
      const options = o.json().options as { challenge: string; userVerification: string; allowCredentials: { id: string }[] };
      assert.equal(options.userVerification, 'required');
      assert.deepEqual(options.allowCredentials.map((c) => c.id), [key().id]);
      const seq = await lastSeq(t);
      expectProblem(await s.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response: key().assert(options, { uv: false }) }), 401, 'mfa_failed');
      await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'webauthn_invalid', actorId: kim.id }, { afterSeq: seq });
      // Control.
      const ok = await answerWithKey(s, key());
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().state, 'active');
      s.absorb(ok);
      assert.equal((await sessionRow(s.cookie)).mfa_method, 'password+webauthn');
    });

    it('refuses an assertion replayed to another session (a challenge is single use and bound to its session)', async () => {
      ip = nextIp();
      fresh();
      const victim = await passwordStep(t, kim, 'test-agent', ip);
      const options = (await victim.request('POST', '/api/v1/auth/mfa/webauthn/options')).json().options as { challenge: string };
      const response = key().assert(options);
      const ok = await victim.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response });
      assert.equal(ok.statusCode, 200, ok.body);
      // The captured response, replayed in another pending session (which asked for its own challenge).
      const attacker = await passwordStep(t, kim, 'test-agent', ip);
      await attacker.request('POST', '/api/v1/auth/mfa/webauthn/options');
      const seq = await lastSeq(t);
      expectProblem(await attacker.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response }), 401, 'mfa_failed');
      await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'webauthn_challenge_invalid', actorId: kim.id }, { afterSeq: seq });
      // A challenge also expires after two minutes.
      const late = await passwordStep(t, kim, 'test-agent', ip);
      const lateOptions = (await late.request('POST', '/api/v1/auth/mfa/webauthn/options')).json().options as { challenge: string };
      clock.advance(2 * MINUTE + 1000);
      expectProblem(await late.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response: key().assert(lateOptions) }), 401, 'mfa_failed');
    });

    it('refuses a key whose signature counter does not move forward, and audits it as a possible clone', async () => {
      ip = nextIp();
      fresh();
      const s = await passwordStep(t, kim, 'test-agent', ip);
      const stored = Number((await t.container.db.system.selectFrom('webauthn_credential').select('counter').where('id', '=', key().id).executeTakeFirstOrThrow()).counter);
      assert.ok(stored > 0);
      const seq = await lastSeq(t);
      for (const counter of [stored, stored - 1]) {
        const options = (await s.request('POST', '/api/v1/auth/mfa/webauthn/options')).json().options as { challenge: string };
        expectProblem(await s.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response: key().assert(options, { counter }) }), 401, 'mfa_failed');
      }
      const events = (await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'webauthn_counter_regression', actorId: kim.id }, { afterSeq: seq }));
      assert.equal(events.targetId, kim.id);
      // The stored counter did not move; control: the next counter value works.
      key().counter = stored;
      const ok = await answerWithKey(s, key());
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('renames and revokes keys; a revoked key no longer signs in', async () => {
      ip = nextIp();
      fresh();
      const s = await signedIn(kim, ip, 'key');
      const second = newSoftKey(t);
      assert.equal((await enrolKey(s, second, 'Spare key')).statusCode, 201);
      const renamed = await s.request('PATCH', `/api/v1/mfa/keys/${encodeURIComponent(key().id)}`, { name: 'Old desk key' });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'Old desk key');
      // Another member's key id is not found (not renamed, not revoked).
      const other = await createMember(t, clock, { email: 'olga.other@bank.test', roles: ['mfa_probe_totp'], displayName: 'Olga Other', key: true });
      expectProblem(await s.request('PATCH', `/api/v1/mfa/keys/${encodeURIComponent(other.key!.id)}`, { name: 'Mine now' }), 404, 'not_found');
      expectProblem(await s.request('DELETE', `/api/v1/mfa/keys/${encodeURIComponent(other.key!.id)}`), 404, 'not_found');
      const olgaKey = await t.container.db.system.selectFrom('webauthn_credential').select(['name', 'revoked_at']).where('id', '=', other.key!.id).executeTakeFirstOrThrow();
      assert.deepEqual([olgaKey.name, olgaKey.revoked_at], ['test key', null]);

      const revoked = key();
      assert.equal((await s.request('DELETE', `/api/v1/mfa/keys/${encodeURIComponent(revoked.id)}`)).statusCode, 204);
      await expectAudited(t, { action: 'mfa.webauthn_revoke', outcome: 'ok', actorId: kim.id, targetId: revoked.id });
      rememberKey(t, kim.id, second);

      fresh();
      const p = await passwordStep(t, kim, 'test-agent', ip);
      const options = (await p.request('POST', '/api/v1/auth/mfa/webauthn/options')).json().options as { challenge: string; allowCredentials: { id: string }[] };
      assert.deepEqual(options.allowCredentials.map((c) => c.id), [second.id], 'the revoked key is no longer offered');
      const seq = await lastSeq(t);
      expectProblem(await p.request('POST', '/api/v1/auth/mfa/webauthn/verify', { response: revoked.assert(options) }), 401, 'mfa_failed');
      await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'webauthn_key_revoked', actorId: kim.id }, { afterSeq: seq });
      // Control: the spare key.
      assert.equal((await answerWithKey(p, second)).statusCode, 200);
    });
  });

  it('recovery codes are single use, stored hashed, and regenerating replaces them all', async () => {
    const m = await createMember(t, clock, { email: 'rita.recovery@bank.test', roles: ['mfa_probe_totp'], displayName: 'Rita Recovery', totp: false });
    const ip = nextIp();
    const s = await passwordStep(t, m, 'test-agent', ip);
    const start = (await s.request('POST', '/api/v1/mfa/totp/start')).json() as { totpSecret: string; pending: string };
    const codes = (await s.request('POST', '/api/v1/mfa/totp/confirm', { pending: start.pending, code: totpAt(start.totpSecret, clock.now()) })).json().recoveryCodes as string[];
    assert.equal(codes.length, 10);
    // 120 bits each (24 base32 characters): enough for a plain SHA-256 at rest (ASVS V6.5.2 asks for >= 112).
    for (const c of codes) assert.match(c, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);
    assert.equal(new Set(codes).size, 10);
    const stored = await t.container.db.system.selectFrom('recovery_code').select('code_hash').where('staff_id', '=', m.id).execute();
    assert.equal(stored.length, 10);
    for (const r of stored) {
      assert.match(r.code_hash, /^[0-9a-f]{64}$/);
      assert.ok(codes.every((c) => !r.code_hash.toUpperCase().includes(c.replace(/-/g, ''))));
    }

    const first = await passwordStep(t, m, 'test-agent', ip);
    assert.deepEqual(first.body.methods, ['totp', 'recovery']);
    const used = await first.request('POST', '/api/v1/auth/mfa/recovery', { code: codes[0]!.toLowerCase().replace(/-/g, ' ') });
    assert.equal(used.statusCode, 200, used.body);
    assert.equal(used.json().state, 'active');
    first.absorb(used);
    // Step-up is a second factor now, never a recovery code.
    expectProblem(await first.request('POST', '/api/v1/auth/step-up', { method: 'recovery', code: codes[1]! }), 400, 'bad_request');

    const second = await passwordStep(t, m, 'test-agent', ip);
    const seq = await lastSeq(t);
    expectProblem(await second.request('POST', '/api/v1/auth/mfa/recovery', { code: codes[0]! }), 401, 'mfa_failed');
    await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'recovery_code_invalid', actorId: m.id }, { afterSeq: seq });

    // Regenerating (right after a full sign-in: password + factor) replaces every code.
    const fresh10 = await first.request('POST', '/api/v1/mfa/recovery-codes');
    assert.equal(fresh10.statusCode, 200, fresh10.body);
    const newCodes = fresh10.json().recoveryCodes as string[];
    assert.equal(newCodes.length, 10);
    expectProblem(await second.request('POST', '/api/v1/auth/mfa/recovery', { code: codes[2]! }), 401, 'mfa_failed');
    const ok = await second.request('POST', '/api/v1/auth/mfa/recovery', { code: newCodes[0]! });
    assert.equal(ok.statusCode, 200, ok.body);
    await expectAudited(t, { action: 'mfa.recovery_regenerate', outcome: 'ok', actorId: m.id });
  });

  it('refuses factor changes without a full re-authentication (password + a factor) in the last 5 minutes', async () => {
    const m = await createMember(t, clock, { email: 'fred.factors@bank.test', roles: ['mfa_probe_totp'], displayName: 'Fred Factors' });
    const ip = nextIp();
    fresh();
    const s = await signedIn(m, ip);
    clock.advance(5 * MINUTE + 1000);
    const seq = await lastSeq(t);
    const changes = [
      ['POST', '/api/v1/mfa/recovery-codes'],
      ['POST', '/api/v1/mfa/totp/start'],
      ['POST', '/api/v1/mfa/keys/options'],
      ['POST', '/api/v1/mfa/totp/confirm', { pending: 'x', code: '123456' }],
    ] as const;
    for (const [method, url, body] of changes) expectProblem(await s.request(method, url, body), 401, 'reauth_required');
    await expectAudited(t, { action: 'mfa.recovery_regenerate', outcome: 'denied', errorCode: 'reauth_required', actorId: m.id }, { afterSeq: seq });
    assert.equal((await s.request('GET', '/api/v1/mfa')).json().reauthUntil, null);

    // A step-up (a factor alone) is not a re-authentication.
    fresh();
    const up = await s.request('POST', '/api/v1/auth/step-up', { method: 'totp', code: totpAt(m.secret, clock.now()) });
    assert.equal(up.statusCode, 200, up.body);
    s.absorb(up);
    expectProblem(await s.request('POST', '/api/v1/mfa/recovery-codes'), 401, 'reauth_required');

    // Re-authentication: a wrong password, or a spent code, is refused (generic answer, precise audit).
    fresh();
    const code = totpAt(m.secret, clock.now());
    expectProblem(await s.request('POST', '/api/v1/auth/reauth', { password: 'not my password at all', factor: { method: 'totp', code } }), 401, 'reauth_failed');
    await expectAudited(t, { action: 'auth.reauth', outcome: 'denied', errorCode: 'bad_password', actorId: m.id });
    const prior = totpAt(m.secret, new Date(clock.now().getTime() - STEP));
    expectProblem(await s.request('POST', '/api/v1/auth/reauth', { password: m.password, factor: { method: 'totp', code: prior } }), 401, 'reauth_failed');
    await expectAudited(t, { action: 'auth.reauth', outcome: 'denied', errorCode: 'totp_replayed', actorId: m.id });
    // Control: password and a fresh code → a new token, and changes are allowed for 5 minutes.
    const before = s.cookie;
    const re = await s.request('POST', '/api/v1/auth/reauth', { password: m.password, factor: { method: 'totp', code } });
    assert.equal(re.statusCode, 200, re.body);
    s.absorb(re);
    assert.notEqual(s.cookie, before);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/mfa', headers: { ...s.headers, cookie: before }, remoteAddress: ip }), 401, 'unauthenticated');
    assert.ok((await s.request('GET', '/api/v1/mfa')).json().reauthUntil);
    assert.equal((await s.request('POST', '/api/v1/mfa/recovery-codes')).statusCode, 200);
    clock.advance(5 * MINUTE + 1000);
    expectProblem(await s.request('POST', '/api/v1/mfa/recovery-codes'), 401, 'reauth_required');
  });

  it('step-up: a stepUp route needs a second factor from the last 5 minutes; step-up rotates the session', async () => {
    const ip = nextIp();
    fresh();
    const s = await signedIn({ email: 'ada.admin@bank.test', password: 'correct horse battery staple 42', secret: adminSecret, id: adminId }, ip);
    // Five minutes after signing in: the rotation is refused and nothing is done.
    clock.advance(5 * MINUTE + 1000);
    const seq = await lastSeq(t);
    expectProblem(await s.request('POST', '/api/v1/keys/rotate'), 401, 'step_up_required');
    expectProblem(await s.request('POST', `/api/v1/approvals/${ANY_UUID}/approve`, { reason: 'looks right to me' }), 401, 'step_up_required');
    await expectAudited(t, { action: 'access.step_up_required', outcome: 'denied', actorId: adminId }, { afterSeq: seq });
    assert.equal(t.container.vault.activeFieldVersion, 1);
    // Plain reads need no step-up.
    assert.equal((await s.request('GET', '/api/v1/keys/status')).statusCode, 200);

    const me = (await s.request('GET', '/api/v1/auth/me')).json() as { hardwareKeyRequired: boolean };
    if (me.hardwareKeyRequired) {
      // The administrator role requires a hardware key: TOTP does not step up.
      fresh();
      expectProblem(await s.request('POST', '/api/v1/auth/step-up', { method: 'totp', code: totpAt(adminSecret, clock.now()) }), 403, 'hardware_key_required');
    }
    const before = s.cookie;
    let up;
    if (keyOf(t, adminId)) {
      const options = (await s.request('POST', '/api/v1/auth/mfa/webauthn/options')).json().options as { challenge: string };
      up = await s.request('POST', '/api/v1/auth/step-up', { method: 'webauthn', response: keyOf(t, adminId)!.assert(options) });
    } else {
      fresh();
      up = await s.request('POST', '/api/v1/auth/step-up', { method: 'totp', code: totpAt(adminSecret, clock.now()) });
    }
    assert.equal(up.statusCode, 200, up.body);
    s.absorb(up);
    await expectAudited(t, { action: 'auth.step_up', outcome: 'ok', actorId: adminId });
    // The old token stopped working at once; the new one may rotate the key.
    assert.notEqual(s.cookie, before);
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: { ...s.headers, cookie: before }, remoteAddress: ip }), 401, 'unauthenticated');
    const rotated = await s.request('POST', '/api/v1/keys/rotate');
    assert.equal(rotated.statusCode, 202, rotated.body);
    await t.container.writer.drain();
  });

  it('a role that requires a hardware key: TOTP does not complete the sign-in, only a key does', async () => {
    const m = await createMember(t, clock, { email: 'hana.hardware@bank.test', roles: ['mfa_probe_hw'], displayName: 'Hana Hardware' });
    const ip = nextIp();
    fresh();
    const s = await passwordStep(t, m, 'test-agent', ip);
    assert.equal(s.body.hardwareKeyRequired, true);
    // No key yet: TOTP is answered, but the session can only enrol a key.
    const totp = await s.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(m.secret, clock.now()) });
    assert.equal(totp.statusCode, 200, totp.body);
    assert.equal(totp.json().state, 'enrolment_required');
    s.absorb(totp);
    expectProblem(await s.request('GET', '/api/v1/approvals'), 403, 'mfa_enrolment_required');
    const soft = newSoftKey(t);
    const enrolled = await enrolKey(s, soft, 'Hana key');
    assert.equal(enrolled.statusCode, 201, enrolled.body);
    const session = enrolled.json().session as Record<string, unknown>;
    assert.equal(session.state, 'active');
    s.absorb(enrolled, session);
    assert.equal((await s.request('GET', '/api/v1/mfa')).statusCode, 200);

    // With a key: TOTP is not offered, and refused if sent anyway.
    fresh();
    const next = await passwordStep(t, m, 'test-agent', ip);
    assert.deepEqual(next.body.methods, ['webauthn', 'recovery']);
    const seq = await lastSeq(t);
    expectProblem(await next.request('POST', '/api/v1/auth/mfa/totp', { code: totpAt(m.secret, clock.now()) }), 403, 'hardware_key_required');
    await expectAudited(t, { action: 'auth.mfa', outcome: 'denied', errorCode: 'hardware_key_required', actorId: m.id }, { afterSeq: seq });
    assert.equal((await next.request('GET', '/api/v1/auth/me')).json().state, 'mfa_pending');
    const ok = await answerWithKey(next, soft);
    assert.equal(ok.statusCode, 200, ok.body);
    next.absorb(ok);
    // Step-up with TOTP is refused too; the last key cannot be revoked.
    fresh();
    expectProblem(await next.request('POST', '/api/v1/auth/step-up', { method: 'totp', code: totpAt(m.secret, clock.now()) }), 403, 'hardware_key_required');
    expectProblem(await next.request('DELETE', `/api/v1/mfa/keys/${encodeURIComponent(soft.id)}`), 409, 'last_factor');
  });

  it('the idle timeout follows the strictest role (never above 15 minutes)', async () => {
    assert.equal(idleTimeoutMs(60), 15 * MINUTE);
    assert.equal(idleTimeoutMs(null), 10 * MINUTE);
    const strict = await createMember(t, clock, { email: 'ivy.idle@bank.test', roles: ['mfa_probe_idle15', 'mfa_probe_idle5'], displayName: 'Ivy Idle' });
    const relaxed = await createMember(t, clock, { email: 'rex.relaxed@bank.test', roles: ['mfa_probe_idle15'], displayName: 'Rex Relaxed' });
    const ip = nextIp();
    fresh();
    const a = await signedIn(strict, ip);
    const b = await signedIn(relaxed, ip);
    assert.equal((await a.request('GET', '/api/v1/auth/me')).json().idleTimeoutMs, 5 * MINUTE);
    assert.equal((await b.request('GET', '/api/v1/auth/me')).json().idleTimeoutMs, 15 * MINUTE);
    assert.equal((await sessionRow(a.cookie)).idle_timeout_ms, 5 * MINUTE);
    clock.advance(5 * MINUTE + 1);
    expectProblem(await a.request('GET', '/api/v1/mfa'), 401, 'unauthenticated');
    await expectAudited(t, { action: 'session.end_idle', actorId: strict.id });
    clock.advance(9 * MINUTE);
    assert.equal((await b.request('GET', '/api/v1/mfa')).statusCode, 200, 'control: 14 minutes idle is fine under a 15-minute role');
    clock.advance(15 * MINUTE + 1);
    expectProblem(await b.request('GET', '/api/v1/mfa'), 401, 'unauthenticated');
  });

  /** Signs a member in (both steps) as a client session; `via: 'key'` insists on their key. */
  async function signedIn(m: Pick<TestMember, 'email' | 'password' | 'secret'> & { id: string }, ip: string, via: 'key' | 'any' = 'any'): Promise<ClientSession> {
    const done = await signInMember(t, m, clock, 'test-agent', ip);
    const s = new ClientSession(t, 'test-agent', ip);
    s.cookie = done.cookie;
    s.csrf = done.csrf;
    if (via === 'key') assert.equal((await sessionRow(s.cookie)).mfa_method, 'password+webauthn');
    return s;
  }

  async function listKeys(s: ClientSession): Promise<{ id: string; name: string }[]> {
    return ((await s.request('GET', '/api/v1/mfa')).json() as { keys: { id: string; name: string }[] }).keys;
  }
});
