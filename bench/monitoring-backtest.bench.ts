// Backtest of monitoring rules over stored history, next to baselines measured in the same run on the same rows:
//   1. events generated in SQL (generate_series): 10,000,000 on PostgreSQL (DATABASE_URL, the target setting), or
//      1,000,000 on PGlite when DATABASE_URL is unset (reported as such), over 90 days and 10,000 traders;
//   2. baseline A: `select count(*), sum(amount_usd)` over the backtest's rows (the database alone);
//   3. baseline B: the backtest's own read of the same rows with no evaluation (the read alone); baseline C
//      (--row-baseline): the plain keyset-paged read of row objects, for comparison;
//   4. backtests through the service (audited, as the API runs them): a velocity rule over every money event and a
//      structuring rule (its amount band pushed into SQL) — target < 60 s each for 10M events;
//   5. the evaluator alone: the nine default rules over 1,000,000 in-memory events (µs per event, live cost).
//   npx tsx bench/monitoring-backtest.bench.ts [--events 10000000] [--traders 10000] [--row-baseline]
import { systemContext } from '../src/server/platform/http/request-context.js';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestApp } from '../test/helpers/test-app.js';
import { seedTradersFast } from './lib/traders-fixture.js';
import { RuleDefinition } from '../src/contracts/monitoring-rules.js';
import { DEFAULT_RULES } from '../migrations/2026-11-21T16-10-00_monitoring_rules.js';
import { RuleEvaluator } from '../src/server/modules/monitoring/rules/evaluator.js';
import { parseLines, prefilterOf, runBacktest } from '../src/server/modules/monitoring/rules/backtest.js';
import * as repo from '../src/server/modules/monitoring/rules/rules.repository.js';
import type { EventType, MonitoringEvent } from '../src/server/modules/monitoring/model.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const onPostgres = Boolean(process.env.DATABASE_URL);
const EVENTS = arg('events', onPostgres ? 10_000_000 : 1_000_000);
const TRADERS = arg('traders', 10_000);
const DAYS = 90;
const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} rows/s`;

log(`database: ${onPostgres ? 'PostgreSQL (DATABASE_URL)' : 'PGlite in memory (DATABASE_URL unset: 1M events, not the 10M target)'}; ${EVENTS.toLocaleString('en')} events, ${TRADERS.toLocaleString('en')} traders, ${DAYS} days`);
const t = await createTestApp({});
const c = t.container;
const db = c.db.system;
try {
  let t0 = Date.now();
  await seedTradersFast(c, TRADERS, log);
  log(`traders seeded in ${secs(Date.now() - t0)}`);

  // Events straight into the table (the ingestion path is benchmarked elsewhere): ms-precise times spread over 90
  // days; 40 % deposits, 30 % withdrawals, 20 % trades, 5 % transfers, 5 % logins; about 1 % of money events in the
  // 9,000–10,000 USD band, so the structuring rule has something to find. The payload is a placeholder (not read).
  const end = Date.parse('2026-11-20T00:00:00.000Z');
  const start = end - DAYS * 86_400_000;
  const step = (end - start) / EVENTS;
  const CHUNK = 1_000_000;
  t0 = Date.now();
  for (let from = 0; from < EVENTS; from += CHUNK) {
    const to = Math.min(EVENTS, from + CHUNK);
    await sql`
      with bt as (select id, (row_number() over (order by id)) - 1 as rn from trader),
      g as (select n, hashint4(n::int) as h from generate_series(${from}::bigint, ${to - 1}::bigint) n)
      insert into monitoring_event (event_id, trader_id, type, occurred_at, received_at, asset, amount, amount_usd, country, payload_ct)
      select 'bench-' || g.n,
             bt.id,
             case when abs(g.h) % 100 < 40 then 'deposit' when abs(g.h) % 100 < 70 then 'withdrawal' when abs(g.h) % 100 < 90 then 'trade' when abs(g.h) % 100 < 95 then 'transfer' else 'login' end,
             to_timestamp(floor(${start}::float8 + g.n * ${step}::float8) / 1000.0),
             to_timestamp(floor(${start}::float8 + g.n * ${step}::float8) / 1000.0),
             case when abs(g.h) % 100 < 95 then 'USDT' end,
             case when abs(g.h) % 100 < 95 then 1 end,
             case when abs(g.h) % 100 >= 95 then null when abs(g.h >> 8) % 100 = 0 then 9000 + abs(g.h >> 16) % 1000 else 10 + abs(g.h >> 16) % 5000 end,
             case when abs(g.h) % 100 >= 95 then 'DE' end,
             '\\x00'::bytea
      from g join bt on bt.rn = abs(hashint4(((g.n * 7919) % 2147483647)::int)) % ${TRADERS}
    `.execute(db);
    log(`  ${to.toLocaleString('en')} events (${secs(Date.now() - t0)})`);
  }
  // ANALYZE as the table's owner (the app role may not; autovacuum does it in a real deployment): without
  // statistics the planner sorts the whole range for every page instead of walking the (trader, time) index.
  if (t.config.databaseUrl) {
    const owner = new pg.Client({ connectionString: t.config.databaseUrl });
    await owner.connect();
    await owner.query('analyze monitoring_event, trader');
    await owner.end();
  } else {
    await sql`reset role`.execute(db);
    await sql`analyze monitoring_event, trader`.execute(db);
    await sql.raw('set role bulwark_app').execute(db);
  }
  log(`events generated in ${secs(Date.now() - t0)}`);

  const range = { from: new Date(start + 86_400_000), to: new Date(end) };
  const velocity = { id: 'bench-velocity', name: 'Velocity of money events', severity: 'medium', explanation: '{count} events, {sumUsd} USD within {window}', appliesTo: ['deposit', 'withdrawal', 'trade', 'transfer'], condition: { type: 'velocity', window: '24h', minCount: 25, minSumUsd: 40000 } };
  const structuring = { id: 'bench-structuring', name: 'Structuring', severity: 'high', explanation: '{count} between {lowUsd} and {thresholdUsd}', appliesTo: ['deposit', 'withdrawal'], condition: { type: 'structuring', thresholdUsd: 10000, band: 0.1, minCount: 3, window: '24h' } };
  const ctx = systemContext('bench:backtest');
  const lookbackFrom = new Date(range.from.getTime() - 86_400_000);

  // Baseline A: the database's own aggregate over the rows the velocity backtest reads.
  t0 = Date.now();
  const agg = await sql<{ n: string; s: number }>`select count(*) as n, sum(amount_usd) as s from monitoring_event where occurred_at between ${lookbackFrom} and ${range.to} and type in ('deposit', 'withdrawal', 'trade', 'transfer')`.execute(db);
  const aggMs = Date.now() - t0;
  const rows = Number(agg.rows[0]!.n);
  log(`baseline A (count, sum in SQL): ${rows.toLocaleString('en')} rows in ${secs(aggMs)} (${rate(rows, aggMs)})`);

  // Baseline B: the backtest's own read (trader pages, one history text per trader, parsed), evaluating nothing.
  // Baseline C (--row-baseline): the plain way, keyset-paged row objects ordered by (trader, time, id).
  const pre = prefilterOf({ id: 'v', version: 0, definition: RuleDefinition.parse(velocity) });
  const filter = { from: lookbackFrom, to: range.to, ...pre };
  t0 = Date.now();
  const readRows = await c.writer.auditedRead(ctx, { action: 'bench.read', target: { type: 'monitoring_event' } }, async (tx) => {
    let after: string | null = null;
    let n = 0;
    for (;;) {
      const ids = await repo.nextTraders(tx, after, 500);
      if (!ids.length) return n;
      for (const r of await repo.traderHistories(tx, ids, filter)) n += parseLines(r.trader_id, r.lines).length;
      after = ids.at(-1)!;
    }
  });
  const readMs = Date.now() - t0;
  log(`baseline B (the backtest's read, no evaluation): ${readRows.toLocaleString('en')} rows in ${secs(readMs)} (${rate(readRows, readMs)})`);
  let rowMs = 0;
  if (process.argv.includes('--row-baseline')) {
    t0 = Date.now();
    const n = await c.writer.auditedRead(ctx, { action: 'bench.read', target: { type: 'monitoring_event' } }, async (tx) => {
      let after: { traderId: string; t: Date; eventId: string } | null = null;
      let k = 0;
      for (;;) {
        const page = await repo.streamPage(tx, filter, after, 20_000);
        k += page.length;
        if (page.length < 20_000) return k;
        const last = page.at(-1)!;
        after = { traderId: last.trader_id, t: new Date(last.t), eventId: last.event_id };
      }
    });
    rowMs = Date.now() - t0;
    log(`baseline C (keyset-paged row objects): ${n.toLocaleString('en')} rows in ${secs(rowMs)} (${rate(n, rowMs)})`);
  }

  const results: string[] = [];
  for (const def of [velocity, structuring]) {
    t0 = Date.now();
    const r = await c.monitoring.backtest(ctx, { rule: { format: 'json', source: JSON.stringify(def) }, from: range.from.toISOString(), to: range.to.toISOString(), sampleSize: 3 });
    const wall = Date.now() - t0;
    const order = prefilterOf({ id: def.id, version: 0, definition: RuleDefinition.parse(def) }).minUsd !== undefined ? 'time order' : 'trader by trader';
    const line = `backtest ${def.condition.type} (service: ${order}): ${r.eventsScanned.toLocaleString('en')} events scanned (of ${EVENTS.toLocaleString('en')} stored) in ${secs(wall)} (${rate(r.eventsScanned, wall)}); ${r.alerts} alerts, ${r.traders} traders, ${r.hits} hits${r.truncated ? ' — TRUNCATED at the time limit' : ''}; target < 60 s: ${wall < 60_000 && !r.truncated ? 'met' : 'NOT met'}`;
    log(line);
    results.push(line);
  }
  // The other streaming order of each rule, for comparison.
  for (const def of [velocity, structuring]) {
    t0 = Date.now();
    const rule = { id: def.id, version: 0, definition: RuleDefinition.parse(def) };
    const other = prefilterOf(rule).minUsd !== undefined ? 'trader' : 'time';
    const r = await c.writer.auditedRead(ctx, { action: 'bench.backtest', target: { type: 'monitoring_rule' } }, (tx) =>
      runBacktest(tx, rule, { from: range.from, to: range.to, sampleSize: 3, timeLimitMs: 600_000, mode: other }, { jurisdiction: () => null, walletListed: () => [], now: () => Date.now() }),
    );
    const wall = Date.now() - t0;
    const line = `backtest ${def.condition.type} (${other === 'time' ? 'time order' : 'trader by trader'}): ${r.eventsScanned.toLocaleString('en')} events in ${secs(wall)} (${rate(r.eventsScanned, wall)}); ${r.alerts} alerts, ${r.traders} traders`;
    log(line);
    results.push(line);
  }

  // The evaluator alone, as live evaluation runs it: the nine default rules, 1M events over 10,000 traders in order.
  const rules = DEFAULT_RULES.map((r) => ({ id: r.id, version: 1, definition: RuleDefinition.parse(r.definition) }));
  const ev = new RuleEvaluator(rules, { jurisdiction: (x) => (x === 'IR' ? 'high_risk' : null), walletListed: () => [], now: () => 0 });
  const types: EventType[] = ['deposit', 'withdrawal', 'trade', 'transfer', 'login'];
  const N = 1_000_000;
  const events: MonitoringEvent[] = [];
  // mulberry32: a small seeded generator (repeatable runs).
  let seed = 42;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < N; i++) {
    const type = types[Math.floor(rnd() * types.length)]!;
    events.push({ eventId: `m-${i}`, traderId: `t-${Math.floor(rnd() * 10_000)}`, type, occurredAt: start + i * ((30 * 86_400_000) / N), receivedAt: 0, asset: 'USDT', amount: null, amountUsd: type === 'login' ? null : rnd() < 0.01 ? 9_000 + rnd() * 1_000 : rnd() * 5_000, country: rnd() < 0.01 ? 'IR' : 'DE', counterparty: null, ip: null, detail: null });
  }
  t0 = performance.now();
  let hits = 0;
  for (const e of events) hits += ev.evaluate(e).length;
  const evalMs = performance.now() - t0;
  const line = `evaluator: 9 default rules, ${N.toLocaleString('en')} events, ${(evalMs / 1000).toFixed(2)} s = ${((evalMs * 1000) / N).toFixed(2)} µs/event (${Math.round(N / (evalMs / 1000)).toLocaleString('en')} events/s on one core), ${hits} hits, state ${ev.size().traders} traders / ${ev.size().events} events`;
  log(line);

  process.stdout.write(
    [
      `# monitoring backtest bench — ${onPostgres ? 'PostgreSQL' : 'PGlite (1M: DATABASE_URL unset)'}, ${EVENTS.toLocaleString('en')} events, ${TRADERS.toLocaleString('en')} traders`,
      `baseline A count/sum in SQL: ${rows.toLocaleString('en')} rows, ${secs(aggMs)}`,
      `baseline B the backtest's read without evaluation: ${readRows.toLocaleString('en')} rows, ${secs(readMs)}`,
      rowMs ? `baseline C keyset-paged row objects: ${secs(rowMs)}` : 'baseline C not run (--row-baseline)',
      ...results,
      line,
      '',
    ].join('\n'),
  );
} finally {
  await t.close();
}
