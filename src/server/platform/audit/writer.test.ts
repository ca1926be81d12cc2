// audited() from the attacker's side: work without its event, an event without its work, a gap in the chain or
// an acknowledgement before durability must each be impossible. Real database (PGlite, or PostgreSQL when
// DATABASE_URL is set); the attacker's superuser seat only sets up probes and fault injection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { ErrorCode } from '../../../contracts/errors.js';
import { superuser } from '../../../../test/helpers/superuser.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { UnauditedQueryError } from '../db/scope.js';
import { AppError } from '../http/errors.js';
import type { ActorContext } from '../http/request-context.js';
import { chainHash, GENESIS_HASH } from './canonical.js';
import { fromRow, type AppendedEvent } from './writer.js';

const clock = new FakeClock('2026-11-21T04:25:32.123Z');

const staff = (requestId: string): ActorContext => ({
  actorType: 'staff',
  actorId: 'stf_7',
  actorName: 'Grace Hopper',
  ip: '198.51.100.23',
  sessionIdHash: 'ab'.repeat(32),
  requestId,
});

/** Resolves with p, or rejects after ms: a deadlock must fail the test, not hang the suite. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (deadlock?)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

async function events(t: TestApp, afterSeq = 0): Promise<AppendedEvent[]> {
  const rows = await t.container.db.system.selectFrom('audit_event').selectAll().where('seq', '>', afterSeq).orderBy('seq').execute();
  return rows.map(fromRow);
}

async function headSeq(t: TestApp): Promise<number> {
  return (await events(t)).at(-1)?.seq ?? 0;
}

async function probeIds(t: TestApp): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from writer_probe order by id`.execute(t.container.db.system);
  return r.rows.map((x) => x.id);
}

const insertProbe = (db: Kysely<DB>, id: string) => sql`insert into writer_probe (id) values (${id})`.execute(db);

/** Asserts the whole log is one unbroken chain 1..n: contiguous seq, each prevHash the previous hash, each hash recomputable. */
function assertChain(log: AppendedEvent[]): void {
  let prev = GENESIS_HASH;
  log.forEach((e, i) => {
    assert.equal(e.seq, i + 1, `seq ${i + 1} expected, found ${e.seq}`);
    assert.equal(e.prevHash, prev, `prevHash of seq ${e.seq}`);
    assert.equal(e.hash, chainHash(prev, e), `hash of seq ${e.seq}`);
    prev = e.hash;
  });
}

/** xmin of each event: the id of the transaction that inserted it. */
async function insertingTx(t: TestApp, seqs: number[]): Promise<string[]> {
  const r = await sql<{ x: string }>`select xmin::text as x from audit_event where seq = any(${seqs}::bigint[]) order by seq`.execute(
    t.container.db.system,
  );
  return r.rows.map((x) => x.x);
}

async function metric(t: TestApp, name: string): Promise<number> {
  const m = t.container.metrics.getSingleMetric(name);
  assert.ok(m, `metric ${name}`);
  return (await m.get()).values[0]?.value ?? 0;
}

/**
 * Runs jobs as ONE group commit: a blocker job occupies the (single) lane, the jobs queue up behind it, then
 * the blocker is released. Returns their settled results in order.
 */
async function inOneBatch(t: TestApp, jobs: (() => Promise<unknown>)[]): Promise<PromiseSettledResult<unknown>[]> {
  const entered = gate();
  const release = gate();
  const blocker = t.container.audited(staff('blocker'), { action: 'test.blocker' }, async () => {
    entered.open();
    await release.promise;
  });
  await entered.promise;
  const started = jobs.map((j) => j());
  release.open();
  await blocker;
  return within(Promise.allSettled(started), 20_000, 'batch');
}

describe('audited(): one event per call, in the same transaction as the work', () => {
  // One lane, so a batch is deterministic on PostgreSQL too; the concurrency test uses the default lanes.
  let t: TestApp;
  let multi: TestApp;

  before(async () => {
    [t, multi] = await Promise.all([createTestApp({ clock, env: { AUDIT_LANES: '1' } }), createTestApp({ clock })]);
    for (const app of [t, multi]) {
      const su = await superuser(app);
      try {
        await su.query('create table writer_probe (id text primary key)');
        await su.query('grant select, insert, update, delete on writer_probe to bulwark_app');
      } finally {
        await su.close();
      }
    }
  });
  after(async () => {
    await Promise.all([t?.close(), multi?.close()]);
  });

  test('appends exactly one event carrying the actor, target, fields and reason, chained to the previous one', async () => {
    const head = await headSeq(t);
    clock.set('2026-11-21T05:00:00.456Z');
    const result = await t.container.audited(
      staff('req-one'),
      { action: 'probe.create', target: { type: 'probe', id: null }, reason: 'ticket #42', fields: ['zeta', 'alpha'] },
      async (tx, ev) => {
        await insertProbe(tx, 'p-one');
        ev.setTarget('probe', 'p-one');
        ev.addFields('beta', 'alpha');
        return 'done';
      },
    );
    assert.equal(result, 'done');
    assert.deepEqual(await probeIds(t), ['p-one']);

    const added = await events(t, head);
    assert.equal(added.length, 1, 'exactly one event per audited() call');
    const e = added[0]!;
    const { prevHash, hash, ...content } = e;
    assert.deepEqual(content, {
      seq: head + 1,
      time: '2026-11-21T05:00:00.456Z',
      actorType: 'staff',
      actorId: 'stf_7',
      actorName: 'Grace Hopper',
      actorIp: '198.51.100.23',
      sessionIdHash: 'ab'.repeat(32),
      requestId: 'req-one',
      action: 'probe.create',
      targetType: 'probe',
      targetId: 'p-one',
      outcome: 'ok',
      fields: ['alpha', 'beta', 'zeta'],
      reason: 'ticket #42',
      errorCode: null,
    });
    const previous = head ? (await events(t, head - 1))[0]!.hash : GENESIS_HASH;
    assert.equal(prevHash, previous);
    assert.equal(hash, chainHash(prevHash, e));
  });

  test('the work and its event commit or fail together: when the event cannot be written, the work is not kept', async () => {
    // Fault injection: the database refuses this one event. If the work were committed apart from its event,
    // the probe row would survive with no audit record of it.
    const su = await superuser(t);
    try {
      await su.query(`
        create function test_refuse_poison() returns trigger language plpgsql as $fn$
        begin
          if new.action = 'probe.poisoned' then raise exception 'event refused by test'; end if;
          return new;
        end $fn$`);
      await su.query('create trigger test_refuse_poison before insert on audit_event for each row execute function test_refuse_poison()');
      const head = await headSeq(t);
      await assert.rejects(
        t.container.audited(staff('req-poison'), { action: 'probe.poisoned' }, async (tx) => {
          await insertProbe(tx, 'p-poisoned');
        }),
        /event refused by test/,
      );
      assert.ok(!(await probeIds(t)).includes('p-poisoned'), 'work committed without its audit event');
      assert.equal(await headSeq(t), head);
    } finally {
      await su.query('drop trigger if exists test_refuse_poison on audit_event');
      await su.close();
    }
    // The writer is still usable afterwards.
    await t.container.audited(staff('req-after-poison'), { action: 'probe.create' }, async (tx) => insertProbe(tx, 'p-after-poison'));
    assert.ok((await probeIds(t)).includes('p-after-poison'));
  });

  test('a denial (AppError 403) rolls the work back, commits a `denied` event and rethrows the same error', async () => {
    const head = await headSeq(t);
    const denial = new AppError(ErrorCode.forbidden, 403, 'Not allowed');
    await assert.rejects(
      t.container.audited(staff('req-denied'), { action: 'probe.delete', target: { type: 'probe', id: 'p-one' } }, async (tx) => {
        await insertProbe(tx, 'p-denied');
        throw denial;
      }),
      (err) => err === denial,
    );
    assert.ok(!(await probeIds(t)).includes('p-denied'), 'work of a denied call was kept');
    const [e, ...rest] = await events(t, head);
    assert.equal(rest.length, 0);
    assert.equal(e?.outcome, 'denied');
    assert.equal(e?.errorCode, 'forbidden');
    assert.equal(e?.action, 'probe.delete');
    assert.equal(e?.targetId, 'p-one');
    assert.equal(e?.actorId, 'stf_7');
    assert.equal(e?.requestId, 'req-denied');
    // A record-level 404 flagged as a denial is a denial too; a 409 is an error, not a denial.
    await assert.rejects(
      t.container.audited(staff('req-hidden'), { action: 'probe.read' }, async () => {
        throw new AppError(ErrorCode.notFound, 404, 'Not found', { denial: true });
      }),
    );
    await assert.rejects(
      t.container.audited(staff('req-conflict'), { action: 'probe.update' }, async () => {
        throw new AppError(ErrorCode.conflict, 409, 'Conflict');
      }),
    );
    const [hidden, conflict] = await events(t, head + 1);
    assert.deepEqual([hidden?.outcome, hidden?.errorCode], ['denied', 'not_found']);
    assert.deepEqual([conflict?.outcome, conflict?.errorCode], ['error', 'conflict']);
  });

  test('a plain Error rolls the work back, commits an `error` event with internal_error and rethrows it', async () => {
    const head = await headSeq(t);
    const boom = new Error('disk on fire: /secret/path');
    await assert.rejects(
      t.container.audited(staff('req-error'), { action: 'probe.create', reason: 'import' }, async (tx) => {
        await insertProbe(tx, 'p-error');
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.ok(!(await probeIds(t)).includes('p-error'));
    const added = await events(t, head);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.outcome, 'error');
    assert.equal(added[0]!.errorCode, 'internal_error');
    assert.equal(added[0]!.reason, 'import');
    // The error's message (which may carry internals) is not recorded anywhere in the event.
    assert.ok(!JSON.stringify(added[0]).includes('disk on fire'));
  });

  test('an SQL error rolls back to its own savepoint; the other jobs of the same group commit keep their work', async () => {
    const head = await headSeq(t);
    const batchesBefore = await metric(t, 'bulwark_audit_batches_total');
    const [z, a, b, c] = await inOneBatch(t, [
      () => t.container.audited(staff('req-z'), { action: 'probe.create' }, async (tx) => insertProbe(tx, 'p-z')),
      () =>
        t.container.audited(staff('req-a'), { action: 'probe.create' }, async (tx) => {
          await insertProbe(tx, 'p-a');
          await sql`insert into no_such_table (id) values (1)`.execute(tx);
        }),
      () => t.container.audited(staff('req-b'), { action: 'probe.create' }, async (tx) => insertProbe(tx, 'p-b')),
      // A job that swallows its own SQL error cannot commit half a transaction either.
      () =>
        t.container.audited(staff('req-c'), { action: 'probe.create' }, async (tx) => {
          await insertProbe(tx, 'p-c');
          await sql`select * from no_such_table`.execute(tx).catch(() => undefined);
          return 'pretended fine';
        }),
    ]);
    assert.equal(z?.status, 'fulfilled');
    assert.equal(b?.status, 'fulfilled');
    assert.equal(a?.status, 'rejected');
    assert.match(String((a as PromiseRejectedResult).reason?.message), /no_such_table/);
    assert.equal(c?.status, 'rejected');

    const ids = await probeIds(t);
    assert.ok(ids.includes('p-z') && ids.includes('p-b'), 'jobs beside the failed one lost their work');
    assert.ok(!ids.includes('p-a'), 'the failed job kept the work done before its failing statement');
    assert.ok(!ids.includes('p-c'));

    const added = await events(t, head);
    const byRequest = new Map(added.map((e) => [e.requestId, e]));
    assert.equal(byRequest.get('req-z')?.outcome, 'ok');
    assert.equal(byRequest.get('req-a')?.outcome, 'error');
    assert.equal(byRequest.get('req-a')?.errorCode, 'internal_error');
    assert.equal(byRequest.get('req-b')?.outcome, 'ok');
    assert.equal(byRequest.get('req-c')?.outcome, 'error');
    // They really shared one transaction (one group commit), after the blocker's own.
    const seqs = ['req-z', 'req-a', 'req-b', 'req-c'].map((r) => byRequest.get(r)!.seq);
    assert.equal(new Set(await insertingTx(t, seqs)).size, 1, 'the four jobs were not in one transaction');
    assert.equal((await metric(t, 'bulwark_audit_batches_total')) - batchesBefore, 2);
    assertChain(await events(t));
  });

  test('nested failure: job A fails after releasing a savepoint of its own, job B in the same batch succeeds', async () => {
    const head = await headSeq(t);
    const [a, b] = await inOneBatch(t, [
      () =>
        t.container.audited(staff('req-nested-a'), { action: 'probe.create' }, async (tx) => {
          await sql`savepoint inner_work`.execute(tx);
          await insertProbe(tx, 'p-nested-a');
          await sql`release savepoint inner_work`.execute(tx);
          throw new AppError(ErrorCode.forbidden, 403, 'Not allowed');
        }),
      () => t.container.audited(staff('req-nested-b'), { action: 'probe.create' }, async (tx) => insertProbe(tx, 'p-nested-b')),
    ]);
    assert.equal(a?.status, 'rejected');
    assert.equal(b?.status, 'fulfilled');
    const ids = await probeIds(t);
    assert.ok(ids.includes('p-nested-b'), "B's row was not committed");
    assert.ok(!ids.includes('p-nested-a'), "A's row was committed although A failed");
    const added = await events(t, head);
    assert.deepEqual(
      added.filter((e) => e.requestId?.startsWith('req-nested')).map((e) => [e.requestId, e.outcome]),
      [
        ['req-nested-a', 'denied'],
        ['req-nested-b', 'ok'],
      ],
    );
  });

  test('audited() called inside an audited function fails fast instead of waiting forever for a lane', async () => {
    const head = await headSeq(t);
    await assert.rejects(
      within(
        t.container.audited(staff('req-outer'), { action: 'probe.outer' }, async (tx) => {
          await insertProbe(tx, 'p-outer');
          await t.container.audited(staff('req-inner'), { action: 'probe.inner' }, async (tx2) => insertProbe(tx2, 'p-inner'));
        }),
        15_000,
        'nested audited()',
      ),
      /cannot be nested/,
    );
    const added = await events(t, head);
    assert.deepEqual(
      added.map((e) => [e.action, e.outcome]),
      [['probe.outer', 'error']],
    );
    const ids = await probeIds(t);
    assert.ok(!ids.includes('p-outer') && !ids.includes('p-inner'));
  });

  test('the guarded handle refuses any query outside audited() and runs on the job’s own transaction inside it', async () => {
    const app = t.container.db.app;
    await assert.rejects(app.selectFrom('audit_event').select('seq').execute(), (err) => err instanceof UnauditedQueryError);
    await assert.rejects(sql`insert into writer_probe (id) values ('p-unaudited')`.execute(app), (err) => err instanceof UnauditedQueryError);
    await assert.rejects(app.transaction().execute(async (trx) => trx.selectFrom('staff').selectAll().execute()), (err) => err instanceof UnauditedQueryError);
    assert.ok(!(await probeIds(t)).includes('p-unaudited'));

    const head = await headSeq(t);
    const seen = await within(
      t.container.audited(staff('req-guarded'), { action: 'probe.create' }, async () => {
        await sql`insert into writer_probe (id) values ('p-guarded')`.execute(app);
        return app.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      }),
      15_000,
      'guarded handle inside audited()',
    );
    assert.equal(Number(seen?.seq ?? 0), head, 'the query inside audited() did not run');
    assert.ok((await probeIds(t)).includes('p-guarded'));

    // It is the job's transaction, not a side connection: a failing job takes the handle's work with it.
    await assert.rejects(
      within(
        t.container.audited(staff('req-guarded-fail'), { action: 'probe.create' }, async () => {
          await sql`insert into writer_probe (id) values ('p-guarded-fail')`.execute(app);
          throw new AppError(ErrorCode.forbidden, 403, 'Not allowed');
        }),
        15_000,
        'guarded handle inside a failing audited()',
      ),
      AppError,
    );
    assert.ok(!(await probeIds(t)).includes('p-guarded-fail'), 'work done through the guarded handle escaped the rollback');

    // Nor can it end the batch's transaction under the other jobs.
    await assert.rejects(
      t.container.audited(staff('req-guarded-tx'), { action: 'probe.create' }, async () =>
        app.transaction().execute(async (trx) => sql`insert into writer_probe (id) values ('p-guarded-tx')`.execute(trx)),
      ),
    );
    assert.ok(!(await probeIds(t)).includes('p-guarded-tx'));
    assertChain(await events(t));
  });

  test('200 concurrent calls: contiguous seq, valid links, group-committed, each answered only once its event is readable', async () => {
    const N = 200;
    const head = await headSeq(multi);
    const batchesBefore = await metric(multi, 'bulwark_audit_batches_total');
    const eventsBefore = await metric(multi, 'bulwark_audit_events_total');
    const readable: boolean[] = [];
    const db = multi.container.db.system;
    await within(
      Promise.all(
        Array.from({ length: N }, (_, i) =>
          multi.container
            .audited(staff(`conc-${i}`), { action: 'probe.create', target: { type: 'probe', id: `c-${i}` } }, async (tx) => {
              await insertProbe(tx, `c-${i}`);
              return i;
            })
            .then(async (v) => {
              assert.equal(v, i);
              // Read on the platform handle: on PostgreSQL another connection, which sees only committed data.
              const [ev, row] = await Promise.all([
                db.selectFrom('audit_event').select('seq').where('request_id', '=', `conc-${i}`).executeTakeFirst(),
                sql<{ id: string }>`select id from writer_probe where id = ${`c-${i}`}`.execute(db),
              ]);
              readable[i] = ev !== undefined && row.rows.length === 1;
            }),
        ),
      ),
      60_000,
      'concurrent audited()',
    );
    assert.equal(readable.filter(Boolean).length, N, 'some calls were answered before their event was durable');

    const log = await events(multi);
    assertChain(log);
    const added = log.filter((e) => e.seq > head);
    assert.equal(added.length, N, 'not exactly one event per call');
    assert.equal(new Set(added.map((e) => e.requestId)).size, N);
    assert.ok(added.every((e) => e.outcome === 'ok'));

    const batches = (await metric(multi, 'bulwark_audit_batches_total')) - batchesBefore;
    assert.equal((await metric(multi, 'bulwark_audit_events_total')) - eventsBefore, N);
    assert.ok(batches >= 1 && batches < N / 4, `expected group commit, got ${batches} batches for ${N} calls`);
    // The events of one batch share their inserting transaction: fewer distinct transactions than events.
    const txs = new Set(await insertingTx(multi, added.map((e) => e.seq)));
    assert.equal(txs.size, batches);
  });
});

describe('auditedRead(): a read in a read-only transaction, its event durable before the answer', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock });
    const su = await superuser(t);
    try {
      await su.query('create table writer_probe (id text primary key)');
      await su.query('grant select, insert, update, delete on writer_probe to bulwark_app');
    } finally {
      await su.close();
    }
  });
  after(async () => t?.close());

  test('the answer comes with exactly one committed event naming the fields the read added', async () => {
    const head = await headSeq(t);
    const got = await t.container.writer.auditedRead(staff('req-read'), { action: 'probe.read', target: { type: 'probe', id: 'p-9' } }, async (tx, ev) => {
      ev.addFields('email');
      return (await sql<{ id: string }>`select id from writer_probe`.execute(tx)).rows.length;
    });
    assert.equal(got, 0);
    const added = await events(t, head);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.action, 'probe.read');
    assert.equal(added[0]!.outcome, 'ok');
    assert.deepEqual(added[0]!.fields, ['email']);
    assert.equal(added[0]!.targetId, 'p-9');
  });

  test('a write inside a read is refused by the database, nothing is written, and the attempt is recorded as an error', async () => {
    const head = await headSeq(t);
    await assert.rejects(
      t.container.writer.auditedRead(staff('req-sneaky'), { action: 'probe.read' }, async (tx) => insertProbe(tx, 'p-sneaky')),
      /read-only|read only/i,
    );
    assert.deepEqual(await probeIds(t), []);
    const added = await events(t, head);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.outcome, 'error');
  });

  test('under sustained mixed load on every lane no read is refused for a moving chain head, and the chain holds', async () => {
    // Found by the trader benchmark: reads' events are event-only batches appended in autocommit; while the other
    // lanes kept committing, such a batch could lose the race for the head ten times in a row and fail the read.
    const head = await headSeq(t);
    let n = 0;
    const failures: string[] = [];
    const reader = async () => {
      for (let i = 0; i < 60; i++) {
        await t.container.writer.auditedRead(staff(`req-r${++n}`), { action: 'probe.read' }, async (tx) => (await sql`select 1`.execute(tx)).rows.length).catch((e: unknown) => failures.push(String(e)));
      }
    };
    const writer = async (w: number) => {
      for (let i = 0; i < 30; i++) {
        await t.container.audited(staff(`req-w${w}-${i}`), { action: 'probe.create' }, async (tx) => insertProbe(tx, `load-${w}-${i}`)).catch((e: unknown) => failures.push(String(e)));
      }
    };
    await Promise.all([...Array.from({ length: 40 }, reader), ...Array.from({ length: 8 }, (_, w) => writer(w))]);
    assert.deepEqual(failures.slice(0, 3), []);
    assert.equal((await events(t, head)).length, 40 * 60 + 8 * 30);
    assertChain(await events(t));
  });

  test('a denial inside a read is recorded as denied with its code, and the error reaches the caller', async () => {
    const head = await headSeq(t);
    await assert.rejects(
      t.container.writer.auditedRead(staff('req-denied'), { action: 'probe.read' }, async () => {
        throw new AppError(ErrorCode.forbidden, 403, 'no', { denial: true });
      }),
      (e) => e instanceof AppError && e.status === 403,
    );
    const added = await events(t, head);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.outcome, 'denied');
    assert.equal(added[0]!.errorCode, 'forbidden');
  });
});
