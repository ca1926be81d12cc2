// Runs the test suite with Node's built-in runner (node:test) on TypeScript sources through tsx.
// Node 20's runner has no glob support, so the files are collected here.
//   node scripts/run-tests.mjs            unit + integration tests (src/**/*.test.ts, test/**/*.test.ts)
//   node scripts/run-tests.mjs --e2e      browser tests (test/e2e/**/*.e2e.ts)
//   node scripts/run-tests.mjs FILE...    only these files
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const explicit = args.filter((a) => !a.startsWith('--'));

function collect(dir, suffix) {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: false });
  } catch {
    return [];
  }
  return entries
    .map(String)
    .filter((f) => f.endsWith(suffix) && !f.includes('node_modules'))
    .map((f) => join(dir, f))
    .sort();
}

const files = explicit.length
  ? explicit
  : e2e
    ? collect('test/e2e', '.e2e.ts')
    : [...collect('src', '.test.ts'), ...collect('test', '.test.ts')];

if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? (e2e ? '1' : '2');
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(res.status ?? 1);
