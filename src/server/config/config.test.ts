// Config fails closed: every wrong value stops the process with ONE line that names the variable, and never
// echoes a secret it was given. Plain HTTP is only for loopback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

/** Asserts loadConfig(env) throws a one-line ConfigError naming `variable`; returns the message. */
function expectConfigError(env: Record<string, string>, variable: string): string {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${JSON.stringify(env)}, got ${String(caught)}`);
  const message = caught.message;
  assert.ok(!/[\r\n]/.test(message), `the message must be one line: ${JSON.stringify(message)}`);
  assert.ok(message.includes(variable), `the message must name ${variable}: ${message}`);
  assert.ok(message.length < 200, `the message must be short: ${message}`);
  return message;
}

describe('loadConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-config-'));
    // Placeholders: loadConfig checks the files are readable; the TLS tests use real certificates.
    writeFileSync(join(dir, 'c.pem'), 'certificate');
    writeFileSync(join(dir, 'k.pem'), 'key');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to plain HTTP on 127.0.0.1:8080 with the data in ./data and keys beside it, not inside', () => {
    const c = loadConfig({});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, resolve('./data'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.tls, undefined);
    assert.equal(c.trustProxy, undefined);
    // localhost, not 127.0.0.1: browsers accept security keys (WebAuthn) on a host name only.
    assert.equal(c.publicUrl, 'http://localhost:8080');
    // The master key must not end up in a backup of the data directory.
    assert.ok(!c.keyFile.startsWith(`${c.dataDir}/`), `key file ${c.keyFile} is inside ${c.dataDir}`);
    assert.ok(!c.checkpointDir.startsWith(`${c.dataDir}/`), `checkpoints ${c.checkpointDir} are inside ${c.dataDir}`);
  });

  it('refuses a PORT that is not a number', () => {
    expectConfigError({ PORT: 'abc' }, 'PORT');
    expectConfigError({ PORT: '70000' }, 'PORT');
    expectConfigError({ PORT: '80.5' }, 'PORT');
    // An empty PORT= must not silently mean "any free port", nor hex or exponent notation a port.
    expectConfigError({ PORT: '' }, 'PORT');
    expectConfigError({ PORT: '0x50' }, 'PORT');
    expectConfigError({ PORT: '1e3' }, 'PORT');
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
    assert.equal(loadConfig({ PORT: '8443' }).port, 8443);
  });

  it('refuses to serve plain HTTP on a non-loopback address', () => {
    expectConfigError({ HOST: '0.0.0.0' }, 'HOST');
    expectConfigError({ HOST: '::' }, 'HOST');
    expectConfigError({ HOST: '192.168.1.10' }, 'HOST');
    expectConfigError({ HOST: 'bulwark.example.com' }, 'HOST');
  });

  it('allows a non-loopback address only with TLS or a trusted proxy (positive control)', () => {
    const cert = join(dir, 'c.pem');
    const key = join(dir, 'k.pem');
    const tls = loadConfig({ HOST: '0.0.0.0', TLS_CERT: cert, TLS_KEY: key });
    assert.deepEqual(tls.tls, { cert, key });
    assert.match(tls.publicUrl, /^https:/);
    const proxied = loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' });
    assert.deepEqual(proxied.trustProxy, ['10.0.0.1', '10.1.0.0/16']);
    assert.match(proxied.publicUrl, /^https:/);
  });

  it('refuses TLS_CERT without TLS_KEY and the reverse', () => {
    expectConfigError({ TLS_CERT: '/etc/bulwark/cert.pem' }, 'TLS_KEY');
    expectConfigError({ TLS_KEY: '/etc/bulwark/key.pem' }, 'TLS_CERT');
  });

  it('refuses certificate or key files it cannot read, with one line instead of a stack trace', () => {
    expectConfigError({ TLS_CERT: join(dir, 'missing.pem'), TLS_KEY: join(dir, 'k.pem') }, 'TLS_CERT');
    expectConfigError({ TLS_CERT: join(dir, 'c.pem'), TLS_KEY: join(dir, 'missing.pem') }, 'TLS_KEY');
  });

  it('refuses a TRUST_PROXY that is not a list of addresses or CIDR ranges', () => {
    const m = expectConfigError({ TRUST_PROXY: 'garbage' }, 'TRUST_PROXY');
    assert.ok(m.includes('garbage'));
    expectConfigError({ TRUST_PROXY: '10.0.0.1,*' }, 'TRUST_PROXY');
    expectConfigError({ TRUST_PROXY: '10.0.0.0/x' }, 'TRUST_PROXY');
    // A prefix longer than the address would otherwise pass here and crash the HTTP server at start-up
    // with a stack trace instead of one clear line.
    expectConfigError({ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY');
    expectConfigError({ TRUST_PROXY: '::1/129' }, 'TRUST_PROXY');
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, without echoing the credentials in it', () => {
    const m = expectConfigError({ DATABASE_URL: 'mysql://root:hunter2-secret@db.internal/bulwark' }, 'DATABASE_URL');
    assert.ok(!m.includes('hunter2-secret'), `the message leaks the password: ${m}`);
    assert.ok(!m.includes('db.internal'), `the message leaks the host: ${m}`);
  });

  it('refuses other wrong values with one line each', () => {
    expectConfigError({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
    expectConfigError({ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL');
    expectConfigError({ DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE');
    expectConfigError({ BULWARK_LOG_ORIGIN: 'has spaces' }, 'BULWARK_LOG_ORIGIN');
    expectConfigError({ REDIS_URL: 'http://cache' }, 'REDIS_URL');
  });
});
