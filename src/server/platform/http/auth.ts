// The request pipeline's access gate. Every route declares `config.permission` or `config.public`; the app
// refuses to start otherwise. Authentication is delegated to an Authenticator supplied by the composition
// root (platform knows nothing of modules); permission checks and CSRF happen here, and every denial is
// audited.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ErrorCode } from '../../../contracts/errors.js';
import { isPermission, type Permission } from '../authz/permissions.js';
import { AppError } from './errors.js';
import { anonymousContext, withContext, type ActorContext } from './request-context.js';

export interface AuthenticatedStaff {
  id: string;
  displayName: string;
  roles: string[];
  sessionIdHash: string;
  /** SHA-256 of the CSRF token bound to the session. */
  csrfHash: string;
  /** The session's CSRF token (derived from the session token; never stored). */
  csrfToken: string;
  /** Everything the member's roles grant, computed for this request (no cached grants). */
  permissions?: ReadonlySet<string>;
  /**
   * Where the session stands with its second factor: `active` (signed in), `mfa_pending` (password checked,
   * second factor not answered yet), `enrolment_required` (the member must first enrol a sufficient factor) or
   * `locked` (idle screen lock: only a full re-authentication unlocks it).
   */
  mfaState: 'active' | 'mfa_pending' | 'enrolment_required' | 'locked';
  /** A second factor was used in this session within the last 5 minutes (what `stepUp` routes need). */
  stepUpFresh: boolean;
}

export interface Authenticator {
  /** Resolves the session cookie into a staff member, or null (and ends the session when it must). */
  authenticate(req: FastifyRequest, ctx: ActorContext): Promise<AuthenticatedStaff | null>;
  /** True when the CSRF token matches the session's. */
  checkCsrf(staff: AuthenticatedStaff, token: string | undefined): boolean;
}

/** Everything a set of roles grants now (read from the database on every call: no cached grants). */
export type PermissionsFor = (roles: readonly string[]) => Promise<ReadonlySet<string>>;

export interface DenialRecorder {
  recordDenied(ctx: ActorContext, action: string, code: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller must hold. */
    permission?: Permission;
    /** Reachable without a session. */
    public?: boolean;
    /** Any signed-in member (e.g. "me", sign out); CSRF still applies. */
    signedIn?: boolean;
    /** Needs a second factor used within the last 5 minutes; otherwise 401 `step_up_required`. */
    stepUp?: boolean;
    /** Reachable by a session whose member must first enrol a second factor (enrolment, sign-out). */
    enrolment?: boolean;
    /** Reachable by a session whose second factor is still pending, or that is locked (answering, unlocking, sign-out). */
    mfaChallenge?: boolean;
  }
  interface FastifyRequest {
    actor: ActorContext;
    staff: AuthenticatedStaff | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses to register a route that declares neither a permission nor `public: true`. */
export function enforceRouteDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const cfg = (route.config ?? {}) as { permission?: string; public?: boolean; signedIn?: boolean; rootPath?: string };
    // Files of the built web UI (registered by @fastify/static, which marks them with rootPath) are public.
    const staticFile = cfg as { rootPath?: string; file?: string };
    if (
      staticFile.rootPath !== undefined &&
      staticFile.file !== undefined &&
      String(route.method).includes('GET') &&
      !route.url.startsWith('/api')
    ) {
      (route.config as { public?: boolean }).public = true;
      return;
    }
    if (cfg.public === true || cfg.signedIn === true) return;
    if (!cfg.permission) {
      throw new Error(`route ${route.method} ${route.url} declares neither config.permission, config.signedIn nor config.public`);
    }
    if (!isPermission(cfg.permission)) {
      throw new Error(`route ${route.method} ${route.url} declares unknown permission ${cfg.permission}`);
    }
  });
}

/** Installs request context, authentication, authorization and CSRF hooks. */
export function installAccessGate(
  app: FastifyInstance,
  deps: { authenticator: Authenticator; denials: DenialRecorder; permissionsFor: PermissionsFor },
): void {
  app.decorateRequest('actor', null as unknown as ActorContext);
  app.decorateRequest('staff', null);

  // The context lives in AsyncLocalStorage for the rest of the request (hooks, handler, audit, logs).
  app.addHook('onRequest', (req, _reply, done) => {
    const ctx = anonymousContext(req.ip, String(req.id));
    req.actor = ctx;
    withContext(ctx, done);
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const cfg = req.routeOptions.config as {
      permission?: Permission;
      public?: boolean;
      signedIn?: boolean;
      stepUp?: boolean;
      enrolment?: boolean;
      mfaChallenge?: boolean;
    };
    // Unknown routes (404) have no config; they pass through to the not-found handler.
    if (!req.routeOptions.url) return;
    const staff = await deps.authenticator.authenticate(req, req.actor);
    if (staff) {
      req.staff = staff;
      Object.assign(req.actor, {
        actorType: 'staff',
        actorId: staff.id,
        actorName: staff.displayName,
        sessionIdHash: staff.sessionIdHash,
      });
    }
    if (cfg.public === true) return;
    const action = `${cfg.permission ?? 'route'}:${req.method} ${req.routeOptions.url}`;
    if (!staff) {
      await deps.denials.recordDenied(req.actor, 'access.unauthenticated', action);
      throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
    }
    if (!SAFE_METHODS.has(req.method)) {
      const token = req.headers['x-csrf-token'];
      if (!deps.authenticator.checkCsrf(staff, typeof token === 'string' ? token : undefined)) {
        await deps.denials.recordDenied(req.actor, 'access.csrf_failed', action);
        throw new AppError(ErrorCode.csrf, 403, 'The request did not carry a valid CSRF token');
      }
    }
    // MFA is mandatory: a session whose second factor is pending can only answer it; a member without a
    // (sufficient) factor can only enrol one. Sign-out carries both flags.
    if (staff.mfaState === 'mfa_pending' && cfg.mfaChallenge !== true) {
      await deps.denials.recordDenied(req.actor, 'access.mfa_required', action);
      throw new AppError(ErrorCode.mfaRequired, 403, 'Finish signing in with your second factor first');
    }
    if (staff.mfaState === 'enrolment_required' && cfg.enrolment !== true) {
      await deps.denials.recordDenied(req.actor, 'access.mfa_enrolment_required', action);
      throw new AppError(ErrorCode.mfaEnrolmentRequired, 403, 'Set up a second factor first');
    }
    if (staff.mfaState === 'locked' && cfg.mfaChallenge !== true) {
      await deps.denials.recordDenied(req.actor, 'access.session_locked', action);
      throw new AppError(ErrorCode.sessionLocked, 403, 'The screen is locked: confirm your password and second factor');
    }
    if (staff.mfaState !== 'active' && staff.mfaState !== 'mfa_pending' && staff.mfaState !== 'enrolment_required' && staff.mfaState !== 'locked') {
      throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
    }
    // Step-up: a second factor used within the last 5 minutes (checked after the permission, below, so a
    // member without the permission is told 403, not invited to step up).
    const requireStepUp = async () => {
      if (cfg.stepUp === true && !staff.stepUpFresh) {
        await deps.denials.recordDenied(req.actor, 'access.step_up_required', action);
        throw new AppError(ErrorCode.stepUpRequired, 401, 'Confirm this action with your second factor');
      }
    };
    // Grants are read on every request (the member's roles from the staff row, each role's permissions from
    // role_permission): a change to a member's roles or to a role applies on the next request.
    staff.permissions = await deps.permissionsFor(staff.roles);
    if (cfg.signedIn === true) return requireStepUp();
    if (!cfg.permission || !staff.permissions.has(cfg.permission)) {
      await deps.denials.recordDenied(req.actor, 'access.denied', action);
      throw new AppError(ErrorCode.forbidden, 403, 'You do not have permission to do this');
    }
    await requireStepUp();
    void reply;
  });
}

/** A fresh request id for every request; ids sent by clients are ignored. */
export function genReqId(): string {
  return randomUUID();
}
