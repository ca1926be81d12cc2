// The NATS JetStream path of event ingestion (when NATS_URL is set). The exchange publishes one event per message on
// `exchange.events.<type>` with `Nats-Msg-Id: <eventId>` (the stream drops a re-publish within its duplicate
// window); Bulwark reads through a durable pull consumer with explicit acknowledgement:
//   - messages are gathered into batches (up to batchMax, or what arrived within batchWaitMs) and stored through
//     the ingestion service, one audited transaction per batch, up to `parallel` batches at a time;
//   - each message is acked only after that transaction committed; if the process dies first, JetStream redelivers
//     after ack_wait and the event table's unique event id turns the second copy into `duplicate` (at-least-once
//     delivery, exactly-once storage);
//   - a message that can never be stored (not JSON, malformed, unknown account, from the future) is recorded as a
//     rejection and terminated (`term`): no endless redelivery;
//   - a batch that failed to store (database down, a rule listener threw) is `nak`ed with a delay and comes back.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType, type JsMsg, type ConsumerMessages } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MAX_EVENT_BYTES } from '../../../../contracts/monitoring-events.js';
import { systemContext } from '../../../platform/http/request-context.js';
import type { IngestService } from './ingest.service.js';

export const DEFAULT_STREAM = 'BULWARK_EXCHANGE_EVENTS';
export const DEFAULT_SUBJECT_PREFIX = 'exchange.events';
export const DEFAULT_DURABLE = 'bulwark-monitoring';

export interface NatsIngestOptions {
  url: string;
  stream?: string;
  /** Subjects are `<prefix>.<event type>`; the stream captures `<prefix>.>`. */
  subjectPrefix?: string;
  durable?: string;
  /** Most messages per stored batch. */
  batchMax?: number;
  /** Batches stored at the same time (default 2). */
  parallel?: number;
  /** How long a partial batch waits for more messages before it is stored. */
  batchWaitMs?: number;
  /** Redelivery delay after a failed store. */
  nakDelayMs?: number;
  /** Unacknowledged messages are redelivered after this (a killed process's in-flight batch comes back). */
  ackWaitMs?: number;
  log?: { error(obj: object, msg: string): void; warn(msg: string): void };
}

export interface NatsIngestor {
  /** Stops fetching, waits for the batch being stored, drains the connection. */
  stop(): Promise<void>;
  /** Messages acked, terminated and naked so far (tests, metrics). */
  stats: { acked: number; terminated: number; naked: number; batches: number };
}

const ms = (x: number) => x * 1_000_000; // JetStream durations are nanoseconds

/** Creates the stream and the durable consumer when missing (idempotent; an existing one is left as configured). */
export async function ensureStreamAndConsumer(nc: NatsConnection, o: { stream: string; subjectPrefix: string; durable: string; ackWaitMs: number; maxAckPending: number }): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(o.stream);
  } catch {
    await jsm.streams.add({
      name: o.stream,
      subjects: [`${o.subjectPrefix}.>`],
      storage: StorageType.File,
      // The exchange's re-publish of the same event id within this window is dropped by the server.
      duplicate_window: ms(10 * 60_000),
    });
  }
  try {
    await jsm.consumers.info(o.stream, o.durable);
  } catch {
    await jsm.consumers.add(o.stream, {
      durable_name: o.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ms(o.ackWaitMs),
      max_ack_pending: o.maxAckPending,
    });
  }
}

/** Connects, ensures the stream and consumer, and stores every message through ingest (see the file comment). */
export async function startNatsIngestor(ingest: Pick<IngestService, 'ingest' | 'recordUnreadable'>, opts: NatsIngestOptions): Promise<NatsIngestor> {
  const stream = opts.stream ?? DEFAULT_STREAM;
  const subjectPrefix = opts.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const durable = opts.durable ?? DEFAULT_DURABLE;
  const batchMax = opts.batchMax ?? 500;
  const batchWaitMs = opts.batchWaitMs ?? 50;
  const nakDelayMs = opts.nakDelayMs ?? 2_000;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const ctx = systemContext('exchange:nats');
  const stats = { acked: 0, terminated: 0, naked: 0, batches: 0 };

  const nc = await connect({ servers: opts.url, name: 'bulwark-monitoring-ingest', maxReconnectAttempts: -1 });
  await ensureStreamAndConsumer(nc, { stream, subjectPrefix, durable, ackWaitMs, maxAckPending: batchMax * 8 });
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: batchMax * 2 });

  async function store(batch: JsMsg[]): Promise<void> {
    if (!batch.length) return;
    stats.batches++;
    const readable: { msg: JsMsg; raw: unknown }[] = [];
    const unreadable: JsMsg[] = [];
    for (const m of batch) {
      if (m.data.length > MAX_EVENT_BYTES) {
        unreadable.push(m);
        continue;
      }
      try {
        readable.push({ msg: m, raw: JSON.parse(Buffer.from(m.data).toString('utf8')) as unknown });
      } catch {
        unreadable.push(m);
      }
    }
    try {
      if (unreadable.length) {
        // Recorded before it is dropped: a terminated message leaves its trace in the audit log.
        await ingest.recordUnreadable(ctx, unreadable.length, 'unreadable');
        for (const m of unreadable) m.term();
        stats.terminated += unreadable.length;
      }
      if (!readable.length) return;
      const r = await ingest.ingest(ctx, readable.map((x) => x.raw));
      // Committed: now, and only now, the exchange may forget them.
      r.results.forEach((res, i) => {
        const m = readable[i]!.msg;
        if (res.status === 'rejected') {
          m.term();
          stats.terminated++;
        } else {
          m.ack();
          stats.acked++;
        }
      });
    } catch (err) {
      opts.log?.error({ err }, 'monitoring: NATS batch not stored; redelivery after delay');
      for (const { msg } of readable) msg.nak(nakDelayMs);
      stats.naked += readable.length;
    }
  }

  // Up to `parallel` batches are stored at once (on PostgreSQL they commit on separate audit lanes); each message is
  // acknowledged after its own batch committed, so the order of acknowledgements does not matter.
  const parallel = Math.max(1, opts.parallel ?? 2);
  let buffer: JsMsg[] = [];
  const inflight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (inflight.size >= parallel) await Promise.race(inflight);
    const batch = buffer;
    buffer = [];
    const p: Promise<void> = store(batch).finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const loop = (async () => {
    for await (const m of messages) {
      buffer.push(m);
      if (buffer.length >= batchMax) await flush();
      else timer ??= setTimeout(() => void flush(), batchWaitMs);
    }
  })().catch((err: unknown) => opts.log?.error({ err }, 'monitoring: NATS consumer stopped'));

  return {
    stats,
    async stop() {
      await messages.close().catch(() => undefined);
      await loop;
      // Messages received but not yet stored are stored now (or, if that fails, naked).
      await flush();
      await Promise.all(inflight);
      await nc.drain().catch(() => undefined);
    },
  };
}
