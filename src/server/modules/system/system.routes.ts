// Liveness, readiness and metrics. Liveness says nothing about internals; readiness names what is missing.
import { z } from 'zod';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const Ready = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ database: z.boolean(), migrations: z.boolean(), keyRing: z.boolean(), redis: z.boolean().optional() }),
});

/** Registers /healthz, /readyz and /metrics. */
export function registerSystemRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  t.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Readiness: database, migrations, key ring', response: { 200: Ready, 503: Ready } } },
    async (_req, reply) => {
      const checks = await c.readiness();
      const ok = checks.database && checks.migrations && checks.keyRing && checks.redis !== false;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
    },
  );

  t.get(
    '/metrics',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Prometheus metrics (loopback only)', hide: true } },
    async (req, reply) => {
      // Counts only, no personal data; still, only a scraper on this host may read them. Behind a reverse proxy
      // on this host every request arrives from loopback, so the client address the trusted proxy reported
      // (req.ip) must be loopback too, or anyone on the internet could read them through the proxy.
      if (!isLoopbackIp(req.socket.remoteAddress ?? '') || !isLoopbackIp(req.ip)) return reply.callNotFound();
      reply.header('content-type', c.metrics.contentType);
      return c.metrics.metrics();
    },
  );
}

function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
