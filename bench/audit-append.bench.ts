// Audit append throughput on PostgreSQL: 50 concurrent writers, each waiting until its event is durable
// (committed with synchronous_commit on) before writing the next. Printed next to a plain INSERT baseline
// measured in the same run: the same 50 writers each doing an autocommit INSERT of a similar row.
//   npx tsx bench/audit-append.bench.ts [--seconds 10] [--writers 50]
// Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and creates a throwaway database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/server/config/config.js';
import { createContainer } from '../src/server/container.js';
import { systemContext } from '../src/server/platform/http/request-context.js';
import { freshPostgres } from '../test/helpers/test-app.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 10);
const WRITERS = arg('writers', 50);
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

async function runFor(seconds: number, writers: number, op: () => Promise<unknown>): Promise<{ ops: number; perSecond: number }> {
  let ops = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < until) {
        await op();
        ops++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  return { ops, perSecond: Math.round(ops / elapsed) };
}

const db = await freshPostgres();
if (!db) throw new Error('DATABASE_URL is required');
const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
try {
  // Baseline: bare pg pool, autocommit INSERT per write, one connection per writer.
  const pool = new pg.Pool({ connectionString: db.url, max: WRITERS });
  await pool.query(`create table plain_event (id bigserial primary key, time timestamptz not null, actor text, action text not null,
    target_type text, target_id text, outcome text not null, fields text[] not null, prev_hash char(64), hash char(64))`);
  const h = 'a'.repeat(64);
  await runFor(2, WRITERS, () => pool.query(`insert into plain_event (time, actor, action, target_type, target_id, outcome, fields, prev_hash, hash) values (now(), 'bench', 'bench.write', 'trader', '42', 'ok', '{}', $1, $2)`, [h, h]));
  const baseline = await runFor(SECONDS, WRITERS, () =>
    pool.query(`insert into plain_event (time, actor, action, target_type, target_id, outcome, fields, prev_hash, hash) values (now(), 'bench', 'bench.write', 'trader', '42', 'ok', '{}', $1, $2)`, [h, h]),
  );
  await pool.end();

  const config = loadConfig({
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '10',
    BULWARK_DATA_DIR: join(root, 'data'),
    BULWARK_KEY_FILE: join(root, 'key.json'),
    BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
    CHECKPOINT_EVERY_EVENTS: '100000',
  });
  const c = await createContainer(config, { startJobs: false });
  const ctx = systemContext('bench');
  await runFor(2, WRITERS, () => c.writer.record(ctx, { action: 'bench.write', target: { type: 'trader', id: '42' } }, 'ok'));
  const record = await runFor(SECONDS, WRITERS, () => c.writer.record(ctx, { action: 'bench.write', target: { type: 'trader', id: '42' } }, 'ok'));
  // audited() with a one-row read: the full path (savepoint + fn + event) a request takes.
  const audited = await runFor(SECONDS, WRITERS, () =>
    c.audited(ctx, { action: 'bench.read', target: { type: 'trader', id: '42' } }, async (tx) => tx.selectFrom('crypto_key').select('version').limit(1).execute()),
  );
  const t0 = Date.now();
  await c.checkpointer.checkpointNow();
  const checkpointMs = Date.now() - t0;
  const verify = await c.audit.verify();
  await c.close();

  console.log(`\naudit append on PostgreSQL, ${WRITERS} concurrent writers, ${SECONDS}s each, durable before acknowledgement`);
  console.log(`  baseline: plain autocommit INSERT         ${String(baseline.perSecond).padStart(8)} rows/s`);
  console.log(`  audit record (event only, group commit)    ${String(record.perSecond).padStart(8)} events/s  (${(record.perSecond / baseline.perSecond).toFixed(2)}x baseline; target >= 20000)`);
  console.log(`  audited() with a one-row read in the tx    ${String(audited.perSecond).padStart(8)} events/s  (${(audited.perSecond / baseline.perSecond).toFixed(2)}x baseline)`);
  console.log(`  anchoring + signing ${verify.treeSize} events: ${checkpointMs} ms; full verify ok=${verify.ok}`);
  console.log(JSON.stringify({ bench: 'audit-append', writers: WRITERS, seconds: SECONDS, baselinePerSecond: baseline.perSecond, recordPerSecond: record.perSecond, auditedPerSecond: audited.perSecond, checkpointMs, verified: verify.ok }));
} finally {
  await db.drop();
  rmSync(root, { recursive: true, force: true });
}
