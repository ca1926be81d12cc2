// Where a staff session stands with its second factor, decided on every request from the session row, the
// member's factors and the member's roles (pure functions; the service feeds them).
import type { MfaMethod, SessionState } from '../../../contracts/bootstrap.js';

export const STEP_UP_WINDOW_MS = 5 * 60_000;
export const REAUTH_WINDOW_MS = 5 * 60_000;
export const DEFAULT_IDLE_MINUTES = 10;
/** No role may allow a longer idle timeout than this. */
export const MAX_IDLE_MINUTES = 15;

// `mfa_method` stores the factor used last in this session, prefixed with `password+` when the same ceremony
// also checked the password (sign-in, re-authentication): factor changes need exactly that, recently. A locked
// session (idle screen lock) stores `locked`.
const PASSWORD_PREFIX = 'password+';
export const LOCKED = 'locked';

/** The stored form of a method, e.g. `password+webauthn`. */
export function storedMethod(method: MfaMethod, withPassword: boolean): string {
  return withPassword ? `${PASSWORD_PREFIX}${method}` : method;
}

/** The factor of a stored method, or null. */
export function factorOf(stored: string | null): MfaMethod | null {
  if (!stored) return null;
  const m = stored.startsWith(PASSWORD_PREFIX) ? stored.slice(PASSWORD_PREFIX.length) : stored;
  return m === 'totp' || m === 'webauthn' || m === 'recovery' ? m : null;
}

/** The idle timeout (ms) for a member: the strictest of their roles, never above 15 minutes. */
export function idleTimeoutMs(roleIdleMinutes: number | null): number {
  const minutes = Math.min(MAX_IDLE_MINUTES, Math.max(1, roleIdleMinutes ?? DEFAULT_IDLE_MINUTES));
  return minutes * 60_000;
}

export interface Factors {
  totp: boolean;
  keys: number;
  recoveryCodes: number;
  hardwareKeyRequired: boolean;
}

/** Whether a factor satisfies the member's roles on its own (a hardware-key role accepts only WebAuthn). */
export function satisfies(method: MfaMethod | null, hardwareKeyRequired: boolean): boolean {
  if (method === 'webauthn') return true;
  return !hardwareKeyRequired && (method === 'totp' || method === 'recovery');
}

/**
 * The session's state:
 *  - active: a second factor that satisfies the member's roles was used in this session, and the member still
 *    holds a real factor (a recovery code alone is a way in, not a factor to live on);
 *  - mfa_pending: no factor used yet and the member has one to answer with — or a hardware-key role and a key,
 *    but the session was verified with TOTP (the role was granted mid-session): the key must be used;
 *  - enrolment_required: otherwise (no factor at all, or a hardware-key role and no key, or a recovery code
 *    was used by a member whose role requires a key);
 *  - locked: the screen was locked (idle); only re-authentication (password + factor) unlocks it.
 */
export function sessionState(session: { mfaAt: Date | null; method: MfaMethod | null; locked?: boolean }, f: Factors): SessionState {
  if (session.locked) return 'locked';
  const realFactor = f.totp || f.keys > 0;
  if (session.mfaAt && satisfies(session.method, f.hardwareKeyRequired)) {
    if (session.method !== 'recovery' || (f.hardwareKeyRequired ? f.keys > 0 : realFactor)) return 'active';
    return 'enrolment_required';
  }
  if (!session.mfaAt) return realFactor || f.recoveryCodes > 0 ? 'mfa_pending' : 'enrolment_required';
  if (session.method === 'totp' && f.keys > 0) return 'mfa_pending';
  return 'enrolment_required';
}

/** The methods the member can answer a challenge with now (recovery codes are offered for sign-in only). */
export function answerableMethods(f: Factors): MfaMethod[] {
  const out: MfaMethod[] = [];
  if (f.keys > 0) out.push('webauthn');
  // With a hardware-key role and a key, TOTP is not accepted: it is not offered either.
  if (f.totp && !(f.hardwareKeyRequired && f.keys > 0)) out.push('totp');
  if (f.recoveryCodes > 0) out.push('recovery');
  return out;
}
