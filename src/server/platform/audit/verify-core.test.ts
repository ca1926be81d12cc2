import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH, chainHash, eventLeafHash, type AuditEventContent, type StoredAuditEvent } from './canonical.js';
import { formatVerifierKey, generateSigningKey, signCheckpoint } from './checkpoint.js';
import { CompactRange, rootFromLeafHashes } from './merkle.js';
import { verifyAuditLog, type VerifyInput } from './verify-core.js';

const ORIGIN = 'bulwark.test/audit';
const KEY_NAME = 'bulwark-audit';
const key = generateSigningKey();
const VKEY = formatVerifierKey(KEY_NAME, key.publicKeyRaw);
const signer = { name: KEY_NAME, privateKey: key.privateKeyPkcs8 };

function content(seq: number): AuditEventContent {
  return {
    seq,
    time: new Date(Date.UTC(2026, 10, 21, 4, 0, 0, seq)).toISOString(),
    actorType: seq % 7 === 0 ? 'system' : 'staff',
    actorId: `stf_${seq % 3}`,
    actorName: `Staff ${seq % 3}`,
    actorIp: '198.51.100.4',
    sessionIdHash: 'ab'.repeat(16),
    requestId: `req-${seq}`,
    action: seq % 2 ? 'trader.read' : 'trader.update',
    targetType: 'trader',
    targetId: `trd_${seq}`,
    outcome: seq % 11 === 0 ? 'denied' : 'ok',
    fields: ['email'],
    reason: null,
    errorCode: null,
  };
}

/** Chains contents from a previous hash (what the writer does, and what an attacker with DB access can redo). */
function chain(contents: AuditEventContent[], prev = GENESIS_HASH): StoredAuditEvent[] {
  return contents.map((c) => {
    const hash = chainHash(prev, c);
    const e = { ...c, prevHash: prev, hash };
    prev = hash;
    return e;
  });
}

function strip(e: StoredAuditEvent): AuditEventContent {
  const { prevHash: _p, hash: _h, ...c } = e;
  return c;
}

const N = 50;
const LOG = chain(Array.from({ length: N }, (_, i) => content(i + 1)));
const LEAVES = LOG.map(eventLeafHash);
const checkpointAt = (size: number, origin = ORIGIN, s = signer): string =>
  signCheckpoint({ origin, size, rootHash: rootFromLeafHashes(LEAVES, size) }, s);
const CHECKPOINTS = [checkpointAt(40), checkpointAt(10), checkpointAt(20)]; // any order

function input(events: StoredAuditEvent[], over: Partial<VerifyInput> = {}): VerifyInput {
  return { events, checkpoints: CHECKPOINTS, verifierKey: VKEY, origin: ORIGIN, ...over };
}

const clone = (): StoredAuditEvent[] => LOG.map((e) => ({ ...e, fields: [...e.fields] }));

describe('verifyAuditLog: intact log', () => {
  test('verifies chain, tree and all checkpoints', async () => {
    const r = await verifyAuditLog(input(LOG));
    assert.deepEqual(r, {
      ok: true,
      eventsChecked: 50,
      treeSize: 50,
      rootHash: rootFromLeafHashes(LEAVES).toString('hex'),
      checkpointsChecked: 3,
    });
  });

  test('accepts an async iterable and reports progress', async () => {
    async function* rows() {
      for (const e of LOG) yield e;
    }
    const seen: number[] = [];
    const r = await verifyAuditLog(input([], { events: rows(), onProgress: (s) => seen.push(s) }));
    assert.equal(r.ok, true);
    assert.equal(seen.at(-1), 50);
  });

  test('an empty log with no checkpoints is fine; an empty log with checkpoints is truncated from seq 1', async () => {
    assert.equal((await verifyAuditLog(input([], { checkpoints: [] }))).ok, true);
    const r = await verifyAuditLog(input([]));
    assert.equal(r.ok, false);
    assert.equal(r.firstBadSeq, 1);
  });

  test('a checkpoint of size 0 must carry the empty root', async () => {
    const empty = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: rootFromLeafHashes([]) }, signer);
    assert.equal((await verifyAuditLog(input(LOG, { checkpoints: [empty] }))).ok, true);
    const wrong = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: LEAVES[0]! }, signer);
    assert.equal((await verifyAuditLog(input(LOG, { checkpoints: [wrong] }))).ok, false);
  });

  test('starting in the middle: chain only without a frontier, roots too with one', async () => {
    const tail = LOG.slice(14);
    const noFrontier = await verifyAuditLog(input(tail, { fromSeq: 15, startPrevHash: LOG[13]!.hash }));
    assert.deepEqual(
      { ok: noFrontier.ok, n: noFrontier.eventsChecked, size: noFrontier.treeSize, cps: noFrontier.checkpointsChecked, root: noFrontier.rootHash },
      { ok: true, n: 36, size: 50, cps: 0, root: '' },
    );
    const frontier = new CompactRange();
    LEAVES.slice(0, 14).forEach((l) => frontier.append(l));
    const withFrontier = await verifyAuditLog(input(tail, { fromSeq: 15, startPrevHash: LOG[13]!.hash, startFrontier: frontier.hashes() }));
    assert.equal(withFrontier.ok, true);
    assert.equal(withFrontier.checkpointsChecked, 2); // 20 and 40; 10 lies before the start
    assert.equal(withFrontier.rootHash, rootFromLeafHashes(LEAVES).toString('hex'));

    const missing = await verifyAuditLog(input(tail, { fromSeq: 15 }));
    assert.equal(missing.ok, false);
    assert.match(missing.problem!, /startPrevHash is required/);
    const wrongPrev = await verifyAuditLog(input(tail, { fromSeq: 15, startPrevHash: LOG[12]!.hash }));
    assert.equal(wrongPrev.firstBadSeq, 15);
    const truncated = await verifyAuditLog(input(LOG.slice(14, 30), { fromSeq: 15, startPrevHash: LOG[13]!.hash }));
    assert.equal(truncated.firstBadSeq, 31);
  });
});

describe('verifyAuditLog: attacks', () => {
  test('altered field without rehash → that seq', async () => {
    const log = clone();
    log[14] = { ...log[14]!, targetId: 'trd_999' };
    const r = await verifyAuditLog(input(log));
    assert.equal(r.ok, false);
    assert.equal(r.firstBadSeq, 15);
    assert.match(r.problem!, /altered/);
    assert.equal(r.eventsChecked, 14);
  });

  test('altered list of revealed fields without rehash → that seq', async () => {
    const log = clone();
    log[32]!.fields.push('passport_number');
    assert.equal((await verifyAuditLog(input(log))).firstBadSeq, 33);
  });

  test('deleted row → the missing seq', async () => {
    const log = clone();
    log.splice(24, 1);
    const r = await verifyAuditLog(input(log));
    assert.equal(r.firstBadSeq, 25);
    assert.match(r.problem!, /seq 25 is missing/);
  });

  test('two rows swapped → the first swapped position', async () => {
    const log = clone();
    [log[29], log[30]] = [log[30]!, log[29]!];
    const r = await verifyAuditLog(input(log));
    assert.equal(r.firstBadSeq, 30);
  });

  test('two rows swapped including their seq values → the first swapped position', async () => {
    const log = clone();
    const a = strip(log[29]!);
    const b = strip(log[30]!);
    log[29] = { ...b, seq: 30, prevHash: log[29]!.prevHash, hash: log[30]!.hash };
    log[30] = { ...a, seq: 31, prevHash: log[30]!.prevHash, hash: log[29]!.hash };
    assert.equal((await verifyAuditLog(input(log))).firstBadSeq, 30);
  });

  test('inserted row (a duplicate seq, correctly chained) → that seq', async () => {
    const log = clone();
    const fake = chain([{ ...content(17), action: 'trader.export', targetId: 'trd_all' }], log[15]!.hash)[0]!;
    log.splice(16, 0, fake);
    const r = await verifyAuditLog(input(log));
    assert.equal(r.firstBadSeq, 17);
    assert.match(r.problem!, /inserted/);
  });

  test('inserted row with later rows renumbered but not rehashed → first renumbered row', async () => {
    const log = clone();
    const fake = chain([{ ...content(17), action: 'trader.export' }], log[15]!.hash)[0]!;
    const renumbered = log.slice(16).map((e) => ({ ...e, seq: e.seq + 1 }));
    const r = await verifyAuditLog(input([...log.slice(0, 16), fake, ...renumbered]));
    assert.equal(r.firstBadSeq, 18);
  });

  test('altered prevHash only → that seq', async () => {
    const log = clone();
    log[5] = { ...log[5]!, prevHash: 'ff'.repeat(32) };
    assert.equal((await verifyAuditLog(input(log))).firstBadSeq, 6);
  });

  test('whole chain recomputed after altering event 15 → caught by the checkpoint at 20, earliest position 11', async () => {
    const contents = LOG.map(strip);
    contents[14] = { ...contents[14]!, outcome: 'denied', reason: 'covered up' };
    const rewritten = chain(contents);
    const r = await verifyAuditLog(input(rewritten));
    assert.equal(r.ok, false);
    assert.equal(r.firstBadSeq, 11);
    assert.match(r.problem!, /checkpoint size 20/);
    assert.match(r.problem!, /earliest possible/);
    assert.equal(r.checkpointsChecked, 1); // size 10 still matched
  });

  test('whole chain recomputed after altering event 15 → pinpointed to 15 with anchored leaf hashes', async () => {
    const contents = LOG.map(strip);
    contents[14] = { ...contents[14]!, outcome: 'denied', reason: 'covered up' };
    const rewritten = chain(contents);
    const anchored = (seq: number): Buffer | undefined => LEAVES[seq - 1];
    const r = await verifyAuditLog(input(rewritten, { anchoredLeafHashes: anchored }));
    assert.equal(r.firstBadSeq, 15);
    assert.match(r.problem!, /anchored/);
    // A partial anchor (only some seqs known) still works where it knows.
    const partial = (seq: number): Buffer | undefined => (seq % 5 === 0 ? LEAVES[seq - 1] : undefined);
    const rewritten2 = chain(LOG.map(strip).map((c) => (c.seq === 25 ? { ...c, fields: [] } : c)));
    assert.equal((await verifyAuditLog(input(rewritten2, { anchoredLeafHashes: partial }))).firstBadSeq, 25);
  });

  test('truncated tail below a checkpoint → events count + 1', async () => {
    const r = await verifyAuditLog(input(LOG.slice(0, 35)));
    assert.equal(r.ok, false);
    assert.equal(r.firstBadSeq, 36);
    assert.match(r.problem!, /truncation/);
    assert.equal(r.checkpointsChecked, 2);
  });

  test('truncated tail after the last checkpoint is not detectable from checkpoints alone (documented limit)', async () => {
    const r = await verifyAuditLog(input(LOG.slice(0, 45)));
    assert.equal(r.ok, true);
    assert.equal(r.treeSize, 45);
  });

  test('forged checkpoint signed by another key → problem names its size', async () => {
    const other = generateSigningKey();
    const forged = checkpointAt(30, ORIGIN, { name: KEY_NAME, privateKey: other.privateKeyPkcs8 });
    const r = await verifyAuditLog(input(LOG, { checkpoints: [...CHECKPOINTS, forged] }));
    assert.equal(r.ok, false);
    assert.match(r.problem!, /checkpoint of size 30 failed verification/);
    assert.equal(r.firstBadSeq, undefined);
  });

  test('forged checkpoint over a rewritten log is still refused (the key is not in the database)', async () => {
    const contents = LOG.map(strip);
    contents[14] = { ...contents[14]!, reason: 'x' };
    const rewritten = chain(contents);
    const other = generateSigningKey();
    const leaves = rewritten.map(eventLeafHash);
    const forged = [10, 20, 40].map((s) =>
      signCheckpoint({ origin: ORIGIN, size: s, rootHash: rootFromLeafHashes(leaves, s) }, { name: KEY_NAME, privateKey: other.privateKeyPkcs8 }),
    );
    const r = await verifyAuditLog(input(rewritten, { checkpoints: forged }));
    assert.equal(r.ok, false);
    assert.match(r.problem!, /failed verification/);
  });

  test('checkpoint for another origin → refused', async () => {
    const foreign = checkpointAt(20, 'other.example/log');
    const r = await verifyAuditLog(input(LOG, { checkpoints: [...CHECKPOINTS, foreign] }));
    assert.equal(r.ok, false);
    assert.match(r.problem!, /size 20 is for origin "other.example\/log"/);
  });

  test('two validly signed checkpoints disagreeing at one size → split view', async () => {
    const fork = signCheckpoint({ origin: ORIGIN, size: 20, rootHash: rootFromLeafHashes(LEAVES, 21) }, signer);
    const r = await verifyAuditLog(input(LOG, { checkpoints: [...CHECKPOINTS, fork] }));
    assert.match(r.problem!, /split view/);
  });

  test('malformed checkpoint text and malformed verifier key are reported, not thrown', async () => {
    const r1 = await verifyAuditLog(input(LOG, { checkpoints: ['not a checkpoint'] }));
    assert.match(r1.problem!, /malformed/);
    const r2 = await verifyAuditLog(input(LOG, { verifierKey: 'nope' }));
    assert.match(r2.problem!, /invalid verifier key/);
  });

  test('malformed event content is reported at its seq', async () => {
    const log = clone();
    (log[7] as unknown as Record<string, unknown>).time = 'yesterday';
    const r = await verifyAuditLog(input(log));
    assert.equal(r.firstBadSeq, 8);
    assert.match(r.problem!, /malformed/);
  });

  test('only the first problem is reported', async () => {
    const log = clone();
    log[39] = { ...log[39]!, reason: 'x' };
    log.splice(9, 1);
    const r = await verifyAuditLog(input(log));
    assert.equal(r.firstBadSeq, 10);
  });
});
