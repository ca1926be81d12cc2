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
//
// Details of this implementation the caller can rely on:
//   - beforeAttempt WAITS OUT the growing delay itself (through the injectable `sleep`, so tests never really
//     sleep) before it answers; `delayMs` is what the caller must STILL hold the answer for — always 0 here, so a
//     caller's `hold(delayMs)` adds nothing — and `waitedMs` says how long it waited. It answers blocked when the account is locked, when
//     the address is blocked, or when the address is outside the member's allowed ranges (so a password is
//     never checked from outside them).
//   - recordFailure audits every failure (action `auth.login_failure`, the IP in the event, the country in its
//     reason, the failure reason as its error code); 'throttled' failures count against the address only.
//   - onSuccess answers allowed: false (fail generically, create no session) when the account is not active, is
//     locked, the address is outside the allowed ranges, or the location is new (the account is then frozen, its
//     sessions ended, an alert raised and the member e-mailed). `country` is for staff_session.country.
//   - checkSession records the refusal in the audit log (`session.network_refused`); the caller ends the session.
//   - None of the hooks may be called inside audited(): each writes its own audit events.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Audited, AuditWriter } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { countryOf, inRanges, ipv6Prefix64, isIpv6Address, networkOf, normalizeIp } from '../../platform/net/ip.js';
import type { EmailService } from '../email/email.service.js';
import type { SecurityService } from '../security/security.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';

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
  /** Consecutive failures that lock an account (SIGN_IN_LOCK_AFTER, default 10). */
  lockAfter?: number;
  /** Minutes a lock lasts (SIGN_IN_LOCK_MINUTES, default 30). */
  lockMinutes?: number;
  /** How delays are waited out; tests inject one that does not really sleep. */
  sleep?: (ms: number) => Promise<void>;
  vault?: Vault;
  email?: EmailService;
  security?: SecurityService;
  sessions?: SessionsService;
  publicUrl?: string;
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;

/** No delay for the first few failures, then 1 s, 2 s, 4 s … up to this. */
export const MAX_DELAY_MS = 30_000;
/** Failures of an account older than this no longer count (a success or an unlock resets them at once). */
const ACCOUNT_WINDOW_MS = 24 * 3600_000;
/** Failures from an address older than this no longer count. */
const ADDRESS_WINDOW_MS = 15 * 60_000;
/** Account failures without delay. */
const ACCOUNT_FREE_FAILURES = 3;

/** Delay before the next attempt after `failures` failures, once `free` failures have passed undelayed. */
export function delayFor(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(failures - free, 15));
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The throttle key of an address: IPv6 clients are counted per /64 (one subscriber's allocation). */
export function addressKey(ip: string): string {
  const addr = normalizeIp(ip);
  if (isIpv6Address(addr)) return `ip:${ipv6Prefix64(addr)}`;
  return `ip:${addr}`;
}

/** Creates the sign-in guard. */
export function createSignInGuard(d: SignInGuardDeps) {
  const lockAfter = d.lockAfter ?? 10;
  const lockMs = (d.lockMinutes ?? 30) * 60_000;
  // An address gets delays once it has failed as often as one account may, and is blocked for the lock period
  // after ten times that (password spraying across many accounts from one place).
  const addressFree = lockAfter;
  const addressBlockAfter = lockAfter * 10;
  let sleep = d.sleep ?? realSleep;
  const accountKey = (hex: string) => `account:${hex}`;

  async function throttleRows(keys: string[]) {
    const rows = await d.db.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, r]));
  }

  /** Failures that still count at `now` (stale counters and expired locks count as zero). */
  function liveFailures(r: { failures: number; last_failure_at: Date | string | null; blocked_until: Date | string | null } | undefined, now: number, windowMs: number): number {
    if (!r || !r.last_failure_at) return 0;
    if (r.blocked_until && new Date(r.blocked_until).getTime() <= now) return 0;
    if (new Date(r.last_failure_at).getTime() < now - windowMs) return 0;
    return r.failures;
  }

  /** Adds one failure to a counter atomically; returns the new count. */
  async function bump(key: string, now: Date, windowMs: number): Promise<{ failures: number; blockedUntil: Date | null }> {
    const staleBefore = new Date(now.getTime() - windowMs);
    const r = await sql<{ failures: number; blocked_until: Date | string | null }>`
      insert into sign_in_throttle (key, failures, last_failure_at) values (${key}, 1, ${now})
      on conflict (key) do update set
        failures = case
          when sign_in_throttle.last_failure_at is null or sign_in_throttle.last_failure_at < ${staleBefore}
            or (sign_in_throttle.blocked_until is not null and sign_in_throttle.blocked_until <= ${now}) then 1
          else sign_in_throttle.failures + 1 end,
        blocked_until = case when sign_in_throttle.blocked_until is not null and sign_in_throttle.blocked_until <= ${now} then null
          else sign_in_throttle.blocked_until end,
        last_failure_at = ${now}
      returning failures, blocked_until`.execute(d.db);
    const row = r.rows[0]!;
    return { failures: Number(row.failures), blockedUntil: row.blocked_until ? new Date(row.blocked_until) : null };
  }

  async function memberEmail(staffId: string, ct: Uint8Array): Promise<string | null> {
    if (!d.vault) return null;
    try {
      return await d.vault.decrypt({ table: 'staff', column: 'email_ct', rowId: staffId }, ct);
    } catch {
      return null;
    }
  }

  /** Lifts a lock whose cool-down has passed (audited as the system), resetting the account's counter. */
  async function liftExpiredLock(staffId: string, key: string, now: Date): Promise<void> {
    await d.audited({ actorType: 'system', actorId: null, actorName: 'sign-in-guard', ip: null, sessionIdHash: null, requestId: null }, { action: 'staff.unlock', target: { type: 'staff', id: staffId }, reason: 'lock cool-down elapsed' }, async (tx) => {
      await tx.updateTable('staff').set({ locked_until: null, failed_logins: 0, updated_at: now }).where('id', '=', staffId).where('locked_until', '<=', now).execute();
      await tx.updateTable('staff').set({ status: 'active' }).where('id', '=', staffId).where('status', '=', 'locked').execute();
    });
    await d.db.deleteFrom('sign_in_throttle').where('key', '=', key).where('blocked_until', '<=', now).execute();
  }

  const guard = {
    /** Whether this attempt may proceed; waits out the growing delay first (see the contract above). */
    async beforeAttempt(ctx: ActorContext, key: AttemptKey): Promise<{ blocked: boolean; delayMs: number; waitedMs: number }> {
      const now = d.clock.now();
      const t = now.getTime();
      const aKey = accountKey(key.account);
      const ipKey = addressKey(key.ip);
      const rows = await throttleRows([aKey, ipKey]);
      const acct = rows.get(aKey);
      const addr = rows.get(ipKey);
      const staff = /^[0-9a-f]{2,256}$/i.test(key.account)
        ? await d.db.selectFrom('staff').select(['id', 'locked_until', 'allowed_cidrs']).where('email_bidx', '=', Buffer.from(key.account, 'hex')).executeTakeFirst()
        : undefined;
      if (staff?.locked_until && new Date(staff.locked_until).getTime() <= t) await liftExpiredLock(staff.id, aKey, now);

      let blocked = false;
      if (acct?.blocked_until && new Date(acct.blocked_until).getTime() > t) blocked = true;
      if (staff?.locked_until && new Date(staff.locked_until).getTime() > t) blocked = true;
      if (addr?.blocked_until && new Date(addr.blocked_until).getTime() > t) blocked = true;
      if (staff && !inRanges(key.ip, staff.allowed_cidrs)) {
        blocked = true;
        await d.writer.record(ctx, { action: 'auth.network_refused', target: { type: 'staff', id: staff.id }, reason: `address outside the member's allowed ranges (country ${countryOf(key.ip)})` }, 'denied', 'network_not_allowed');
      }
      const waitedMs = Math.max(delayFor(liveFailures(acct, t, ACCOUNT_WINDOW_MS), ACCOUNT_FREE_FAILURES), delayFor(liveFailures(addr, t, ADDRESS_WINDOW_MS), addressFree));
      if (waitedMs > 0) await sleep(waitedMs);
      return { blocked, delayMs: 0, waitedMs };
    },

    /** Counts a failed attempt against the account and the address; audits it with IP and country. */
    async recordFailure(ctx: ActorContext, key: AttemptKey & { staffId: string | null; reason: string }): Promise<void> {
      const now = d.clock.now();
      const country = countryOf(key.ip);
      const reason = key.reason.replace(/[^\w.-]/g, '_').slice(0, 64) || 'failed';
      await d.writer.record(ctx, { action: 'auth.login_failure', target: { type: 'staff', id: key.staffId }, reason: `country ${country}` }, 'denied', reason);

      const ipKey = addressKey(key.ip);
      const a = await bump(ipKey, now, ADDRESS_WINDOW_MS);
      if (a.failures >= addressBlockAfter && !a.blockedUntil) {
        await d.db.updateTable('sign_in_throttle').set({ blocked_until: new Date(now.getTime() + lockMs) }).where('key', '=', ipKey).execute();
        await d.writer.record(ctx, { action: 'auth.address_blocked', target: { type: 'address', id: ipKey }, reason: `${a.failures} failed sign-ins from this address (country ${country})` }, 'denied', 'address_blocked');
      }
      // A throttled attempt proves nothing about the account: it counts against the address only.
      if (reason === 'throttled') return;
      const aKey = accountKey(key.account);
      const c = await bump(aKey, now, ACCOUNT_WINDOW_MS);
      if (c.failures >= lockAfter && !c.blockedUntil) {
        const until = new Date(now.getTime() + lockMs);
        await d.db.updateTable('sign_in_throttle').set({ blocked_until: until }).where('key', '=', aKey).execute();
        // Unknown accounts are locked alike (in the throttle table only), so a lock-out reveals nothing.
        if (key.staffId) {
          const staffId = key.staffId;
          await d.audited(ctx, { action: 'staff.lock', target: { type: 'staff', id: staffId }, reason: `${c.failures} consecutive failed sign-ins` }, async (tx) => {
            const s = await tx.selectFrom('staff').select(['email_ct']).where('id', '=', staffId).executeTakeFirst();
            if (!s) return;
            await tx.updateTable('staff').set({ locked_until: until, failed_logins: c.failures, updated_at: now }).where('id', '=', staffId).execute();
            await d.security?.raiseIn(tx, {
              kind: 'account_locked',
              severity: 'medium',
              staffId,
              summary: `Account locked after ${c.failures} consecutive failed sign-ins (last from ${country})`,
              details: { country, network: networkOf(key.ip), ip: normalizeIp(key.ip), lockedUntil: until.toISOString() },
            });
            const to = await memberEmail(staffId, s.email_ct);
            if (to && d.email) {
              await d.email.enqueueIn(tx, {
                to,
                subject: 'Bulwark: your account was locked',
                text: `Your Bulwark account was locked after ${c.failures} failed sign-in attempts in a row (the last from country ${country}).\n\nIt unlocks by itself at ${until.toISOString()} UTC, or earlier when a security officer clears it.\nIf these attempts were not yours, tell your security team: someone may know your e-mail address and be guessing your password.\n`,
              });
            }
          });
          d.email?.kick();
        }
      } else if (key.staffId) {
        await d.db.updateTable('staff').set({ failed_logins: c.failures }).where('id', '=', key.staffId).execute();
      }
    },

    /** Resets counters and applies adaptive rules after a fully successful sign-in. */
    async onSuccess(ctx: ActorContext, s: { staffId: string; ip: string; userAgent: string }): Promise<{ allowed: boolean; country: string | null }> {
      const now = d.clock.now();
      const country = countryOf(s.ip);
      const network = networkOf(s.ip);
      const staff = await d.db.selectFrom('staff').select(['id', 'status', 'locked_until', 'allowed_cidrs', 'email_bidx', 'email_ct']).where('id', '=', s.staffId).executeTakeFirst();
      if (!staff || staff.status !== 'active') return { allowed: false, country };
      if (staff.locked_until && new Date(staff.locked_until).getTime() > now.getTime()) return { allowed: false, country };
      const target = { type: 'staff', id: staff.id };

      if (!inRanges(s.ip, staff.allowed_cidrs)) {
        await d.audited(ctx, { action: 'auth.network_refused', target, reason: `sign-in with valid credentials from outside the allowed ranges (country ${country})` }, async (tx) => {
          await d.security?.raiseIn(tx, {
            kind: 'network_not_allowed',
            severity: 'high',
            staffId: staff.id,
            summary: `Sign-in with valid credentials from outside the member's allowed ranges (${country})`,
            details: { country, network, ip: normalizeIp(s.ip) },
          });
        });
        return { allowed: false, country };
      }

      const known = await d.db.selectFrom('staff_known_location').select(['kind', 'value']).where('staff_id', '=', staff.id).execute();
      const knownCountry = known.some((k) => k.kind === 'country' && k.value === country);
      const knownNetwork = known.some((k) => k.kind === 'network' && k.value === network);

      if (known.length > 0 && !(knownCountry && knownNetwork)) {
        const what = !knownCountry ? `a new country (${country})` : 'a new network';
        const reason = `sign-in from ${what}`;
        await d.audited(ctx, { action: 'staff.freeze', target, reason }, async (tx) => {
          await tx.updateTable('staff').set({ status: 'frozen', frozen_reason: reason, updated_at: now }).where('id', '=', staff.id).where('status', '=', 'active').execute();
          await d.sessions?.endAllOfIn(tx, staff.id, 'account_frozen');
          await d.security?.raiseIn(tx, {
            kind: 'new_location',
            severity: 'high',
            staffId: staff.id,
            summary: `Account frozen: ${reason}`,
            details: { country, network, ip: normalizeIp(s.ip), newCountry: !knownCountry, newNetwork: !knownNetwork, userAgent: s.userAgent.slice(0, 200) },
          });
          const to = await memberEmail(staff.id, staff.email_ct);
          if (to && d.email) {
            await d.email.enqueueIn(tx, {
              to,
              subject: 'Bulwark: your account was frozen after a sign-in from a new place',
              text: `Someone signed in to your Bulwark account with your password and second factor from ${what} (address ${normalizeIp(s.ip)}, ${now.toISOString()} UTC).\n\nAs a precaution your account is frozen and all its sessions have ended. A security officer has been alerted and can unfreeze it.\nIf this was you (for example while travelling), tell your security officer. If it was not, tell them at once: your password and second factor may be compromised.\n`,
            });
          }
        });
        d.email?.kick();
        return { allowed: false, country };
      }

      if (known.length === 0) {
        // Trust on first use: a new member's first successful sign-in records where they work from.
        await d.audited(ctx, { action: 'staff.location_trusted', target, reason: `first sign-in (country ${country})` }, async (tx) => {
          await tx.insertInto('staff_known_location').values([
            { staff_id: staff.id, kind: 'country', value: country, first_seen: now, last_seen: now },
            { staff_id: staff.id, kind: 'network', value: network, first_seen: now, last_seen: now },
          ]).onConflict((oc) => oc.doNothing()).execute();
        });
      } else {
        await d.db.updateTable('staff_known_location').set({ last_seen: now }).where('staff_id', '=', staff.id).where((eb) => eb.or([eb.and([eb('kind', '=', 'country'), eb('value', '=', country)]), eb.and([eb('kind', '=', 'network'), eb('value', '=', network)])])).execute();
      }
      // A full success clears the account's failure count (never the address's: one good account must not
      // launder an address that is spraying others).
      await d.db.deleteFrom('sign_in_throttle').where('key', '=', accountKey(Buffer.from(staff.email_bidx).toString('hex'))).execute();
      await d.db.updateTable('staff').set({ failed_logins: 0 }).where('id', '=', staff.id).where('failed_logins', '<>', 0).execute();
      return { allowed: true, country };
    },

    /** Applies adaptive rules to a request of a live session. */
    async checkSession(ctx: ActorContext, s: { staffId: string; ip: string; sessionHash: string; allowedCidrs?: readonly string[] }): Promise<{ allowed: boolean }> {
      // The caller usually holds the staff row already (one query fewer on every request).
      const staff = s.allowedCidrs ? { allowed_cidrs: [...s.allowedCidrs] } : await d.db.selectFrom('staff').select(['allowed_cidrs']).where('id', '=', s.staffId).executeTakeFirst();
      if (!staff) return { allowed: false };
      if (!inRanges(s.ip, staff.allowed_cidrs)) {
        await d.writer.record({ ...ctx, actorId: s.staffId, sessionIdHash: s.sessionHash }, { action: 'session.network_refused', target: { type: 'staff', id: s.staffId }, reason: `request from outside the allowed ranges (country ${countryOf(s.ip)})` }, 'denied', 'network_not_allowed');
        return { allowed: false };
      }
      return { allowed: true };
    },

    /** The throttle key of an account, from its email blind index (to clear it when a lock is lifted). */
    accountKeyOf(emailBidx: Uint8Array): string {
      return accountKey(Buffer.from(emailBidx).toString('hex'));
    },

    /** Replaces how delays are waited out (tests). */
    setSleep(fn: (ms: number) => Promise<void>): void {
      sleep = fn;
    },
  };
  return guard;
}
