// Sign-in guard: throttling (per account and per address, growing delays, lock-out) and adaptive rules
// (allowed IP ranges, new country or network → freeze). The sign-in flow (staff-auth) calls these hooks; the
// implementation lives here so the two can evolve apart.
//
// CONTRACT (the staff-auth flow relies on it):
//   before the password check        → beforeAttempt(): { blocked, delayMs }  — when blocked, fail generically
//                                        (same message, same timing) and call recordFailure(reason 'throttled')
//   after ANY failed attempt          → recordFailure()
//   after password + second factor OK → onSuccess(): { allowed, country } — when !allowed the account was frozen,
//                                        its sessions ended and an alert raised: fail generically
//   on every authenticated request    → checkSession(): { allowed } — when !allowed, end the session
import type { Kysely } from 'kysely';
import type { Audited, AuditWriter } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface AttemptKey {
  /** Hex of the email's blind index (the account being tried, whether or not it exists). */
  account: string;
  ip: string;
}

export interface SignInGuardDeps {
  audited: Audited;
  writer: Pick<AuditWriter, 'record'>;
  db: Kysely<DB>;
  clock: Clock;
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;

/** Creates the sign-in guard (first version: allows everything; the identity work fills it in). */
export function createSignInGuard(_d: SignInGuardDeps) {
  return {
    /** Whether this attempt may proceed, and how long to hold the answer (growing delays). */
    async beforeAttempt(_ctx: ActorContext, _key: AttemptKey): Promise<{ blocked: boolean; delayMs: number }> {
      return { blocked: false, delayMs: 0 };
    },
    /** Counts a failed attempt against the account and the address. */
    async recordFailure(_ctx: ActorContext, _key: AttemptKey & { staffId: string | null; reason: string }): Promise<void> {},
    /** Resets counters and applies adaptive rules after a fully successful sign-in. */
    async onSuccess(_ctx: ActorContext, _s: { staffId: string; ip: string; userAgent: string }): Promise<{ allowed: boolean; country: string | null }> {
      return { allowed: true, country: null };
    },
    /** Applies adaptive rules to a request of a live session. */
    async checkSession(_ctx: ActorContext, _s: { staffId: string; ip: string; sessionHash: string }): Promise<{ allowed: boolean }> {
      return { allowed: true };
    },
  };
}
