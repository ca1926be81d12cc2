import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { GENESIS_HASH, chainHash, eventLeafHash, type AuditEventContent, type StoredAuditEvent } from './canonical.js';
import { formatVerifierKey, generateSigningKey, signCheckpoint } from './checkpoint.js';
import { rootFromLeafHashes } from './merkle.js';
import { buildExportBundle, verifyExportBundle, EXPORT_FORMAT } from './bundle.js';

const ORIGIN = 'bulwark.test/audit';
const KEY_NAME = 'bulwark-audit';
const key = generateSigningKey();
const VKEY = formatVerifierKey(KEY_NAME, key.publicKeyRaw);
const signer = { name: KEY_NAME, privateKey: key.privateKeyPkcs8 };
const EXPORTED_AT = '2026-11-22T09:00:00.000Z';

function content(seq: number): AuditEventContent {
  return {
    seq,
    time: new Date(Date.UTC(2026, 10, 21, 4, 0, seq)).toISOString(),
    actorType: 'staff',
    actorId: `stf_${seq % 4}`,
    actorName: seq % 5 === 0 ? 'Zoë "Z" Ångström' : `Staff ${seq % 4}`,
    actorIp: '192.0.2.10',
    sessionIdHash: null,
    requestId: `req-${seq}`,
    action: seq % 3 ? 'trader.read' : 'kyc.document.view',
    targetType: 'trader',
    targetId: `trd_${seq}`,
    outcome: 'ok',
    fields: seq % 2 ? ['email', 'phone'] : [],
    reason: seq % 9 === 0 ? 'line one\nline two' : null,
    errorCode: null,
  };
}

function chain(contents: AuditEventContent[], prev = GENESIS_HASH): StoredAuditEvent[] {
  return contents.map((c) => {
    const hash = chainHash(prev, c);
    const e = { ...c, prevHash: prev, hash };
    prev = hash;
    return e;
  });
}

const N = 45;
const LOG = chain(Array.from({ length: N }, (_, i) => content(i + 1)));
const LEAVES = LOG.map(eventLeafHash);
const checkpointAt = (size: number): string => signCheckpoint({ origin: ORIGIN, size, rootHash: rootFromLeafHashes(LEAVES, size) }, signer);

async function bundleFor(fromSeq: number, toSeq: number, cpSize = N): Promise<string> {
  return buildExportBundle({
    origin: ORIGIN,
    verifierKey: VKEY,
    events: LOG.slice(fromSeq - 1, toSeq),
    startPrevHash: fromSeq === 1 ? GENESIS_HASH : LOG[fromSeq - 2]!.hash,
    checkpointNote: checkpointAt(cpSize),
    leafHashesBefore: LEAVES.slice(0, fromSeq - 1),
    leafHashesAfter: LEAVES.slice(toSeq, cpSize),
    signer,
    exportedAt: EXPORTED_AT,
  });
}

const MIDDLE = await bundleFor(11, 30);
const lines = (s: string): string[] => s.split('\n');
const eventLine = (s: string, seq: number): number => lines(s).findIndex((l) => l.startsWith('{') && l.includes(`"seq":${seq},`));

async function rejects(text: string, why: string, expectBadSeq?: number): Promise<void> {
  const r = await verifyExportBundle(text, { verifierKey: VKEY });
  assert.equal(r.ok, false, `${why} must be rejected`);
  assert.ok(r.problem && r.problem.length > 0, `${why}: a problem is named`);
  if (expectBadSeq !== undefined) assert.equal(r.firstBadSeq, expectBadSeq, `${why}: ${r.problem}`);
}

describe('export bundle: valid files', () => {
  test('a middle range (events 11..30 of 45) verifies offline', async () => {
    const r = await verifyExportBundle(MIDDLE, { verifierKey: VKEY });
    assert.equal(r.ok, true, r.problem);
    assert.equal(r.eventsChecked, 20);
    assert.equal(r.treeSize, 30);
    assert.equal(r.rootHash, rootFromLeafHashes(LEAVES, 30).toString('hex'));
    assert.deepEqual(r.range, { fromSeq: 11, toSeq: 30 });
    assert.deepEqual(r.checkpoint, { origin: ORIGIN, size: 45, rootHash: rootFromLeafHashes(LEAVES).toString('hex') });
    assert.equal(r.checkpointsChecked, 1);
    assert.equal(r.verifierKeySource, 'caller');
  });

  test('the file is readable JSON with one event per line and the documented members', () => {
    const obj = JSON.parse(MIDDLE) as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj), [
      'format',
      'origin',
      'verifierKey',
      'exportedAt',
      'range',
      'startPrevHash',
      'checkpoint',
      'leftFrontier',
      'consistencyProof',
      'exportSignature',
      'events',
    ]);
    assert.equal(obj.format, EXPORT_FORMAT);
    assert.equal((obj.leftFrontier as string[]).length, 2); // 10 = 8 + 2
    assert.equal(lines(MIDDLE).filter((l) => l.startsWith('{"action"')).length, 20);
    assert.ok(MIDDLE.endsWith('\n]\n}\n'));
  });

  test('without an out-of-band key it still verifies but says the key came from the file', async () => {
    const r = await verifyExportBundle(MIDDLE);
    assert.equal(r.ok, true);
    assert.equal(r.verifierKeySource, 'bundle');
  });

  test('any range against any covering checkpoint verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: N }).chain((from) =>
          fc.integer({ min: from, max: N }).chain((to) => fc.tuple(fc.constant(from), fc.constant(to), fc.integer({ min: to, max: N }))),
        ),
        async ([from, to, size]) => {
          const r = await verifyExportBundle(await bundleFor(from, to, size), { verifierKey: VKEY });
          assert.equal(r.ok, true, `${from}..${to} @${size}: ${r.problem}`);
        },
      ),
      { numRuns: 60 },
    );
    for (const [from, to, size] of [
      [1, 45, 45],
      [1, 1, 1],
      [45, 45, 45],
      [1, 1, 45],
      [32, 33, 33],
    ] as const) {
      assert.equal((await verifyExportBundle(await bundleFor(from, to, size), { verifierKey: VKEY })).ok, true, `${from}..${to}@${size}`);
    }
  });
});

describe('export bundle: every edit fails', () => {
  test('one character changed in an event', async () => {
    const l = lines(MIDDLE);
    const i = eventLine(MIDDLE, 17);
    l[i] = l[i]!.replace('"targetId":"trd_17"', '"targetId":"trd_18"');
    await rejects(l.join('\n'), 'changed targetId', 17);
  });

  test('an event edited and the chain inside the file recomputed', async () => {
    const contents = LOG.slice(10, 30).map(({ prevHash: _p, hash: _h, ...c }) => c);
    contents[5] = { ...contents[5]!, outcome: 'denied' };
    const rechained = chain(contents, LOG[9]!.hash);
    const obj = JSON.parse(MIDDLE) as { events: StoredAuditEvent[] };
    const l = lines(MIDDLE);
    const first = eventLine(MIDDLE, 11);
    rechained.forEach((e, k) => {
      const json = JSON.stringify(Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1))));
      l[first + k] = json + (k < rechained.length - 1 ? ',' : '');
    });
    assert.equal(obj.events.length, 20);
    // The chain is consistent again, but the tree (checkpoint) is not.
    await rejects(l.join('\n'), 'rewritten and rechained', 11);
  });

  test('an event dropped', async () => {
    const l = lines(MIDDLE);
    l.splice(eventLine(MIDDLE, 20), 1);
    await rejects(l.join('\n'), 'dropped event');
    // Dropped and the range shrunk to match: the tail no longer follows the chain.
    const l2 = lines(MIDDLE).map((x) => x.replace('"range":{"fromSeq":11,"toSeq":30}', '"range":{"fromSeq":11,"toSeq":29}'));
    l2.splice(eventLine(MIDDLE, 20), 1);
    await rejects(l2.join('\n'), 'dropped event with range fixed', 20);
    // The last event dropped and the range shrunk: the chain is fine, the tree is not.
    const l3 = lines(MIDDLE).map((x) => x.replace('"toSeq":30}', '"toSeq":29}'));
    const last = eventLine(MIDDLE, 30);
    l3.splice(last, 1);
    l3[last - 1] = l3[last - 1]!.replace(/,$/, '');
    await rejects(l3.join('\n'), 'last event dropped');
  });

  test('two events reordered', async () => {
    const l = lines(MIDDLE);
    const a = eventLine(MIDDLE, 14);
    [l[a], l[a + 1]] = [l[a + 1]!, l[a]!];
    await rejects(l.join('\n'), 'reordered', 14);
  });

  test('the checkpoint changed (tampered, or replaced by another valid one)', async () => {
    const obj = JSON.parse(MIDDLE) as { checkpoint: string };
    const tampered = MIDDLE.replace(JSON.stringify(obj.checkpoint), JSON.stringify(obj.checkpoint.replace('\n45\n', '\n44\n')));
    await rejects(tampered, 'tampered checkpoint');
    const other = MIDDLE.replace(JSON.stringify(obj.checkpoint), JSON.stringify(checkpointAt(40)));
    await rejects(other, 'another valid checkpoint');
  });

  test('the verifier key swapped', async () => {
    const other = generateSigningKey();
    const otherKey = formatVerifierKey(KEY_NAME, other.publicKeyRaw);
    const r = await verifyExportBundle(MIDDLE, { verifierKey: otherKey });
    assert.equal(r.ok, false);
    await rejects(MIDDLE.replace(VKEY, otherKey), 'key in file swapped');
    const r2 = await verifyExportBundle(MIDDLE.replace(VKEY, otherKey));
    assert.equal(r2.ok, false, 'the swapped key does not verify the checkpoint even when trusted from the file');
  });

  test('a self-consistent file made with another key verifies only against that key', async () => {
    const other = generateSigningKey();
    const otherKey = formatVerifierKey(KEY_NAME, other.publicKeyRaw);
    const forged = await buildExportBundle({
      origin: ORIGIN,
      verifierKey: otherKey,
      events: LOG.slice(0, 10),
      startPrevHash: GENESIS_HASH,
      checkpointNote: signCheckpoint({ origin: ORIGIN, size: 10, rootHash: rootFromLeafHashes(LEAVES, 10) }, { name: KEY_NAME, privateKey: other.privateKeyPkcs8 }),
      leafHashesBefore: [],
      leafHashesAfter: [],
      signer: { name: KEY_NAME, privateKey: other.privateKeyPkcs8 },
    });
    const selfTrusted = await verifyExportBundle(forged);
    assert.equal(selfTrusted.ok, true);
    assert.equal(selfTrusted.verifierKeySource, 'bundle');
    await rejects(forged, 'forged with another key');
  });

  test('trailing garbage, whitespace or reformatting', async () => {
    await rejects(MIDDLE + 'x', 'trailing garbage');
    await rejects(MIDDLE + '\n', 'trailing newline');
    await rejects(MIDDLE.slice(0, -1), 'missing final newline');
    await rejects(' ' + MIDDLE, 'leading space');
    await rejects(JSON.stringify(JSON.parse(MIDDLE), null, 2) + '\n', 'pretty-printed');
    await rejects(MIDDLE.replace('"origin":', '"origin" :'), 'space in a member');
    await rejects(MIDDLE.replace('{\n"format"', '{\n"format":"x",\n"format"'), 'duplicate key');
    await rejects(MIDDLE.replace('"trd_17"', '"trd_\\u0031\\u0037"'), 'alternative escape of the same string');
    await rejects(MIDDLE.replace('"fromSeq":11', '"fromSeq":11.0'), 'alternative number form');
  });

  test('unsigned metadata is covered by the export signature', async () => {
    await rejects(MIDDLE.replace(EXPORTED_AT, '2026-11-23T09:00:00.000Z'), 'exportedAt');
    // startPrevHash changed and the whole chain in the file recomputed from it: content still proven by the tree,
    // but the file no longer matches what was issued.
    const fake = 'ab'.repeat(32);
    const contents = LOG.slice(10, 30).map(({ prevHash: _p, hash: _h, ...c }) => c);
    const rechained = chain(contents, fake);
    let text = MIDDLE.replace(LOG[9]!.hash, fake);
    LOG.slice(10, 30).forEach((e, k) => {
      text = text.replace(`"hash":"${e.hash}"`, `"hash":"${rechained[k]!.hash}"`).replace(`"prevHash":"${e.prevHash}"`, `"prevHash":"${rechained[k]!.prevHash}"`);
    });
    const r = await verifyExportBundle(text, { verifierKey: VKEY });
    assert.equal(r.ok, false);
    assert.match(r.problem!, /export signature/);
    // The export signature line itself.
    const sigLine = lines(MIDDLE).find((l) => l.startsWith('"exportSignature"'))!;
    await rejects(MIDDLE.replace(sigLine, sigLine.replace('sha256:', 'sha256:0')), 'edited export note');
    await rejects(MIDDLE.replace(sigLine + '\n', ''), 'export signature removed');
  });

  test('left frontier or consistency proof altered', async () => {
    const obj = JSON.parse(MIDDLE) as { leftFrontier: string[]; consistencyProof: string[] };
    const flip = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1);
    await rejects(MIDDLE.replace(obj.leftFrontier[0]!, flip(obj.leftFrontier[0]!)), 'left frontier', 11);
    await rejects(MIDDLE.replace(obj.consistencyProof[0]!, flip(obj.consistencyProof[0]!)), 'consistency proof', 11);
  });

  test('any single-character substitution, deletion or insertion anywhere in the file is rejected', async () => {
    const alphabet = '0123456789abcdef"{}[],:\\ \nAZaz+/=.-_';
    await fc.assert(
      fc.asyncProperty(fc.nat(MIDDLE.length - 1), fc.nat(alphabet.length - 1), fc.constantFrom('replace', 'delete', 'insert'), async (pos, ci, op) => {
        const c = alphabet[ci]!;
        let edited: string;
        if (op === 'delete') edited = MIDDLE.slice(0, pos) + MIDDLE.slice(pos + 1);
        else if (op === 'insert') edited = MIDDLE.slice(0, pos) + c + MIDDLE.slice(pos);
        else edited = MIDDLE.slice(0, pos) + c + MIDDLE.slice(pos + 1);
        fc.pre(edited !== MIDDLE);
        const r = await verifyExportBundle(edited, { verifierKey: VKEY });
        assert.equal(r.ok, false, `${op} ${JSON.stringify(c)} at ${pos} (${JSON.stringify(MIDDLE.slice(pos - 10, pos + 10))})`);
      }),
      { numRuns: 400 },
    );
  });

  test('not JSON, wrong format, extra or missing members are rejected without throwing', async () => {
    for (const bad of ['', 'null', '[]', '{}', MIDDLE.replace(EXPORT_FORMAT, 'bulwark-audit-export/2')]) {
      const r = await verifyExportBundle(bad, { verifierKey: VKEY });
      assert.equal(r.ok, false);
    }
    const extra = MIDDLE.replace('"origin":', '"note":"hi",\n"origin":');
    await rejects(extra, 'extra member');
    const extraField = MIDDLE.replace('{"action":"trader.read"', '{"x":1,"action":"trader.read"');
    await rejects(extraField, 'extra event field');
  });
});

describe('buildExportBundle refuses to produce an unverifiable file', () => {
  test('leaf hashes from a tampered database do not reproduce the checkpoint', async () => {
    const badLeaves = LEAVES.map((l, i) => (i === 3 ? eventLeafHash({ ...LOG[3]!, reason: 'x' }) : l));
    await assert.rejects(
      buildExportBundle({
        origin: ORIGIN,
        verifierKey: VKEY,
        events: LOG.slice(10, 20),
        startPrevHash: LOG[9]!.hash,
        checkpointNote: checkpointAt(45),
        leafHashesBefore: badLeaves.slice(0, 10),
        leafHashesAfter: badLeaves.slice(20, 45),
        signer,
      }),
      /does not verify/,
    );
  });

  test('a checkpoint that does not cover the range, wrong leaf counts or a wrong signer are refused', async () => {
    const base = {
      origin: ORIGIN,
      verifierKey: VKEY,
      events: LOG.slice(10, 30),
      startPrevHash: LOG[9]!.hash,
      leafHashesBefore: LEAVES.slice(0, 10),
      signer,
    };
    await assert.rejects(buildExportBundle({ ...base, checkpointNote: checkpointAt(20), leafHashesAfter: [] }), /does not cover/);
    await assert.rejects(buildExportBundle({ ...base, checkpointNote: checkpointAt(45), leafHashesAfter: LEAVES.slice(30, 44) }), /leaf hashes after/);
    await assert.rejects(
      buildExportBundle({ ...base, checkpointNote: checkpointAt(45), leafHashesAfter: LEAVES.slice(30), leafHashesBefore: LEAVES.slice(0, 9) }),
      /leaf hashes before/,
    );
    const other = generateSigningKey();
    await assert.rejects(
      buildExportBundle({ ...base, checkpointNote: checkpointAt(45), leafHashesAfter: LEAVES.slice(30), signer: { name: KEY_NAME, privateKey: other.privateKeyPkcs8 } }),
      /export signature/,
    );
    await assert.rejects(buildExportBundle({ ...base, events: [], checkpointNote: checkpointAt(45), leafHashesAfter: [] }), /at least one event/);
  });
});

describe('the documented shell procedure (docs/security/audit-export-format.md)', () => {
  // The regulator's script lives in the document; running it here keeps the document honest.
  let root = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const doc = path.join(root, 'docs/security/audit-export-format.md');
  const tools = ['bash', 'jq', 'xxd', 'base64', 'sha256sum', 'openssl'];
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  const skip = missing.length ? `tools not installed: ${missing.join(', ')}` : !existsSync(doc) ? `${doc} not found` : false;

  const runScript = (bundle: string, verifierKey: string): { status: number | null; out: string } => {
    const script = /```bash\n(#!\/usr\/bin\/env bash[\s\S]*?)```/.exec(readFileSync(doc, 'utf8'))?.[1];
    assert.ok(script, 'the document contains the verification script');
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-export-'));
    try {
      writeFileSync(path.join(dir, 'verify.sh'), script);
      writeFileSync(path.join(dir, 'export.json'), bundle);
      const r = spawnSync('bash', [path.join(dir, 'verify.sh'), path.join(dir, 'export.json'), verifierKey], { encoding: 'utf8' });
      return { status: r.status, out: r.stdout + r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('accepts valid exports and rejects edited ones', { skip }, async () => {
    const ok = runScript(MIDDLE, VKEY);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /^OK: events 11\.\.30/);
    const whole = runScript(await bundleFor(1, 16, 16), VKEY);
    assert.equal(whole.status, 0, whole.out);
    const edited = runScript(MIDDLE.replace('"trd_17"', '"trd_18"'), VKEY);
    assert.equal(edited.status, 1, edited.out);
    const otherKey = formatVerifierKey(KEY_NAME, generateSigningKey().publicKeyRaw);
    assert.equal(runScript(MIDDLE, otherKey).status, 1);
  });
});
