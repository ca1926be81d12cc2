// Nothing lost, nothing twice, when the ingesting process is killed mid-stream: events are published to a
// JetStream stream of this run's own, a child process (test/fixtures/monitoring/nats-ingest-child.ts) ingests them
// into an on-disk PGlite (or DATABASE_URL's PostgreSQL) and is killed with SIGKILL while batches are in flight; a
// second child picks up (JetStream redelivers what the first never acked) and every published event is then stored
// exactly once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { cliEnv, ROOT } from '../../../../../test/helpers/cli.js';
import { loadConfig } from '../../../config/config.js';
import { createContainer } from '../../../container.js';
import { publishNats, scenarioEvents } from '../../exchange/simulator-events.js';

const NATS_URL = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';
const RUN = randomUUID().replace(/-/g, '').slice(0, 10);
const STREAM = `T_KILL_${RUN}`;
const PREFIX = `test.${RUN}.kill`;
const DURABLE = 'bulwark-kill';
const ACCOUNT = `ACC-KILL-${RUN}`;
const CHILD = join(ROOT, 'test', 'fixtures', 'monitoring', 'nats-ingest-child.ts');
const N = 3000;

function startChild(env: NodeJS.ProcessEnv, seed: boolean): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, NATS_URL, STREAM, PREFIX, DURABLE, ...(seed ? ['--seed', ACCOUNT] : [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child not ready: ${out}`)), 45_000);
    child.stdout!.on('data', () => {
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

describe('kill -9 during NATS ingestion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-kill-'));
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(STREAM).catch(() => undefined);
    await nc.drain();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every published event is stored exactly once across a SIGKILL and a restart', { timeout: 120_000 }, async () => {
    const e = await cliEnv(dir);
    drop = e.drop;
    const events = Array.from({ length: N / 20 }, () => scenarioEvents('normal', ACCOUNT, { count: 20, now: Date.now() - 60_000 })).flat();
    assert.equal(events.length, N);
    assert.deepEqual(await publishNats(NATS_URL, events, { stream: STREAM, subjectPrefix: PREFIX }), { published: N, duplicates: 0 });

    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    const info = () => jsm.consumers.info(STREAM, DURABLE).catch(() => undefined);

    // First child: killed as soon as some, but not all, batches have been acknowledged.
    const first = await startChild(e.env, true);
    let ackedAtKill: number;
    for (;;) {
      const i = await info();
      const acked = i?.ack_floor.stream_seq ?? 0;
      if (acked > 0) {
        first.child.kill('SIGKILL');
        ackedAtKill = acked;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => first.child.once('exit', r));
    assert.ok(ackedAtKill > 0 && ackedAtKill < N, `killed mid-stream (acked ${ackedAtKill} of ${N})`);

    // Second child: JetStream redelivers what was never acked (after ack_wait); duplicates are recognised.
    const second = await startChild(e.env, false);
    const end = Date.now() + 60_000;
    for (;;) {
      const i = await info();
      if (i && i.num_pending === 0 && i.num_ack_pending === 0 && i.ack_floor.stream_seq >= N) break;
      if (Date.now() > end) assert.fail(`not drained: ${JSON.stringify(i && { pending: i.num_pending, ackPending: i.num_ack_pending, floor: i.ack_floor })}\n${second.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await nc.drain();

    const c = await createContainer(loadConfig(e.env), { createKeyFile: false });
    try {
      const rows = await c.db.system.selectFrom('monitoring_event').select('event_id').execute();
      const ids = new Set(rows.map((r) => r.event_id));
      assert.equal(rows.length, N, 'no event twice');
      assert.ok(events.every((x) => ids.has(x.eventId)), 'no event lost');
    } finally {
      await c.close();
    }
  });
});
