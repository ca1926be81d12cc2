// Transport security: headers on every response, no-store on the API, HTTPS-only behind a trusted proxy.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../../contracts/errors.js';
import { sendProblem } from './problem.js';

export interface SecurityOptions {
  /** True when this process terminates TLS itself or sits behind a TLS-terminating trusted proxy. */
  https: boolean;
  /** Behind a trusted proxy: refuse requests the proxy did not receive over HTTPS. */
  requireForwardedHttps: boolean;
}

/** Registers helmet with a strict CSP, HSTS on TLS, and the API cache rules. */
export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only means something over TLS; on loopback HTTP it would be ignored or, worse, pin localhost.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });

  if (opts.requireForwardedHttps) {
    // request.protocol is derived from X-Forwarded-Proto only when the peer is a trusted proxy.
    app.addHook('onRequest', async (req, reply) => {
      if (req.protocol !== 'https') {
        return sendProblem(reply, 400, ErrorCode.httpsRequired, 'HTTPS is required', {
          detail: 'This server only answers requests forwarded over HTTPS by its trusted proxy',
        });
      }
    });
  }

  app.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/') || path === '/healthz' || path === '/readyz' || path === '/metrics') {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    return payload;
  });
}
