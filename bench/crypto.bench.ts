// Field-encryption overhead benchmark.
//
//   npx tsx bench/crypto.bench.ts [--strict]
//
// Compares encryptField/decryptField on a typical 40-byte field value with a bare node:crypto AES-256-GCM loop
// on the same value, measured in the same process and interleaved round by round (so CPU frequency drift and
// GC hit both sides alike). Baseline = the minimum a correct GCM use needs: a random 96-bit nonce,
// createCipheriv/update/final/getAuthTag, and on decrypt setAuthTag/update/final — no AAD, no packing.
// The Bulwark side adds the header, the binding AAD, the single-buffer packing and the input checks.
// Target: < 20 % overhead. Prints a table and, last, one JSON line with the figures.
// --strict exits with status 1 when the target is missed (noisy machines: leave it off in shared CI).

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

import { BLIND_INDEX_PURPOSE, KeyRing, blindIndex, decryptField, encryptField, generateDataKey } from '../src/server/platform/crypto/index.js';

const TARGET_PCT = 20;
const PAYLOAD = 'anna.maria.eriksson+kyc@example-mail.com'; // 40 bytes: a typical e-mail / document number
const ROUNDS = 15;
const ROUND_MS = 100;
const WARMUP_MS = 1500;

if (Buffer.byteLength(PAYLOAD) !== 40) throw new Error('payload must be 40 bytes');

const key = randomBytes(32);
const ring = new KeyRing([{ version: 1, key, status: 'active' }]);
const indexRing = new KeyRing([generateDataKey(1)], { purpose: BLIND_INDEX_PURPOSE });
const binding = { table: 'trader', column: 'email', rowId: '7f0c7b54-2a43-4e1f-9a57-0f6a4f1b8e21' };

// The AAD a field of this binding carries (header + length-prefixed table, column, row id): used only by the
// informational "bare + AAD" lines, which show how much of the overhead is the binding itself.
const bindingAad = Buffer.concat([
  Buffer.of(1, 1, 0, 0, 0, 1),
  ...[binding.table, binding.column, binding.rowId].flatMap((s) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(Buffer.byteLength(s), 0);
    return [len, Buffer.from(s)];
  }),
]);

// Pre-made inputs for the decrypt loops.
const bareSealed = bareEncrypt();
const bareAadSealed = bareEncrypt(bindingAad);
const bulwarkSealed = encryptField(ring, binding, PAYLOAD);

let sink = 0; // consumed results, so the JIT cannot drop the work

function bareEncrypt(aad?: Buffer): { nonce: Buffer; ct: Buffer; tag: Buffer } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  if (aad) cipher.setAAD(aad);
  const ct = cipher.update(PAYLOAD, 'utf8');
  cipher.final();
  return { nonce, ct, tag: cipher.getAuthTag() };
}

function bareDecrypt(aad?: Buffer): Buffer {
  const sealed = aad ? bareAadSealed : bareSealed;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  const pt = decipher.update(sealed.ct);
  decipher.final();
  return pt;
}

const bareHmacKey = indexRing.active.key;

const cases: Record<string, () => void> = {
  'bare encrypt': () => {
    sink += bareEncrypt().tag[0]!;
  },
  'encryptField': () => {
    sink += encryptField(ring, binding, PAYLOAD)[20]!;
  },
  'bare decrypt': () => {
    sink += bareDecrypt()[0]!;
  },
  'decryptField': () => {
    sink += decryptField(ring, binding, bulwarkSealed)[0]!;
  },
  'bare encrypt+AAD': () => {
    sink += bareEncrypt(bindingAad).tag[0]!;
  },
  'bare decrypt+AAD': () => {
    sink += bareDecrypt(bindingAad)[0]!;
  },
  'bare HMAC-SHA256': () => {
    sink += createHmac('sha256', bareHmacKey).update(PAYLOAD).digest()[0]!;
  },
  'blindIndex': () => {
    sink += blindIndex(indexRing, 'email', PAYLOAD)[0]!;
  },
};

/**
 * Runs `fn` in batches for about `ms` milliseconds; returns operations per second of CPU time (user + system
 * of this process), which — unlike wall time — does not count the time the OS gave to other processes on a
 * shared machine.
 */
function measure(fn: () => void, ms: number): number {
  const batch = 1000;
  let ops = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const budget = BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
  }
  const cpu = process.cpuUsage(cpuStart);
  return (ops * 1e6) / (cpu.user + cpu.system);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// Warm-up: let the JIT optimise every path before anything is recorded.
for (const fn of Object.values(cases)) measure(fn, WARMUP_MS / Object.keys(cases).length);

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const names = Object.keys(cases);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order each round so neither side always runs first.
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) samples[name]!.push(measure(cases[name]!, ROUND_MS));
}

const ops = Object.fromEntries(names.map((n) => [n, median(samples[n]!)])) as Record<string, number>;
// Best round per case: noise on a shared machine only ever slows a round down, so the best rounds estimate the
// intrinsic cost; reported next to the medians (the headline) for machines under load.
const best = Object.fromEntries(names.map((n) => [n, Math.max(...samples[n]!)])) as Record<string, number>;
/** Overhead in % of per-operation time: (bulwark time / bare time) − 1. */
const overhead = (bare: number, ours: number) => (bare / ours - 1) * 100;
const encPct = overhead(ops['bare encrypt']!, ops['encryptField']!);
const decPct = overhead(ops['bare decrypt']!, ops['decryptField']!);
// Round trip: one encrypt plus one decrypt, per-op times added.
const rt = (e: number, d: number) => 1 / (1 / e + 1 / d);
const rtPct = overhead(rt(ops['bare encrypt']!, ops['bare decrypt']!), rt(ops['encryptField']!, ops['decryptField']!));
const bidxPct = overhead(ops['bare HMAC-SHA256']!, ops['blindIndex']!);
const encVsAadPct = overhead(ops['bare encrypt+AAD']!, ops['encryptField']!);
const decVsAadPct = overhead(ops['bare decrypt+AAD']!, ops['decryptField']!);
const within = encPct < TARGET_PCT && decPct < TARGET_PCT;
const bestEncPct = overhead(best['bare encrypt']!, best['encryptField']!);
const bestDecPct = overhead(best['bare decrypt']!, best['decryptField']!);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
const pct = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} %`;
console.log(`crypto bench — ${Buffer.byteLength(PAYLOAD)}-byte field, median of ${ROUNDS} rounds × ${ROUND_MS} ms (CPU time), node ${process.version}`);
console.log(`  ${'operation'.padEnd(18)}${'ops/s'.padStart(12)}   vs baseline`);
console.log(`  ${'bare encrypt'.padEnd(18)}${fmt(ops['bare encrypt']!)}   (baseline)`);
console.log(`  ${'encryptField'.padEnd(18)}${fmt(ops['encryptField']!)}   ${pct(encPct)}`);
console.log(`  ${'bare decrypt'.padEnd(18)}${fmt(ops['bare decrypt']!)}   (baseline)`);
console.log(`  ${'decryptField'.padEnd(18)}${fmt(ops['decryptField']!)}   ${pct(decPct)}`);
console.log(`  ${'round trip'.padEnd(18)}${''.padStart(12)}   ${pct(rtPct)}`);
console.log(`  ${'bare encrypt+AAD'.padEnd(18)}${fmt(ops['bare encrypt+AAD']!)}   (same AAD bytes; encryptField ${pct(encVsAadPct)} over it)`);
console.log(`  ${'bare decrypt+AAD'.padEnd(18)}${fmt(ops['bare decrypt+AAD']!)}   (same AAD bytes; decryptField ${pct(decVsAadPct)} over it)`);
console.log(`  ${'bare HMAC-SHA256'.padEnd(18)}${fmt(ops['bare HMAC-SHA256']!)}   (baseline, informational)`);
console.log(`  ${'blindIndex'.padEnd(18)}${fmt(ops['blindIndex']!)}   ${pct(bidxPct)} (includes NFKC + case folding; no target)`);
console.log(`  best rounds: encryptField ${pct(bestEncPct)}, decryptField ${pct(bestDecPct)} (noise-robust estimate)`);
console.log(`target: encrypt and decrypt overhead < ${TARGET_PCT} % — ${within ? 'met' : 'MISSED'}`);
console.log(
  JSON.stringify({
    bench: 'crypto.field',
    payloadBytes: Buffer.byteLength(PAYLOAD),
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    node: process.version,
    opsPerSec: {
      bareEncrypt: Math.round(ops['bare encrypt']!),
      encryptField: Math.round(ops['encryptField']!),
      bareDecrypt: Math.round(ops['bare decrypt']!),
      decryptField: Math.round(ops['decryptField']!),
      bareEncryptAad: Math.round(ops['bare encrypt+AAD']!),
      bareDecryptAad: Math.round(ops['bare decrypt+AAD']!),
      bareHmac: Math.round(ops['bare HMAC-SHA256']!),
      blindIndex: Math.round(ops['blindIndex']!),
    },
    overheadPct: {
      encrypt: round1(encPct),
      decrypt: round1(decPct),
      roundTrip: round1(rtPct),
      encryptVsBareWithAad: round1(encVsAadPct),
      decryptVsBareWithAad: round1(decVsAadPct),
      blindIndex: round1(bidxPct),
    },
    bestRoundOverheadPct: { encrypt: round1(bestEncPct), decrypt: round1(bestDecPct) },
    targetPct: TARGET_PCT,
    withinTarget: within,
    sink: sink & 1,
  }),
);

if (!within && process.argv.includes('--strict')) process.exitCode = 1;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
