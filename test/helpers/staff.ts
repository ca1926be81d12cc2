// Staff members for tests, created through the same audited repository path the product uses (the
// invitation flow arrives with the identity issue), and signing in as any of them.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { hashPassword } from '../../src/server/modules/staff-auth/password.js';
import { insertStaff } from '../../src/server/modules/staff-auth/staff-auth.repository.js';
import { newTotpSecret } from '../../src/server/modules/staff-auth/totp.js';
import { totpAt, type TestApp } from './test-app.js';

export interface TestMember {
  id: string;
  email: string;
  password: string;
  secret: string;
  displayName: string;
}

/** Inserts an active staff member with the given roles, password and a fresh TOTP secret. */
export async function createMember(
  t: TestApp,
  clock: Clock,
  opts: { email: string; roles: string[]; displayName?: string; password?: string },
): Promise<TestMember> {
  const id = randomUUID();
  const secret = newTotpSecret();
  const password = opts.password ?? 'a long and quite unguessable passphrase 7';
  const displayName = opts.displayName ?? 'Sam Support';
  const v = t.container.vault;
  const passwordHash = await hashPassword(password);
  await t.container.audited(systemContext('test:create-member'), { action: 'staff.create', target: { type: 'staff', id } }, async (tx) => {
    await insertStaff(tx, {
      id,
      email_ct: v.encrypt({ table: 'staff', column: 'email_ct', rowId: id }, opts.email),
      email_bidx: v.blindIndex('staff.email', opts.email),
      display_name: displayName,
      password_hash: passwordHash,
      totp_secret_ct: v.encrypt({ table: 'staff', column: 'totp_secret_ct', rowId: id }, secret),
      totp_last_step: null,
      roles: opts.roles,
      status: 'active',
      created_at: clock.now(),
      updated_at: clock.now(),
    });
  });
  return { id, email: opts.email, password, secret, displayName };
}

/** Signs a member in; returns the headers a browser would send next (cookie, user agent, CSRF token). */
export async function signInAs(t: TestApp, m: Pick<TestMember, 'email' | 'password' | 'secret'>, clock: Clock, ua = 'test-agent', ip = '127.0.0.1') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: m.email, password: m.password, totpCode: totpAt(m.secret, clock.now()) },
    headers: { 'user-agent': ua },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies[0]!;
  const csrf = res.json().csrfToken as string;
  return { cookie: `${cookie.name}=${cookie.value}`, csrf, headers: { cookie: `${cookie.name}=${cookie.value}`, 'user-agent': ua, 'x-csrf-token': csrf } };
}
