// Staff members for tests, created through the same audited repository path the product uses (the
// invitation flow arrives with the identity issue), and signing in as any of them (both steps: password, then
// the member's software security key if they have one, else TOTP; see sign-in.ts).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { hashPassword } from '../../src/server/modules/staff-auth/password.js';
import { insertStaff } from '../../src/server/modules/staff-auth/staff-auth.repository.js';
import { newTotpSecret } from '../../src/server/modules/staff-auth/totp.js';
import { newSoftKey, rememberKey, signInMember } from './sign-in.js';
import type { TestApp } from './test-app.js';
import type { SoftAuthenticator } from './webauthn.js';

export interface TestMember {
  id: string;
  email: string;
  password: string;
  /** Base32 TOTP secret ('' for a member created without TOTP). */
  secret: string;
  displayName: string;
  /** The member's software security key, when created with `key: true`. */
  key?: SoftAuthenticator;
}

/**
 * Inserts an active staff member with the given roles, password and a fresh TOTP secret (`totp: false`: no
 * second factor at all, as an invited member who has not enrolled yet); `key: true` also registers a software
 * security key, which the sign-in helpers then use.
 */
export async function createMember(
  t: TestApp,
  clock: Clock,
  opts: { email: string; roles: string[]; displayName?: string; password?: string; totp?: boolean; key?: boolean },
): Promise<TestMember> {
  const id = randomUUID();
  const secret = opts.totp === false ? '' : newTotpSecret();
  const key = opts.key ? newSoftKey(t) : undefined;
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
      totp_secret_ct: secret ? v.encrypt({ table: 'staff', column: 'totp_secret_ct', rowId: id }, secret) : null,
      totp_last_step: null,
      roles: opts.roles,
      status: 'active',
      created_at: clock.now(),
      updated_at: clock.now(),
    });
    if (key) {
      await tx
        .insertInto('webauthn_credential')
        .values({ id: key.id, staff_id: id, name: 'test key', public_key: key.cosePublicKey(), counter: 0, transports: ['usb'], created_at: clock.now() })
        .execute();
    }
  });
  if (key) rememberKey(t, id, key);
  return { id, email: opts.email, password, secret, displayName, ...(key ? { key } : {}) };
}

/** Signs a member in (both steps); returns the headers a browser would send next (cookie, user agent, CSRF token). */
export async function signInAs(t: TestApp, m: Pick<TestMember, 'email' | 'password' | 'secret'>, clock: Clock, ua = 'test-agent', ip = '127.0.0.1') {
  const s = await signInMember(t, m, clock, ua, ip);
  return { cookie: s.cookie, csrf: s.csrf, headers: s.headers };
}
