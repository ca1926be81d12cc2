// Sync behind a proxy: the download goes through the proxy named by the standard environment variables
// (HTTP_PROXY here for a loopback http:// publisher; HTTPS_PROXY is read the same way for https:// URLs), which is
// how Bulwark reaches the publishers from a network without direct egress. Its own file: the proxy agent reads
// the environment once per process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { downloadList } from './lists.sync.js';
import { SKIP_SAMPLES, sample } from './test-support/data.js';

describe('sync through a proxy', { skip: SKIP_SAMPLES }, () => {
  let publisher: Server;
  let proxy: Server;
  const seen: string[] = [];
  let base = '';
  before(async () => {
    publisher = createServer((_req, res) => res.writeHead(200).end(readFileSync(sample('uk_sanctions_list_sample/sample_uk_sanctions.xml'))));
    await new Promise<void>((r) => publisher.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}`;
    // A minimal forward proxy: CONNECT tunnels and absolute-form GETs, each recorded.
    proxy = createServer((req, res) => {
      seen.push(`GET ${req.url}`);
      const up = request(req.url!, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    proxy.on('connect', (req, socket, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = req.url!.split(':');
      const up = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
  });
  after(() => {
    delete process.env.HTTP_PROXY;
    publisher.close();
    proxy.close();
  });

  test('the download passes through the proxy', async () => {
    const files = await downloadList({ source: 'uk_sanctions', enabled: true, urls: [`${base}/UK-Sanctions-List.xml`] }, { maxBytes: 1_000_000, timeoutMs: 5000 });
    assert.equal(files[0]!.name, 'UK-Sanctions-List.xml');
    assert.ok(seen.some((s) => s.includes(base.replace('http://', '')) || s.includes(`${base}/UK-Sanctions-List.xml`)), `the proxy saw: ${seen.join(', ')}`);
  });
});
