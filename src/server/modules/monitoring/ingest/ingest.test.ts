// The exchange's event webhook from the attacker's side first (unsigned, forged, stale, replayed, oversized, no
// Idempotency-Key, not configured), then per-event rules (malformed, unknown account, future, duplicate within and
// across batches, late by time and by sequence), idempotency (same key + body → same answer, other body → 409),
// encryption at rest (no address, IP, hash or user agent in any table; a ciphertext moved to another row does not
// decrypt), the listener hook (only new events; its throw stores nothing) and the audit rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { findAudited } from '../../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../../test/helpers/problem.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import type { EventBatchResult } from '../../../../contracts/monitoring-events.js';
import { FakeClock } from '../../../platform/clock.js';
import { systemContext } from '../../../platform/http/request-context.js';
import { syntheticTrader } from '../../demo/synthetic.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../support/index.js';
import type { MonitoringEvent } from '../model.js';

const SECRET = 'exchange-webhook-secret-0123456789abcdef0123';
const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const RUN = randomUUID().slice(0, 8);
const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';
const IP = '203.0.113.77';
const TX_HASH = '9f2c4b1e0d7a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4e3';
const AGENT = 'ZetaBrowser/9.1 (sentinel-agent-7731)';

let n = 0;
const id = () => `ev-${RUN}-${++n}`;
const iso = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();
const deposit = (account: string, over: object = {}) => ({ eventId: id(), accountRef: account, type: 'deposit', occurredAt: iso(), asset: 'BTC', amount: '0.25', valueUsd: 16000, address: WALLET, chain: 'bitcoin', txHash: TX_HASH, ...over });
const login = (account: string, over: object = {}) => ({ eventId: id(), accountRef: account, type: 'login', occurredAt: iso(), ip: IP, country: 'DE', userAgent: AGENT, ...over });

describe('monitoring event webhook', () => {
  let t: TestApp;
  const traders: Record<string, string> = {};
  const seen: MonitoringEvent[][] = [];
  let listenerThrows = false;

  const post = (body: object | string, o: { ts?: number; secret?: string; sig?: string; key?: string | null; app?: TestApp } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const ts = o.ts ?? Math.floor(clock.now().getTime() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: o.sig ?? signInbound(o.secret ?? SECRET, ts, raw) };
    if (o.key !== null) headers['idempotency-key'] = o.key ?? randomUUID();
    return (o.app ?? t).app.inject({ method: 'POST', url: '/api/v1/monitoring/events', headers, payload: raw });
  };
  const send = async (events: unknown[], key?: string) => {
    const r = await post({ events }, key ? { key } : {});
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as EventBatchResult;
  };
  const stored = async (eventId: string) => t.container.db.system.selectFrom('monitoring_event').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  const storedCount = async () => Number((await t.container.db.system.selectFrom('monitoring_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  before(async () => {
    t = await createTestApp({ clock, env: { EXCHANGE_WEBHOOK_SECRET: SECRET } });
    for (const k of ['a', 'b']) traders[k] = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: `ACC-ING-${k.toUpperCase()}-${RUN}` });
    t.container.monitoringIngest.onStored(async (_tx, events) => {
      if (listenerThrows) throw new Error('rule evaluation failed');
      seen.push([...events]);
    });
  });
  after(async () => t?.close());
  const A = () => `ACC-ING-A-${RUN}`;
  const B = () => `ACC-ING-B-${RUN}`;

  describe('the door', () => {
    it('503 when EXCHANGE_WEBHOOK_SECRET is not set', async () => {
      const bare = await createTestApp({ clock });
      try {
        expectProblem(await post({ events: [deposit(A())] }, { app: bare }), 503, 'inbound_not_configured');
      } finally {
        await bare.close();
      }
    });

    it('refuses unsigned, forged, stale and tampered requests (401, audited) and stores nothing', async () => {
      const before = await storedCount();
      const body = { events: [deposit(A())] };
      expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/monitoring/events', headers: { 'idempotency-key': 'k1' }, payload: body }), 401, 'webhook_signature_invalid');
      expectProblem(await post(body, { secret: 'another-secret-of-sufficient-length-0000000' }), 401, 'webhook_signature_invalid');
      expectProblem(await post(body, { ts: Math.floor(clock.now().getTime() / 1000) - 6 * 60 }), 401, 'webhook_signature_invalid');
      expectProblem(await post(body, { ts: Math.floor(clock.now().getTime() / 1000) + 6 * 60 }), 401, 'webhook_signature_invalid');
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, JSON.stringify(body));
      expectProblem(await post({ events: [{ ...body.events[0], amount: '250' }] }, { ts, sig }), 401, 'webhook_signature_invalid');
      const rows = await findAudited(t, { action: 'monitoring.webhook_rejected', outcome: 'denied' });
      assert.equal(rows.length, 5);
      assert.deepEqual(new Set(rows.flatMap((r) => r.fields)), new Set(['reason.missing', 'reason.signature', 'reason.timestamp']));
      assert.equal(await storedCount(), before);
    });

    it('accepts a signature once: the same signed request again is 409 (audited)', async () => {
      const raw = JSON.stringify({ events: [deposit(A())] });
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, raw);
      assert.equal((await post(raw, { ts, sig, key: 'replay-1' })).statusCode, 200);
      expectProblem(await post(raw, { ts, sig, key: 'replay-1' }), 409, 'webhook_replayed');
      const denied = await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'denied', errorCode: 'webhook_replayed' });
      assert.equal(denied.length, 1);
    });

    it('413 for a body over 1 MiB, 400 for no Idempotency-Key, no events, too many events or a non-object body', async () => {
      const big = { events: [deposit(A(), { pad: 'x'.repeat(1024 * 1024) })] };
      expectProblem(await post(big), 413, 'payload_too_large');
      expectProblem(await post({ events: [deposit(A())] }, { key: null }), 400, 'validation_failed');
      expectProblem(await post({ events: [deposit(A())] }, { key: 'has spaces' }), 400, 'validation_failed');
      expectProblem(await post({ events: [] }), 400, 'validation_failed');
      expectProblem(await post({ events: Array.from({ length: 1001 }, () => ({})) }), 400, 'validation_failed');
      expectProblem(await post({ events: [deposit(A())], extra: 1 }), 400, 'validation_failed');
      expectProblem(await post('[1,2]'), 400, 'validation_failed');
    });
  });

  describe('events', () => {
    it('stores valid events and rejects malformed, unknown-account and future ones with a reason (never echoing values)', async () => {
      const good = deposit(A());
      const noAmount = { ...deposit(A()) } as Record<string, unknown>;
      delete noAmount.amount;
      const unknownField = { ...login(A()), password: 'hunter2' };
      const badId = deposit(A(), { eventId: '<script>' });
      const unknownAccount = deposit('ACC-NOBODY');
      const future = deposit(A(), { occurredAt: iso(6 * 60_000) });
      const nearFuture = deposit(A(), { occurredAt: iso(4 * 60_000) });
      const negative = deposit(A(), { amount: '-1' });
      const r = await send([good, noAmount, unknownField, badId, unknownAccount, future, nearFuture, negative, 'not an object']);
      assert.deepEqual(
        r.results.map((x) => [x.status, x.reason ?? null]),
        [
          ['stored', null],
          ['rejected', 'malformed'],
          ['rejected', 'malformed'],
          ['rejected', 'malformed'],
          ['rejected', 'unknown_account'],
          ['rejected', 'future_event'],
          ['stored', null],
          ['rejected', 'malformed'],
          ['rejected', 'malformed'],
        ],
      );
      assert.equal(r.stored, 2);
      assert.equal(r.rejected, 7);
      assert.match(r.results[1]!.detail!, /amount/);
      assert.match(r.results[2]!.detail!, /password/);
      assert.ok(!r.results[2]!.detail!.includes('hunter2'), 'the value of an unknown field is not echoed');
      assert.equal(r.results[3]!.eventId, null, 'a malformed event id is not reflected');
      assert.equal(r.results[1]!.eventId, noAmount.eventId);
      assert.ok(await stored(good.eventId));
      assert.equal(await stored(unknownAccount.eventId), undefined);
      assert.equal(await stored(future.eventId), undefined);
      const rej = (await findAudited(t, { action: 'monitoring.event_rejected', outcome: 'denied' })).at(-1)!;
      assert.deepEqual(rej.fields, ['reason.future_event', 'reason.malformed', 'reason.unknown_account']);
      assert.equal(rej.actorType, 'system');
      assert.equal(rej.reason, '7 of 9 events rejected');
    });

    it('a duplicate event id is answered `duplicate`, within a batch and across batches, and stored once', async () => {
      const e = deposit(A());
      const r1 = await send([e, { ...e }]);
      assert.deepEqual(r1.results.map((x) => x.status), ['stored', 'duplicate']);
      const r2 = await send([{ ...e }, deposit(A())]);
      assert.deepEqual(r2.results.map((x) => x.status), ['duplicate', 'stored']);
      assert.equal(r2.duplicate, 1);
      const rows = await t.container.db.system.selectFrom('monitoring_event').select('seq').where('event_id', '=', e.eventId).execute();
      assert.equal(rows.length, 1);
    });

    it('an event older than the trader\'s newest by more than 5 minutes, or whose sequence went back, is stored and flagged late', async () => {
      clock.advance(3_600_000);
      const newest = login(B(), { sequence: 10 });
      const slightlyOlder = login(B(), { occurredAt: iso(-4 * 60_000), sequence: 11 });
      const old = login(B(), { occurredAt: iso(-10 * 60_000), sequence: 12 });
      const seqBack = login(B(), { sequence: 9 });
      const r = await send([newest, slightlyOlder, old, seqBack]);
      assert.deepEqual(r.results.map((x) => [x.status, x.late ?? false]), [['stored', false], ['stored', false], ['stored', true], ['stored', true]]);
      assert.equal(r.late, 2);
      assert.equal((await stored(old.eventId))!.late, true);
      assert.equal((await stored(newest.eventId))!.late, false);
      // Across batches too: compared with what is stored.
      const r2 = await send([login(B(), { occurredAt: iso(-20 * 60_000) })]);
      assert.equal(r2.results[0]!.late, true);
    });

    it('the same Idempotency-Key with the same body gets the stored answer; with another body 409', async () => {
      const key = `idem-${RUN}`;
      const body = [deposit(A()), deposit('ACC-NOBODY')];
      const first = await send(body, key);
      clock.advance(1000); // a new timestamp: a new signature, as a sender's retry has
      const again = await send(body, key);
      assert.deepEqual(again, first);
      const rejections = await findAudited(t, { action: 'monitoring.event_rejected' });
      assert.equal(rejections.filter((x) => x.reason === '1 of 2 events rejected').length, 1, 'the replayed answer records no new rejection');
      clock.advance(1000);
      expectProblem(await post({ events: [deposit(A())] }, { key }), 409, 'conflict');
      await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'denied', errorCode: 'conflict' }).then((x) => assert.equal(x.length, 1));
    });

    it('one audit event per batch, by the exchange, naming fields and counts, never values', async () => {
      const r = await send([deposit(A()), login(A()), deposit(A())]);
      assert.equal(r.stored, 3);
      const ev = (await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'ok' })).at(-1)!;
      assert.equal(ev.actorType, 'system');
      assert.equal(ev.targetType, 'event_batch');
      assert.ok(ev.fields.includes('count.stored.3'));
      assert.ok(ev.fields.includes('monitoring_event.payload_ct'));
      assert.ok(!JSON.stringify(ev).includes(WALLET) && !JSON.stringify(ev).includes(IP));
    });
  });

  describe('at rest', () => {
    it('no address, IP, transaction hash or user agent in plaintext anywhere; the counterparty has a blind index', async () => {
      await send([deposit(A()), login(A())]);
      const hits = await scanAllTables(t.container.db.system, new PlaintextScanner([
        { label: 'wallet', value: WALLET },
        { label: 'ip', value: IP },
        { label: 'txhash', value: TX_HASH },
        { label: 'agent', value: 'sentinel-agent-7731' },
        { label: 'control:account', value: A() },
      ]));
      assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
      assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')), []);
      const bidx = t.container.vault.blindIndex('wallet.address', WALLET.toLowerCase());
      const rows = await t.container.db.system.selectFrom('monitoring_event').select('event_id').where('counterparty_bidx', '=', bidx).execute();
      assert.ok(rows.length > 0);
    });

    it("decrypts under the trader's key bound to its own row; moved to another row it fails", async () => {
      const a = deposit(A());
      const b = login(A());
      await send([a, b]);
      const [ra, rb] = [(await stored(a.eventId))!, (await stored(b.eventId))!];
      await t.container.audited(systemContext('test'), { action: 'test.decrypt' }, async (tx) => {
        const key = await t.container.vault.subjectKey(tx, traders.a!, { create: false });
        const plain = JSON.parse(t.container.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: a.eventId }, ra.payload_ct));
        assert.deepEqual(plain, { address: WALLET, chain: 'bitcoin', txHash: TX_HASH });
        assert.throws(() => t.container.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: b.eventId }, ra.payload_ct));
        assert.ok(t.container.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: b.eventId }, rb.payload_ct).includes(IP));
        const other = await t.container.vault.subjectKey(tx, traders.b!, { create: false });
        assert.throws(() => t.container.vault.decryptForSubject(other, { table: 'monitoring_event', column: 'payload_ct', rowId: a.eventId }, ra.payload_ct));
      });
    });
  });

  describe('listeners', () => {
    it('get only the new events, decrypted, in the storing transaction', async () => {
      const dup = deposit(A());
      await send([dup]);
      seen.length = 0;
      const fresh = login(A());
      await send([dup, fresh, deposit('ACC-NOBODY')]);
      assert.equal(seen.length, 1);
      assert.deepEqual(seen[0]!.map((e) => e.eventId), [fresh.eventId]);
      assert.equal(seen[0]![0]!.ip, IP);
      assert.equal(seen[0]![0]!.traderId, traders.a);
      assert.equal(seen[0]![0]!.receivedAt, clock.now().getTime());
    });

    it("a listener's throw stores nothing (503, the sender retries) and the retry is stored", async () => {
      const e = deposit(A());
      listenerThrows = true;
      try {
        expectProblem(await post({ events: [e] }, { key: `throw-${RUN}` }), 503, 'internal_error');
      } finally {
        listenerThrows = false;
      }
      assert.equal(await stored(e.eventId), undefined);
      await findAudited(t, { action: 'monitoring.events_ingest', outcome: 'error' }).then((x) => assert.equal(x.length, 1));
      clock.advance(1000);
      const r = await send([e], `throw-${RUN}`);
      assert.equal(r.results[0]!.status, 'stored', 'the failed attempt left no idempotency answer behind');
    });
  });
});
