// Serves the built web UI (dist/web) from the same server, with the SPA fallback for client routes.
// Unknown /api paths get a problem+json 404, never index.html.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../../contracts/errors.js';
import { sendProblem } from './problem.js';

/** Finds dist/web whether running from src (tsx) or from dist (compiled). */
export function webRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (existsSync(join(dir, 'package.json'))) break;
    dir = resolve(dir, '..');
  }
  return undefined;
}

/** Registers static files and the not-found handler. */
export async function registerWeb(app: FastifyInstance, opts: { enabled: boolean }): Promise<void> {
  const root = opts.enabled ? webRoot() : undefined;
  const indexHtml = root ? readFileSync(join(root, 'index.html')) : undefined;
  if (root) {
    await app.register(fastifyStatic, {
      root,
      index: false,
      wildcard: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders(res, path) {
        // Hashed assets are immutable; everything else is revalidated.
        res.header(
          'cache-control',
          path.includes(`${'/'}assets${'/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler({ preHandler: app.rateLimit ? app.rateLimit() : undefined }, (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path === '/api' || path === '/healthz' || path === '/readyz';
    // A missing file (anything with an extension, or under /assets) is a 404, not the app page: otherwise
    // probes such as /.git/config or a stale asset URL would get 200 and HTML.
    const looksLikeFile = /\.[A-Za-z0-9]{1,8}$/.test(path) || path.startsWith('/assets/') || path.startsWith('/.');
    if (isApi || looksLikeFile || !indexHtml || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendProblem(reply, 404, ErrorCode.notFound, 'Not found');
    }
    // Client-side routes (/login, /bootstrap, /traders/…) all load the single page; the UI shows its own 404.
    return reply.code(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  });
}
