// Sustained ingestion of the trading engine's events, through both real paths, each figure next to a baseline
// measured in the same run on the same database:
//   baseline  plain multi-row INSERTs of the same rows (payload ciphertexts of the same size, made up front) into a
//             bare copy of monitoring_event (no index, no constraint, no audit), one transaction per batch;
//   webhook   signed POST /api/v1/monitoring/events to the listening app (HMAC check, replay nonce, Idempotency-Key,
//             validation, account → trader, per-trader keys, encryption, blind index, late check, insert, the rules
//             registered in the container (live evaluation in the same transaction), one audit event per batch);
//   nats      JetStream publish (one message per event, Nats-Msg-Id) → durable pull consumer → same service → ack.
// Each path runs twice: flat out (throughput: N events / time from the first send to the last commit) and paced at
// a fixed rate, half of that or --rate if lower (latency, p50/p99, event sent → stored and committed; and, for events that completed a
// rule's pattern, event sent → alert committed, with the rules' own detectedAt − receivedAt next to it).
//   npx tsx bench/monitoring-ingest.bench.ts [--events 100000] [--traders 10000] [--batch 500] [--concurrency 4]
//                                            [--rate 5000] [--paced-seconds 5]
// PostgreSQL when DATABASE_URL is set (a fresh database of its own), else in-memory PGlite. NATS at NATS_URL or
// nats://127.0.0.1:4222 (skipped with a message when unreachable).
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config/config.js';
import type { ExchangeEvent } from '../src/contracts/monitoring-events.js';
import { publishNats, scenarioEvents, type Scenario } from '../src/server/modules/exchange/simulator-events.js';
import { createIngestService, startNatsIngestor } from '../src/server/modules/monitoring/ingest/index.js';
import { systemContext } from '../src/server/platform/http/request-context.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../src/server/modules/support/index.js';
import { freshPostgres } from '../test/helpers/test-app.js';
import { seedTradersFast } from './lib/traders-fixture.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('events', 100_000);
const TRADERS = arg('traders', 10_000);
const BATCH = arg('batch', 500);
const CONCURRENCY = arg('concurrency', 4);
const RATE = arg('rate', 5000);
const PACED_SECONDS = arg('paced-seconds', 5);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SECRET = randomBytes(32).toString('hex');

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f = (x: number) => (Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: 0 }) : 'n/a');
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a');

const pgdb = await freshPostgres();
const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-ingest-'));
// Server errors are kept (the first few are printed when a request fails); the rest of the log is dropped.
const serverErrors: string[] = [];
const quiet = new Writable({
  write: (chunk: Buffer, _e, cb) => {
    const line = chunk.toString();
    if (serverErrors.length < 5 && /"level":(50|60)/.test(line)) serverErrors.push(line.slice(0, 3000));
    cb();
  },
});
const config = loadConfig({
  ...(pgdb ? { DATABASE_URL: pgdb.url, DATABASE_POOL_SIZE: '12' } : {}),
  BULWARK_DATA_DIR: join(root, 'data'),
  BULWARK_KEY_FILE: join(root, 'key.json'),
  BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000',
  EXCHANGE_WEBHOOK_SECRET: SECRET,
});
const built = await buildApp(config, { logStream: quiet, serveWeb: false, inMemory: !pgdb });
const c = built.container;
const accountRefs: string[] = [];
try {
  console.log(`database ${pgdb ? 'PostgreSQL' : 'PGlite (in memory)'}; ${f(N)} events per path over ${f(TRADERS)} traders; batches of ${BATCH}`);
  const seeded = await seedTradersFast(c, TRADERS);
  const refs = await c.db.system.selectFrom('trader').select('account_ref').where('id', 'in', seeded.ids.slice(0, 60_000)).execute();
  accountRefs.push(...refs.map((r) => r.account_ref));

  /** n events: per account, background noise with a pattern that should alert now and then (1 account in 20). */
  const SCENARIO_MIX: Scenario[] = ['structuring', 'rapid_in_out', 'large_single', 'high_risk_country', 'sanctioned_counterparty'];
  function makeEvents(n: number): ExchangeEvent[] {
    const out: ExchangeEvent[] = [];
    const now = Date.now() - 60_000;
    for (let i = 0; out.length < n; i++) {
      const ref = accountRefs[i % accountRefs.length]!;
      out.push(...(i % 20 === 7 ? scenarioEvents(SCENARIO_MIX[i % SCENARIO_MIX.length]!, ref, { now }) : scenarioEvents('normal', ref, { count: 20, now })));
    }
    // Interleave accounts as an exchange's feed does.
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out.slice(0, n);
  }

  // ── Baseline: the same rows, plain multi-row INSERTs into a bare table. ──
  const baseRows = makeEvents(N).map((e) => ({
    event_id: e.eventId,
    trader_id: seeded.ids[0]!,
    type: e.type,
    occurred_at: new Date(e.occurredAt),
    received_at: new Date(),
    asset: 'asset' in e ? e.asset : null,
    amount: 'amount' in e ? e.amount : null,
    amount_usd: 'valueUsd' in e ? e.valueUsd : null,
    country: 'country' in e ? (e.country ?? null) : null,
    counterparty_bidx: 'address' in e ? randomBytes(32) : null,
    detail: null,
    source_seq: null,
    late: false,
    payload_ct: randomBytes(140),
  }));
  // The app's role may not create tables: the bare table is made by the database owner, then written as the app.
  const ddl = 'create table bench_event_bare (like monitoring_event including identity including defaults); grant all on bench_event_bare to bulwark_app';
  if (pgdb) {
    const owner = new pg.Client({ connectionString: pgdb.url });
    await owner.connect();
    await owner.query(ddl);
    await owner.end();
  } else {
    await sql.raw(`reset role; ${ddl}; set role bulwark_app`).execute(c.db.system);
  }
  const b0 = performance.now();
  for (let i = 0; i < baseRows.length; i += BATCH) {
    const chunk = baseRows.slice(i, i + BATCH);
    // One statement, one (implicit) transaction per batch, as the service's batch is one transaction.
    await c.db.system.insertInto('bench_event_bare' as 'monitoring_event').values(chunk).execute();
  }
  const baseSec = (performance.now() - b0) / 1000;
  const baseRate = N / baseSec;
  console.log(`baseline   ${f(baseRate)} events/s (${f(N)} plain rows in ${baseSec.toFixed(1)} s)`);

  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(built.app.server.address() as { port: number }).port}/api/v1/monitoring/events`;

  /** 503 answers retried (a batch that lost a deadlock three times in the server: nothing of it was stored). */
  let retried503 = 0;
  /**
   * Sends one signed batch; resolves with its latency (ms) once Bulwark answered (after its commit). A 503 is
   * retried as a sender does: same body, same Idempotency-Key, a fresh signature.
   */
  async function postBatch(events: ExchangeEvent[]): Promise<number> {
    const body = JSON.stringify({ events });
    const key = randomUUID();
    const t0 = performance.now();
    for (let attempt = 1; ; attempt++) {
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signInbound(SECRET, ts, body), 'idempotency-key': key },
        body,
      });
      const text = await res.text();
      if (res.status === 503 && attempt < 5) {
        retried503++;
        continue;
      }
      if (res.status !== 200) throw new Error(`webhook ${res.status}: ${text.slice(0, 300)}\n${serverErrors.join('\n')}`);
      const r = JSON.parse(text) as { stored: number; rejected: number };
      if (r.rejected) throw new Error(`webhook rejected ${r.rejected} events: ${text.slice(0, 300)}`);
      return performance.now() - t0;
    }
  }

  /** Per-event send times, for event → alert (alerts name their events). */
  const sentAt = new Map<string, number>();
  const epochNow = () => performance.timeOrigin + performance.now();

  async function webhookFlatOut(events: ExchangeEvent[]) {
    const batches: ExchangeEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    const lat: number[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) {
          const b = batches[next++]!;
          const l = await postBatch(b);
          for (let k = 0; k < b.length; k++) lat.push(l);
        }
      }),
    );
    return { rate: events.length / ((performance.now() - t0) / 1000), p50: pct(lat, 50), p99: pct(lat, 99) };
  }

  /** Paced: a batch of BATCH events every BATCH/rate seconds (as an exchange flushes its outbox); latency = send → answer. */
  async function webhookPaced(rate: number, seconds: number) {
    const intervalMs = (BATCH / rate) * 1000;
    const ticks = Math.max(1, Math.round((seconds * 1000) / intervalMs));
    const events = makeEvents(BATCH * ticks);
    const lat: number[] = [];
    const inflight: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ticks; i++) {
      const wait = t0 + i * intervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const b = events.slice(i * BATCH, (i + 1) * BATCH);
      const at = epochNow();
      for (const e of b) sentAt.set(e.eventId, at);
      inflight.push(postBatch(b).then((l) => void b.forEach(() => lat.push(l))));
    }
    await Promise.all(inflight);
    return { rate: (BATCH * 1000) / intervalMs, p50: pct(lat, 50), p99: pct(lat, 99), ids: events.map((e) => e.eventId) };
  }

  /** Event → alert for the alerts whose completing event was sent in a paced run. */
  async function eventToAlert(ids: Set<string>) {
    const rows = await c.db.system
      .selectFrom('monitoring_alert as a')
      .innerJoin('monitoring_event as e', (j) => j.onRef('e.event_id', '=', sql`a.event_ids[array_length(a.event_ids, 1)]`))
      .select(['a.event_ids', 'a.detected_at', 'e.received_at'])
      .execute();
    const endToEnd: number[] = [];
    const server: number[] = [];
    for (const r of rows) {
      const last = r.event_ids[r.event_ids.length - 1]!;
      if (!ids.has(last)) continue;
      const detected = new Date(r.detected_at).getTime();
      // An open alert that absorbed a later hit keeps its first detection time: not this event's latency.
      if (detected < new Date(r.received_at).getTime()) continue;
      server.push(detected - new Date(r.received_at).getTime());
      const s = sentAt.get(last);
      if (s !== undefined) endToEnd.push(detected - s);
    }
    return { n: server.length, p50: pct(endToEnd, 50), p99: pct(endToEnd, 99), serverP50: pct(server, 50), serverP99: pct(server, 99) };
  }

  // ── The storage path alone: the ingestion service without HTTP and without the rules (no onStored listener),
  // CONCURRENCY batches at a time: what ingestion itself costs, apart from rule evaluation. ──
  {
    const storeOnly = createIngestService({ audited: c.audited, record: (ctx, spec, o, code) => c.writer.record(ctx, spec, o, code ?? null), vault: c.vault, clock: c.clock, webhookSecret: undefined });
    const ctx = systemContext('bench:store-only');
    const run = async (events: ExchangeEvent[]) => {
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next * BATCH < events.length) {
            const i = next++ * BATCH;
            await storeOnly.ingest(ctx, events.slice(i, i + BATCH));
          }
        }),
      );
      return events.length / ((performance.now() - t0) / 1000);
    };
    await run(makeEvents(Math.min(5000, N)));
    const r = await run(makeEvents(N));
    console.log(`storage    ${f(r)} events/s = ${(r / baseRate).toFixed(2)} × baseline (the service without HTTP and without rules: validation, keys, encryption, blind index, late check, insert, audit)`);
  }

  // ── (a) the webhook ──
  await webhookFlatOut(makeEvents(Math.min(5000, N))); // warm-up (JIT, pools, caches)
  const wFlat = await webhookFlatOut(makeEvents(N));
  const wRate = Math.min(RATE, Math.floor(wFlat.rate * 0.5));
  const wPaced = await webhookPaced(wRate, PACED_SECONDS);
  const wAlert = await eventToAlert(new Set(wPaced.ids));
  if (retried503) console.log(`           (${retried503} batch(es) answered 503 — nothing stored, e.g. a transaction lost a deadlock three times — and were sent again)`);
  console.log(`webhook    ${f(wFlat.rate)} events/s flat out = ${(wFlat.rate / baseRate).toFixed(2)} × baseline (batch latency under saturation p50 ${ms(wFlat.p50)}, p99 ${ms(wFlat.p99)}; ${CONCURRENCY} concurrent requests)`);
  console.log(`           paced at ${f(wPaced.rate)} events/s: event → stored p50 ${ms(wPaced.p50)}, p99 ${ms(wPaced.p99)}`);
  console.log(`           event → alert (${wAlert.n} alerts): p50 ${ms(wAlert.p50)}, p99 ${ms(wAlert.p99)}; rules' detectedAt − receivedAt p50 ${ms(wAlert.serverP50)}, p99 ${ms(wAlert.serverP99)}`);

  // ── (b) NATS JetStream ──
  let natsUp = true;
  const nc = await connect({ servers: NATS_URL, timeout: 2000 }).catch(() => ((natsUp = false), undefined));
  if (!natsUp || !nc) {
    console.log(`nats       skipped: no NATS server at ${NATS_URL}`);
  } else {
    const run = randomUUID().replace(/-/g, '').slice(0, 10);
    const stream = `BENCH_${run}`;
    const prefix = `bench.${run}.events`;
    const storedAt = new Map<string, number>();
    const svc = c.monitoringIngest;
    const startIngestor = () => startNatsIngestor(
      {
        recordUnreadable: svc.recordUnreadable,
        ingest: async (ctx, raw) => {
          const r = await svc.ingest(ctx, raw);
          const t = epochNow();
          for (const x of r.results) if (x.eventId) storedAt.set(x.eventId, t);
          return r;
        },
      },
      { url: NATS_URL, stream, subjectPrefix: prefix, durable: 'bench', batchMax: BATCH, batchWaitMs: 20 },
    );
    let ingestor = await startIngestor();
    try {
      // Walks the ids once (a scan of all of them every few ms would itself load the CPU being measured).
      const waitStored = async (ids: string[]) => {
        for (let i = 0; i < ids.length; ) {
          if (storedAt.has(ids[i]!)) i++;
          else await new Promise((r) => setTimeout(r, 5));
        }
      };
      // Warm-up.
      const warm = makeEvents(Math.min(5000, N));
      await publishNats(NATS_URL, warm, { stream, subjectPrefix: prefix });
      await waitStored(warm.map((e) => e.eventId));
      // Flat out: publish everything as fast as JetStream takes it, while the consumer stores.
      const events = makeEvents(N);
      const t0 = performance.now();
      const sendAt = epochNow();
      await publishNats(NATS_URL, events, { stream, subjectPrefix: prefix, inFlight: 2000 });
      await waitStored(events.map((e) => e.eventId));
      const nRate = N / ((performance.now() - t0) / 1000);
      const flatLat = events.map((e) => storedAt.get(e.eventId)! - sendAt);
      // Paced: a chunk every 20 ms.
      const pRate = Math.min(RATE, Math.floor(nRate * 0.5));
      const perTick = Math.max(1, Math.round(pRate / 50));
      const ticks = Math.round(PACED_SECONDS * 50);
      const paced = makeEvents(perTick * ticks);
      const pub = await connect({ servers: NATS_URL });
      const { jetstream } = await import('@nats-io/jetstream');
      const js = jetstream(pub);
      const p0 = performance.now();
      const acks: Promise<unknown>[] = [];
      for (let i = 0; i < ticks; i++) {
        const wait = p0 + i * 20 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const at = epochNow();
        for (const e of paced.slice(i * perTick, (i + 1) * perTick)) {
          sentAt.set(e.eventId, at);
          acks.push(js.publish(`${prefix}.${e.type}`, JSON.stringify(e), { msgID: e.eventId }));
        }
      }
      await Promise.all(acks);
      await waitStored(paced.map((e) => e.eventId));
      await pub.drain();
      const lat = paced.map((e) => storedAt.get(e.eventId)! - sentAt.get(e.eventId)!);
      const nAlert = await eventToAlert(new Set(paced.map((e) => e.eventId)));
      // Backlog: the exchange published while Bulwark was stopped; the durable consumer drains it with no publisher
      // in this process competing for the two cores (closer to production, where the exchange publishes elsewhere).
      await ingestor.stop();
      const backlog = makeEvents(N);
      await publishNats(NATS_URL, backlog, { stream, subjectPrefix: prefix, inFlight: 2000 });
      const d0 = performance.now();
      ingestor = await startIngestor();
      await waitStored(backlog.map((e) => e.eventId));
      const dRate = N / ((performance.now() - d0) / 1000);
      console.log(`nats       ${f(nRate)} events/s flat out = ${(nRate / baseRate).toFixed(2)} × baseline (publish all → last stored; event → stored under saturation p50 ${ms(pct(flatLat, 50))}, p99 ${ms(pct(flatLat, 99))})`);
      console.log(`           paced at ${f(perTick * 50)} events/s: event → stored and acked p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}`);
      console.log(`           event → alert (${nAlert.n} alerts): p50 ${ms(nAlert.p50)}, p99 ${ms(nAlert.p99)}; rules' detectedAt − receivedAt p50 ${ms(nAlert.serverP50)}, p99 ${ms(nAlert.serverP99)}`);
      console.log(`           backlog drained by the consumer alone (published first, no publisher running): ${f(dRate)} events/s = ${(dRate / baseRate).toFixed(2)} × baseline`);
    } finally {
      await ingestor.stop();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.drain();
    }
  }
  const stored = await c.db.system.selectFrom('monitoring_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const alerts = await c.db.system.selectFrom('monitoring_alert').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  console.log(`stored ${f(Number(stored.n))} events, ${f(Number(alerts.n))} alerts; target ≥ 10,000 events/s with p99 event → alert < 100 ms on 2 cores`);
} finally {
  await built.app.close();
  await pgdb?.drop();
  rmSync(root, { recursive: true, force: true });
}
