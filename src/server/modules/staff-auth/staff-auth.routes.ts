// Bootstrap, sign-in (two steps), step-up, re-authentication and the member's own second factors.
// Thin: validate, call one service function, present.
//
// Route flags (see platform/http/auth.ts): `mfaChallenge` routes are reachable by a session whose second factor
// is pending; `enrolment` routes by a session of a member who must first enrol a (sufficient) factor.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  FactorChangeResponse,
  KeyRegisterRequest,
  KeyRenameRequest,
  MfaStatus,
  ReauthRequest,
  RecoveryAnswer,
  RecoveryCodesResponse,
  SecurityKey,
  StepUpRequest,
  TotpAnswer,
  TotpEnrolConfirm,
  TotpEnrolStart,
  WebAuthnAnswer,
  WebAuthnOptions,
} from '../../../contracts/auth.js';
import {
  BootstrapCompleteRequest,
  BootstrapCompleteResponse,
  BootstrapStartRequest,
  BootstrapStartResponse,
  LoginRequest,
  LoginResponse,
  MeResponse,
} from '../../../contracts/bootstrap.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import type { FactorAnswer } from './mfa.service.js';
import { ABSOLUTE_TIMEOUT_MS, type IssuedSession } from './staff-auth.service.js';

/** Registers /api/v1/bootstrap/*, /api/v1/auth/* and /api/v1/mfa/*. */
export function registerStaffAuthRoutes(t: TypedApp, c: Container): void {
  const svc = c.staffAuth;
  const mfa = svc.mfa;
  // Sign-in, set-up and every second-factor answer are brute-force targets: a tight per-IP limit on top of the global one.
  const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };
  const medium = { rateLimit: { max: 30, timeWindow: '1 minute' } };
  const client = (req: { ip: string; headers: Record<string, unknown> }) => ({ ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') });

  /** Sends a new session's cookie (every sign-in, step-up and re-authentication issues a new token). */
  const issue = (reply: FastifyReply, s: IssuedSession) => {
    reply.setCookie(svc.cookieName, s.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: svc.cookieName.startsWith('__Host-'),
      maxAge: Math.floor(ABSOLUTE_TIMEOUT_MS / 1000),
    });
    return s.body;
  };

  t.post(
    '/api/v1/bootstrap/start',
    {
      config: { public: true, ...strict },
      schema: { tags: ['bootstrap'], summary: 'Begin the first-administrator set-up', body: BootstrapStartRequest, response: { 200: BootstrapStartResponse } },
    },
    async (req) => svc.bootstrapStart(req.actor, req.body.token),
  );

  t.post(
    '/api/v1/bootstrap/complete',
    {
      config: { public: true, ...strict },
      schema: { tags: ['bootstrap'], summary: 'Create the first administrator', body: BootstrapCompleteRequest, response: { 201: BootstrapCompleteResponse } },
    },
    async (req, reply) => {
      const out = await svc.bootstrapComplete(req.actor, req.body);
      return reply.code(201).send(out);
    },
  );

  t.post(
    '/api/v1/auth/login',
    {
      config: { public: true, ...strict },
      schema: {
        tags: ['auth'],
        summary: 'Sign-in step 1: email and password. Opens a session whose second factor is pending (or that must enrol one)',
        body: LoginRequest,
        response: { 200: LoginResponse },
      },
    },
    async (req, reply) => issue(reply, await svc.login(req.actor, req.body, client(req))),
  );

  // The UI's session probe on every page load: public so that a signed-out visitor's probe is a plain 401,
  // not an audited denial (the audit log records access attempts to protected resources, not page loads).
  t.get(
    '/api/v1/auth/me',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'The signed-in member and where the session stands (401 when signed out)', response: { 200: MeResponse } } },
    async (req) => {
      if (!req.staff) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
      return svc.me(req.staff);
    },
  );

  t.post(
    '/api/v1/auth/logout',
    {
      config: { signedIn: true, mfaChallenge: true, enrolment: true },
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
    },
    async (req, reply) => {
      await svc.logout(req.actor, req.staff!);
      reply.clearCookie(svc.cookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  t.post(
    '/api/v1/auth/lock',
    {
      config: { signedIn: true },
      schema: { tags: ['auth'], summary: 'Lock the screen: until password + second factor, the session reaches nothing', response: { 204: z.null() } },
    },
    async (req, reply) => {
      await svc.lock(req.actor, req.staff!);
      return reply.code(204).send(null);
    },
  );

  // --- Sign-in step 2: answer the pending second factor. Each success issues a new session token.
  const answer = (summary: string, url: string, body: z.ZodType, toFactor: (b: never) => FactorAnswer) =>
    t.post(
      url,
      { config: { signedIn: true, mfaChallenge: true, ...strict }, schema: { tags: ['auth'], summary, body, response: { 200: LoginResponse } } },
      async (req, reply) => issue(reply, await mfa.completeSignIn(req.actor, req.staff!, toFactor(req.body as never))),
    );
  answer('Sign-in step 2 with a code from the authenticator app', '/api/v1/auth/mfa/totp', TotpAnswer, (b: z.infer<typeof TotpAnswer>) => ({ method: 'totp', code: b.code }));
  answer('Sign-in step 2 with a recovery code (single use)', '/api/v1/auth/mfa/recovery', RecoveryAnswer, (b: z.infer<typeof RecoveryAnswer>) => ({ method: 'recovery', code: b.code }));
  answer('Sign-in step 2 with a security key (WebAuthn assertion)', '/api/v1/auth/mfa/webauthn/verify', WebAuthnAnswer, (b: z.infer<typeof WebAuthnAnswer>) => ({
    method: 'webauthn',
    response: b.response,
  }));

  t.post(
    '/api/v1/auth/mfa/webauthn/options',
    {
      config: { signedIn: true, mfaChallenge: true, enrolment: true, ...medium },
      schema: { tags: ['auth'], summary: 'A single-use WebAuthn challenge for this session (sign-in, step-up, re-authentication)', response: { 200: WebAuthnOptions } },
    },
    async (req) => ({ options: (await mfa.authenticationOptions(req.actor, req.staff!)) as unknown as Record<string, unknown> }),
  );

  t.post(
    '/api/v1/auth/step-up',
    {
      config: { signedIn: true, ...strict },
      schema: { tags: ['auth'], summary: 'Confirm a sensitive action with a second factor now (valid 5 minutes); rotates the session', body: StepUpRequest, response: { 200: MeResponse } },
    },
    async (req, reply) => issue(reply, await mfa.stepUp(req.actor, req.staff!, req.body as FactorAnswer)),
  );

  t.post(
    '/api/v1/auth/reauth',
    {
      config: { signedIn: true, enrolment: true, mfaChallenge: true, ...strict },
      schema: {
        tags: ['auth'],
        summary: 'Full re-authentication (password + a second factor): needed to change factors and to unlock the screen',
        body: ReauthRequest,
        response: { 200: MeResponse },
      },
    },
    async (req, reply) => issue(reply, await mfa.reauthenticate(req.actor, req.staff!, { password: req.body.password, factor: req.body.factor as FactorAnswer })),
  );

  // --- The member's own factors. Changes need a re-authentication within the last 5 minutes.
  t.get(
    '/api/v1/mfa',
    { config: { signedIn: true, enrolment: true }, schema: { tags: ['mfa'], summary: 'My second factors (no secrets)', response: { 200: MfaStatus } } },
    async (req) => mfa.status(req.staff!),
  );

  t.post(
    '/api/v1/mfa/totp/start',
    { config: { signedIn: true, enrolment: true }, schema: { tags: ['mfa'], summary: 'Propose a new TOTP secret (stored only once confirmed)', response: { 200: TotpEnrolStart } } },
    async (req) => mfa.totpStart(req.actor, req.staff!),
  );

  t.post(
    '/api/v1/mfa/totp/confirm',
    {
      config: { signedIn: true, enrolment: true, ...strict },
      schema: { tags: ['mfa'], summary: 'Enrol or replace TOTP with a current code from the proposed secret', body: TotpEnrolConfirm, response: { 200: FactorChangeResponse } },
    },
    async (req, reply) => {
      const out = await mfa.totpConfirm(req.actor, req.staff!, req.body);
      return { recoveryCodes: out.recoveryCodes, session: out.session ? issue(reply, out.session) : undefined };
    },
  );

  t.post(
    '/api/v1/mfa/keys/options',
    { config: { signedIn: true, enrolment: true, ...medium }, schema: { tags: ['mfa'], summary: 'Options to register a security key (user verification required)', response: { 200: WebAuthnOptions } } },
    async (req) => ({ options: (await mfa.keyRegistrationOptions(req.actor, req.staff!)) as unknown as Record<string, unknown> }),
  );

  t.post(
    '/api/v1/mfa/keys',
    {
      config: { signedIn: true, enrolment: true, ...strict },
      schema: { tags: ['mfa'], summary: 'Register a security key', body: KeyRegisterRequest, response: { 201: FactorChangeResponse } },
    },
    async (req, reply) => {
      const out = await mfa.registerKey(req.actor, req.staff!, req.body);
      return reply.code(201).send({ key: out.key, recoveryCodes: out.recoveryCodes, session: out.session ? issue(reply, out.session) : undefined });
    },
  );

  t.patch(
    '/api/v1/mfa/keys/:id',
    {
      config: { signedIn: true },
      schema: { tags: ['mfa'], summary: 'Rename a security key', params: z.object({ id: z.string().max(1024) }), body: KeyRenameRequest, response: { 200: SecurityKey } },
    },
    async (req) => mfa.renameKey(req.actor, req.staff!, req.params.id, req.body.name),
  );

  t.delete(
    '/api/v1/mfa/keys/:id',
    {
      config: { signedIn: true },
      schema: { tags: ['mfa'], summary: 'Revoke a security key', params: z.object({ id: z.string().max(1024) }), response: { 204: z.null() } },
    },
    async (req, reply) => {
      await mfa.revokeKey(req.actor, req.staff!, req.params.id);
      return reply.code(204).send(null);
    },
  );

  t.post(
    '/api/v1/mfa/recovery-codes',
    { config: { signedIn: true }, schema: { tags: ['mfa'], summary: 'Replace all recovery codes with ten new ones (shown once)', response: { 200: RecoveryCodesResponse } } },
    async (req) => mfa.regenerateRecoveryCodes(req.actor, req.staff!),
  );
}
