// First-administrator bootstrap, sign-in with password + TOTP, and staff sessions.
// The identity issue extends this with invitations, WebAuthn, throttling and adaptive rules.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import type { Audited, AuditWriter } from '../../platform/audit/writer.js';
import type { AuthenticatedStaff, Authenticator } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { systemContext, type ActorContext } from '../../platform/http/request-context.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import * as repo from './staff-auth.repository.js';
import { matchTotpStep, newTotpSecret, totpUri } from './totp.js';

export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 15 * 1000;

/** SHA-256 hex of a secret token: what the database stores instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The CSRF token of a session, derived from its token so the server can recompute it without storing it. */
export function deriveCsrf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('bulwark-csrf/1').digest('base64url');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface StaffAuthDeps {
  audited: Audited;
  writer: Pick<AuditWriter, 'record'>;
  /** Platform handle for the session lookup that runs before any actor exists. */
  sessionDb: Kysely<DB>;
  vault: Vault;
  clock: Clock;
  https: boolean;
  publicUrl: string;
  bootstrapTtlMinutes: number;
}

export type StaffAuthService = ReturnType<typeof createStaffAuthService>;

/** Creates the staff authentication service. */
export function createStaffAuthService(d: StaffAuthDeps) {
  const cookieName = d.https ? '__Host-bulwark' : 'bulwark';
  const invalidToken = () =>
    new AppError(ErrorCode.bootstrapTokenInvalid, 410, 'This set-up link is invalid, expired or already used', {
      denial: true,
    });

  const service = {
    cookieName,

    /** Issues a one-time bootstrap link when no staff account exists yet; returns the link or null. */
    async issueBootstrapLinkIfNeeded(): Promise<{ url: string; expiresAt: Date } | null> {
      const token = newToken();
      const now = d.clock.now();
      const expiresAt = new Date(now.getTime() + d.bootstrapTtlMinutes * 60_000);
      const issued = await d.audited(systemContext('bootstrap'), { action: 'bootstrap.issue_link' }, async (tx) => {
        if ((await repo.countStaff(tx)) > 0) return false;
        await repo.insertBootstrapToken(tx, hashToken(token), now, expiresAt);
        return true;
      });
      // The token rides in the URL fragment: browsers never send it to the server or in a Referer.
      return issued ? { url: `${d.publicUrl}/bootstrap#token=${token}`, expiresAt } : null;
    },

    /** Step 1 of the bootstrap: proposes a TOTP secret, kept encrypted against the token. */
    async bootstrapStart(ctx: ActorContext, token: string) {
      return d.audited(ctx, { action: 'bootstrap.start', target: { type: 'bootstrap_token' } }, async (tx, ev) => {
        const row = await repo.findUsableBootstrapToken(tx, hashToken(token), d.clock.now());
        if (!row) throw invalidToken();
        ev.setTarget('bootstrap_token', String(row.id));
        const secret = newTotpSecret();
        const binding = { table: 'bootstrap_token', column: 'pending_totp_ct', rowId: String(row.id) };
        await repo.setPendingTotp(tx, row.id, d.vault.encrypt(binding, secret));
        return {
          totpSecret: secret,
          otpauthUri: totpUri(secret, 'Bulwark', 'first administrator'),
          expiresAt: new Date(row.expires_at).toISOString(),
        };
      });
    },

    /** Step 2: creates the first administrator with password and TOTP, and spends the token. */
    async bootstrapComplete(
      ctx: ActorContext,
      input: { token: string; displayName: string; email: string; password: string; totpCode: string },
    ) {
      const problem = passwordProblem(input.password, input.email);
      if (problem) {
        throw new AppError(ErrorCode.passwordRejected, 400, problem, {
          fieldErrors: [{ path: 'body.password', message: problem }],
        });
      }
      // Hashing is slow on purpose; it happens before the transaction so it does not hold a database lane.
      const passwordHash = await hashPassword(input.password);
      const staffId = randomUUID();
      return d.audited(ctx, { action: 'bootstrap.complete', target: { type: 'staff', id: staffId } }, async (tx) => {
        const now = d.clock.now();
        const row = await repo.findUsableBootstrapToken(tx, hashToken(input.token), now);
        if (!row || !row.pending_totp_ct) throw invalidToken();
        if ((await repo.countStaff(tx)) > 0) {
          throw new AppError(ErrorCode.bootstrapDone, 410, 'An administrator already exists', { denial: true });
        }
        const pending = { table: 'bootstrap_token', column: 'pending_totp_ct', rowId: String(row.id) };
        const secret = await d.vault.decrypt(pending, row.pending_totp_ct);
        const step = matchTotpStep(secret, input.totpCode, now);
        if (step === null) {
          throw new AppError(ErrorCode.totpInvalid, 400, 'The code from the authenticator app is not valid', {
            fieldErrors: [{ path: 'body.totpCode', message: 'not valid' }],
          });
        }
        if (!(await repo.consumeBootstrapToken(tx, row.id, now))) throw invalidToken();
        await repo.insertStaff(tx, {
          id: staffId,
          email_ct: d.vault.encrypt({ table: 'staff', column: 'email_ct', rowId: staffId }, input.email),
          email_bidx: d.vault.blindIndex('staff.email', input.email),
          display_name: input.displayName,
          password_hash: passwordHash,
          totp_secret_ct: d.vault.encrypt({ table: 'staff', column: 'totp_secret_ct', rowId: staffId }, secret),
          // The enrolment code is spent: it cannot be replayed to sign in.
          totp_last_step: step,
          roles: ['admin'],
          status: 'active',
          created_at: now,
          updated_at: now,
        });
        return { staffId, email: input.email };
      });
    },

    /** Password + TOTP sign-in. Every failure looks the same from outside and takes as long. */
    async login(
      ctx: ActorContext,
      input: { email: string; password: string; totpCode: string },
      client: { ip: string; userAgent: string },
    ) {
      const fail = async (code: string, staffId: string | null) => {
        await d.writer.record(ctx, { action: 'auth.login', target: { type: 'staff', id: staffId } }, 'denied', code);
        return new AppError(ErrorCode.loginFailed, 401, 'The email, password or code is not correct');
      };
      const staff = await repo.findStaffByEmailIndex(d.sessionDb, d.vault.blindIndex('staff.email', input.email));
      const passwordOk = await verifyPassword(staff?.password_hash ?? (await dummyHash()), input.password);
      if (!staff) throw await fail('unknown_account', null);
      if (!passwordOk) throw await fail('bad_password', staff.id);
      if (staff.status !== 'active') throw await fail(`account_${staff.status}`, staff.id);
      if (!staff.totp_secret_ct) throw await fail('no_second_factor', staff.id);
      const now = d.clock.now();
      const secret = await d.vault.decrypt({ table: 'staff', column: 'totp_secret_ct', rowId: staff.id }, staff.totp_secret_ct);
      const step = matchTotpStep(secret, input.totpCode, now);
      if (step === null) throw await fail('bad_totp', staff.id);
      // A code is good once: the same code (or an older one) replayed in its window is refused. Checked before
      // the audited transaction so that a replay is recorded as a denial only, never as a successful sign-in.
      if (staff.totp_last_step !== null && Number(staff.totp_last_step) >= step) throw await fail('totp_replayed', staff.id);

      const token = newToken();
      const csrf = deriveCsrf(token);
      const tokenHash = hashToken(token);
      const actor: ActorContext = { ...ctx, actorType: 'staff', actorId: staff.id, actorName: staff.display_name, sessionIdHash: tokenHash };
      await d.audited(actor, { action: 'auth.login', target: { type: 'staff', id: staff.id } }, async (tx) => {
        // Compare-and-set: of two concurrent sign-ins with the same code, the loser is refused here (and its
        // event is recorded as denied, since it throws a denial).
        if (!(await repo.claimTotpStep(tx, staff.id, step))) {
          throw new AppError(ErrorCode.loginFailed, 401, 'The email, password or code is not correct', { denial: true });
        }
        await repo.insertSession(tx, {
          token_hash: tokenHash,
          staff_id: staff.id,
          csrf_hash: hashToken(csrf),
          ip: client.ip,
          user_agent: client.userAgent.slice(0, 512),
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS),
        });
      });
      return {
        token,
        body: { staffId: staff.id, displayName: staff.display_name, roles: staff.roles, csrfToken: csrf },
      };
    },

    /** Ends the caller's session. */
    async logout(ctx: ActorContext, staff: AuthenticatedStaff) {
      await d.audited(ctx, { action: 'auth.logout', target: { type: 'staff', id: staff.id } }, async (tx) => {
        await repo.endSession(tx, staff.sessionIdHash, d.clock.now(), 'logout');
      });
    },

    /** The signed-in member and the session's CSRF token (the UI needs it again after a reload). */
    me(staff: AuthenticatedStaff) {
      return { staffId: staff.id, displayName: staff.displayName, roles: staff.roles, csrfToken: staff.csrfToken };
    },

    /** Resolves the session cookie; ends sessions that idled out, expired, or moved to another IP or browser. */
    async authenticate(req: FastifyRequest, ctx: ActorContext): Promise<AuthenticatedStaff | null> {
      const token = req.cookies?.[cookieName];
      if (!token || token.length > 128) return null;
      const tokenHash = hashToken(token);
      const session = await repo.findLiveSession(d.sessionDb, tokenHash);
      if (!session) return null;
      const now = d.clock.now();
      const end = async (reason: string, outcome: 'ok' | 'denied') => {
        await repo.endSession(d.sessionDb, tokenHash, now, reason);
        await d.writer.record(
          { ...ctx, actorId: session.staff_id, sessionIdHash: tokenHash },
          { action: `session.end_${reason}`, target: { type: 'staff', id: session.staff_id } },
          outcome,
          outcome === 'denied' ? reason : null,
        );
        return null;
      };
      if (now.getTime() - new Date(session.last_seen_at).getTime() > IDLE_TIMEOUT_MS) return end('idle', 'ok');
      if (now.getTime() > new Date(session.expires_at).getTime()) return end('absolute', 'ok');
      // A session is bound to where it was opened: a cookie replayed from elsewhere ends it (possible theft).
      if (session.ip !== req.ip) return end('ip_changed', 'denied');
      if (session.user_agent !== String(req.headers['user-agent'] ?? '').slice(0, 512)) return end('agent_changed', 'denied');
      const staff = await repo.findStaffById(d.sessionDb, session.staff_id);
      if (!staff || staff.status !== 'active') return end('account_inactive', 'denied');
      if (now.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_EVERY_MS) {
        await repo.touchSession(d.sessionDb, tokenHash, now);
      }
      return {
        id: staff.id,
        displayName: staff.display_name,
        roles: staff.roles,
        sessionIdHash: tokenHash,
        csrfHash: session.csrf_hash,
        csrfToken: deriveCsrf(token),
      };
    },

    /** Constant-time comparison of the CSRF header with the session's token. */
    checkCsrf(staff: AuthenticatedStaff, token: string | undefined): boolean {
      if (!token || token.length > 128) return false;
      return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(staff.csrfHash, 'hex'));
    },
  } satisfies Authenticator & Record<string, unknown>;
  return service;
}
