// A real server on 127.0.0.1 (a free port) for browser tests: fresh in-memory PGlite, fresh key file. The
// browser talks to it as http://localhost:PORT, its PUBLIC_URL: browsers accept security keys (WebAuthn) on a
// host name only, never on an IP address, and the server accepts WebAuthn answers from its public origin only.
import { createServer } from 'node:net';
import type { Clock } from '../../src/server/platform/clock.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface TestServer {
  baseUrl: string;
  bootstrapUrl: string;
  app: TestApp;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the app listening on loopback and issues the one-time bootstrap link. */
export async function startTestServer(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<TestServer> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const t = await createTestApp({ serveWeb: true, env: { PORT: String(port), PUBLIC_URL: baseUrl, ...opts.env }, ...(opts.clock ? { clock: opts.clock } : {}) });
  await t.app.listen({ host: '127.0.0.1', port });
  const link = await t.container.staffAuth.issueBootstrapLinkIfNeeded();
  if (!link) throw new Error('bootstrap link not issued');
  const token = link.url.split('#token=')[1]!;
  return {
    baseUrl,
    bootstrapUrl: `${baseUrl}/bootstrap#token=${token}`,
    app: t,
    close: () => t.close(),
  };
}
