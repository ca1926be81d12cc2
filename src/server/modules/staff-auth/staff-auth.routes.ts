// Bootstrap and sign-in routes. Thin: validate, call one service function, present.
import { z } from 'zod';
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
import { ABSOLUTE_TIMEOUT_MS } from './staff-auth.service.js';

/** Registers /api/v1/bootstrap/* and /api/v1/auth/*. */
export function registerStaffAuthRoutes(t: TypedApp, c: Container): void {
  const svc = c.staffAuth;
  // Sign-in and set-up are the brute-force targets: a tight per-IP limit on top of the global one.
  const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };

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
      schema: { tags: ['auth'], summary: 'Sign in with email, password and a TOTP code', body: LoginRequest, response: { 200: LoginResponse } },
    },
    async (req, reply) => {
      const { token, body } = await svc.login(req.actor, req.body, {
        ip: req.ip,
        userAgent: String(req.headers['user-agent'] ?? ''),
      });
      reply.setCookie(svc.cookieName, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: svc.cookieName.startsWith('__Host-'),
        maxAge: Math.floor(ABSOLUTE_TIMEOUT_MS / 1000),
      });
      return body;
    },
  );

  // The UI's session probe on every page load: public so that a signed-out visitor's probe is a plain 401,
  // not an audited denial (the audit log records access attempts to protected resources, not page loads).
  t.get(
    '/api/v1/auth/me',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'The signed-in member (401 when signed out)', response: { 200: MeResponse } } },
    async (req) => {
      if (!req.staff) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
      return svc.me(req.staff);
    },
  );

  t.post(
    '/api/v1/auth/logout',
    { config: { signedIn: true }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } } },
    async (req, reply) => {
      await svc.logout(req.actor, req.staff!);
      reply.clearCookie(svc.cookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );
}
