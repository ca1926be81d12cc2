// The trader read path over real HTTP on PostgreSQL, each figure next to a bare Fastify + pg baseline measured in
// the same run on the same database:
//   1. profile read throughput (session check, permissions, field policy, decrypt every field under the trader's
//      key, mask, durable audit event) under 50 connections, vs a bare primary-key select — target ratio ≥ 0.6;
//   2. search by e-mail (blind index) latency, one request at a time — target p99 < 5 ms;
//   3. trader list page (25 traders, keyset, masked) latency — target p99 < 50 ms.
// The load generator runs in a worker thread; the servers share this process.
//   npx tsx bench/traders.bench.ts [--traders 100000] [--seconds 10] [--connections 50] [--samples 2000] [--cpu-profile FILE]
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config/config.js';
import { systemClock } from '../src/server/platform/clock.js';
import { createMember } from '../test/helpers/staff.js';
import { signInMember } from '../test/helpers/sign-in.js';
import { freshPostgres, type TestApp } from '../test/helpers/test-app.js';
import { seedTradersFast } from './lib/traders-fixture.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('traders', 100_000);
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 50);
const SAMPLES = arg('samples', 2000);
const POOL = 20;
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

interface Load {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}
type Req = { method: 'GET' | 'POST'; path: string; body?: unknown };

function load(port: number, requests: Req[], headers: Record<string, string>, connections: number, seconds?: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./lib/load-worker.mjs', import.meta.url), { workerData: { port, requests, headers, connections, seconds } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const db = await freshPostgres();
if (!db) throw new Error('DATABASE_URL is required');
const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
// Server errors are kept (the first few are printed at the end when any request failed); the rest is dropped.
const serverErrors: string[] = [];
const quiet = new Writable({
  write: (c: Buffer, _e, cb) => {
    const line = c.toString();
    if (serverErrors.length < 5 && /"level":(50|60)/.test(line)) serverErrors.push(line.slice(0, 2000));
    cb();
  },
});
try {
  const config = loadConfig({
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: String(POOL),
    BULWARK_DATA_DIR: join(root, 'data'),
    BULWARK_KEY_FILE: join(root, 'key.json'),
    BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    TRADER_BULK_VIEW_ALERT: '10000',
  });
  const built = await buildApp(config, { logStream: quiet, serveWeb: false });
  const c = built.container;
  console.log(`seeding ${N.toLocaleString('en')} traders…`);
  const t0 = Date.now();
  const seeded = await seedTradersFast(c, N, console.log);
  console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const appPort = (built.app.server.address() as { port: number }).port;
  const member = await createMember(built as unknown as TestApp, systemClock, { email: 'bench@bank.test', roles: ['compliance_senior'], key: true });
  const s = await signInMember(built, member, systemClock, 'bench-agent', '127.0.0.1');
  const headers = s.headers as Record<string, string>;

  // The baseline: a bare Fastify app on a pg pool of the same size, same database, same rows.
  const pool = new pg.Pool({ connectionString: db.url, max: POOL });
  const bare = Fastify();
  bare.get<{ Params: { id: string } }>('/trader/:id', async (req) => {
    const r = await pool.query('select id, account_ref, kind, status, country, created_at from trader where id = $1', [req.params.id]);
    return r.rows[0];
  });
  // The blind index key is not reachable from outside the vault: the baseline HMACs with a key of its own and
  // looks up the same indexed column (it finds nothing; the index probe costs the same).
  const bareKey = Buffer.alloc(32, 7);
  bare.post<{ Body: { value: string } }>('/search', async (req) => {
    const bidx = createHmac('sha256', bareKey).update(req.body.value.trim().toLowerCase()).digest();
    const r = await pool.query('select id, account_ref, kind, status, country from trader where email_bidx = $1 limit 25', [bidx]);
    return r.rows;
  });
  bare.get<{ Querystring: { after: string } }>('/list', async (req) => {
    const r = await pool.query('select id, account_ref, kind, status, country, created_at from trader where id > $1 order by id limit 26', [req.query.after]);
    return r.rows;
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;

  const ids = Array.from({ length: 20_000 }, () => pick(seeded.ids));
  // Warm up both (JIT, pools, caches).
  await load(barePort, ids.slice(0, 2000).map((id) => ({ method: 'GET', path: `/trader/${id}` })), {}, CONNECTIONS, 2);
  await load(appPort, ids.slice(0, 2000).map((id) => ({ method: 'GET', path: `/api/v1/traders/${id}/profile` })), headers, CONNECTIONS, 2);

  const base = await load(barePort, ids.map((id) => ({ method: 'GET', path: `/trader/${id}` })), {}, CONNECTIONS, SECONDS);
  // --cpu-profile FILE: a V8 CPU profile of the server's thread during the profile-read phase only.
  const profileOut = process.argv.includes('--cpu-profile') ? process.argv[process.argv.indexOf('--cpu-profile') + 1] : undefined;
  const inspector = profileOut ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const prof = await load(appPort, ids.map((id) => ({ method: 'GET', path: `/api/v1/traders/${id}/profile` })), headers, CONNECTIONS, SECONDS);
  if (inspector && profileOut) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(profileOut, JSON.stringify(profile));
    inspector.disconnect();
  }
  const ratio = prof.perSecond / base.perSecond;

  const emails = Array.from({ length: SAMPLES }, () => pick(seeded.emails));
  const bareSearch = await load(barePort, emails.map((e) => ({ method: 'POST', path: '/search', body: { value: e } })), {}, 1);
  const search = await load(appPort, emails.map((e) => ({ method: 'POST', path: '/api/v1/traders/search', body: { by: 'email', value: e } })), headers, 1);

  const cursors = Array.from({ length: Math.min(SAMPLES, 1000) }, () => pick(seeded.ids));
  const bareList = await load(barePort, cursors.map((id) => ({ method: 'GET', path: `/list?after=${id}` })), {}, 1);
  const list = await load(appPort, cursors.map((id) => ({ method: 'GET', path: `/api/v1/traders?limit=25&cursor=${Buffer.from(id).toString('base64url')}` })), headers, 1);

  const failures = [prof, search, list].filter((x) => x.failed > 0);
  console.log(`\ntrader read path, ${N.toLocaleString('en')} traders, PostgreSQL, pool ${POOL}`);
  console.log(`1. profile read, ${CONNECTIONS} connections, ${SECONDS} s`);
  console.log(`  baseline: bare Fastify + pg primary-key select   ${base.perSecond.toFixed(0)} req/s  (p99 ${ms(base.p99)})`);
  console.log(`  GET /traders/:id/profile (compliance_senior)      ${prof.perSecond.toFixed(0)} req/s  (p99 ${ms(prof.p99)})  ratio ${ratio.toFixed(2)} (target ≥ 0.6)`);
  console.log(`2. search by e-mail, one at a time, ${SAMPLES} samples`);
  console.log(`  baseline: bare Fastify + pg blind-index select   p50 ${ms(bareSearch.p50)}  p99 ${ms(bareSearch.p99)}`);
  console.log(`  POST /traders/search {by: email}                  p50 ${ms(search.p50)}  p99 ${ms(search.p99)}  (target p99 < 5 ms)`);
  console.log(`3. list page of 25, one at a time, ${cursors.length} samples`);
  console.log(`  baseline: bare Fastify + pg keyset page          p50 ${ms(bareList.p50)}  p99 ${ms(bareList.p99)}`);
  console.log(`  GET /traders?limit=25&cursor=…                    p50 ${ms(list.p50)}  p99 ${ms(list.p99)}  (target p99 < 50 ms)`);
  if (failures.length) {
    console.log(`  non-2xx answers: ${failures.map((f) => JSON.stringify(f.statuses)).join(' ')}`);
    for (const e of serverErrors) console.log(`  server error: ${e}`);
  }
  console.log(
    JSON.stringify({
      bench: 'traders',
      traders: N,
      profile: { rps: prof.perSecond, baselineRps: base.perSecond, ratio, p99: prof.p99 },
      search: { p50: search.p50, p99: search.p99, baselineP99: bareSearch.p99 },
      list: { p50: list.p50, p99: list.p99, baselineP99: bareList.p99 },
    }),
  );
  if (failures.length) process.exitCode = 1;
  await bare.close();
  await pool.end();
  await built.app.close();
} finally {
  await db.drop();
  rmSync(root, { recursive: true, force: true });
}
