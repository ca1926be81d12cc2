// A real server on 127.0.0.1 (random port) for browser tests: fresh in-memory PGlite, fresh key file.
import { createTestApp, type TestApp } from './test-app.js';

export interface TestServer {
  baseUrl: string;
  bootstrapUrl: string;
  app: TestApp;
  close(): Promise<void>;
}

/** Starts the app listening on loopback and issues the one-time bootstrap link. */
export async function startTestServer(opts: { env?: Record<string, string> } = {}): Promise<TestServer> {
  const t = await createTestApp({ serveWeb: true, env: { PORT: '0', ...opts.env } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${addr.port}`;
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
