// The real `bulwark` command, spawned as a user would run it (through tsx, on the sources), against its own data
// directory, key file and checkpoint directory (and a fresh PostgreSQL database when DATABASE_URL is set).
// One scenario, in order, because every start of a PGlite-backed command costs seconds: seed → verify → export →
// offline verification (and its failure on an edited file) → keys status / rotate → a superuser truncates the
// log, then rewrites it → verify names the first bad sequence number each time.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { freshPostgres } from '../../../test/helpers/test-app.js';
import { chainHash, GENESIS_HASH, type AuditEventContent } from '../platform/audit/canonical.js';
import { fromRow } from '../platform/audit/writer.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'src', 'server', 'cli', 'main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the bulwark CLI', () => {
  let dir: string;
  let pgdb: Awaited<ReturnType<typeof freshPostgres>>;
  let env: NodeJS.ProcessEnv;

  /** Runs `bulwark ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
  function bulwark(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', MAIN, ...args],
        { cwd: ROOT, env: { ...env, ...extraEnv }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
        },
      );
    });
  }

  const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-cli-'));
    pgdb = await freshPostgres();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      BULWARK_DATA_DIR: join(dir, 'data'),
      BULWARK_KEY_FILE: join(dir, 'keys', 'master-key.json'),
      BULWARK_CHECKPOINT_DIR: join(dir, 'checkpoints'),
      ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    };
  });
  after(async () => {
    await pgdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Commands that need no database run alongside ones that do, to keep the file's wall time down.
  let seeding: Promise<Run>;
  let statusBeforeRotate: Promise<Run>;

  test('help lists the commands; a bad setting stops with exit 2 and one line', async () => {
    seeding = bulwark(['demo', 'seed', '--traders', '5']);
    const [help, auditHelp, badPort] = await Promise.all([
      bulwark(['--help']),
      bulwark(['audit', '--help']),
      bulwark(['keys', 'status'], { PORT: 'abc' }),
    ]);
    assert.equal(help.code, 0, show(help));
    for (const cmd of ['serve', 'migrate', 'audit', 'keys', 'demo']) assert.match(help.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), cmd);
    assert.equal(auditHelp.code, 0, show(auditHelp));
    for (const cmd of ['verify', 'export', 'verify-export']) assert.match(auditHelp.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), cmd);

    assert.equal(badPort.code, 2, show(badPort));
    const lines = badPort.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, show(badPort));
    assert.match(lines[0]!, /^bulwark: invalid configuration: PORT\b/);
    assert.equal(badPort.stdout, '');
  });

  test('seed, verify, export, verify the export offline, and refuse an edited export', async () => {
    const seed = await seeding;
    assert.equal(seed.code, 0, show(seed));
    assert.match(seed.stderr, /5 synthetic traders created/);

    const verify = await bulwark(['audit', 'verify']);
    assert.equal(verify.code, 0, show(verify));
    // Five traders, plus the tickets and consent history the seed gives them: every event verified and in the tree.
    const m = /^OK: (\d+) events, tree size (\d+), root [0-9a-f]{64}, [1-9]\d* signed checkpoints verified$/m.exec(verify.stdout);
    assert.ok(m, show(verify));
    assert.equal(m[1], m[2]);
    assert.ok(Number(m[1]) >= 5, show(verify));

    const out = join(dir, 'export.json');
    const exp = await bulwark(['audit', 'export', '--out', out]);
    assert.equal(exp.code, 0, show(exp));
    const bundle = readFileSync(out, 'utf8');

    // One character changed: in an event, in the signed checkpoint, in the export time (bound only by the export signature).
    const edits: [string, (s: string) => string][] = [
      ['event', (s) => s.replace('"action":"trader.create"', '"action":"trader.creatE"')],
      ['checkpoint', (s) => s.replace(/("checkpoint":"[^\n]*?\\n\d*)(\d)\\n/, (_m, a: string, d: string) => `${a}${(Number(d) + 1) % 10}\\n`)],
      ['exportedAt', (s) => s.replace(/("exportedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d)(\d)/, (_m, a: string, d: string) => `${a}${(Number(d) + 1) % 10}`)],
    ];
    const files = edits.map(([name, edit]) => {
      const edited = edit(bundle);
      assert.notEqual(edited, bundle, `edit ${name} did not apply`);
      assert.equal(edited.length, bundle.length, `edit ${name} is not a one-character edit`);
      const f = join(dir, `export-${name}.json`);
      writeFileSync(f, edited);
      return f;
    });
    statusBeforeRotate = bulwark(['keys', 'status']);
    const [ok, ...bad] = await Promise.all([bulwark(['audit', 'verify-export', out]), ...files.map((f) => bulwark(['audit', 'verify-export', f]))]);
    await statusBeforeRotate;
    assert.equal(ok!.code, 0, show(ok!));
    assert.match(ok!.stdout, /^OK: events 1\.\.\d+ of /);
    for (const r of bad) {
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /^INVALID: /);
    }
  });

  test('keys status shows v1; keys rotate moves every value to v2', async () => {
    const before = await statusBeforeRotate;
    assert.equal(before.code, 0, show(before));
    assert.match(before.stdout, /^\s+field\s+v1\s+active\b/m);
    assert.doesNotMatch(before.stdout, /^\s+field\s+v2\b/m);
    assert.match(before.stdout, /^\s+v1: \d+ ring-encrypted values, 5 subject keys$/m);

    const rotate = await bulwark(['keys', 'rotate']);
    assert.equal(rotate.code, 0, show(rotate));
    assert.match(rotate.stderr, /field key v2 is active/);

    const after = await bulwark(['keys', 'status', '--json']);
    assert.equal(after.code, 0, show(after));
    const s = JSON.parse(after.stdout) as {
      rings: { purpose: string; version: number; status: string }[];
      usage: { version: number; values: number; subjectKeys: number }[];
    };
    const field = s.rings.filter((r) => r.purpose === 'field');
    assert.deepEqual(field.find((r) => r.version === 2)?.status, 'active');
    assert.notEqual(field.find((r) => r.version === 1)?.status, 'active');
    const v1 = s.usage.find((u) => u.version === 1) ?? { values: 0, subjectKeys: 0 };
    assert.deepEqual([v1.values, v1.subjectKeys], [0, 0], 'values left on v1 after rotation');
    const v2 = s.usage.find((u) => u.version === 2);
    assert.ok(v2 && v2.subjectKeys === 5, JSON.stringify(s.usage));
  });

  test('a log truncated below its signed checkpoints: the app refuses to start, `audit verify` still names the first missing seq', async () => {
    const q = await attackerSession();
    try {
      await q.run('alter table audit_event disable trigger all');
      await q.run('create table zz_saved_tail as select * from audit_event where seq > 4');
      await q.run('delete from audit_event where seq > 4');
    } finally {
      await q.close();
    }
    const verify = await bulwark(['audit', 'verify']);
    assert.equal(verify.code, 1, show(verify));
    assert.match(verify.stdout, /^TAMPERED: first bad sequence number 5: .*\(truncation\)$/m);
    assert.match(verify.stderr, /fewer events than the \d+ anchored outside it/);
  });

  test('a superuser rewrite of the database (chain recomputed) makes `audit verify` exit 1 naming the first bad seq', async () => {
    const K = 3;
    // The attacker: a superuser session on the database, triggers off, event K edited and the chain recomputed.
    const q = await attackerSession();
    try {
      await q.run('alter table audit_event disable trigger all');
      // First the truncated rows go back, exactly as they were, so this attack is judged on its own.
      await q.run('insert into audit_event select * from zz_saved_tail');
      await q.run('drop table zz_saved_tail');
      const log = (await q.run('select * from audit_event order by seq')).map((r) => fromRow(r as Parameters<typeof fromRow>[0]));
      assert.ok(log.length > K);
      let prev = log[K - 2]?.hash ?? GENESIS_HASH;
      for (const e of log.slice(K - 1)) {
        const { prevHash: _p, hash: _h, ...c } = e;
        const content: AuditEventContent = e.seq === K ? { ...c, action: 'trader.view', fields: [] } : c;
        const hash = chainHash(prev, content);
        await q.run('update audit_event set action = $1, fields = $2, prev_hash = $3, hash = $4 where seq = $5', [content.action, content.fields, prev, hash, e.seq]);
        prev = hash;
      }
    } finally {
      await q.close();
    }

    const verify = await bulwark(['audit', 'verify']);
    assert.equal(verify.code, 1, show(verify));
    assert.match(verify.stdout, new RegExp(`^TAMPERED: first bad sequence number ${K}: `, 'm'));
    // Caught by the verifier proper, not by the start-up check.
    assert.doesNotMatch(verify.stderr, /verifying from the database and the checkpoint directory alone/);
  });

  /** PGlite: the data directory opened directly once the CLI has exited; PostgreSQL: the superuser of DATABASE_URL. */
  async function attackerSession(): Promise<{ run(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>; close(): Promise<void> }> {
    if (pgdb) {
      const c = new pg.Client({ connectionString: pgdb.url });
      await c.connect();
      return { run: async (text, params) => (await c.query(text, params)).rows, close: () => c.end() };
    }
    const db = new PGlite(join(dir, 'data'));
    await db.waitReady;
    return {
      run: async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows,
      close: () => db.close(),
    };
  }
});
