// The second factor: answering it (sign-in, step-up, re-authentication) and managing one's own factors
// (TOTP, WebAuthn security keys, recovery codes). Created by the staff-auth service, which owns sessions.
//
// Every answer is checked first without writing (a wrong code, a replay, a revoked key, a stale counter: a
// denial is recorded with the precise reason, the caller gets a generic answer), then claimed and the session
// rotated in ONE audited transaction, whose compare-and-set claim (TOTP step, key counter, recovery code)
// refuses the loser of two concurrent uses of the same answer.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MfaMethod } from '../../../contracts/bootstrap.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Audited, AuditedTx, AuditWriter } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuthenticatedStaff } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { SignInGuard } from '../sign-in-guard/sign-in-guard.service.js';
import * as mfaRepo from './mfa.repository.js';
import { verifyPassword } from './password.js';
import { hashRecoveryCode, newRecoveryCodes, RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { REAUTH_WINDOW_MS, sessionState, type Factors } from './session-state.js';
import type { IssuedSession, SessionContext } from './staff-auth.service.js';
import * as repo from './staff-auth.repository.js';
import { matchTotpStep, newTotpSecret, totpUri } from './totp.js';
import {
  authenticationOptions,
  challengeOf,
  CHALLENGE_TTL_MS,
  counterRegressed,
  isCredentialId,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
  type RelyingParty,
} from './webauthn.js';

/** A second factor as the routes pass it on (validated by the contracts in contracts/auth.ts). */
export type FactorAnswer =
  | { method: 'totp'; code: string }
  | { method: 'recovery'; code: string }
  | { method: 'webauthn'; response: { id: string; response: { clientDataJSON: string } } & Record<string, unknown> };

type FactorCheck = { ok: true; method: MfaMethod; claim: (tx: AuditedTx) => Promise<boolean> } | { ok: false; code: string };

const PENDING_TOTP_TTL_MS = 10 * 60_000;

export interface MfaDeps {
  audited: Audited;
  writer: Pick<AuditWriter, 'record'>;
  db: Kysely<DB>;
  vault: Vault;
  clock: Clock;
  guard: SignInGuard;
  rp: RelyingParty;
  contextOf(staff: AuthenticatedStaff): SessionContext;
  factorsOf(db: Kysely<DB> | AuditedTx, staff: repo.StaffRow): Promise<{ factors: Factors; idleMs: number }>;
  rotate(
    tx: AuditedTx,
    c: SessionContext,
    patch: { method: MfaMethod; withPassword: boolean; factors: Factors; country?: string | null },
  ): Promise<IssuedSession | null>;
  attemptKey(staff: repo.StaffRow, ip: string): { account: string; ip: string };
  recentlyReauthenticated(staff: AuthenticatedStaff): boolean;
  hold(ms: number): Promise<void>;
}

export type MfaService = ReturnType<typeof createMfaService>;

/** Creates the second-factor service. */
export function createMfaService(d: MfaDeps) {
  const target = (c: SessionContext) => ({ type: 'staff', id: c.staff.id });
  const mfaFailed = () => new AppError(ErrorCode.mfaFailed, 401, 'The code or security key was not accepted');
  const reauthFailed = () => new AppError(ErrorCode.reauthFailed, 401, 'The password or the second factor was not accepted');
  const webauthnFailed = (msg = 'The security key could not be verified') => new AppError(ErrorCode.webauthnFailed, 400, msg);
  const totpBinding = (staffId: string) => ({ table: 'staff', column: 'totp_secret_ct', rowId: staffId });
  const pendingBinding = (staffId: string) => ({ table: 'staff', column: 'pending_totp', rowId: staffId });

  /** Checks an answer without writing anything but a spent WebAuthn challenge; `claim` commits it. */
  async function checkFactor(c: SessionContext, answer: FactorAnswer): Promise<FactorCheck> {
    const now = d.clock.now();
    const staff = c.staff;
    if (answer.method === 'totp') {
      if (!staff.totp_secret_ct) return { ok: false, code: 'no_totp' };
      const secret = await d.vault.decrypt(totpBinding(staff.id), staff.totp_secret_ct);
      const step = matchTotpStep(secret, answer.code, now);
      if (step === null) return { ok: false, code: 'bad_totp' };
      // A code is good once: the same code (or an older one) replayed in its window is refused.
      if (staff.totp_last_step !== null && Number(staff.totp_last_step) >= step) return { ok: false, code: 'totp_replayed' };
      return { ok: true, method: 'totp', claim: (tx) => repo.claimTotpStep(tx, staff.id, step) };
    }
    if (answer.method === 'recovery') {
      const hash = hashRecoveryCode(staff.id, answer.code);
      if (!(await mfaRepo.hasRecoveryCode(d.db, staff.id, hash))) return { ok: false, code: 'recovery_code_invalid' };
      return { ok: true, method: 'recovery', claim: (tx) => mfaRepo.useRecoveryCode(tx, staff.id, hash, now) };
    }
    const challenge = challengeOf(answer.response.response.clientDataJSON);
    if (!challenge) return { ok: false, code: 'webauthn_malformed' };
    // The challenge is spent before anything else is looked at: whatever happens next, it cannot be replayed.
    const fresh = await mfaRepo.consumeChallenge(d.db, { sessionHash: c.session.token_hash, purpose: 'authenticate', challenge, now });
    if (!fresh) return { ok: false, code: 'webauthn_challenge_invalid' };
    if (!isCredentialId(answer.response.id)) return { ok: false, code: 'webauthn_unknown_key' };
    const cred = await mfaRepo.findCredential(d.db, answer.response.id);
    if (!cred || cred.staff_id !== staff.id) return { ok: false, code: 'webauthn_unknown_key' };
    if (cred.revoked_at) return { ok: false, code: 'webauthn_key_revoked' };
    const verified = await verifyAssertion(d.rp, answer.response, challenge, {
      id: cred.id,
      publicKey: cred.public_key,
      transports: cred.transports,
    });
    if (!verified) return { ok: false, code: 'webauthn_invalid' };
    const stored = Number(cred.counter);
    // A genuine signature with a counter that did not move forward: another authenticator holds this key's
    // secret (a clone), or an old response was captured. Refused and audited with its own code.
    if (counterRegressed(stored, verified.newCounter)) return { ok: false, code: 'webauthn_counter_regression' };
    return { ok: true, method: 'webauthn', claim: (tx) => mfaRepo.useCredential(tx, cred.id, stored, verified.newCounter, now) };
  }

  /**
   * The shared flow of sign-in (second step), step-up and re-authentication: guard → (password) → factor →
   * (adaptive rules on a finished sign-in) → claim + rotate in one audited transaction.
   */
  async function answer(
    ctx: ActorContext,
    staff: AuthenticatedStaff,
    spec: {
      action: 'auth.mfa' | 'auth.step_up' | 'auth.reauth';
      factor: FactorAnswer;
      password?: string;
      failure: () => AppError;
      signIn: boolean;
    },
  ): Promise<IssuedSession> {
    const c = d.contextOf(staff);
    const key = d.attemptKey(c.staff, c.session.ip);
    const gate = await d.guard.beforeAttempt(ctx, key);
    const fail = async (code: string) => {
      await d.writer.record(ctx, { action: spec.action, target: target(c) }, 'denied', code);
      await d.guard.recordFailure(ctx, { ...key, staffId: c.staff.id, reason: code });
      await d.hold(gate.delayMs);
      return spec.failure();
    };
    // The password (re-authentication) is verified even when throttled, so both answers take as long.
    const passwordOk = spec.password === undefined ? true : await verifyPassword(c.staff.password_hash, spec.password);
    if (gate.blocked) throw await fail('throttled');
    if (!passwordOk) throw await fail('bad_password');
    const { factors } = await d.factorsOf(d.db, c.staff);
    // A role that requires a hardware key accepts nothing else once the member has one (phishing resistance).
    if (factors.hardwareKeyRequired && factors.keys > 0 && spec.factor.method === 'totp') {
      await d.writer.record(ctx, { action: spec.action, target: target(c) }, 'denied', 'hardware_key_required');
      throw new AppError(ErrorCode.hardwareKeyRequired, 403, 'Your role requires a security key');
    }
    const check = await checkFactor(c, spec.factor);
    if (!check.ok) throw await fail(check.code);

    const now = d.clock.now();
    const becomes = sessionState({ mfaAt: now, method: check.method }, factors);
    let country: string | null | undefined;
    if (spec.signIn && becomes === 'active') {
      const verdict = await d.guard.onSuccess(ctx, { staffId: c.staff.id, ip: c.session.ip, userAgent: c.session.user_agent });
      if (!verdict.allowed) {
        // The guard froze the account and ended its sessions; this one too, whatever the guard did.
        await repo.endSession(d.db, c.session.token_hash, now, 'adaptive_rule');
        await d.writer.record(ctx, { action: spec.action, target: target(c) }, 'denied', 'adaptive_rule');
        await d.hold(gate.delayMs);
        throw spec.failure();
      }
      country = verdict.country;
    }
    // Sign-in: the password was checked when this (unfinished) session was opened, at most 15 minutes ago;
    // it counts for re-authentication only if that was within the last 5 minutes.
    const withPassword =
      spec.password !== undefined ||
      (spec.signIn && now.getTime() - new Date(c.session.created_at).getTime() <= REAUTH_WINDOW_MS);
    const issued = await d.audited(ctx, { action: spec.action, target: target(c) }, async (tx) => {
      // Lost a race with another use of the same answer (same code, same counter, same recovery code).
      if (!(await check.claim(tx))) throw new AppError(spec.failure().code, 401, spec.failure().publicMessage, { denial: true });
      const s = await d.rotate(tx, c, { method: check.method, withPassword, factors, ...(country !== undefined ? { country } : {}) });
      if (!s) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
      return s;
    });
    await d.hold(gate.delayMs);
    return issued;
  }

  /** Refuses a factor change unless the password and a factor were checked within the last 5 minutes. */
  async function requireReauth(ctx: ActorContext, staff: AuthenticatedStaff, action: string): Promise<Factors> {
    const c = d.contextOf(staff);
    const { factors } = await d.factorsOf(d.db, c.staff);
    // Enrolling the very first factor is not a change: the password alone opened this session.
    if ((factors.totp || factors.keys > 0) && !d.recentlyReauthenticated(staff)) {
      await d.writer.record(ctx, { action, target: target(c) }, 'denied', 'reauth_required');
      throw new AppError(ErrorCode.reauthRequired, 401, 'Confirm your password and a second factor first');
    }
    return factors;
  }

  /**
   * After a factor was added: whether this completes the sign-in (the session becomes active), with the
   * adaptive rules applied as for any sign-in. Refuses generically when the guard says no.
   */
  async function finishingSignIn(ctx: ActorContext, c: SessionContext, action: string, method: MfaMethod, after: Factors): Promise<{ finishes: boolean; country?: string | null }> {
    if (c.state === 'active' || sessionState({ mfaAt: d.clock.now(), method }, after) !== 'active') return { finishes: false };
    const verdict = await d.guard.onSuccess(ctx, { staffId: c.staff.id, ip: c.session.ip, userAgent: c.session.user_agent });
    if (!verdict.allowed) {
      await repo.endSession(d.db, c.session.token_hash, d.clock.now(), 'adaptive_rule');
      await d.writer.record(ctx, { action, target: target(c) }, 'denied', 'adaptive_rule');
      throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
    }
    return { finishes: true, country: verdict.country };
  }

  const keyView = (k: mfaRepo.CredentialRow) => ({
    id: k.id,
    name: k.name,
    createdAt: new Date(k.created_at).toISOString(),
    lastUsedAt: k.last_used_at ? new Date(k.last_used_at).toISOString() : null,
    deviceType: k.device_type,
    backedUp: k.backed_up,
  });

  return {
    /** Sign-in step 2: answers the pending challenge; returns a new session (new token). */
    async completeSignIn(ctx: ActorContext, staff: AuthenticatedStaff, factor: FactorAnswer): Promise<IssuedSession> {
      const c = d.contextOf(staff);
      if (c.state !== 'mfa_pending') throw new AppError(ErrorCode.conflict, 409, 'This session has no second factor to answer');
      return answer(ctx, staff, { action: 'auth.mfa', factor, failure: mfaFailed, signIn: true });
    },

    /** Step-up: a second factor now (not a recovery code); refreshes the session's MFA time and rotates it. */
    async stepUp(ctx: ActorContext, staff: AuthenticatedStaff, factor: FactorAnswer): Promise<IssuedSession> {
      const c = d.contextOf(staff);
      if (c.state !== 'active') throw new AppError(ErrorCode.conflict, 409, 'Finish signing in first');
      if (factor.method === 'recovery') throw new AppError(ErrorCode.badRequest, 400, 'A recovery code cannot be used to confirm an action');
      const { factors } = await d.factorsOf(d.db, c.staff);
      if (factors.hardwareKeyRequired && factor.method !== 'webauthn') {
        await d.writer.record(ctx, { action: 'auth.step_up', target: target(c) }, 'denied', 'hardware_key_required');
        throw new AppError(ErrorCode.hardwareKeyRequired, 403, 'Your role requires a security key');
      }
      return answer(ctx, staff, { action: 'auth.step_up', factor, failure: mfaFailed, signIn: false });
    },

    /** Full re-authentication (password + a factor): for factor changes and unlocking the idle lock. */
    async reauthenticate(ctx: ActorContext, staff: AuthenticatedStaff, input: { password: string; factor: FactorAnswer }): Promise<IssuedSession> {
      const c = d.contextOf(staff);
      // Allowed when signed in, when enrolling (a factor change), and when locked (this is the only unlock).
      if (c.state === 'mfa_pending') throw new AppError(ErrorCode.conflict, 409, 'Finish signing in first');
      return answer(ctx, staff, { action: 'auth.reauth', factor: input.factor, password: input.password, failure: reauthFailed, signIn: false });
    },

    /** Options for navigator.credentials.get() with a fresh single-use challenge bound to this session. */
    async authenticationOptions(ctx: ActorContext, staff: AuthenticatedStaff) {
      const c = d.contextOf(staff);
      const keys = await mfaRepo.listCredentials(d.db, c.staff.id);
      if (keys.length === 0) throw webauthnFailed('No security key is registered for this account');
      const options = await authenticationOptions(d.rp, keys);
      const now = d.clock.now();
      await d.audited(ctx, { action: 'auth.webauthn_challenge', target: target(c) }, async (tx) => {
        await mfaRepo.pruneChallenges(tx, now);
        await mfaRepo.insertChallenge(tx, {
          id: randomUUID(),
          staffId: c.staff.id,
          sessionHash: c.session.token_hash,
          purpose: 'authenticate',
          challenge: options.challenge,
          expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
        });
      });
      return options;
    },

    /** The member's own factors (no secrets) and whether a factor change is allowed right now. */
    async status(staff: AuthenticatedStaff) {
      const c = d.contextOf(staff);
      const { factors } = await d.factorsOf(d.db, c.staff);
      const keys = await mfaRepo.listCredentials(d.db, c.staff.id);
      const reauth = d.recentlyReauthenticated(staff);
      return {
        totp: factors.totp,
        keys: keys.map(keyView),
        recoveryCodesLeft: factors.recoveryCodes,
        hardwareKeyRequired: factors.hardwareKeyRequired,
        reauthUntil: reauth && c.session.mfa_at ? new Date(new Date(c.session.mfa_at).getTime() + REAUTH_WINDOW_MS).toISOString() : null,
      };
    },

    /** Proposes a new TOTP secret; it is stored only once a code from it is confirmed. */
    async totpStart(ctx: ActorContext, staff: AuthenticatedStaff) {
      const c = d.contextOf(staff);
      await requireReauth(ctx, staff, 'mfa.totp_start');
      const secret = newTotpSecret();
      const expires = d.clock.now().getTime() + PENDING_TOTP_TTL_MS;
      // Nothing is stored until confirmation: the proposal travels encrypted (AES-GCM, bound to this member).
      const pending = d.vault.encrypt(pendingBinding(c.staff.id), JSON.stringify({ s: secret, e: expires })).toString('base64url');
      await d.writer.record(ctx, { action: 'mfa.totp_start', target: target(c) }, 'ok');
      return { totpSecret: secret, otpauthUri: totpUri(secret, 'Bulwark', c.staff.display_name), pending };
    },

    /** Stores the proposed TOTP secret once a current code from it is given (enrols or replaces TOTP). */
    async totpConfirm(ctx: ActorContext, staff: AuthenticatedStaff, input: { pending: string; code: string }) {
      const c = d.contextOf(staff);
      const factors = await requireReauth(ctx, staff, 'mfa.totp_enrol');
      const now = d.clock.now();
      let secret: string;
      try {
        const parsed = JSON.parse(await d.vault.decrypt(pendingBinding(c.staff.id), Buffer.from(input.pending, 'base64url'))) as { s: string; e: number };
        if (typeof parsed.s !== 'string' || !(parsed.e > now.getTime())) throw new Error('expired');
        secret = parsed.s;
      } catch {
        await d.writer.record(ctx, { action: 'mfa.totp_enrol', target: target(c) }, 'denied', 'pending_invalid');
        throw new AppError(ErrorCode.totpInvalid, 400, 'This set-up has expired: start again', { fieldErrors: [{ path: 'body.pending', message: 'expired' }] });
      }
      const step = matchTotpStep(secret, input.code, now);
      if (step === null) {
        await d.writer.record(ctx, { action: 'mfa.totp_enrol', target: target(c) }, 'error', 'totp_invalid');
        throw new AppError(ErrorCode.totpInvalid, 400, 'The code from the authenticator app is not valid', {
          fieldErrors: [{ path: 'body.code', message: 'not valid' }],
        });
      }
      // Recovery codes come with the first factor (and whenever none are left), shown once.
      const codes = factors.recoveryCodes === 0 ? newRecoveryCodes(c.staff.id) : null;
      const after: Factors = { ...factors, totp: true, recoveryCodes: codes ? RECOVERY_CODE_COUNT : factors.recoveryCodes };
      const finish = await finishingSignIn(ctx, c, 'mfa.totp_enrol', 'totp', after);
      const session = await d.audited(ctx, { action: factors.totp ? 'mfa.totp_replace' : 'mfa.totp_enrol', target: target(c) }, async (tx) => {
        await repo.setTotpSecret(tx, c.staff.id, d.vault.encrypt(totpBinding(c.staff.id), secret), step, now);
        if (codes) await mfaRepo.replaceRecoveryCodes(tx, c.staff.id, codes.hashes, now);
        if (!finish.finishes) return undefined;
        const s = await d.rotate(tx, c, { method: 'totp', withPassword: false, factors: after, country: finish.country ?? null });
        if (!s) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
        return s;
      });
      return { recoveryCodes: codes?.codes, session };
    },

    /** Options for navigator.credentials.create() to add a security key. */
    async keyRegistrationOptions(ctx: ActorContext, staff: AuthenticatedStaff) {
      const c = d.contextOf(staff);
      await requireReauth(ctx, staff, 'mfa.webauthn_register');
      const keys = await mfaRepo.listCredentials(d.db, c.staff.id);
      const email = await d.vault.decrypt({ table: 'staff', column: 'email_ct', rowId: c.staff.id }, c.staff.email_ct);
      const options = await registrationOptions(d.rp, { id: c.staff.id, name: email, displayName: c.staff.display_name }, keys);
      const now = d.clock.now();
      await d.audited(ctx, { action: 'mfa.webauthn_challenge', target: target(c) }, async (tx) => {
        await mfaRepo.pruneChallenges(tx, now);
        await mfaRepo.insertChallenge(tx, {
          id: randomUUID(),
          staffId: c.staff.id,
          sessionHash: c.session.token_hash,
          purpose: 'register',
          challenge: options.challenge,
          expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
        });
      });
      return options;
    },

    /** Verifies and stores a new security key (user verification required); may finish the sign-in. */
    async registerKey(ctx: ActorContext, staff: AuthenticatedStaff, input: { name: string; response: { response: { clientDataJSON: string } } }) {
      const c = d.contextOf(staff);
      const action = 'mfa.webauthn_register';
      const factors = await requireReauth(ctx, staff, action);
      const now = d.clock.now();
      const challenge = challengeOf(input.response.response.clientDataJSON);
      const fresh = challenge ? await mfaRepo.consumeChallenge(d.db, { sessionHash: c.session.token_hash, purpose: 'register', challenge, now }) : false;
      if (!challenge || !fresh) {
        await d.writer.record(ctx, { action, target: target(c) }, 'denied', 'webauthn_challenge_invalid');
        throw webauthnFailed('This request to add a key has expired or was already used: try again');
      }
      const cred = await verifyRegistration(d.rp, input.response, challenge);
      if (!cred) {
        await d.writer.record(ctx, { action, target: target(c) }, 'denied', 'webauthn_registration_invalid');
        throw webauthnFailed('The security key could not be verified (user verification is required)');
      }
      if (await mfaRepo.findCredential(d.db, cred.id)) throw new AppError(ErrorCode.conflict, 409, 'This security key is already registered');
      const codes = factors.recoveryCodes === 0 ? newRecoveryCodes(c.staff.id) : null;
      const after: Factors = { ...factors, keys: factors.keys + 1, recoveryCodes: codes ? RECOVERY_CODE_COUNT : factors.recoveryCodes };
      const finish = await finishingSignIn(ctx, c, action, 'webauthn', after);
      const session = await d.audited(ctx, { action, target: { type: 'webauthn_credential', id: cred.id } }, async (tx) => {
        await mfaRepo.insertCredential(tx, {
          id: cred.id,
          staff_id: c.staff.id,
          name: input.name,
          public_key: cred.publicKey,
          counter: cred.counter,
          transports: cred.transports,
          aaguid: cred.aaguid,
          device_type: cred.deviceType,
          backed_up: cred.backedUp,
          created_at: now,
        });
        if (codes) await mfaRepo.replaceRecoveryCodes(tx, c.staff.id, codes.hashes, now);
        if (!finish.finishes) return undefined;
        // Registering with user verification proves the member holds the key: it completes the sign-in.
        const s = await d.rotate(tx, c, { method: 'webauthn', withPassword: false, factors: after, country: finish.country ?? null });
        if (!s) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
        return s;
      });
      const row = await mfaRepo.findCredential(d.db, cred.id);
      return { key: keyView(row!), recoveryCodes: codes?.codes, session };
    },

    /** Renames one of the member's keys. */
    async renameKey(ctx: ActorContext, staff: AuthenticatedStaff, id: string, name: string) {
      const c = d.contextOf(staff);
      await d.audited(ctx, { action: 'mfa.webauthn_rename', target: { type: 'webauthn_credential', id } }, async (tx) => {
        if (!(await mfaRepo.renameCredential(tx, c.staff.id, id, name))) throw new AppError(ErrorCode.notFound, 404, 'No such security key', { denial: true });
      });
      const row = await mfaRepo.findCredential(d.db, id);
      return keyView(row!);
    },

    /** Revokes one of the member's keys; the last factor that satisfies the member's roles cannot go. */
    async revokeKey(ctx: ActorContext, staff: AuthenticatedStaff, id: string) {
      const c = d.contextOf(staff);
      await requireReauth(ctx, staff, 'mfa.webauthn_revoke');
      await d.audited(ctx, { action: 'mfa.webauthn_revoke', target: { type: 'webauthn_credential', id } }, async (tx) => {
        const { factors } = await d.factorsOf(tx, c.staff);
        const left = factors.keys - 1;
        if (left === 0 && (factors.hardwareKeyRequired || !factors.totp)) {
          throw new AppError(ErrorCode.lastFactor, 409, 'Add another security key before removing this one');
        }
        if (!(await mfaRepo.revokeCredential(tx, c.staff.id, id, d.clock.now()))) {
          throw new AppError(ErrorCode.notFound, 404, 'No such security key', { denial: true });
        }
      });
    },

    /** Replaces all recovery codes with ten new ones, shown once. */
    async regenerateRecoveryCodes(ctx: ActorContext, staff: AuthenticatedStaff) {
      const c = d.contextOf(staff);
      await requireReauth(ctx, staff, 'mfa.recovery_regenerate');
      const codes = newRecoveryCodes(c.staff.id);
      await d.audited(ctx, { action: 'mfa.recovery_regenerate', target: target(c) }, async (tx) => {
        await mfaRepo.replaceRecoveryCodes(tx, c.staff.id, codes.hashes, d.clock.now());
      });
      return { recoveryCodes: codes.codes };
    },
  };
}
