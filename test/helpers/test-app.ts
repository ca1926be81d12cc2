// A real application per test file: in-memory PGlite by default, or a fresh PostgreSQL database of its own
// when DATABASE_URL is set (CI runs the suite both ways). Never a mock of the database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import * as OTPAuth from 'otpauth';
import { buildApp, type BuiltApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config/config.js';
import type { Clock } from '../../src/server/platform/clock.js';
import { signInMember } from './sign-in.js';

export interface TestApp extends BuiltApp {
  config: Config;
  dirs: { root: string };
  /** Everything the app logged, as text. */
  logs: () => string;
  close(): Promise<void>;
}

/** Creates a throwaway PostgreSQL database when DATABASE_URL is set; returns its URL and a drop function. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `bulwark_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Builds the app against a fresh database and temp directories. */
export async function createTestApp(
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    serveWeb?: boolean;
    onDisk?: boolean;
    /** How sign-in throttling delays are waited out; by default tests do not really wait (record them instead). */
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<TestApp> {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-test-'));
  const pgdb = await freshPostgres();
  const config = loadConfig({
    NODE_ENV: 'test',
    BULWARK_DATA_DIR: join(root, 'data'),
    BULWARK_KEY_FILE: join(root, 'keys', 'master-key.json'),
    BULWARK_CHECKPOINT_DIR: join(root, 'checkpoints'),
    LOG_LEVEL: 'info',
    CHECKPOINT_EVERY_SECONDS: '3600',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...opts.env,
  });
  let logText = '';
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const built = await buildApp(config, {
    logStream,
    inMemory: !opts.onDisk,
    serveWeb: opts.serveWeb ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
    sleep: opts.sleep ?? (() => Promise.resolve()),
  });
  return {
    ...built,
    config,
    dirs: { root },
    logs: () => logText,
    async close() {
      await built.app.close();
      await pgdb?.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The TOTP code for a base32 secret at a given time. */
export function totpAt(secret: string, when: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: when.getTime(),
  });
}

export const ADMIN = { displayName: 'Ada Admin', email: 'ada.admin@bank.test', password: 'correct horse battery staple 42' };

/** Runs the bootstrap through the API; returns the TOTP secret and recovery codes of the new administrator. */
export async function bootstrapAdmin(t: TestApp, clock: Clock): Promise<{ secret: string; staffId: string; recoveryCodes: string[] }> {
  const link = await t.container.staffAuth.issueBootstrapLinkIfNeeded();
  if (!link) throw new Error('bootstrap link not issued');
  const token = link.url.split('#token=')[1]!;
  const start = await t.app.inject({ method: 'POST', url: '/api/v1/bootstrap/start', payload: { token } });
  if (start.statusCode !== 200) throw new Error(`bootstrap start: ${start.statusCode} ${start.body}`);
  const secret = start.json().totpSecret as string;
  const done = await t.app.inject({
    method: 'POST',
    url: '/api/v1/bootstrap/complete',
    payload: { token, ...ADMIN, totpCode: totpAt(secret, clock.now()) },
  });
  if (done.statusCode !== 201) throw new Error(`bootstrap complete: ${done.statusCode} ${done.body}`);
  return { secret, staffId: done.json().staffId, recoveryCodes: done.json().recoveryCodes as string[] };
}

/**
 * Signs the bootstrap administrator in, both steps (password, then TOTP at `clock.now()` — or the software
 * key the test registered; an admin role that requires a hardware key gets one enrolled on first use).
 * Returns the cookie header value, the CSRF token and the headers a browser would send next.
 */
export async function signIn(t: TestApp, secret: string, clock: Clock, ua = 'test-agent', ip = '127.0.0.1') {
  const s = await signInMember(t, { email: ADMIN.email, password: ADMIN.password, secret }, clock, ua, ip);
  return { cookie: s.cookie, csrf: s.csrf, headers: s.headers };
}
