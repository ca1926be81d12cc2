// The two-step sign-in, driven through the API as a browser would: POST /auth/login (email, password), then
// the second factor — the member's security key when the test gave them one (see keyOf/registerKey), otherwise
// a TOTP code — and, when one of the member's roles requires a hardware key they do not have yet, the
// enrolment of a software key (kept for later sign-ins of the same member in the same app).
import type { LightMyRequestResponse } from 'fastify';
import * as OTPAuth from 'otpauth';
import type { BuiltApp } from '../../src/server/app.js';
import type { Clock } from '../../src/server/platform/clock.js';
import { SoftAuthenticator } from './webauthn.js';

const keyrings = new WeakMap<object, Map<string, SoftAuthenticator>>();

function keyring(t: BuiltApp): Map<string, SoftAuthenticator> {
  let ring = keyrings.get(t.container);
  if (!ring) {
    ring = new Map();
    keyrings.set(t.container, ring);
  }
  return ring;
}

/** The software security key a test registered for a member in this app, if any. */
export function keyOf(t: BuiltApp, staffId: string): SoftAuthenticator | undefined {
  return keyring(t).get(staffId);
}

/** Remembers a member's software key, so the sign-in helpers use it. */
export function rememberKey(t: BuiltApp, staffId: string, key: SoftAuthenticator): void {
  keyring(t).set(staffId, key);
}

/** A new software key for this app's relying party (not registered anywhere yet). */
export function newSoftKey(t: BuiltApp, opts: { counter?: number } = {}): SoftAuthenticator {
  return new SoftAuthenticator(t.container.staffAuth.relyingParty, opts);
}

function code(secret: string, when: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: when.getTime() });
}

export interface SignedIn {
  /** `name=value` of the session cookie. */
  cookie: string;
  csrf: string;
  /** What a browser sends next: cookie, user agent and CSRF token. */
  headers: Record<string, string>;
  staffId: string;
}

/** A session as the client holds it between requests of the sign-in. */
export class ClientSession {
  cookie = '';
  csrf = '';
  body: Record<string, unknown> = {};
  constructor(
    readonly t: BuiltApp,
    readonly ua: string,
    readonly ip: string,
  ) {}

  get headers(): Record<string, string> {
    return { cookie: this.cookie, 'user-agent': this.ua, 'x-csrf-token': this.csrf };
  }

  /** Takes the new cookie (a rotation) and CSRF token from a response. */
  absorb(res: LightMyRequestResponse, body?: Record<string, unknown>): void {
    const c = res.cookies.find((x) => x.name === this.t.container.staffAuth.cookieName);
    if (c) this.cookie = `${c.name}=${c.value}`;
    const b = body ?? (res.json() as Record<string, unknown>);
    if (typeof b.csrfToken === 'string') {
      this.csrf = b.csrfToken;
      this.body = b;
    }
  }

  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    return this.t.app.inject({
      method,
      url,
      headers: this.headers,
      remoteAddress: this.ip,
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  }
}

function expectStatus(res: LightMyRequestResponse, status: number, what: string): void {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
}

/** Step 1 only: email and password. Returns the client session (second factor pending or enrolment). */
export async function passwordStep(t: BuiltApp, m: { email: string; password: string }, ua = 'test-agent', ip = '127.0.0.1'): Promise<ClientSession> {
  const s = new ClientSession(t, ua, ip);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: m.email, password: m.password }, headers: { 'user-agent': ua }, remoteAddress: ip });
  expectStatus(res, 200, 'login');
  s.absorb(res);
  return s;
}

/** Answers a pending challenge with a software key: options, then the assertion. */
export async function answerWithKey(s: ClientSession, key: SoftAuthenticator, opts: { url?: string } = {}) {
  const o = await s.request('POST', '/api/v1/auth/mfa/webauthn/options');
  expectStatus(o, 200, 'webauthn options');
  const response = key.assert(o.json().options as { challenge: string });
  return s.request('POST', opts.url ?? '/api/v1/auth/mfa/webauthn/verify', { response });
}

/** Registers a software key for the session's member through the API (options, then the attestation). */
export async function enrolKey(s: ClientSession, key: SoftAuthenticator, name = 'test key') {
  const o = await s.request('POST', '/api/v1/mfa/keys/options');
  expectStatus(o, 200, 'key options');
  const res = await s.request('POST', '/api/v1/mfa/keys', { name, response: key.register(o.json().options as { challenge: string }) });
  return res;
}

/**
 * The whole sign-in of a member: password, then their software key (if the test gave them one) or a TOTP code
 * at `clock.now()`; a member whose role requires a key they lack enrols one. Returns the final session.
 */
export async function signInMember(
  t: BuiltApp,
  m: { email: string; password: string; secret?: string | null },
  clock: Clock,
  ua = 'test-agent',
  ip = '127.0.0.1',
): Promise<SignedIn> {
  const s = await passwordStep(t, m, ua, ip);
  const staffId = String(s.body.staffId);
  if (s.body.state === 'mfa_pending') {
    const key = keyOf(t, staffId);
    const methods = s.body.methods as string[];
    let res: LightMyRequestResponse;
    if (key && methods.includes('webauthn')) res = await answerWithKey(s, key);
    else if (m.secret) res = await s.request('POST', '/api/v1/auth/mfa/totp', { code: code(m.secret, clock.now()) });
    else throw new Error('sign-in: no second factor to answer with');
    expectStatus(res, 200, 'second factor');
    s.absorb(res);
  }
  if (s.body.state === 'enrolment_required') {
    const key = newSoftKey(t);
    const res = await enrolKey(s, key);
    expectStatus(res, 201, 'key enrolment');
    const body = res.json() as { session?: Record<string, unknown> };
    if (body.session) s.absorb(res, body.session);
    rememberKey(t, staffId, key);
  }
  if (s.body.state !== 'active') throw new Error(`sign-in: session is ${String(s.body.state)}`);
  return { cookie: s.cookie, csrf: s.csrf, headers: s.headers, staffId };
}
