// `bulwark audit verify` end to end on PostgreSQL: N events written through the real audit writer, anchored,
// then verified from the database (chain, anchored leaves, Merkle roots, signatures). Printed next to the
// time of a bare keyset scan of the same rows measured in the same run (the I/O floor).
//   npx tsx bench/audit-verify-db.bench.ts [--events 1000000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/server/config/config.js';
import { createContainer } from '../src/server/container.js';
import { systemContext } from '../src/server/platform/http/request-context.js';
import { freshPostgres } from '../test/helpers/test-app.js';

const i = process.argv.indexOf('--events');
const N = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

const db = await freshPostgres();
if (!db) throw new Error('DATABASE_URL is required');
const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
try {
  const config = loadConfig({
    DATABASE_URL: db.url,
    BULWARK_DATA_DIR: join(root, 'data'),
    BULWARK_KEY_FILE: join(root, 'key.json'),
    BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
    CHECKPOINT_EVERY_EVENTS: '100000',
    AUDIT_BATCH_MAX: '2000',
  });
  const c = await createContainer(config, { startJobs: false });
  const ctx = systemContext('bench');
  const t0 = Date.now();
  let written = 0;
  await Promise.all(
    Array.from({ length: 500 }, async () => {
      while (written < N) {
        written++;
        await c.writer.record(ctx, { action: 'trader.view', target: { type: 'trader', id: String(written % 5000) }, fields: ['email', 'phone'] }, 'ok');
      }
    }),
  );
  await c.checkpointer.checkpointNow();
  const setup = (Date.now() - t0) / 1000;

  // Baseline: a bare keyset scan of every row, pages of 10,000, no hashing.
  const s0 = Date.now();
  let next = 0;
  for (;;) {
    const rows = await c.db.system.selectFrom('audit_event').selectAll().where('seq', '>', next).orderBy('seq').limit(10_000).execute();
    if (rows.length === 0) break;
    next = Number(rows[rows.length - 1]!.seq);
  }
  const scan = (Date.now() - s0) / 1000;

  const v0 = Date.now();
  const r = await c.audit.verify();
  const verify = (Date.now() - v0) / 1000;
  await c.close();
  console.log(`\naudit verify from PostgreSQL, ${r.eventsChecked.toLocaleString('en')} events (written and anchored in ${setup.toFixed(1)} s)`);
  console.log(`  baseline: bare keyset scan of the rows   ${scan.toFixed(2)} s`);
  console.log(`  bulwark audit verify                     ${verify.toFixed(2)} s  (${(verify / scan).toFixed(2)}x the scan; target < 30 s for 1,000,000) ok=${r.ok}`);
  console.log(JSON.stringify({ bench: 'audit-verify-db', events: r.eventsChecked, scanSeconds: scan, verifySeconds: verify, ok: r.ok, checkpoints: r.checkpointsChecked }));
  if (!r.ok) process.exitCode = 1;
} finally {
  await db.drop();
  rmSync(root, { recursive: true, force: true });
}
