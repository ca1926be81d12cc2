// Spawning the real `bulwark` command in tests, as an operator runs it (through tsx, on the sources), against
// its own data directory, key file and checkpoint directory (and a fresh PostgreSQL database when DATABASE_URL
// is set). Several CLI tests start the command the same way; this is that way in one place.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { freshPostgres } from './test-app.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI_MAIN = join(ROOT, 'src', 'server', 'cli', 'main.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run in `dir`, with a fresh PostgreSQL database when DATABASE_URL is set (drop it after). */
export async function cliEnv(dir: string, extra: Record<string, string> = {}): Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  const pgdb = await freshPostgres();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    BULWARK_DATA_DIR: join(dir, 'data'),
    BULWARK_KEY_FILE: join(dir, 'keys', 'master-key.json'),
    BULWARK_CHECKPOINT_DIR: join(dir, 'checkpoints'),
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...extra,
  };
  return { env, drop: async () => void (await pgdb?.drop()) };
}

/** Runs `bulwark ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runBulwark(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** A run's exit code and output, for an assertion message. */
export const showRun = (r: CliRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
