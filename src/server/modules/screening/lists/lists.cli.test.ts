// `bulwark lists import PATH`, `bulwark lists` and `bulwark lists sync` as an operator runs them: progress on
// stderr, the version and diff summary on stdout, a refused file in one line with its position and exit 1 (the
// previous version stays active), a sync source that fails named with exit 1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPostgres } from '../../../../../test/helpers/test-app.js';
import { SKIP_SAMPLES, sample } from './test-support/data.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');
const MAIN = join(ROOT, 'src', 'server', 'cli', 'main.ts');

describe('bulwark lists', { skip: SKIP_SAMPLES }, () => {
  let dir: string;
  let pgdb: Awaited<ReturnType<typeof freshPostgres>>;
  let env: NodeJS.ProcessEnv;
  let server: Server;

  const bulwark = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      });
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-cli-lists-'));
    pgdb = await freshPostgres();
    server = createServer((req, res) => {
      if (req.url === '/uk.xml') res.writeHead(200).end(readFileSync(sample('uk_sanctions_list_sample/sample_uk_sanctions.xml')));
      else res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      BULWARK_DATA_DIR: join(dir, 'data'),
      BULWARK_KEY_FILE: join(dir, 'keys', 'master-key.json'),
      BULWARK_CHECKPOINT_DIR: join(dir, 'checkpoints'),
      LISTS_SYNC_SOURCES: 'uk_sanctions,eu_fsf',
      LISTS_SYNC_URL_UK_SANCTIONS: `${base}/uk.xml`,
      LISTS_SYNC_URL_EU_FSF: `${base}/eu.xml`,
      ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    };
  });
  after(async () => {
    server.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a set, says unchanged the second time, refuses a cut-off file with its position, and shows the status', async () => {
    const set = sample('ofac_sdn/watchman_ofactest_17_entities');
    const first = await bulwark(['lists', 'import', set]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /lists: parsed ofac_csv: 17 entities of ofac_sdn/);
    assert.match(first.stdout, /^ofac_sdn version 1 active: 17 entities \(ofac_csv/m);
    assert.match(first.stdout, /17 added, 0 removed, 0 changed/);
    const again = await bulwark(['lists', 'import', set]);
    assert.match(again.stdout, /ofac_sdn unchanged: identical to the active version 1/);
    const cut = join(dir, 'consolidated.xml');
    writeFileSync(cut, readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml')).subarray(0, 50_000));
    const bad = await bulwark(['lists', 'import', cut]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bulwark: consolidated\.xml is not well-formed XML: unclosed tag: INDIVIDUAL — the file looks cut off \(consolidated\.xml line \d+, column \d+\); the previous version stays active\n$/);
    const show = await bulwark(['lists', 'show', 'ofac_sdn', '--limit', '3']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^ofac_sdn version 1: 17 entities; 17 added, 0 removed, 0 changed/);
    assert.match(show.stdout, /^\+ 10278 {2}LOGAN MOREY, Elvis Angus$/m);
    assert.match(show.stdout, /… 14 more \(--limit\)/);
    const none = await bulwark(['lists', 'show', 'un_sc']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /un_sc is not loaded/);
    const status = await bulwark(['lists']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^ofac_sdn\s+v1\s+17 entities/m);
    assert.match(status.stdout, /^un_sc\s+not loaded/m);
  });

  it('sync: one line per source, exit 1 naming the one that failed', async () => {
    const r = await bulwark(['lists', 'sync']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^uk_sanctions\s+imported v1 5 entities/m);
    assert.match(r.stdout, /^eu_fsf\s+failed: .*HTTP 500/m);
    assert.match(r.stderr, /1 source\(s\) failed; their previous versions stay active/);
  });
});
