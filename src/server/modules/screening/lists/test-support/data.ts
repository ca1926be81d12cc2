// Where the real list samples are (../shared/data/sanctions, through the repository root), and the skip rule:
// absent → the tests skip with a clear message, except under CI=true, where they fail.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}

/** ../shared/data/sanctions from the repository root. */
export const SANCTIONS = resolve(findRepoRoot(), '../shared/data/sanctions');
const PRESENT = existsSync(join(SANCTIONS, 'README.md'));

/** `skip` option for tests that read the samples: a message when absent (never under CI=true, where they must fail). */
export const SKIP_SAMPLES: string | false =
  // Test support, not configuration: CI=true is the test runner's own switch (as in merkle.test.ts).
  // eslint-disable-next-line no-restricted-properties
  !PRESENT && process.env.CI !== 'true' ? `list samples not found at ${SANCTIONS}; skipped (they are required when CI=true)` : false;

/** A path inside the samples directory. */
export const sample = (p: string) => join(SANCTIONS, p);
