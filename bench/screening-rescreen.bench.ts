// Re-screening every trader through the screening service on PostgreSQL: the real path — pages of 1,000 traders
// read in an audited read-only transaction, each trader's data key unwrapped and the screened fields decrypted
// (legal name, date of birth, wallets), every subject searched, runs and hits stored for those with candidates,
// the batch recorded — next to a baseline measured in the same run: the same pages read and decrypted without
// matching (what re-screening costs before the engine does anything).
//
//   npx tsx bench/screening-rescreen.bench.ts [--traders 100000] [--delta 50] [--page 1000] [--workers 2]
//
// 1. baseline: read + decrypt every trader's screened fields
// 2. whole list: every trader against every loaded list sample (OFAC SDN + consolidated, UN, EU, UK, OpenSanctions)
// 3. delta: every trader against an index of 50 entities (a daily list change: what a list activation runs)
// Targets at 1,000,000 traders on 2 cores: whole list < 5 min, delta < 30 s. Prints a table, then one JSON line.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config/config.js';
import { ALGORITHM_VERSION, buildScreeningIndex, DEFAULT_THRESHOLD, screenBatch } from '../src/server/modules/screening/engine/index.js';
import type { ListVersionRef } from '../src/server/modules/screening/model.js';
import { createScreeningService } from '../src/server/modules/screening/index.js';
import { systemContext } from '../src/server/platform/http/request-context.js';
import { freshPostgres } from '../test/helpers/test-app.js';
import { dataAvailable, loadLists } from './lib/screening-eval.js';
import { seedTradersFast } from './lib/traders-fixture.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('traders', 100_000);
const DELTA = arg('delta', 50);
const PAGE = arg('page', 1000);
/** Worker threads for the matching (0: on the main thread, as below 20,000 traders). */
const WORKERS = arg('workers', 2);
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

if (!dataAvailable()) {
  console.error('screening-rescreen: ../shared/data/sanctions is missing; nothing measured');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

const db = await freshPostgres();
if (!db) throw new Error('DATABASE_URL is required');
const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const config = loadConfig({
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '10',
    BULWARK_DATA_DIR: join(root, 'data'),
    BULWARK_KEY_FILE: join(root, 'key.json'),
    BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
    LOG_LEVEL: 'warn',
  });
  const { app, container: c } = await buildApp(config, { logStream: quiet, serveWeb: false });
  try {
    console.log(`seeding ${N.toLocaleString('en')} traders…`);
    let t0 = performance.now();
    await seedTradersFast(c, N, (line) => console.log(line));
    console.log(`  seeded in ${s(performance.now() - t0)}`);

    const lists = await loadLists();
    const entityCount = lists.lists.reduce((n, l) => n + l.entities.length, 0);
    const versions: ListVersionRef[] = lists.lists.map((l, i) => ({ id: `bench-${i}`, source: l.source, version: 1, sha256: '0'.repeat(64), publishedAt: null, importedAt: new Date(), entityCount: l.entities.length }));
    const svc = createScreeningService({
      audited: c.audited,
      auditedRead: c.writer.auditedRead,
      vault: c.vault,
      clock: c.clock,
      roles: c.roles,
      traders: c.traders,
      exchange: c.exchange,
      approvals: c.approvals,
      lists: { activeEntities: async () => ({ versions, lists: lists.lists.map((l) => ({ source: l.source, entities: l.entities })) }), onActivated: () => undefined },
      engine: { buildIndex: buildScreeningIndex, algorithmVersion: ALGORITHM_VERSION, threshold: DEFAULT_THRESHOLD, ...(WORKERS > 0 ? { screenBatch, workers: WORKERS, workersFrom: 0 } : {}) },
      pageSize: PAGE,
    });
    t0 = performance.now();
    await svc.loadIndex();
    const indexMs = performance.now() - t0;
    const ctx = systemContext('bench:rescreen');

    // Baselines: the same pages, the same audited reads and decryption, no matching — with wallets (what the
    // whole-list pass reads) and without (what a delta without wallets reads). A first untimed pass warms the cache.
    const readAll = async (wallets: boolean) => {
      const t = performance.now();
      let after: string | undefined;
      let n = 0;
      let subj = 0;
      for (;;) {
        const page = await c.writer.auditedRead(ctx, { action: 'bench.read', target: { type: 'bench' } }, (tx) => c.traders.screeningSubjectsPage(tx, after, PAGE, { wallets }));
        if (page.length === 0) break;
        n += page.length;
        for (const p of page) subj += 1 + p.persons.length + p.wallets.length;
        after = page.at(-1)!.id;
      }
      return { ms: performance.now() - t, traders: n, subjects: subj };
    };
    await readAll(true);
    const withWallets = await readAll(true);
    const namesOnly = await readAll(false);
    const subjects = withWallets.subjects;

    let last = 0;
    const progress = (p: { traders: number }) => {
      if (p.traders - last >= 100_000) {
        last = p.traders;
        console.log(`  … ${p.traders.toLocaleString('en')} traders`);
      }
    };
    t0 = performance.now();
    const whole = await svc.rescreenAll(ctx, progress);
    const wholeMs = performance.now() - t0;

    const pool = lists.lists.find((l) => l.source === 'ofac_sdn') ?? lists.lists[0]!;
    // A daily change of names (wallet designations are rarer; with one, wallets are read and decrypted too).
    const named = pool.entities.filter((e) => e.wallets.length === 0);
    const delta = Array.from({ length: DELTA }, () => named[randomInt(named.length)]!);
    last = 0;
    t0 = performance.now();
    const d = await svc.rescreenAgainst(ctx, pool.source, [...new Map(delta.map((e) => [e.id, e])).values()], progress);
    const deltaMs = performance.now() - t0;

    const perMillion = (ms: number) => (ms * 1_000_000) / N;
    const rate = (ms: number) => `${Math.round((N / ms) * 1000).toLocaleString('en')} traders/s; ${s(perMillion(ms))} per million`;
    const rows = [
      ['traders', N.toLocaleString('en'), `matching on ${WORKERS > 0 ? `${WORKERS} worker threads` : 'the main thread'}`],
      ['subjects (trader + wallets)', subjects.toLocaleString('en'), ''],
      ['list entities indexed', entityCount.toLocaleString('en'), `index built in ${s(indexMs)}`],
      ['baseline: read + decrypt names, wallets', s(withWallets.ms), rate(withWallets.ms)],
      ['whole list', s(wholeMs), `${rate(wholeMs)} (target < 300 s); ${whole.tradersWithHits.toLocaleString('en')} traders with candidates stored`],
      ['baseline: read + decrypt names only', s(namesOnly.ms), rate(namesOnly.ms)],
      [`delta (${DELTA} entities, no wallets)`, s(deltaMs), `${rate(deltaMs)} (target < 30 s); ${d.tradersWithHits} traders with candidates`],
    ];
    for (const [a, b, c2] of rows) console.log(`${a!.padEnd(40)} ${b!.padStart(10)}  ${c2}`);
    console.log(
      JSON.stringify({
        bench: 'screening-rescreen',
        traders: N,
        workers: WORKERS,
        subjects,
        entities: entityCount,
        baselineMs: Math.round(withWallets.ms),
        baselineNamesMs: Math.round(namesOnly.ms),
        wholeMs: Math.round(wholeMs),
        deltaMs: Math.round(deltaMs),
        wholeTradersWithHits: whole.tradersWithHits,
        deltaTradersWithHits: d.tradersWithHits,
        wholePerMillionS: Math.round(perMillion(wholeMs) / 1000),
        deltaPerMillionS: Math.round(perMillion(deltaMs) / 1000),
      }),
    );
  } finally {
    await app.close();
  }
} finally {
  await db.drop();
  rmSync(root, { recursive: true, force: true });
}
