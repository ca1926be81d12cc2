// buildApp(config, deps?) → a ready Fastify instance. Tests drive it with app.inject; main.ts listens.
import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config/config.js';
import { createContainer, type Container, type ContainerOptions } from './container.js';
import { enforceRouteDeclarations, genReqId, installAccessGate } from './platform/http/auth.js';
import { loggerOptions } from './platform/http/logger.js';
import { installProblemHandlers } from './platform/http/problem.js';
import { registerSecurity } from './platform/http/security.js';
import { registerWeb } from './platform/http/web.js';
import { registerApprovalRoutes } from './modules/approvals/approvals.routes.js';
import { registerAuditRoutes } from './modules/audit/audit.routes.js';
import { registerKeysRoutes } from './modules/keys/keys.routes.js';
import { registerRoleRoutes } from './modules/roles/roles.routes.js';
import { registerTraderRoutes } from './modules/traders/traders.routes.js';
import { registerSupportRoutes } from './modules/support/index.js';
import { registerListsRoutes } from './modules/screening/lists/index.js';
import { registerKycRoutes } from './modules/kyc/index.js';
import { registerExchangeRoutes } from './modules/exchange/index.js';
import { registerWithdrawalLimitRoutes } from './modules/withdrawal-limits/index.js';
import { registerScreeningRoutes } from './modules/screening/index.js';
import { registerConsentRoutes } from './modules/consent/index.js';
import { registerStaffAuthRoutes } from './modules/staff-auth/staff-auth.routes.js';
import { registerSystemRoutes } from './modules/system/system.routes.js';
import { registerEmailRoutes } from './modules/email/email.routes.js';
import { registerSecurityRoutes } from './modules/security/security.routes.js';
import { registerSessionRoutes } from './modules/sessions/sessions.routes.js';
import { registerStaffRoutes } from './modules/staff/staff.routes.js';
import { registerIngestRoutes } from './modules/monitoring/ingest/index.js';
import { registerRulesRoutes } from './modules/monitoring/index.js';
import { registerSarRoutes } from './modules/sar/index.js';
import { registerCasesRoutes } from './modules/cases/index.js';

export type App = FastifyInstance;

export interface BuiltApp {
  app: FastifyInstance;
  container: Container;
}

export interface BuildAppOptions extends ContainerOptions {
  /** Where logs go when no logger is given (tests capture them); defaults to stdout. */
  logStream?: DestinationStream;
  /** Serve the built web UI from dist/web (off in most API tests). */
  serveWeb?: boolean;
}

/** Builds the application: container (db, keys, audit) → Fastify with security, routes and the web UI. */
export async function buildApp(config: Config, opts: BuildAppOptions = {}): Promise<BuiltApp> {
  const log = opts.log ?? pino(loggerOptions(config.logLevel), opts.logStream ?? process.stdout);
  const container = await createContainer(config, { ...opts, log });
  const https = Boolean(config.tls);
  const app = Fastify({
    loggerInstance: log,
    genReqId,
    requestIdHeader: false,
    // The client IP comes from X-Forwarded-For only when the peer is one of the named trusted proxies.
    trustProxy: config.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    ...(config.tls
      ? {
          https: {
            cert: readFileSync(config.tls.cert),
            key: readFileSync(config.tls.key),
            minVersion: 'TLSv1.2' as const,
            // Forward-secret suites only (ECDHE); TLS 1.3 suites are all forward-secret.
            ciphers: [
              'TLS_AES_256_GCM_SHA384',
              'TLS_CHACHA20_POLY1305_SHA256',
              'TLS_AES_128_GCM_SHA256',
              'ECDHE-ECDSA-AES256-GCM-SHA384',
              'ECDHE-RSA-AES256-GCM-SHA384',
              'ECDHE-ECDSA-CHACHA20-POLY1305',
              'ECDHE-RSA-CHACHA20-POLY1305',
              'ECDHE-ECDSA-AES128-GCM-SHA256',
              'ECDHE-RSA-AES128-GCM-SHA256',
            ].join(':'),
            honorCipherOrder: true,
          },
        }
      : {}),
  }) as unknown as FastifyInstance;

  try {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    // A JSON-only API. text/plain is one of the content types a cross-site <form> can send without a CORS
    // preflight, so it is refused with 415 instead of being parsed (JSON remains the only body type).
    app.removeContentTypeParser('text/plain');
    enforceRouteDeclarations(app);
    installProblemHandlers(app);
    await registerSecurity(app, { https: https || Boolean(config.trustProxy), requireForwardedHttps: Boolean(config.trustProxy) });
    await app.register(fastifyCookie);
    // With REDIS_URL the counters are shared by every server process; otherwise they live in this process.
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: '1 minute',
      ...(container.redis ? { redis: container.redis, nameSpace: `${config.redisPrefix}rl:`, skipOnError: false } : {}),
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Bulwark API',
          version: '0.1.0',
          description: 'Secure back office for crypto exchanges. Every error is RFC 9457 problem+json.',
        },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: container.staffAuth.cookieName },
            csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
    installAccessGate(app, { authenticator: container.staffAuth, denials: container.denials, permissionsFor: container.roles.permissionsFor });

    const typed = app.withTypeProvider<ZodTypeProvider>();
    registerSystemRoutes(typed, container);
    registerStaffAuthRoutes(typed, container);
    registerAuditRoutes(typed, container);
    registerKeysRoutes(typed, container);
    registerApprovalRoutes(typed, container);
    registerRoleRoutes(typed, container);
    registerTraderRoutes(typed, container);
    registerSupportRoutes(typed, container);
    registerListsRoutes(typed, container);
    registerKycRoutes(typed, container);
    registerExchangeRoutes(typed, container);
    registerScreeningRoutes(typed, container);
    registerConsentRoutes(typed, container);
    registerStaffRoutes(typed, container);
    registerSessionRoutes(typed, container);
    registerSecurityRoutes(typed, container);
    registerEmailRoutes(typed, container);
    // Issue 6: monitoring (ingestion, rules), alerts and cases, SARs, withdrawal limits — one line per part below.
    registerWithdrawalLimitRoutes(typed, container);
    registerIngestRoutes(typed, container);
    registerRulesRoutes(typed, container);
    registerSarRoutes(typed, container);
    registerCasesRoutes(typed, container);
    typed.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
    await registerWeb(app, { enabled: opts.serveWeb ?? true });

    app.addHook('onClose', async () => {
      await container.close();
    });
    await app.ready();
  } catch (err) {
    await container.close().catch(() => undefined);
    throw err;
  }
  return { app, container };
}
