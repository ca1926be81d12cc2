// The NATS JetStream path against the real server (nats://127.0.0.1:4222, NATS_TEST_URL to change it), each run on
// its own stream, subjects and durable so parallel test files do not meet: published events are stored once and
// acked; a re-publish under another message id (what a redelivery looks like to us) is a duplicate; a store failure
// naks and the redelivery is stored; unreadable and malformed messages are terminated, with an audited rejection.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { findAudited } from '../../../../../test/helpers/audit.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { systemContext } from '../../../platform/http/request-context.js';
import { syntheticTrader } from '../../demo/synthetic.js';
import { publishNats, scenarioEvents } from '../../exchange/simulator-events.js';
import { startNatsIngestor, type NatsIngestor } from './nats-consumer.js';

const NATS_URL = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';
const RUN = randomUUID().replace(/-/g, '').slice(0, 10);
const STREAM = `T_INGEST_${RUN}`;
const PREFIX = `test.${RUN}.events`;
const ACCOUNT = `ACC-NATS-${RUN}`;

/** Polls until check() holds (NATS delivery is real time); fails with the last value after timeoutMs. */
async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (!check(v)) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

describe('monitoring NATS ingestion', () => {
  let t: TestApp;
  let nc: NatsConnection;
  let ingestor: NatsIngestor;
  let failNext = 0;

  const count = async (ids: string[]) =>
    ids.length ? (await t.container.db.system.selectFrom('monitoring_event').select('event_id').where('event_id', 'in', ids).execute()).length : 0;
  const consumerState = async () => {
    const i = await (await jetstreamManager(nc)).consumers.info(STREAM, 'bulwark-test');
    return { pending: i.num_pending, ackPending: i.num_ack_pending, redelivered: i.num_redelivered };
  };

  before(async () => {
    nc = await connect({ servers: NATS_URL });
    t = await createTestApp();
    await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: ACCOUNT });
    t.container.monitoringIngest.onStored(async () => {
      if (failNext > 0) {
        failNext--;
        throw new Error('rule evaluation failed');
      }
    });
    ingestor = await startNatsIngestor(t.container.monitoringIngest, { url: NATS_URL, stream: STREAM, subjectPrefix: PREFIX, durable: 'bulwark-test', batchWaitMs: 20, nakDelayMs: 100, ackWaitMs: 5_000 });
  });
  after(async () => {
    await ingestor?.stop();
    await (await jetstreamManager(nc)).streams.delete(STREAM).catch(() => undefined);
    await nc?.drain();
    await t?.close();
  });

  it('stores every published event once and acks it; a re-publish with the same Nats-Msg-Id is dropped by the stream', async () => {
    const events = [...scenarioEvents('normal', ACCOUNT, { count: 30 }), ...scenarioEvents('structuring', ACCOUNT)];
    const p = await publishNats(NATS_URL, events, { stream: STREAM, subjectPrefix: PREFIX });
    assert.deepEqual(p, { published: events.length, duplicates: 0 });
    const again = await publishNats(NATS_URL, events.slice(0, 5), { stream: STREAM, subjectPrefix: PREFIX });
    assert.deepEqual(again, { published: 0, duplicates: 5 });
    const ids = events.map((e) => e.eventId);
    await until('all stored', () => count(ids), (n) => n === events.length);
    await until('all acked', consumerState, (s) => s.pending === 0 && s.ackPending === 0);
    const ev = await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'ok' });
    assert.ok(ev.length >= 1 && ev.every((e) => e.actorType === 'system'));
  });

  it('a redelivered event (same event id, new message id) is a duplicate: acked, stored once', async () => {
    const [e] = scenarioEvents('large_single', ACCOUNT);
    const js = jetstream(nc);
    await js.publish(`${PREFIX}.withdrawal`, JSON.stringify(e), { msgID: `${e!.eventId}-a` });
    await js.publish(`${PREFIX}.withdrawal`, JSON.stringify(e), { msgID: `${e!.eventId}-b` });
    await until('acked', consumerState, (s) => s.pending === 0 && s.ackPending === 0);
    const rows = await t.container.db.system.selectFrom('monitoring_event').select('seq').where('event_id', '=', e!.eventId).execute();
    assert.equal(rows.length, 1);
  });

  it('a batch that fails to store is naked, nothing of it stored, and its redelivery is stored', async () => {
    const events = scenarioEvents('rapid_in_out', ACCOUNT);
    const before = ingestor.stats.naked;
    failNext = 1;
    await publishNats(NATS_URL, events, { stream: STREAM, subjectPrefix: PREFIX });
    await until('stored after redelivery', () => count(events.map((e) => e.eventId)), (n) => n === events.length);
    assert.ok(ingestor.stats.naked > before, 'the failed batch was naked');
    const s = await until('acked', consumerState, (x) => x.pending === 0 && x.ackPending === 0);
    assert.ok(s.redelivered >= 0);
    assert.ok((await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'error' })).length >= 1);
  });

  it('unreadable and malformed messages are terminated (not redelivered forever) and recorded', async () => {
    const js = jetstream(nc);
    const terminated = ingestor.stats.terminated;
    await js.publish(`${PREFIX}.deposit`, 'not json at all', { msgID: `bad-${RUN}-1` });
    await js.publish(`${PREFIX}.deposit`, JSON.stringify({ eventId: `bad-${RUN}-2`, accountRef: ACCOUNT, type: 'deposit' }), { msgID: `bad-${RUN}-2` });
    await js.publish(`${PREFIX}.deposit`, JSON.stringify({ ...scenarioEvents('large_single', 'ACC-NOBODY')[0] }), { msgID: `bad-${RUN}-3` });
    await until('terminated', async () => ingestor.stats.terminated, (n) => n >= terminated + 3);
    await until('nothing pending', consumerState, (s) => s.pending === 0 && s.ackPending === 0);
    const rej = await findAudited(t, { action: 'monitoring.event_rejected', outcome: 'denied' });
    const reasons = new Set(rej.flatMap((r) => r.fields));
    assert.ok(reasons.has('reason.unreadable') && reasons.has('reason.malformed') && reasons.has('reason.unknown_account'), [...reasons].join());
    assert.equal(await count([`bad-${RUN}-2`]), 0);
  });
});
