// `bulwark staff invite`: the operator's break-glass path (audited as the CLI) prints a one-time link, also for
// a privileged role; a wrong role or address is one line and a non-zero exit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPostgres } from '../../../../test/helpers/test-app.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const MAIN = join(ROOT, 'src', 'server', 'cli', 'main.ts');

describe('bulwark staff invite', () => {
  let dir: string;
  let pgdb: Awaited<ReturnType<typeof freshPostgres>>;
  let env: NodeJS.ProcessEnv;

  const bulwark = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      });
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-cli-invite-'));
    pgdb = await freshPostgres();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: 'https://bulwark.bank.test',
      BULWARK_DATA_DIR: join(dir, 'data'),
      BULWARK_KEY_FILE: join(dir, 'keys', 'master-key.json'),
      BULWARK_CHECKPOINT_DIR: join(dir, 'checkpoints'),
      ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    };
  });
  after(async () => {
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a one-time link (privileged role included) and refuses bad input in one line', async () => {
    const ok = await bulwark(['staff', 'invite', '--email', 'Second.Admin@Bank.test', '--name', 'Second Admin', '--role', 'admin']);
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.match(ok.stdout, /^https:\/\/bulwark\.bank\.test\/invite#token=[A-Za-z0-9_-]{43}\n/);
    assert.match(ok.stdout, /single use/);
    const bad = await bulwark(['staff', 'invite', '--email', 'x@bank.test', '--name', 'X', '--role', 'overlord']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^bulwark: Unknown role overlord\n$/);
  });
});
