// The single-page app is served for client routes only; a missing file is a 404, never the app page.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { webRoot } from '../../src/server/platform/http/web.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('web UI fallback', () => {
  let t: TestApp;
  const built = webRoot() !== undefined;
  before(async () => {
    if (!built && process.env.CI === 'true') throw new Error('dist/web is not built (npm ci builds it)');
    t = await createTestApp({ serveWeb: true });
  });
  after(async () => t?.close());

  it('serves index.html for client routes', { skip: built ? false : 'web UI not built (npm run build:web)' }, async () => {
    for (const url of ['/', '/login', '/bootstrap', '/audit', '/settings/keys']) {
      const res = await t.app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
    }
    assert.ok(existsSync(`${webRoot()}/index.html`));
  });

  it('answers 404 problem+json for missing files and dot-paths', { skip: built ? false : 'web UI not built' }, async () => {
    for (const url of ['/.git/config', '/.env', '/assets/missing.js', '/favicon-nope.ico', '/backup.sql']) {
      const res = await t.app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', url);
    }
  });
});
