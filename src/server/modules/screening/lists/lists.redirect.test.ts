// Sync follows a publisher's redirects (they do redirect, to their CDN) but checks every hop like the configured
// URL: a redirect to plain http on another host, or to another scheme, is refused; so is a redirect loop.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { downloadOne } from './lists.sync.js';

describe('list sync: redirects are checked hop by hop', () => {
  let server: Server;
  let base = '';
  const opts = { maxBytes: 1024, timeoutMs: 5000 };
  before(async () => {
    server = createServer((req, res) => {
      const to: Record<string, string> = {
        '/moved': '/list.txt',
        '/away': 'http://198.51.100.7/list.txt',
        '/file': 'file:///etc/passwd',
        '/loop': '/loop',
      };
      if (req.url === '/list.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('0x0000000000000000000000000000000000000001\n');
      const location = to[req.url ?? ''];
      if (location) return void res.writeHead(302, { location }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('follows a redirect that passes the check', async () => {
    const f = await downloadOne(`${base}/moved`, opts);
    assert.equal(f.name, 'list.txt');
    assert.match(f.bytes.toString(), /^0x0+1/);
  });

  it('refuses a redirect to plain http on another host, and to another scheme', async () => {
    await assert.rejects(downloadOne(`${base}/away`, opts), /redirected to http:\/\/198\.51\.100\.7: only https:\/\/ URLs are fetched/);
    await assert.rejects(downloadOne(`${base}/file`, opts), /redirected to file:.*only https:\/\/ URLs are fetched/);
  });

  it('refuses a redirect loop', async () => {
    await assert.rejects(downloadOne(`${base}/loop`, opts), /more than 5 redirects/);
  });
});
