// Secrets never reach the logs: a request carrying a password, a TOTP code, a session cookie, a CSRF token,
// an Authorization header and an email (in the body and in the query string) is logged at info level
// (positive control: its path is there) and none of those values is; the same holds when the request fails
// with a 500 and the error is logged.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../clock.js';
import { loggerOptions } from './logger.js';
import { ADMIN, bootstrapAdmin, createTestApp, signIn, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';

const VICTIM_EMAIL = 'Victim.Person@Bank.Test';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWJlYXJlci10b2tlbg.sig';

/** Values found in the log text (case-insensitive). TOTP codes are looked for in string values only:
 *  six digits may occur by chance inside a timestamp or a duration, which are numbers. */
function leaks(logText: string, secrets: string[], codes: string[]): string[] {
  const lower = logText.toLowerCase();
  // As written, and URL-encoded (the form a query string or a Referer carries it in).
  const found = secrets.filter((s) => lower.includes(s.toLowerCase()) || lower.includes(encodeURIComponent(s).toLowerCase()));
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  for (const line of logText.split('\n').filter(Boolean)) walk(JSON.parse(line));
  for (const c of codes) if (strings.some((s) => s.includes(c))) found.push(`TOTP code ${c}`);
  return found;
}

describe('log redaction', () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let t: TestApp;
  let secret: string;
  const secrets: string[] = [ADMIN.password, ADMIN.email, VICTIM_EMAIL, BEARER.slice(7)];
  const codes: string[] = [];
  let sessionToken = '';

  before(async () => {
    t = await createTestApp({ clock });
    assert.equal(t.config.logLevel, 'info');
    ({ secret } = await bootstrapAdmin(t, clock));
  });
  after(async () => {
    await t?.close();
  });

  it('logs a sign-in request by its path only: no password, code, cookie, CSRF token or email', async () => {
    clock.advance(30_000);
    const existing = await signIn(t, secret, clock);
    sessionToken = existing.cookie.split('=')[1]!;
    secrets.push(sessionToken, existing.csrf);
    clock.advance(30_000);
    const code = totpAt(secret, clock.now());
    codes.push(code);
    const before = t.logs().length;

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/login?email=${encodeURIComponent(VICTIM_EMAIL)}&password=${encodeURIComponent(ADMIN.password)}`,
      headers: {
        cookie: existing.cookie,
        'x-csrf-token': existing.csrf,
        authorization: BEARER,
        'user-agent': 'test-agent',
        referer: `https://bulwark.example/login?email=${encodeURIComponent(VICTIM_EMAIL)}`,
      },
      payload: { email: ADMIN.email, password: ADMIN.password },
    });
    assert.equal(res.statusCode, 200, res.body);
    // The new session's token (Set-Cookie) and CSRF token must not be logged either.
    const pending = { cookie: `${res.cookies[0]!.name}=${res.cookies[0]!.value}`, csrf: res.json().csrfToken as string };
    secrets.push(res.cookies[0]!.value, pending.csrf);
    // The second step, with a TOTP code in its body (the answer, right or wrong, never reaches the log).
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp',
      headers: { cookie: pending.cookie, 'x-csrf-token': pending.csrf, 'user-agent': 'test-agent' },
      payload: { code },
    });
    assert.ok([200, 401, 403].includes(second.statusCode), second.body);
    const rotated = second.cookies[0];
    if (rotated) secrets.push(rotated.value, (second.json() as { csrfToken: string }).csrfToken);

    // Failures: wrong password with the email, malformed JSON carrying the password, a validation error.
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: VICTIM_EMAIL, password: `${ADMIN.password}-wrong` },
    });
    assert.equal(failed.statusCode, 401);
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"${VICTIM_EMAIL}","password":"${ADMIN.password}`,
    });
    assert.equal(malformed.statusCode, 400);
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: VICTIM_EMAIL, password: ADMIN.password.repeat(10) },
    });
    assert.equal(invalid.statusCode, 400);
    // An authenticated request with the email in its query string.
    const me = await t.app.inject({ method: 'GET', url: `/api/v1/auth/me?email=${encodeURIComponent(VICTIM_EMAIL)}`, headers: existing.headers });
    assert.equal(me.statusCode, 200, me.body);

    const logged = t.logs().slice(before);
    assert.match(logged, /"path":"\/api\/v1\/auth\/login"/, 'control: the request was logged');
    assert.match(logged, /"path":"\/api\/v1\/auth\/mfa\/totp"/, 'control: the request was logged');
    assert.match(logged, /"path":"\/api\/v1\/auth\/me"/, 'control: the request was logged');
    assert.match(logged, /"statusCode":401/);
    assert.deepEqual(leaks(logged, secrets, codes), []);
    assert.ok(!logged.includes('?'), 'query strings are not logged');
  });

  // Last on purpose: it shuts the audit writer down, after which this app answers 500.
  it('logs a failing request and its error without those values', async () => {
    clock.advance(30_000);
    const code = totpAt(secret, clock.now());
    codes.push(code);
    const before = t.logs().length;
    await t.container.writer.close();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/login?email=${encodeURIComponent(VICTIM_EMAIL)}`,
      headers: { authorization: BEARER, cookie: `${t.container.staffAuth.cookieName}=${sessionToken}` },
      payload: { email: VICTIM_EMAIL, password: ADMIN.password, totpCode: code },
    });
    assert.equal(res.statusCode, 500, res.body);
    const logged = t.logs().slice(before);
    assert.match(logged, /"level":50/, 'control: an error was logged');
    assert.match(logged, /unhandled error/);
    assert.match(logged, /"path":"\/api\/v1\/auth\/login"/);
    assert.deepEqual(leaks(logged, secrets, codes), []);
  });
});

describe('logger redaction paths', () => {
  it('censors secret-looking keys a developer might log by mistake', () => {
    let text = '';
    const log = pino(
      loggerOptions('info'),
      new Writable({
        write(chunk, _enc, cb) {
          text += chunk.toString();
          cb();
        },
      }),
    );
    log.info(
      {
        email: 'top.level@bank.test',
        password: 'top-level-password',
        token: 'top-level-token',
        body: { anything: 'body-content-secret' },
        headers: { cookie: 'bulwark=cookie-secret', authorization: 'Bearer auth-secret', 'x-csrf-token': 'csrf-secret' },
        user: { email: 'nested.user@bank.test', password: 'nested-password', totpCode: '918273', newPassword: 'new-password-secret' },
      },
      'mistake',
    );
    assert.match(text, /"msg":"mistake"/);
    assert.match(text, /\[redacted\]/);
    for (const s of [
      'top.level@bank.test',
      'top-level-password',
      'top-level-token',
      'body-content-secret',
      'cookie-secret',
      'auth-secret',
      'csrf-secret',
      'nested.user@bank.test',
      'nested-password',
      '918273',
      'new-password-secret',
    ]) {
      assert.ok(!text.includes(s), `${s} was logged: ${text}`);
    }
  });

  it('logs a request as method and path, without query string or headers', () => {
    let text = '';
    const log = pino(
      loggerOptions('info'),
      new Writable({
        write(chunk, _enc, cb) {
          text += chunk.toString();
          cb();
        },
      }),
    );
    const req = { id: 'r1', method: 'GET', url: '/api/v1/traders?email=leak%40bank.test', headers: { cookie: 'bulwark=leak-cookie' } };
    log.info({ req }, 'incoming request');
    assert.match(text, /"path":"\/api\/v1\/traders"/);
    assert.ok(!text.includes('leak'), text);
  });
});
