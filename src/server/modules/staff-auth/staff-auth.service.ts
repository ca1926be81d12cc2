// First-administrator bootstrap, the two-step sign-in (password, then a second factor), and staff sessions.
//
// Sign-in: POST /auth/login checks the password and opens a session that can do nothing but answer a second
// factor (or, for a member without one, enrol one). Answering it (TOTP, a security key, a recovery code)
// replaces the session by a new one with a new token. Every failure looks the same from outside and takes as
// long; the sign-in guard (throttling, adaptive rules) is called exactly as its contract says.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { MfaMethod, SessionState } from '../../../contracts/bootstrap.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB, StaffSessionTable } from '../../platform/db/schema.js';
import type { Audited, AuditedTx, AuditWriter } from '../../platform/audit/writer.js';
import type { AuthenticatedStaff, Authenticator } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { systemContext, type ActorContext } from '../../platform/http/request-context.js';
import type { SignInGuard } from '../sign-in-guard/sign-in-guard.service.js';
import * as mfaRepo from './mfa.repository.js';
import { createMfaService } from './mfa.service.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { newRecoveryCodes } from './recovery-codes.js';
import {
  answerableMethods,
  factorOf,
  idleTimeoutMs,
  LOCKED,
  REAUTH_WINDOW_MS,
  sessionState,
  STEP_UP_WINDOW_MS,
  storedMethod,
  type Factors,
} from './session-state.js';
import * as repo from './staff-auth.repository.js';
import { matchTotpStep, newTotpSecret, totpUri } from './totp.js';
import { relyingPartyOf } from './webauthn.js';

/** The default idle timeout; a role may set a stricter or (up to 15 minutes) a longer one. */
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** Lifetime of a session that has not finished signing in (second factor pending, or enrolment). */
export const UNFINISHED_TIMEOUT_MS = 15 * 60 * 1000;
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

const hold = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, Math.min(ms, 30_000))) : Promise.resolve());

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
  /** Throttling and adaptive rules (modules/sign-in-guard), called as its contract says. */
  guard: SignInGuard;
}

export type StaffAuthService = ReturnType<typeof createStaffAuthService>;
type StaffRow = repo.StaffRow;
type SessionRow = repo.SessionRow;

/** What authenticate() learnt about a request's session, kept for the route handlers of the same request. */
export interface SessionContext {
  session: SessionRow;
  staff: StaffRow;
  state: SessionState;
  idleTimeoutMs: number;
}

/** A session just issued: the cookie value and the body the client gets. */
export interface IssuedSession {
  token: string;
  body: SessionBody;
}

export interface SessionBody {
  staffId: string;
  displayName: string;
  roles: string[];
  csrfToken: string;
  state: SessionState;
  methods: MfaMethod[];
  hardwareKeyRequired: boolean;
  idleTimeoutMs: number;
  mfaAt: string | null;
}

/** Creates the staff authentication service. */
export function createStaffAuthService(d: StaffAuthDeps) {
  const cookieName = d.https ? '__Host-bulwark' : 'bulwark';
  const rp = relyingPartyOf(d.publicUrl);
  const contexts = new WeakMap<AuthenticatedStaff, SessionContext>();
  const invalidToken = () =>
    new AppError(ErrorCode.bootstrapTokenInvalid, 410, 'This set-up link is invalid, expired or already used', {
      denial: true,
    });

  /** The member's factors and what their roles demand. */
  async function factorsOf(db: Kysely<DB> | AuditedTx, staff: StaffRow): Promise<{ factors: Factors; idleMs: number }> {
    const reqs = await mfaRepo.roleRequirements(db, staff.roles);
    const counts = await mfaRepo.factorCounts(db, staff.id);
    return {
      factors: { totp: staff.totp_secret_ct !== null, keys: counts.keys, recoveryCodes: counts.recoveryCodes, hardwareKeyRequired: reqs.hardwareKey },
      idleMs: idleTimeoutMs(reqs.idleMinutes),
    };
  }

  function bodyOf(staff: StaffRow, row: { mfa_at: Date | string | null; mfa_method: string | null }, factors: Factors, idleMs: number, csrf: string): SessionBody {
    const mfaAt = row.mfa_at ? new Date(row.mfa_at) : null;
    return {
      staffId: staff.id,
      displayName: staff.display_name,
      roles: staff.roles,
      csrfToken: csrf,
      state: sessionState({ mfaAt, method: factorOf(row.mfa_method), locked: row.mfa_method === LOCKED }, factors),
      methods: answerableMethods(factors),
      hardwareKeyRequired: factors.hardwareKeyRequired,
      idleTimeoutMs: idleMs,
      mfaAt: mfaAt ? mfaAt.toISOString() : null,
    };
  }

  /** The session context authenticate() resolved for this request (throws if there is none). */
  function contextOf(staff: AuthenticatedStaff): SessionContext {
    const c = contexts.get(staff);
    if (!c) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
    return c;
  }

  /**
   * Replaces the request's session by a new one (a new token, so the old cookie stops working at once) after a
   * second factor was used. Runs inside the caller's audited transaction; false if the old session ended
   * meanwhile. `active` sessions live 12 hours from sign-in; unfinished ones 15 minutes.
   */
  async function rotate(
    tx: AuditedTx,
    c: SessionContext,
    patch: { method: MfaMethod; withPassword: boolean; factors: Factors; country?: string | null; signIn?: boolean },
  ): Promise<IssuedSession | null> {
    const now = d.clock.now();
    const token = newToken();
    const csrf = deriveCsrf(token);
    const state = sessionState({ mfaAt: now, method: patch.method }, patch.factors);
    // The session's birth (the password step) is carried through every rotation, so no sequence of step-ups,
    // re-authentications or unlocks can stretch the 12-hour absolute lifetime.
    const bornAt = new Date(c.session.created_at);
    const row: Insertable<StaffSessionTable> = {
      token_hash: hashToken(token),
      staff_id: c.staff.id,
      csrf_hash: hashToken(csrf),
      ip: c.session.ip,
      user_agent: c.session.user_agent,
      created_at: bornAt,
      last_seen_at: now,
      expires_at:
        state === 'active'
          ? new Date(bornAt.getTime() + ABSOLUTE_TIMEOUT_MS)
          : new Date(Math.min(new Date(c.session.expires_at).getTime(), now.getTime() + UNFINISHED_TIMEOUT_MS)),
      mfa_at: now,
      mfa_method: storedMethod(patch.method, patch.withPassword),
      idle_timeout_ms: c.idleTimeoutMs,
      country: patch.country !== undefined ? patch.country : c.session.country,
    };
    if (!(await repo.rotateSession(tx, c.session.token_hash, row, now))) return null;
    return { token, body: bodyOf(c.staff, row as { mfa_at: Date; mfa_method: string }, patch.factors, c.idleTimeoutMs, csrf) };
  }

  /** The attempt key of the sign-in guard for a member (the email's blind index, as at the password step). */
  const attemptKey = (staff: StaffRow, ip: string) => ({ account: Buffer.from(staff.email_bidx).toString('hex'), ip });

  const service = {
    cookieName,
    relyingParty: rp,

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

    /** Step 2: creates the first administrator with password, TOTP and recovery codes, and spends the token. */
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
      const recovery = newRecoveryCodes(staffId);
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
        await mfaRepo.replaceRecoveryCodes(tx, staffId, recovery.hashes, now);
        return { staffId, email: input.email, recoveryCodes: recovery.codes };
      });
    },

    /**
     * Sign-in step 1: email and password. Opens a session that can only answer a second factor (or enrol
     * one). Every failure (unknown email, wrong password, throttled, locked, disabled) looks the same from
     * outside and takes as long: the password is always verified, against a dummy hash if need be.
     */
    async login(ctx: ActorContext, input: { email: string; password: string }, client: { ip: string; userAgent: string }): Promise<IssuedSession> {
      const bidx = d.vault.blindIndex('staff.email', input.email);
      const key = { account: Buffer.from(bidx).toString('hex'), ip: client.ip };
      const gate = await d.guard.beforeAttempt(ctx, key);
      const staff = await repo.findStaffByEmailIndex(d.sessionDb, bidx);
      const passwordOk = await verifyPassword(staff?.password_hash ?? (await dummyHash()), input.password);
      const now = d.clock.now();
      const fail = async (code: string, staffId: string | null) => {
        await d.writer.record(ctx, { action: 'auth.login', target: { type: 'staff', id: staffId } }, 'denied', code);
        await d.guard.recordFailure(ctx, { ...key, staffId, reason: code });
        await hold(gate.delayMs);
        return new AppError(ErrorCode.loginFailed, 401, 'The email or password is not correct');
      };
      if (gate.blocked) throw await fail('throttled', staff?.id ?? null);
      if (!staff) throw await fail('unknown_account', null);
      if (!passwordOk) throw await fail('bad_password', staff.id);
      if (staff.status !== 'active') throw await fail(`account_${staff.status}`, staff.id);
      if (staff.locked_until && new Date(staff.locked_until).getTime() > now.getTime()) throw await fail('account_locked', staff.id);

      const { factors, idleMs } = await factorsOf(d.sessionDb, staff);
      const token = newToken();
      const csrf = deriveCsrf(token);
      const tokenHash = hashToken(token);
      const actor: ActorContext = { ...ctx, actorType: 'staff', actorId: staff.id, actorName: staff.display_name, sessionIdHash: tokenHash };
      const row: Insertable<StaffSessionTable> = {
        token_hash: tokenHash,
        staff_id: staff.id,
        csrf_hash: hashToken(csrf),
        ip: client.ip,
        user_agent: client.userAgent.slice(0, 512),
        created_at: now,
        last_seen_at: now,
        // Not signed in yet: a short life. The second factor replaces this session by a full one.
        expires_at: new Date(now.getTime() + UNFINISHED_TIMEOUT_MS),
        mfa_at: null,
        mfa_method: null,
        idle_timeout_ms: Math.min(idleMs, UNFINISHED_TIMEOUT_MS),
      };
      await d.audited(actor, { action: 'auth.login', target: { type: 'staff', id: staff.id } }, async (tx) => {
        await repo.insertSession(tx, row);
      });
      await hold(gate.delayMs);
      return { token, body: bodyOf(staff, { mfa_at: null, mfa_method: null }, factors, idleMs, csrf) };
    },

    /**
     * Locks the caller's session (the UI's idle lock): until a full re-authentication (password + second factor)
     * it can reach nothing but the unlock and sign-out, even from a reloaded page or another tab.
     */
    async lock(ctx: ActorContext, staff: AuthenticatedStaff) {
      await d.audited(ctx, { action: 'auth.lock', target: { type: 'staff', id: staff.id } }, async (tx) => {
        await repo.lockSession(tx, staff.sessionIdHash, LOCKED);
      });
    },

    /** Ends the caller's session. */
    async logout(ctx: ActorContext, staff: AuthenticatedStaff) {
      await d.audited(ctx, { action: 'auth.logout', target: { type: 'staff', id: staff.id } }, async (tx) => {
        await repo.endSession(tx, staff.sessionIdHash, d.clock.now(), 'logout');
      });
    },

    /** The signed-in member, where the session stands, and its CSRF token (the UI needs it after a reload). */
    async me(staff: AuthenticatedStaff): Promise<SessionBody> {
      const c = contextOf(staff);
      const full = await factorsOf(d.sessionDb, c.staff);
      return bodyOf(c.staff, c.session, full.factors, c.idleTimeoutMs, staff.csrfToken);
    },

    /** Resolves the session cookie; ends sessions that idled out, expired, or moved to another IP or browser. */
    async authenticate(req: FastifyRequest, ctx: ActorContext): Promise<AuthenticatedStaff | null> {
      const token = req.cookies?.[cookieName];
      if (!token || token.length > 128) return null;
      const tokenHash = hashToken(token);
      // The session and its member in parallel (both keyed by the token hash): one round trip of latency, not two.
      const [session, staffRow] = await Promise.all([repo.findLiveSession(d.sessionDb, tokenHash), repo.findStaffOfLiveSession(d.sessionDb, tokenHash)]);
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
      const staff = staffRow?.id === session.staff_id ? staffRow : await repo.findStaffById(d.sessionDb, session.staff_id);
      const reqs = await mfaRepo.roleRequirements(d.sessionDb, staff?.roles ?? []);
      // The idle timeout chosen at sign-in, or the member's roles' current one if stricter (a role change applies at once).
      const idleMs = Math.min(Number(session.idle_timeout_ms), idleTimeoutMs(reqs.idleMinutes));
      if (now.getTime() - new Date(session.last_seen_at).getTime() > idleMs) return end('idle', 'ok');
      if (now.getTime() > new Date(session.expires_at).getTime()) return end('absolute', 'ok');
      // A session is bound to where it was opened: a cookie replayed from elsewhere ends it (possible theft).
      if (session.ip !== req.ip) return end('ip_changed', 'denied');
      if (session.user_agent !== String(req.headers['user-agent'] ?? '').slice(0, 512)) return end('agent_changed', 'denied');
      if (!staff || staff.status !== 'active') return end('account_inactive', 'denied');
      const verdict = await d.guard.checkSession(
        { ...ctx, actorType: 'staff', actorId: staff.id, actorName: staff.display_name, sessionIdHash: tokenHash },
        { staffId: staff.id, ip: req.ip, sessionHash: tokenHash, allowedCidrs: staff.allowed_cidrs },
      );
      if (!verdict.allowed) return end('adaptive_rule', 'denied');

      const mfaAt = session.mfa_at ? new Date(session.mfa_at) : null;
      const method = factorOf(session.mfa_method);
      // The common case (signed in with a key, or with TOTP where no key is required) is decided without
      // counting the member's factors; every other case counts them.
      let state: SessionState;
      if (session.mfa_method === LOCKED) {
        state = 'locked';
      } else if (mfaAt && (method === 'webauthn' || (method === 'totp' && staff.totp_secret_ct !== null && !reqs.hardwareKey))) {
        state = 'active';
      } else {
        const counts = await mfaRepo.factorCounts(d.sessionDb, staff.id);
        const factors: Factors = { totp: staff.totp_secret_ct !== null, keys: counts.keys, recoveryCodes: counts.recoveryCodes, hardwareKeyRequired: reqs.hardwareKey };
        state = sessionState({ mfaAt, method }, factors);
      }
      // A locked session's idle timer does not move: it ends one idle timeout after the lock whatever happens.
      if (state !== 'locked' && now.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_EVERY_MS) {
        await repo.touchSession(d.sessionDb, tokenHash, now);
      }
      const authenticated: AuthenticatedStaff = {
        id: staff.id,
        displayName: staff.display_name,
        roles: staff.roles,
        sessionIdHash: tokenHash,
        csrfHash: session.csrf_hash,
        csrfToken: deriveCsrf(token),
        mfaState: state,
        // Step-up: a second factor (not a recovery code) used in this session within the last 5 minutes.
        stepUpFresh:
          state === 'active' && mfaAt !== null && method !== 'recovery' && now.getTime() - mfaAt.getTime() <= STEP_UP_WINDOW_MS,
      };
      contexts.set(authenticated, { session, staff, state, idleTimeoutMs: idleMs });
      return authenticated;
    },

    /** Constant-time comparison of the CSRF header with the session's token. */
    checkCsrf(staff: AuthenticatedStaff, token: string | undefined): boolean {
      if (!token || token.length > 128) return false;
      return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(staff.csrfHash, 'hex'));
    },

    /** True when the password and a factor were checked together in this session within the last 5 minutes. */
    recentlyReauthenticated(staff: AuthenticatedStaff): boolean {
      const c = contextOf(staff);
      const at = c.session.mfa_at ? new Date(c.session.mfa_at).getTime() : null;
      return (
        at !== null && (c.session.mfa_method ?? '').startsWith('password+') && d.clock.now().getTime() - at <= REAUTH_WINDOW_MS
      );
    },
  };

  const mfa = createMfaService({
    audited: d.audited,
    writer: d.writer,
    db: d.sessionDb,
    vault: d.vault,
    clock: d.clock,
    guard: d.guard,
    rp,
    contextOf,
    factorsOf,
    rotate,
    attemptKey,
    recentlyReauthenticated: service.recentlyReauthenticated,
    hold,
  });

  return Object.assign(service, { mfa }) satisfies Authenticator & Record<string, unknown>;
}
