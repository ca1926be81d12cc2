// Transport from the attacker's side: behind a trusted proxy only HTTPS-forwarded requests are served and the
// client address comes from the proxy alone (a client-sent X-Forwarded-For or X-Forwarded-Proto is ignored);
// with its own TLS the server speaks TLS 1.2+ with forward-secret suites only and sends HSTS.
//
// The TLS probes run against a real listening server with a real certificate. Each refused handshake is
// first shown to succeed against a deliberately weak control server with the same certificate, so a
// refusal proves Bulwark's configuration and not a limitation of the client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { FakeClock } from '../clock.js';
import { expectAudited, findAudited } from '../../../../test/helpers/audit.js';
import { ADMIN, bootstrapAdmin, createTestApp, signIn, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';

const login = (t: TestApp, remoteAddress: string, headers: Record<string, string>, email = 'nobody@bank.test') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    headers,
    payload: { email, password: 'not the password at all', totpCode: '123456' },
  });

describe('behind a trusted proxy (TRUST_PROXY=127.0.0.1)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
  });
  after(async () => {
    await t?.close();
  });

  it('refuses requests the proxy did not receive over HTTPS', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.1' });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().code, 'https_required');
    const http = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'http' } });
    assert.equal(http.json().code, 'https_required');
  });

  it('serves HTTPS-forwarded requests, with HSTS', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
  });

  it('ignores X-Forwarded-Proto sent by a peer that is not the trusted proxy', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      remoteAddress: '10.9.9.9',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'https_required');
  });

  it('takes the client address from the trusted proxy only, never from what the client put in the header', async () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw (203.0.113.7).
    const res = await login(t, '127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
    assert.equal(res.statusCode, 401, res.body);
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', actorIp: '203.0.113.7' });
    assert.equal((await findAudited(t, { action: 'auth.login', actorIp: '6.6.6.6' })).length, 0);
  });

  it('does not serve /metrics to a client on the internet that comes through the proxy on this host', async () => {
    // The proxy connects from loopback; only a scraper on this host itself (no forwarded client) may read them.
    const viaProxy = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    });
    assert.equal(viaProxy.statusCode, 404, viaProxy.body.slice(0, 200));
    assert.doesNotMatch(viaProxy.body, /process_cpu|bulwark_audit/);
    const local = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(local.statusCode, 200, 'control: a local scraper is served');
    assert.match(local.body, /bulwark_audit_events_total/);
  });

  it('rate-limits sign-in per real client: rotating a spoofed X-Forwarded-For does not reset the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await login(t, '127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': `6.6.6.${i}, 198.51.100.9` });
      statuses.push(res.statusCode);
    }
    // The strict sign-in limit is 10 a minute for this one client, whatever it claims to be.
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
    // Another client behind the same proxy is not locked out by it.
    const other = await login(t, '127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.10' });
    assert.equal(other.statusCode, 401, other.body);
  });
});

describe('without a trusted proxy', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('ignores X-Forwarded-For entirely: the peer address is the client address', async () => {
    const res = await login(t, '10.9.9.9', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-real-ip': '203.0.113.8' });
    assert.equal(res.statusCode, 401, res.body);
    await expectAudited(t, { action: 'auth.login', outcome: 'denied', actorIp: '10.9.9.9' });
    const spoofed = [...(await findAudited(t, { action: 'auth.login', actorIp: '203.0.113.7' })), ...(await findAudited(t, { action: 'auth.login', actorIp: '203.0.113.8' }))];
    assert.equal(spoofed.length, 0);
  });
});

function haveOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}

interface Probe {
  ok: boolean;
  protocol?: string | null;
  cipher?: string;
  error?: string;
}

/** Attempts a TLS handshake; resolves with what was negotiated or the error. */
function probe(port: number, opts: ConnectionOptions): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...opts }, () => {
      resolve({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

// A client willing to speak TLS 1.0/1.1 (OpenSSL 3 only allows them at security level 0).
const TLS11 = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'ALL:@SECLEVEL=0' } as const satisfies ConnectionOptions;
// Static-RSA key exchange: no forward secrecy.
const NON_FS_SUITES = ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA'];

describe('with its own TLS (TLS_CERT/TLS_KEY)', { skip: !haveOpenssl() && !process.env.CI ? 'openssl is not installed' : false }, () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let dir: string;
  let t: TestApp;
  let port: number;
  let weak: HttpsServer;
  let weakPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-tls-'));
    // An RSA certificate: with an EC one, static-RSA suites could never be negotiated anyway, and the
    // forward-secrecy probe would prove nothing.
    const gen = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
    ]);
    assert.equal(gen.status, 0, String(gen.stderr));
    t = await createTestApp({ clock, env: { TLS_CERT: join(dir, 'c.pem'), TLS_KEY: join(dir, 'k.pem') } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    // The control: the same certificate, anything goes.
    weak = createHttpsServer(
      { cert: readFileSync(join(dir, 'c.pem')), key: readFileSync(join(dir, 'k.pem')), minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' },
      (_req, res) => res.end('weak'),
    );
    await new Promise<void>((r) => weak.listen(0, '127.0.0.1', r));
    weakPort = (weak.address() as AddressInfo).port;
  });
  after(async () => {
    weak?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates TLS 1.3, and TLS 1.2 with an ECDHE suite', async () => {
    const v13 = await probe(port, {});
    assert.ok(v13.ok, v13.error);
    assert.equal(v13.protocol, 'TLSv1.3');
    const v12 = await probe(port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    assert.ok(v12.ok, v12.error);
    assert.equal(v12.protocol, 'TLSv1.2');
    assert.match(String(v12.cipher), /^ECDHE-/);
  });

  it('refuses TLS 1.1 and older (the control server accepts the same client)', async () => {
    const control = await probe(weakPort, TLS11);
    assert.ok(control.ok && control.protocol === 'TLSv1.1', `control: ${JSON.stringify(control)}`);
    const res = await probe(port, TLS11);
    assert.equal(res.ok, false, `TLS 1.1 was accepted: ${JSON.stringify(res)}`);
    const v10 = await probe(port, { ...TLS11, maxVersion: 'TLSv1' });
    assert.equal(v10.ok, false, `TLS 1.0 was accepted: ${JSON.stringify(v10)}`);
  });

  it('refuses suites without forward secrecy (the control server accepts them)', async () => {
    for (const ciphers of NON_FS_SUITES) {
      const control = await probe(weakPort, { maxVersion: 'TLSv1.2', ciphers: `${ciphers}:@SECLEVEL=0` });
      assert.ok(control.ok && control.cipher === ciphers, `control ${ciphers}: ${JSON.stringify(control)}`);
      const res = await probe(port, { maxVersion: 'TLSv1.2', ciphers: `${ciphers}:@SECLEVEL=0` });
      assert.equal(res.ok, false, `${ciphers} was accepted: ${JSON.stringify(res)}`);
    }
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      const socket = netConnect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      socket.on('data', (d) => (data += d.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
      socket.setTimeout(3000, () => socket.destroy());
    });
    assert.ok(!reply.startsWith('HTTP/1.1 200'), reply.slice(0, 100));
  });

  it('sends HSTS for a year and a strict CSP over TLS', async () => {
    const { status, headers } = await new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', servername: 'localhost', rejectUnauthorized: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.match(String(headers['strict-transport-security']), /^max-age=31536000\b/);
    assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(headers['cache-control'], 'no-store');
  });

  it('issues a __Host- session cookie marked Secure over TLS', async () => {
    const { secret } = await bootstrapAdmin(t, clock);
    clock.advance(30_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN.email, password: ADMIN.password, totpCode: totpAt(secret, clock.now()) },
    });
    assert.equal(res.statusCode, 200, res.body);
    const header = String(res.headers['set-cookie']);
    assert.match(header, /^__Host-bulwark=/);
    assert.match(header, /;\s*Secure/i);
    assert.match(header, /;\s*HttpOnly/i);
    assert.match(header, /;\s*SameSite=Strict/i);
    assert.match(header, /;\s*Path=\//);
    assert.doesNotMatch(header, /;\s*Domain=/i);
    // The session works with that cookie (control).
    clock.advance(30_000);
    const s = await signIn(t, secret, clock);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.headers });
    assert.equal(me.statusCode, 200, me.body);
  });
});
