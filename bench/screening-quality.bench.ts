// Screening quality on the public benchmark (shared/data/screening-eval/cases.jsonl: 1,325 labelled cases from
// the OpenSanctions and Watchman test suites), with every list sample in shared/data/sanctions loaded.
//
//   npx tsx bench/screening-quality.bench.ts [--threshold 0.8] [--errors] [--sweep]
//
// Prints precision, recall and F1 by case group and by type, overall with and without the cross-script cases
// (a pure string matcher is not expected to pass those; Watchman needs an embeddings provider for them).
// Baseline in the same run: exact equality of the normalised names (what a screener without fuzzy matching
// would catch), and OpenSanctions' logic-v2 scores on the nomenklatura rows (logicv2_frozen_score ≥ 0.7,
// from the case file) where the case carries one.
// --errors lists every wrong verdict; --sweep prints overall F1 for thresholds 0.70…0.95.

import { DEFAULT_THRESHOLD, ALGORITHM_VERSION, normaliseName } from '../src/server/modules/screening/engine/index.js';
import { dataAvailable, indexOf, judge, listedNamesOf, loadCases, loadLists, stats, type Judged, type Stats } from './lib/screening-eval.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const threshold = Number(arg('--threshold') ?? DEFAULT_THRESHOLD);

if (!dataAvailable()) {
  console.error('screening-quality: ../shared/data/screening-eval or ../shared/data/sanctions is missing; nothing measured');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

const cases = loadCases();
const lists = await loadLists();
const t0 = performance.now();
const index = indexOf(lists);
const buildMs = performance.now() - t0;
console.log(`algorithm ${ALGORITHM_VERSION}, threshold ${threshold}; lists via ${lists.loader}: ${lists.lists.map((l) => `${l.file} (${l.entities.length})`).join(', ')}`);
console.log(`index: ${index.entityCount} entities, built in ${buildMs.toFixed(0)} ms`);

const listed = listedNamesOf(lists);
const judged = cases.map((c) => judge(c, index, lists.loaded, threshold, listed));

const fmt = (n: number) => n.toFixed(3);
function line(label: string, s: Stats, extra = ''): string {
  return `${label.padEnd(48)} ${String(s.n).padStart(5)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)} ${String(s.tn).padStart(4)}  ${fmt(s.precision)}  ${fmt(s.recall)}  ${fmt(s.f1)}${extra}`;
}
console.log(`\n${'group'.padEnd(48)} ${'n'.padStart(5)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)} ${'TN'.padStart(4)}  prec.  recall  F1`);
const groups = [...new Set(judged.map((j) => j.group))].sort();
for (const g of groups) {
  const rows = judged.filter((j) => j.group === g);
  const modes = [...new Set(rows.map((r) => r.mode))].join('+');
  console.log(line(g, stats(rows), `   (${modes})`));
}
console.log('');
for (const t of ['person', 'organization', 'wallet', 'address']) console.log(line(`type ${t}`, stats(judged.filter((j) => j.c.type === t && j.c.category !== 'cross_script'))));
const crossScript = (j: Judged) => j.c.category === 'cross_script';
console.log(line('OVERALL (without cross-script)', stats(judged.filter((j) => !crossScript(j)))));
console.log(line('OVERALL (all cases)', stats(judged)));
console.log(line('cross-script only (expected to fail)', stats(judged.filter(crossScript))));

// Baselines, same cases.
const exact = cases.map((c) => {
  const cand = c.candidate ?? '';
  const predicted = c.type === 'wallet' ? c.query === cand : !!cand && normaliseName(c.query) === normaliseName(cand);
  return { expected: c.expected_match !== null, predicted, c } as unknown as Judged;
});
const withCand = (j: { c: { candidate?: string } }) => !!j.c.candidate;
console.log(`\nbaseline: exact normalised-name equality, pairwise cases only: F1 ${fmt(stats(exact.filter(withCand)).f1)}  (Bulwark on the same cases: ${fmt(stats(judged.filter(withCand)).f1)})`);
const lv2 = judged.filter((j) => typeof (j.c as { logicv2_frozen_score?: number }).logicv2_frozen_score === 'number');
const lv2Base = lv2.map((j) => ({ ...j, predicted: ((j.c as { logicv2_frozen_score?: number }).logicv2_frozen_score ?? 0) >= 0.7 }));
console.log(`baseline: OpenSanctions logic-v2 (frozen scores ≥ 0.7) on its ${lv2.length} scored nomenklatura rows: F1 ${fmt(stats(lv2Base).f1)}  (Bulwark on the same rows: ${fmt(stats(lv2).f1)})`);
const typoRows = judged.filter((j) => j.group.includes('UN treated'));
const walletRows = judged.filter((j) => j.c.type === 'wallet');
console.log(`targets: overall F1 ≥ 0.85 → ${fmt(stats(judged.filter((j) => !crossScript(j))).f1)}; wallet recall ≥ 0.98 → ${fmt(stats(walletRows).recall)}; typo/reorder recall ≥ 0.98 → ${fmt(stats(typoRows).recall)}`);

if (args.includes('--sweep')) {
  console.log('\nthreshold sweep (overall without cross-script):');
  for (let t = 0.7; t <= 0.951; t += 0.025) {
    const all = cases.map((c) => judge(c, index, lists.loaded, t, listed));
    const s = stats(all.filter((j) => !crossScript(j)));
    const typo = stats(all.filter((j) => j.group.includes('UN treated')));
    console.log(`  ${t.toFixed(3)}  P ${fmt(s.precision)}  R ${fmt(s.recall)}  F1 ${fmt(s.f1)}  typo/reorder recall ${fmt(typo.recall)}`);
  }
}
if (args.includes('--errors')) {
  console.log('\nwrong verdicts:');
  for (const j of judged.filter((x) => x.expected !== x.predicted)) {
    console.log(`  [${j.group}] ${j.expected ? 'FN' : 'FP'} ${JSON.stringify(j.c.query)} vs ${JSON.stringify(j.c.candidate ?? j.c.expected_match)} → ${j.detail}`);
  }
}
const overall = stats(judged.filter((j) => !crossScript(j)));
console.log(JSON.stringify({ bench: 'screening-quality', algorithm: ALGORITHM_VERSION, threshold, f1: +fmt(overall.f1), precision: +fmt(overall.precision), recall: +fmt(overall.recall) }));
