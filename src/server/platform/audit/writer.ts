// The audited transaction runner and the audit log writer, with group commit.
//
// audited(ctx, {action, target}, fn) runs fn in a database transaction and appends its audit event in the
// same transaction. To reach tens of thousands of events per second on two cores, concurrent calls share a
// transaction: a "lane" takes the waiting jobs, opens ONE transaction, runs each job's fn inside its own
// SAVEPOINT (so one job's failure rolls back only its own work), links the events onto the chain head and
// appends them with bulwark_audit_append (chain lock, head check and insert in one round trip), and commits
// once. Every caller gets its answer only after that commit: its event is durable before it is acknowledged.
// A failed or denied job is rolled back to its savepoint and its `error`/`denied` event is committed with the
// batch, so the failure is recorded even though its work is not (the same effect as "recorded in its own
// transaction").
//
// Several lanes run in parallel on PostgreSQL; only the chain step (lock, head check, insert, commit) is
// serialised, by a transaction-scoped advisory lock, which also keeps several server processes on one linear
// chain. PGlite has a single connection, hence a single lane.
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { AuditEventTable, DB } from '../db/schema.js';
import { inAuditedScope, runInAuditedScope, runOutsideScope } from '../db/scope.js';
import { AppError } from '../http/errors.js';
import type { ActorContext } from '../http/request-context.js';
import { chainHash, type AuditEventContent, type AuditOutcome } from './canonical.js';

/** A transaction handle that exists only inside audited(); repositories take nothing else. */
export type AuditedTx = Transaction<DB> & { readonly __audited: true };

export interface AuditSpec {
  /** `resource.action`, e.g. `trader.view`. */
  action: string;
  target?: { type: string; id?: string | null } | undefined;
  reason?: string | undefined;
  /** Field names touched or revealed (never values). */
  fields?: string[] | undefined;
}

/** Lets fn complete the event once it knows more (a created row's id, the fields it revealed). */
export interface AuditEventBuilder {
  setTarget(type: string, id: string): void;
  addFields(...names: string[]): void;
}

export type Audited = <T>(
  ctx: ActorContext,
  spec: AuditSpec,
  fn: (tx: AuditedTx, event: AuditEventBuilder) => Promise<T>,
) => Promise<T>;

interface Job {
  ctx: ActorContext;
  spec: AuditSpec;
  fn: ((tx: AuditedTx, event: AuditEventBuilder) => Promise<unknown>) | undefined;
  /** For event-only jobs (a denial found before any work). */
  outcome?: AuditOutcome;
  errorCode?: string | null;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

// The chain lock is the advisory lock 0x62756c77 ("bulw") taken by bulwark_audit_append().

export interface AuditWriterOptions {
  db: Database;
  clock: Clock;
  batchMax: number;
  lanes: number;
  /** Called after each commit with the last sequence number written. */
  onCommitted?: (lastSeq: number, count: number) => void;
  onError?: (err: unknown) => void;
}

export interface AppendedEvent extends AuditEventContent {
  prevHash: string;
  hash: string;
}

export class AuditWriter {
  private readonly queue: Job[] = [];
  private busyLanes = 0;
  /** The chain head as of this writer's last commit. */
  private head: ChainHead | undefined;
  private pumpScheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: AuditWriterOptions) {}

  /** Runs fn in an audited transaction; see the file comment. */
  readonly audited: Audited = <T>(
    ctx: ActorContext,
    spec: AuditSpec,
    fn: (tx: AuditedTx, event: AuditEventBuilder) => Promise<T>,
  ): Promise<T> => {
    // A nested call would wait for a lane while its caller holds one: with one lane (PGlite) that never ends,
    // with several it commits apart from the caller's work. Fail loudly instead; pass `tx` down instead.
    if (inAuditedScope()) {
      return Promise.reject(new Error(`audited() cannot be nested (${spec.action} inside an audited function): pass its tx to the repository instead`));
    }
    return new Promise<T>((resolve, reject) => {
      this.enqueue({ ctx, spec, fn: fn as Job['fn'], resolve: resolve as (v: unknown) => void, reject });
    });
  };

  /**
   * Runs a READ-ONLY fn and audits it: fn runs in its own read-only transaction on a pooled connection, then its
   * event is appended (group-committed, durable) before the caller gets the answer. A read writes nothing that
   * would have to roll back with its event, so the two need not share a transaction — and reads then run side by
   * side across the pool instead of one after another inside an audit lane. The database refuses any write in
   * fn (READ ONLY). A failed or denied read is recorded exactly as audited() records it.
   */
  readonly auditedRead: Audited = async <T>(
    ctx: ActorContext,
    spec: AuditSpec,
    fn: (tx: AuditedTx, event: AuditEventBuilder) => Promise<T>,
  ): Promise<T> => {
    if (inAuditedScope()) throw new Error(`auditedRead() cannot be nested (${spec.action} inside an audited function)`);
    const target = { type: spec.target?.type, id: spec.target?.id ?? null };
    const fields = new Set(spec.fields ?? []);
    const builder: AuditEventBuilder = {
      setTarget(type, id) {
        target.type = type;
        target.id = id;
      },
      addFields(...names) {
        for (const n of names) fields.add(n);
      },
    };
    let value: T | undefined;
    let failure: unknown;
    try {
      value = await this.opts.db.system
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => runInAuditedScope(spec.action, () => fn(trx as AuditedTx, builder), trx));
    } catch (err) {
      failure = err;
    }
    const outcome: AuditOutcome = failure === undefined ? 'ok' : failure instanceof AppError && failure.isDenial ? 'denied' : 'error';
    const code = failure === undefined ? null : failure instanceof AppError ? failure.code : 'internal_error';
    const event = { ...spec, target: target.type === undefined ? spec.target : { type: target.type, id: target.id }, fields: [...fields] };
    // Durable before the caller sees anything: no answer leaves without its event.
    await this.record(ctx, event, outcome, code);
    if (failure !== undefined) throw failure;
    return value as T;
  };

  /** Appends an event with no work attached, e.g. a denial decided before any query ran. */
  record(ctx: ActorContext, spec: AuditSpec, outcome: AuditOutcome, errorCode: string | null = null): Promise<void> {
    if (inAuditedScope()) return Promise.reject(new Error(`audit record() cannot run inside an audited function (${spec.action})`));
    return new Promise<void>((resolve, reject) => {
      this.enqueue({ ctx, spec, fn: undefined, outcome, errorCode, resolve: () => resolve(), reject });
    });
  }

  /** Waits until every queued job is committed. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.busyLanes === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Refuses new jobs and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private enqueue(job: Job): void {
    if (this.closed) {
      job.reject(new Error('audit writer is closed'));
      return;
    }
    this.queue.push(job);
    // Jobs arriving in the same turn of the event loop share a batch: start lanes on the next turn, not per job.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  private pump(): void {
    // Jobs with work run one after another inside their lane, so they are spread over the idle lanes;
    // event-only jobs cost nothing to run and go together (one commit for all of them).
    const idle = this.opts.lanes - this.busyLanes;
    const withWork = this.queue.reduce((n, j) => n + (j.fn ? 1 : 0), 0);
    const share = Math.min(this.opts.batchMax, Math.max(1, Math.ceil(withWork / Math.max(idle, 1))));
    while (this.busyLanes < this.opts.lanes && this.queue.length > 0) {
      let take = 0;
      let work = 0;
      while (take < this.queue.length && take < this.opts.batchMax) {
        if (this.queue[take]!.fn) {
          if (work >= share) break;
          work++;
        }
        take++;
      }
      const batch = this.queue.splice(0, take);
      this.busyLanes++;
      // Lanes run outside any caller's audited scope so that a nested audited() call cannot inherit it.
      void runOutsideScope(() => this.runBatch(batch)).finally(() => {
        this.busyLanes--;
        if (this.queue.length > 0) this.pump();
        else if (this.busyLanes === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  private async runBatch(batch: Job[]): Promise<void> {
    const results: { ok: boolean; value: unknown }[] = [];
    let head: ChainHead | undefined;
    try {
      if (batch.every((j) => !j.fn)) {
        // Events only (denials, records, reads' events): one autocommitted statement, durable when it returns.
        // If another lane moved the head meanwhile, retry INSIDE a transaction: there the chain lock taken by the
        // first call is held to commit, so the second attempt cannot lose the race again (in autocommit the lock
        // ends with each statement, and several busy lanes could starve one another).
        const events = batch.map((job) => this.eventOf(job, job.outcome ?? 'ok', job.errorCode ?? null));
        head = (await this.append(this.opts.db.system, events, 1)) ?? (await this.opts.db.system.transaction().execute((trx) => this.append(trx, events)));
        for (let i = 0; i < batch.length; i++) results.push({ ok: true, value: undefined });
      } else {
        await this.opts.db.system.transaction().execute(async (trx) => {
          const events: Omit<AuditEventContent, 'seq'>[] = [];
          for (const job of batch) {
            const { event, ok, value } = await this.runJob(trx, job);
            events.push(event);
            results.push({ ok, value });
          }
          head = await this.append(trx, events);
        });
      }
    } catch (err) {
      // The batch did not commit: nothing of it is durable, so every caller gets the error.
      this.head = undefined;
      this.opts.onError?.(err);
      for (const job of batch) job.reject(err);
      return;
    }
    // Only a committed head is remembered; a stale one merely costs a retry in append().
    if (head && (!this.head || head.seq > this.head.seq)) this.head = head;
    this.opts.onCommitted?.(head?.seq ?? 0, batch.length);
    batch.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) job.resolve(r.value);
      else job.reject(r.value);
    });
  }

  /**
   * Links events onto the chain head and appends them with bulwark_audit_append (lock, head check and insert
   * in one round trip). The head is remembered from the last commit; when another writer moved it, the
   * function returns the real head and the batch is re-linked. Inside a transaction the lock, once taken, is
   * held to commit, so the second attempt cannot miss.
   */
  private async append(db: Kysely<DB>, events: Omit<AuditEventContent, 'seq'>[]): Promise<ChainHead>;
  private async append(db: Kysely<DB>, events: Omit<AuditEventContent, 'seq'>[], attempts: number): Promise<ChainHead | undefined>;
  private async append(db: Kysely<DB>, events: Omit<AuditEventContent, 'seq'>[], attempts?: number): Promise<ChainHead | undefined> {
    let head = this.head;
    for (let attempt = 0; attempt < (attempts ?? 10); attempt++) {
      const rows = head ? linkEvents(head, events).map(toRow) : [];
      const res = await sql<{ head_seq: number | string; head_hash: string; appended: boolean }>`
        select head_seq, head_hash, appended
        from bulwark_audit_append(${head?.seq ?? -1}, ${head?.hash ?? ''}, ${JSON.stringify(rows)}::jsonb)`.execute(db);
      const r = res.rows[0]!;
      const actual = { seq: Number(r.head_seq), hash: r.head_hash };
      if (r.appended) return actual;
      head = actual;
      // Remember the real head, so that the retry (or the next batch) starts from it.
      this.head = actual;
    }
    if (attempts !== undefined) return undefined;
    throw new Error('the audit chain head kept moving: too many concurrent writers');
  }

  private eventOf(job: Job, outcome: AuditOutcome, errorCode: string | null): Omit<AuditEventContent, 'seq'> {
    const target = { type: job.spec.target?.type ?? null, id: job.spec.target?.id ?? null };
    return makeEvent(this.opts.clock, job.ctx, job.spec, target, job.spec.fields ?? [], outcome, errorCode);
  }

  private async runJob(
    trx: Transaction<DB>,
    job: Job,
  ): Promise<{ event: Omit<AuditEventContent, 'seq'>; ok: boolean; value: unknown }> {
    const target = { type: job.spec.target?.type ?? null, id: job.spec.target?.id ?? null };
    const fields = new Set(job.spec.fields ?? []);
    const base = (outcome: AuditOutcome, errorCode: string | null) =>
      makeEvent(this.opts.clock, job.ctx, job.spec, target, [...fields], outcome, errorCode);

    if (!job.fn) return { event: base(job.outcome ?? 'ok', job.errorCode ?? null), ok: true, value: undefined };

    const builder: AuditEventBuilder = {
      setTarget(type, id) {
        target.type = type;
        target.id = id;
      },
      addFields(...names) {
        for (const n of names) fields.add(n);
      },
    };
    await sql`savepoint audited_job`.execute(trx);
    try {
      const value = await runInAuditedScope(job.spec.action, () => job.fn!(trx as AuditedTx, builder), trx);
      await sql`release savepoint audited_job`.execute(trx);
      return { event: base('ok', null), ok: true, value };
    } catch (err) {
      await sql`rollback to savepoint audited_job`.execute(trx);
      const outcome: AuditOutcome = err instanceof AppError && err.isDenial ? 'denied' : 'error';
      const code = err instanceof AppError ? err.code : 'internal_error';
      return { event: base(outcome, code), ok: false, value: err };
    }
  }
}

// Strings that PostgreSQL cannot store unchanged (NUL) or that are not valid Unicode (lone surrogates) would
// make the stored event differ from the hashed one, and canonicalEvent refuses them: one bad string must not
// fail a whole batch, so they are replaced, and lengths are bounded.
function clean(s: string | null | undefined, max = 1000): string | null {
  if (s === null || s === undefined) return null;
  // Cut first: a cut through a surrogate pair leaves a lone surrogate, which the next step replaces.
  return s
    .slice(0, max)
    .replace(/\u0000/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function makeEvent(
  clock: Clock,
  ctx: ActorContext,
  spec: AuditSpec,
  target: { type: string | null; id: string | null },
  fields: string[],
  outcome: AuditOutcome,
  errorCode: string | null,
): Omit<AuditEventContent, 'seq'> {
  return {
    // Millisecond precision so the value survives timestamptz round trips unchanged.
    time: new Date(Math.floor(clock.now().getTime())).toISOString(),
    actorType: ctx.actorType,
    actorId: clean(ctx.actorId, 200),
    actorName: clean(ctx.actorName, 200),
    actorIp: clean(ctx.ip, 64),
    sessionIdHash: clean(ctx.sessionIdHash, 64),
    requestId: clean(ctx.requestId, 64),
    action: clean(spec.action, 200) || 'unknown',
    targetType: clean(target.type, 100),
    targetId: clean(target.id, 300),
    outcome,
    fields: [...new Set(fields.map((f) => clean(f, 200)!))].sort(),
    reason: clean(spec.reason ?? null, 2000),
    errorCode: clean(errorCode, 100),
  };
}

interface ChainHead {
  seq: number;
  hash: string;
}

/** Gives events their sequence numbers and chain hashes, continuing from head. */
export function linkEvents(head: ChainHead, events: Omit<AuditEventContent, 'seq'>[]): AppendedEvent[] {
  let seq = head.seq;
  let prev = head.hash;
  return events.map((e) => {
    seq += 1;
    const content: AuditEventContent = { seq, ...e };
    const hash = chainHash(prev, content);
    const row = { ...content, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

function toRow(e: AppendedEvent): Insertable<AuditEventTable> & { time: string } {
  return {
    seq: e.seq,
    time: e.time,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_name: e.actorName,
    actor_ip: e.actorIp,
    session_id_hash: e.sessionIdHash,
    request_id: e.requestId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    outcome: e.outcome,
    fields: e.fields,
    reason: e.reason,
    error_code: e.errorCode,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/** Reads a stored row back into the event shape the verifier hashes. */
export function fromRow(r: {
  seq: unknown;
  time: Date | string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_ip: string | null;
  session_id_hash: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  fields: string[];
  reason: string | null;
  error_code: string | null;
  prev_hash: string;
  hash: string;
}): AppendedEvent {
  return {
    seq: Number(r.seq),
    time: new Date(r.time).toISOString(),
    actorType: r.actor_type as AppendedEvent['actorType'],
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorIp: r.actor_ip,
    sessionIdHash: r.session_id_hash,
    requestId: r.request_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    outcome: r.outcome as AuditOutcome,
    fields: r.fields ?? [],
    reason: r.reason,
    errorCode: r.error_code,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
