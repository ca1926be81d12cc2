// Quality regression: the engine's verdicts on a fixed part of the public benchmark
// (shared/data/screening-eval/cases.jsonl) must not drop below a floor. Pairwise cases only (the query against
// its candidate), so no list needs loading and the test stays fast; the full benchmark with every list loaded
// is bench/screening-quality.bench.ts. Not timed. Without the shared data the test is skipped with a
// message, except under CI=true, where it fails.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';

import { CASES_FILE, judge, loadCases, stats, type Judged } from '../../../../../bench/lib/screening-eval.js';

// Floors a little under the figures measured when they were set (bulwark-match-1.0: pairwise names F1 0.825,
// typo/reorder recall 0.99, wallets 1.0), so that a real regression fails and rounding noise does not.
const FLOORS = { namesF1: 0.80, typoRecall: 0.97, walletF1: 1 };

const available = existsSync(CASES_FILE);
if (!available && process.env.CI === 'true') throw new Error(`screening quality: ${CASES_FILE} is missing (required under CI=true)`);

describe('screening quality on the public benchmark (pairwise subset)', { skip: available ? false : `no evaluation data at ${CASES_FILE}` }, () => {
  const judged: Judged[] = available
    ? loadCases()
        .filter((c) => c.candidate && c.category !== 'cross_script' && c.type !== 'address')
        .map((c) => judge(c, null, new Set()))
    : [];

  test('names: F1 on the nomenklatura and Watchman pairs stays above the floor', () => {
    const names = judged.filter((j) => (j.c.type === 'person' || j.c.type === 'organization') && !j.group.includes('UN treated'));
    assert.ok(names.length > 700, `expected the ~800 name pairs, got ${names.length}`);
    const s = stats(names);
    assert.ok(s.f1 >= FLOORS.namesF1, `names F1 ${s.f1.toFixed(3)} < ${FLOORS.namesF1} (P ${s.precision.toFixed(3)}, R ${s.recall.toFixed(3)})`);
  });

  test('typo and reorder variants of listed names (yente UN treated) are found', () => {
    const typo = judged.filter((j) => j.group.includes('UN treated'));
    assert.equal(typo.length, 170);
    const s = stats(typo);
    assert.ok(s.recall >= FLOORS.typoRecall, `typo/reorder recall ${s.recall.toFixed(3)} < ${FLOORS.typoRecall}: ${typo.filter((j) => !j.predicted).map((j) => j.c.query).join(', ')}`);
  });

  test('wallet pairs: exact under the chain rules, near misses never match', () => {
    const wallets = judged.filter((j) => j.c.type === 'wallet');
    assert.ok(wallets.length >= 7);
    assert.equal(stats(wallets).f1, FLOORS.walletF1, wallets.filter((j) => j.expected !== j.predicted).map((j) => j.c.query).join(', '));
  });
});
