// Screening speed with every list sample loaded (OFAC SDN + consolidated, UN, EU and UK samples, OpenSanctions
// samples, the us_congress PEPs).
//
//   npx tsx bench/screening-speed.bench.ts [--quick] [--batch N] [--workers N]
//
// 1. index build time and memory (heap + typed arrays, after a forced GC)
// 2. single-query latency, p50 / p99 over 20,000 queries (synthetic trader names, listed names with a typo, and
//    listed names as published). Each query runs in three interleaved rounds and its fastest run counts, so a
//    moment when another process had the core does not show up as engine latency.
//    Baselines in the same run: a Map lookup of the exact normalised name (what exact matching costs) and a
//    linear Jaro-Winkler scan over 1,000 entities (what fuzzy matching costs without an index).
// 3. candidate generation recall: of the hits a full scan of every entity finds for 300 queries, the share the
//    index finds (the price of not scoring everything).
// 4. re-screening N synthetic trader names (default 1,000,000) against the whole index and against a daily
//    delta of 50 entities, on worker threads (default: all cores).
// Targets: p50 < 0.5 ms, p99 < 2 ms, index memory < 500 MB, whole list < 5 min, delta < 30 s.
// Re-screening prints wall time and the process's CPU time (all threads) with the load average: on a machine
// shared with other work, wall time measures the neighbours too; CPU time / cores is what an idle machine takes.
// Prints a table and, last, one JSON line with the figures.

import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { ListEntity, ListSource } from '../src/server/modules/screening/model.js';
import { ALGORITHM_VERSION, DEFAULT_THRESHOLD, buildScreeningIndex, jaroWinkler, normaliseName, screenBatch } from '../src/server/modules/screening/engine/index.js';
import { analyseEntityNames, scoreEntity } from '../src/server/modules/screening/engine/matcher.js';
import { analyseName } from '../src/server/modules/screening/engine/normalise.js';
import { dataAvailable, loadLists } from './lib/screening-eval.js';
import { rng, syntheticNames, typo } from './lib/synthetic-names.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const BATCH = Number(arg('--batch') ?? (quick ? 100_000 : 1_000_000));
const WORKERS = arg('--workers') !== undefined ? Number(arg('--workers')) : cpus().length;
const QUERIES = quick ? 5_000 : 20_000;
const ROUNDS = 3;

if (!dataAvailable()) {
  console.error('screening-speed: ../shared/data/sanctions is missing; nothing measured');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const memory = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const lists = await loadLists();
const entities = lists.lists.reduce((n, l) => n + l.entities.length, 0);
const before = memory();
const t0 = performance.now();
const index = buildScreeningIndex(lists.lists);
const buildMs = performance.now() - t0;
const indexMb = (memory() - before) / 1e6;
const keep: unknown[] = [index]; // the index stays reachable while memory is measured
console.log(`algorithm ${ALGORITHM_VERSION}, threshold ${DEFAULT_THRESHOLD}; ${entities} entities from ${lists.lists.length} list files (${lists.loader}); ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()[0]!.toFixed(1)}`);
console.log(`index: built in ${buildMs.toFixed(0)} ms, ${indexMb.toFixed(1)} MB`);

// ---------------------------------------------------------------------------------------------------------
// Queries: a third synthetic traders, a third listed names with a typo, a third listed names as published.
const r = rng(1234);
const all: { source: ListSource; e: ListEntity }[] = lists.lists.flatMap((l) => l.entities.map((e) => ({ source: l.source, e })));
const listedName = () => {
  const x = all[Math.floor(r() * all.length)]!.e;
  const names = [x.name, ...x.aliases];
  return names[Math.floor(r() * names.length)]!;
};
const synthetic = syntheticNames(QUERIES, 99);
const queries: string[] = [];
for (let i = 0; i < QUERIES; i++) queries.push(i % 3 === 0 ? synthetic[i]! : i % 3 === 1 ? typo(listedName(), r) : listedName());

function latencies(run: (q: string) => unknown): number[] {
  const best = new Float64Array(queries.length).fill(Infinity);
  for (let i = 0; i < 2000; i++) run(queries[i % queries.length]!); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < queries.length; i++) {
      const s = performance.now();
      run(queries[i]!);
      const d = performance.now() - s;
      if (d < best[i]!) best[i] = d;
    }
  }
  return Array.from(best).sort((a, b) => a - b);
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

let sink = 0;
const engine = latencies((q) => (sink += index.search({ name: q }).length));

const exact = new Map<string, number>();
all.forEach((x, i) => {
  for (const n of [x.e.name, ...x.e.aliases]) exact.set(normaliseName(n, x.e.kind), i);
});
const mapLookup = latencies((q) => (sink += exact.get(normaliseName(q)) ?? 0));

const scan = all.slice(0, 1000).map((x) => normaliseName(x.e.name, x.e.kind));
const linear = latencies((q) => {
  const nq = normaliseName(q);
  let best = 0;
  for (const s of scan) {
    const v = jaroWinkler(nq, s);
    if (v > best) best = v;
  }
  sink += best;
});

const ms = (x: number) => `${x.toFixed(3)} ms`;
console.log(`\n${'single query'.padEnd(46)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'mean'.padStart(10)}`);
const row = (label: string, l: number[]) => console.log(`${label.padEnd(46)} ${ms(pct(l, 0.5)).padStart(10)} ${ms(pct(l, 0.99)).padStart(10)} ${ms(mean(l)).padStart(10)}`);
row(`Bulwark index, ${entities} entities`, engine);
row('baseline: exact normalised-name Map lookup', mapLookup);
row('baseline: linear Jaro-Winkler scan, 1,000 entities', linear);

// ---------------------------------------------------------------------------------------------------------
// Candidate generation recall against a full scan.
const analysed = all.map((x) => ({ ...x, names: analyseEntityNames(x.e) }));
let want = 0;
let got = 0;
const sample = quick ? 100 : 300;
for (let i = 0; i < sample; i++) {
  const q = queries[(i * 7919) % queries.length]!;
  const aq = analyseName(q);
  const truth = new Set<string>();
  for (const x of analysed) {
    const m = scoreEntity(x.source, x.e, x.names, { name: q }, aq);
    if (m && m.score >= DEFAULT_THRESHOLD) truth.add(`${x.source}:${x.e.id}`);
  }
  const found = new Set(index.search({ name: q }, { limit: 1000 }).map((m) => `${m.source}:${m.entityId}`));
  want += truth.size;
  for (const t of truth) if (found.has(t)) got++;
}
const blockingRecall = want ? got / want : 1;
console.log(`\ncandidate generation: the index finds ${got} of the ${want} hits a full scan finds over ${sample} queries (recall ${blockingRecall.toFixed(3)})`);

// ---------------------------------------------------------------------------------------------------------
// Re-screening.
async function rescreen(label: string, target: { source: ListSource; entities: ListEntity[] }[], count: number): Promise<{ seconds: number; cpuSeconds: number; hits: number }> {
  const names = syntheticNames(count, 2024);
  function* qs() {
    for (const name of names) yield { name };
  }
  let hits = 0;
  const s = performance.now();
  const c0 = process.cpuUsage(); // the whole process: this thread and the workers
  await screenBatch(target, qs(), (_i, res) => {
    if (Array.isArray(res) && res.length > 0) hits++;
  }, { workers: WORKERS, chunkSize: 2000 });
  const seconds = (performance.now() - s) / 1000;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  console.log(`${label.padEnd(46)} ${count.toLocaleString('en')} names in ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (${Math.round(count / seconds).toLocaleString('en')}/s, ${WORKERS} workers, load average ${loadavg()[0]!.toFixed(1)}), ${hits} with a hit`);
  return { seconds, cpuSeconds, hits };
}
console.log('');
const whole = await rescreen('re-screen against every list', lists.lists, BATCH);
const deltaEntities = Array.from({ length: 50 }, (_, i) => all[(i * 104729) % all.length]!);
const delta = await rescreen('re-screen against a delta of 50 entities', [{ source: 'ofac_sdn', entities: deltaEntities.map((x) => x.e) }], BATCH);
// Single-thread figure for comparison (a tenth of the names, scaled).
function* tenth() {
  for (const name of syntheticNames(Math.round(BATCH / 10), 2024)) yield { name };
}
const s1 = performance.now();
let oneHits = 0;
await screenBatch(lists.lists, tenth(), (_i, res) => {
  if (Array.isArray(res) && res.length > 0) oneHits++;
}, { workers: 0 });
const oneThread = ((performance.now() - s1) / 1000) * 10;
console.log(`${'baseline: one thread, no workers (scaled x10)'.padEnd(46)} ${BATCH.toLocaleString('en')} names in ~${oneThread.toFixed(1)} s (${oneHits} hits in the tenth)`);

const figures = {
  bench: 'screening-speed', algorithm: ALGORITHM_VERSION, entities, buildMs: Math.round(buildMs), indexMb: +indexMb.toFixed(1),
  p50: +pct(engine, 0.5).toFixed(4), p99: +pct(engine, 0.99).toFixed(4), mapP50: +pct(mapLookup, 0.5).toFixed(4), linearP50: +pct(linear, 0.5).toFixed(4),
  blockingRecall: +blockingRecall.toFixed(3), batch: BATCH, wholeSeconds: +whole.seconds.toFixed(1), wholeCpuSeconds: +whole.cpuSeconds.toFixed(1),
  deltaSeconds: +delta.seconds.toFixed(1), deltaCpuSeconds: +delta.cpuSeconds.toFixed(1), workers: WORKERS, loadAverage: +loadavg()[0]!.toFixed(1),
};
const single = figures.p50 < 0.5 && figures.p99 < 2 && figures.indexMb < 500;
const scale = 1_000_000 / BATCH;
const wallOk = figures.wholeSeconds * scale < 300 && figures.deltaSeconds * scale < 30;
const cores = cpus().length;
const cpuOk = (figures.wholeCpuSeconds * scale) / cores < 300 && (figures.deltaCpuSeconds * scale) / cores < 30;
console.log(`\ntargets: p50 < 0.5 ms, p99 < 2 ms, memory < 500 MB: ${single ? 'met' : 'NOT met'}`);
console.log(`targets: 1M whole < 300 s, 1M delta < 30 s${scale !== 1 ? ` (scaled from ${BATCH.toLocaleString('en')})` : ''}: wall time ${wallOk ? 'met' : 'NOT met'} (load average ${loadavg()[0]!.toFixed(1)}); CPU time / ${cores} cores ${cpuOk ? 'met' : 'NOT met'}`);
console.log(JSON.stringify(figures));
if (keep.length === 0 || sink === -1) console.log('');
