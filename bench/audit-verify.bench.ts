// Audit log verification benchmark.
//   npx tsx bench/audit-verify.bench.ts [--events N] [--proofs P]
// Generates N chained events in memory (setup, not measured), then measures:
//   1. full verification with verifyAuditLog (chain + Merkle frontier + signed checkpoints every 100,000 events),
//      against a baseline measured in the same run: bare SHA-256 over the same canonical bytes, N times;
//   2. inclusion-proof verification (µs per proof, averaged over many), against a baseline of the same number of
//      bare 65-byte SHA-256 node hashes a proof of that depth needs.
// Targets: full verify of 1,000,000 events < 30 s; inclusion-proof verification < 50 µs.
// The last line of output is a JSON object with every figure, for CI and docs/performance.
import { hash as sha256Once, randomInt } from 'node:crypto';
import os from 'node:os';
import {
  GENESIS_HASH,
  canonicalEvent,
  hashEvent,
  type AuditEventContent,
  type StoredAuditEvent,
} from '../src/server/platform/audit/canonical.js';
import { formatVerifierKey, generateSigningKey, signCheckpoint } from '../src/server/platform/audit/checkpoint.js';
import { CompactRange, MerkleTree, verifyInclusion } from '../src/server/platform/audit/merkle.js';
import { verifyAuditLog } from '../src/server/platform/audit/verify-core.js';

function argInt(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`--${name} needs a positive integer`);
    process.exit(2);
  }
  return v;
}

const N = argInt('events', 1_000_000);
const PROOFS = argInt('proofs', 1000);
const PROOF_REPEAT = 20;
const CHECKPOINT_EVERY = 100_000;
const TARGET_FULL_S_PER_MILLION = 30;
const TARGET_PROOF_US = 50;
const ORIGIN = 'bench.bulwark.local/audit';

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number, d = 2): string => n.toFixed(d);

const ACTIONS = ['trader.read', 'trader.update', 'kyc.document.view', 'case.comment', 'staff.login', 'screening.run'];
const FIELDS = [['email'], ['email', 'phone', 'address'], [], ['passport_number'], ['iban', 'wallet_address']];

// Realistic shape and size (~350 bytes canonical): ids, an IP, a session hash, a request id, a few field names.
function syntheticEvent(seq: number, t0: number): AuditEventContent {
  const staff = seq % 97;
  return {
    seq,
    time: new Date(t0 + seq * 37).toISOString(),
    actorType: seq % 50 === 0 ? 'system' : 'staff',
    actorId: `stf_${staff.toString(36).padStart(6, '0')}`,
    actorName: `Staff Member ${staff}`,
    actorIp: `10.${seq % 256}.${(seq >> 8) % 256}.${staff}`,
    sessionIdHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    requestId: `req_${seq.toString(36)}`,
    action: ACTIONS[seq % ACTIONS.length]!,
    targetType: 'trader',
    targetId: `trd_${(seq * 7919) % 1_000_003}`,
    outcome: seq % 41 === 0 ? 'denied' : 'ok',
    fields: FIELDS[seq % FIELDS.length]!,
    reason: seq % 13 === 0 ? 'customer support ticket follow-up' : null,
    errorCode: null,
  };
}

async function main(): Promise<void> {
  console.log(`audit-verify bench: ${N.toLocaleString('en')} events, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`);

  // --- Setup (not measured): the log, its leaf hashes and signed checkpoints ---------------------------------------
  const tSetup = process.hrtime.bigint();
  const key = generateSigningKey();
  const signer = { name: 'bench-audit', privateKey: key.privateKeyPkcs8 };
  const verifierKey = formatVerifierKey(signer.name, key.publicKeyRaw);
  // Memory matters at a million events: objects are built as literals (object spread makes dictionary-mode objects,
  // ~3x larger), and leaf hashes and canonical bytes live in flat buffers rather than a million small Buffers.
  const events: StoredAuditEvent[] = [];
  const leafBytes = Buffer.allocUnsafe(N * 32);
  const frontier = new CompactRange();
  const checkpoints: string[] = [];
  const offsets = new Float64Array(N + 1);
  let canonicalBytes = Buffer.allocUnsafe(N * 512);
  let total = 0;
  const t0 = Date.UTC(2026, 0, 1);
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= N; seq++) {
    const c = syntheticEvent(seq, t0);
    const { hash, leafHash } = hashEvent(prev, c);
    events.push({
      seq: c.seq,
      time: c.time,
      actorType: c.actorType,
      actorId: c.actorId,
      actorName: c.actorName,
      actorIp: c.actorIp,
      sessionIdHash: c.sessionIdHash,
      requestId: c.requestId,
      action: c.action,
      targetType: c.targetType,
      targetId: c.targetId,
      outcome: c.outcome,
      fields: c.fields,
      reason: c.reason,
      errorCode: c.errorCode,
      prevHash: prev,
      hash,
    });
    leafBytes.set(leafHash, (seq - 1) * 32);
    frontier.append(leafHash);
    if (seq % CHECKPOINT_EVERY === 0 || seq === N) {
      checkpoints.push(signCheckpoint({ origin: ORIGIN, size: seq, rootHash: frontier.root() }, signer));
    }
    // The baseline hashes the same canonical bytes, laid out in one buffer so it measures hashing, not allocation.
    const b = canonicalEvent(c);
    if (total + b.length > canonicalBytes.length) {
      const bigger = Buffer.allocUnsafe(canonicalBytes.length * 2);
      canonicalBytes.copy(bigger, 0, 0, total);
      canonicalBytes = bigger;
    }
    offsets[seq - 1] = total;
    total += b.copy(canonicalBytes, total);
    prev = hash;
  }
  offsets[N] = total;
  const setupMs = ms(tSetup);
  console.log(`setup (generate + chain + sign ${checkpoints.length} checkpoints, not measured): ${fmt(setupMs / 1000)} s, canonical bytes: ${fmt(total / N, 0)} B/event`);

  // --- 1. Full verification vs bare SHA-256 -------------------------------------------------------------------------
  let sink = 0;
  const tBase = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    sink ^= sha256Once('sha256', canonicalBytes.subarray(offsets[i]!, offsets[i + 1]!), 'buffer')[0]!;
  }
  const baselineMs = ms(tBase);

  const tVerify = process.hrtime.bigint();
  const result = await verifyAuditLog({ events, checkpoints, verifierKey, origin: ORIGIN });
  const verifyMs = ms(tVerify);
  if (!result.ok || result.treeSize !== N || result.checkpointsChecked !== checkpoints.length) {
    console.error('verification failed on an intact log:', result);
    process.exit(1);
  }
  const targetFullS = (TARGET_FULL_S_PER_MILLION * N) / 1_000_000;
  const fullPass = verifyMs / 1000 < targetFullS;
  console.log(
    `baseline: bare SHA-256 of canonical bytes ×${N}: ${fmt(baselineMs / 1000)} s (${fmt((baselineMs * 1000) / N)} µs/event)`,
  );
  console.log(
    `full verify (verifyAuditLog, ${checkpoints.length} checkpoints): ${fmt(verifyMs / 1000)} s (${fmt((verifyMs * 1000) / N)} µs/event) ` +
      `= ${fmt(verifyMs / baselineMs, 1)}× baseline; target < ${fmt(targetFullS, 1)} s` +
      (N === 1_000_000 ? '' : ` (30 s per 1,000,000 scaled to ${N})`) +
      ` → ${fullPass ? 'PASS' : 'FAIL'}`,
  );

  // --- 2. Inclusion-proof verification ------------------------------------------------------------------------------
  const tTree = process.hrtime.bigint();
  const leaves = Array.from({ length: N }, (_, i) => leafBytes.subarray(i * 32, (i + 1) * 32));
  const tree = new MerkleTree(leaves);
  const root = tree.root();
  const treeMs = ms(tTree);
  const indices = Array.from({ length: PROOFS }, () => randomInt(N));
  const proofs = indices.map((i) => tree.inclusionProof(i));
  const depth = proofs.reduce((a, p) => a + p.length, 0) / proofs.length;
  for (let k = 0; k < proofs.length; k++) {
    if (!verifyInclusion(indices[k]!, N, leaves[indices[k]!]!, proofs[k]!, root)) {
      console.error(`inclusion proof for leaf ${indices[k]} did not verify`);
      process.exit(1);
    }
  }
  const tProof = process.hrtime.bigint();
  for (let r = 0; r < PROOF_REPEAT; r++) {
    for (let k = 0; k < proofs.length; k++) {
      if (!verifyInclusion(indices[k]!, N, leaves[indices[k]!]!, proofs[k]!, root)) sink++;
    }
  }
  const proofUs = (ms(tProof) * 1000) / (PROOFS * PROOF_REPEAT);

  // Baseline: the same number of bare node hashes over 65-byte inputs.
  const node = Buffer.alloc(65, 1);
  const hashesPerProof = Math.round(depth);
  const tNode = process.hrtime.bigint();
  for (let r = 0; r < PROOF_REPEAT * PROOFS; r++) {
    for (let j = 0; j < hashesPerProof; j++) sink ^= sha256Once('sha256', node, 'buffer')[0]!;
  }
  const proofBaselineUs = (ms(tNode) * 1000) / (PROOF_REPEAT * PROOFS);
  const proofPass = proofUs < TARGET_PROOF_US;
  console.log(`(tree of ${N} leaves materialised for proof generation in ${fmt(treeMs / 1000)} s, not measured)`);
  console.log(
    `inclusion proof verify: ${fmt(proofUs)} µs/proof (depth ${fmt(depth, 1)}, ${PROOFS}×${PROOF_REPEAT}); ` +
      `baseline ${hashesPerProof} bare SHA-256 node hashes: ${fmt(proofBaselineUs)} µs; target < ${TARGET_PROOF_US} µs → ${proofPass ? 'PASS' : 'FAIL'}`,
  );

  console.log(
    JSON.stringify({
      bench: 'audit-verify',
      events: N,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? null,
      setupSeconds: +(setupMs / 1000).toFixed(3),
      canonicalBytesPerEvent: Math.round(total / N),
      baselineSha256Seconds: +(baselineMs / 1000).toFixed(3),
      fullVerifySeconds: +(verifyMs / 1000).toFixed(3),
      fullVerifyMicrosPerEvent: +((verifyMs * 1000) / N).toFixed(3),
      fullVerifyVsBaseline: +(verifyMs / baselineMs).toFixed(2),
      fullVerifyTargetSeconds: targetFullS,
      fullVerifyPass: fullPass,
      checkpoints: checkpoints.length,
      inclusionProofMicros: +proofUs.toFixed(3),
      inclusionProofDepth: +depth.toFixed(2),
      inclusionProofBaselineMicros: +proofBaselineUs.toFixed(3),
      inclusionProofTargetMicros: TARGET_PROOF_US,
      inclusionProofPass: proofPass,
      sink: sink & 1,
    }),
  );
  if (!fullPass || !proofPass) process.exitCode = 1;
}

await main();
