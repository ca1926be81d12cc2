// RFC 6962 / RFC 9162 Merkle tree over the audit log's leaf hashes.
//
// Hashing follows RFC 9162 §2.1.1: leaves are SHA-256(0x00 || data) and interior nodes SHA-256(0x01 || left || right),
// so a leaf can never be passed off as an interior node (second-preimage resistance). Proof generation throws on
// invalid arguments (a programming error on the writer's side); proof verification never throws and answers false
// on anything malformed, because its inputs come from outside (exports, checkpoints, an attacker).
import { hash as oneShotHash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// One reusable buffer for interior nodes: hashing 0x01 || l || r needs no allocation besides the digest itself,
// which matters when a million leaves are folded into a frontier. Safe because all of this is synchronous.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;
let leafScratch = Buffer.alloc(1024);

function sha256(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/** RFC 9162 leaf hash: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  if (data.length + 1 > leafScratch.length) leafScratch = Buffer.alloc(2 * (data.length + 1));
  leafScratch[0] = LEAF_PREFIX;
  leafScratch.set(data, 1);
  return sha256(leafScratch.subarray(0, data.length + 1));
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return sha256(nodeScratch);
  }
  // Odd-sized inputs only occur when a verifier is fed garbage; hash them honestly rather than truncate.
  return sha256(Buffer.concat([nodeScratch.subarray(0, 1), left, right]));
}

const EMPTY_ROOT = sha256(new Uint8Array(0));

/** Root of the empty tree: SHA-256 of the empty string (a fresh copy each call). */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

// Arithmetic below uses division rather than bit operators so sizes beyond 2^32 stay correct.
function half(n: number): number {
  return Math.floor(n / 2);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** Largest power of two strictly smaller than n (n >= 2), the split point k of RFC 9162 §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Compact range [0, size): the roots of the perfect subtrees given by the binary decomposition of size.
 * Appending is amortised O(1) hashes and the state is O(log n), which is what lets a verifier stream a log.
 */
export class CompactRange {
  // levels[h] holds the root of the perfect subtree of 2^h leaves when bit h of size is set.
  private readonly levels: (Buffer | undefined)[] = [];
  private count = 0;

  /** Rebuilds a compact range from its hashes, largest subtree first (the form `hashes()` returns). */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!isSize(size)) throw new Error(`compact range: invalid size ${String(size)}`);
    const range = new CompactRange();
    const setBits: number[] = [];
    for (let h = 0, s = size; s > 0; h++, s = half(s)) if (isOdd(s)) setBits.push(h);
    if (hashes.length !== setBits.length) {
      throw new Error(`compact range: size ${size} needs ${setBits.length} hashes, got ${hashes.length}`);
    }
    setBits.reverse();
    setBits.forEach((level, i) => {
      const h = hashes[i]!;
      if (h.length !== HASH_SIZE) throw new Error('compact range: hash of wrong length');
      range.levels[level] = Buffer.from(h);
    });
    range.count = size;
    return range;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash (already leafHash()-ed). */
  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH_SIZE) throw new Error('compact range: leaf hash must be 32 bytes');
    // Copied so a caller reusing its buffer cannot corrupt the frontier.
    let carry: Buffer = Buffer.from(leaf);
    let level = 0;
    let s = this.count;
    // Like binary increment: every set low bit is a completed subtree that merges with the new one.
    while (isOdd(s)) {
      carry = nodeHash(this.levels[level]!, carry);
      this.levels[level] = undefined;
      level++;
      s = half(s);
    }
    this.levels[level] = carry;
    this.count++;
  }

  /** Merkle tree hash of the leaves appended so far (RFC 9162 MTH). */
  root(): Buffer {
    if (this.count === 0) return emptyRoot();
    let acc: Buffer | undefined;
    // Fold from the smallest subtree upwards: MTH puts the larger (left) subtree on the left.
    for (let level = 0; level < this.levels.length; level++) {
      const node = this.levels[level];
      if (!node) continue;
      acc = acc ? nodeHash(node, acc) : node;
    }
    return Buffer.from(acc!);
  }

  /** The compact range's hashes, largest (leftmost) subtree first. */
  hashes(): Buffer[] {
    const out: Buffer[] = [];
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const node = this.levels[level];
      if (node) out.push(Buffer.from(node));
    }
    return out;
  }
}

/** MTH(D[start:end]) computed recursively; n-1 hashes for n leaves. */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if (n === 1) return Buffer.from(leaves[start]!);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

function checkLeaves(leaves: readonly Uint8Array[], size: number): void {
  if (!isSize(size) || size > leaves.length) throw new Error(`merkle: invalid tree size ${String(size)}`);
  for (let i = 0; i < size; i++) {
    if (leaves[i]!.length !== HASH_SIZE) throw new Error(`merkle: leaf hash ${i} is not 32 bytes`);
  }
}

/** Merkle tree hash of the first `size` leaf hashes (default: all of them). */
export function rootFromLeafHashes(hashes: readonly Uint8Array[], size: number = hashes.length): Buffer {
  checkLeaves(hashes, size);
  return subtreeRoot(hashes, 0, size);
}

type SubtreeRoot = (start: number, end: number) => Buffer;

// PATH(m, D[n]) of RFC 9162 §2.1.3.1, unrolled: descend towards the leaf, recording the sibling subtree at each split;
// the RFC lists siblings leaf-upwards, so the collected list is reversed at the end.
function pathOf(mth: SubtreeRoot, index: number, treeSize: number): Buffer[] {
  const proof: Buffer[] = [];
  let start = 0;
  let end = treeSize;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      proof.push(mth(start + k, end));
      end = start + k;
    } else {
      proof.push(mth(start, start + k));
      start += k;
      m -= k;
    }
  }
  return proof.reverse();
}

// PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1, unrolled the same way.
function subproofOf(mth: SubtreeRoot, size1: number, size2: number): Buffer[] {
  const proof: Buffer[] = [];
  let start = 0;
  let end = size2;
  let m = size1;
  let complete = true; // b in the RFC: whether D[0:m] is a subtree root the verifier already knows
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(mth(start + k, end));
      end = start + k;
    } else {
      proof.push(mth(start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(mth(start, end));
  return proof.reverse();
}

function checkIndex(index: number, treeSize: number): void {
  if (!isSize(index) || index >= treeSize) throw new Error(`merkle: leaf index ${String(index)} outside tree of size ${treeSize}`);
}

function checkConsistencySizes(size1: number, size2: number): void {
  if (!isSize(size1) || size1 < 1 || size1 > size2) throw new Error(`merkle: invalid consistency sizes ${String(size1)}, ${size2}`);
}

/** RFC 9162 §2.1.3.1 inclusion proof (audit path) for leaf `index` in the tree of the first `treeSize` leaves. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, treeSize: number): Buffer[] {
  checkLeaves(leafHashes, treeSize);
  checkIndex(index, treeSize);
  return pathOf((s, e) => subtreeRoot(leafHashes, s, e), index, treeSize);
}

/** RFC 9162 §2.1.4.1 consistency proof between the trees of the first size1 and size2 leaves (0 < size1 <= size2). */
export function consistencyProof(leafHashes: readonly Uint8Array[], size1: number, size2: number): Buffer[] {
  checkLeaves(leafHashes, size2);
  checkConsistencySizes(size1, size2);
  return subproofOf((s, e) => subtreeRoot(leafHashes, s, e), size1, size2);
}

/**
 * A materialised tree over a fixed list of leaf hashes: every aligned perfect subtree root is kept (about 2n hashes in
 * one buffer per level), so a root or proof for any size <= n costs O(log² n) hashes instead of O(n). For serving many
 * proofs over a large log (exports, `audit proof`); the plain functions above suffice for one-off proofs.
 */
export class MerkleTree {
  // levels[h] holds, back to back, the roots of the aligned subtrees of 2^h leaves: [i*2^h, (i+1)*2^h).
  private readonly levels: Buffer[] = [];
  /** Number of leaves. */
  readonly size: number;

  constructor(leafHashes: readonly Uint8Array[]) {
    checkLeaves(leafHashes, leafHashes.length);
    this.size = leafHashes.length;
    let count = this.size;
    const level0 = Buffer.allocUnsafe(count * HASH_SIZE);
    leafHashes.forEach((h, i) => level0.set(h, i * HASH_SIZE));
    this.levels.push(level0);
    while (count >= 2) {
      const prev = this.levels[this.levels.length - 1]!;
      count = half(count);
      const next = Buffer.allocUnsafe(count * HASH_SIZE);
      for (let i = 0; i < count; i++) {
        const l = prev.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
        const r = prev.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
        next.set(nodeHash(l, r), i * HASH_SIZE);
      }
      this.levels.push(next);
    }
  }

  // MTH(D[start:end]). Ranges reached from the RFC recursion start at a multiple of the next power of two of their
  // length, so every perfect range found here is an aligned, stored subtree.
  private readonly mth: SubtreeRoot = (start, end) => {
    const n = end - start;
    if (n === 0) return emptyRoot();
    if (isPowerOfTwo(n) && start % n === 0) {
      let h = 0;
      for (let m = n; m > 1; m = half(m)) h++;
      const i = start / n;
      return this.levels[h]!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    }
    const k = splitPoint(n);
    return nodeHash(this.mth(start, start + k), this.mth(start + k, end));
  };

  /** Root of the tree of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    if (!isSize(size) || size > this.size) throw new Error(`merkle: invalid tree size ${String(size)}`);
    return Buffer.from(this.mth(0, size));
  }

  /** RFC 9162 inclusion proof for leaf `index` in the tree of the first `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number = this.size): Buffer[] {
    if (!isSize(treeSize) || treeSize > this.size) throw new Error(`merkle: invalid tree size ${String(treeSize)}`);
    checkIndex(index, treeSize);
    return pathOf(this.mth, index, treeSize).map((b) => Buffer.from(b));
  }

  /** RFC 9162 consistency proof between sizes size1 and size2 (0 < size1 <= size2 <= size). */
  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    if (!isSize(size2) || size2 > this.size) throw new Error(`merkle: invalid tree size ${String(size2)}`);
    checkConsistencySizes(size1, size2);
    return subproofOf(this.mth, size1, size2).map((b) => Buffer.from(b));
  }
}

function isHash(b: unknown): b is Uint8Array {
  return b instanceof Uint8Array && b.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is Uint8Array[] {
  return Array.isArray(proof) && proof.every(isHash);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2; never throws, false on any malformed input. */
export function verifyInclusion(
  leafIdx: number,
  treeSize: number,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isSize(leafIdx) || !isSize(treeSize) || !isHash(leafHashValue) || !isHash(root) || !isProof(proof)) return false;
    // Step 1: the index must be inside the tree (this also rejects every proof for the empty tree).
    if (leafIdx >= treeSize) return false;
    // Step 2-3.
    let fn = leafIdx;
    let sn = treeSize - 1;
    let r: Buffer = Buffer.from(leafHashValue);
    // Step 4.
    for (const p of proof) {
      // A component beyond the root means the proof was padded.
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        r = nodeHash(p, r);
        if (!isOdd(fn)) {
          while (!isOdd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    // Step 5: sn must have reached 0 (a truncated proof stops early) and the recomputed root must match.
    return sn === 0 && bytesEqual(r, root);
  } catch {
    return false;
  }
}

/** Verifies a consistency proof as RFC 9162 §2.1.4.2; never throws, false on any malformed input. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  try {
    if (!isSize(size1) || !isSize(size2) || !Array.isArray(proof)) return false;
    if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) return false;
    if (size1 > size2) return false;
    if (size1 === size2) {
      // Identical trees: the proof is empty and the roots are the same value. Only the empty tree's
      // root is fixed, so for size 0 both must be it (a "consistency" claim about anything else is false).
      if (proof.length !== 0) return false;
      if (size1 === 0) return bytesEqual(root1, EMPTY_ROOT) && bytesEqual(root2, EMPTY_ROOT);
      return bytesEqual(root1, root2);
    }
    // RFC 9162 defines the proof only for 0 < first < second: a proof from the empty tree proves nothing,
    // so it is refused rather than accepted vacuously.
    if (size1 === 0) return false;
    if (!isHash(root1) || !isHash(root2) || !isProof(proof)) return false;
    // Step 1.
    if (proof.length === 0) return false;
    // Step 2: when first is a power of two its root is the first node of the path and is not sent.
    const path: Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
    // Step 3.
    let fn = size1 - 1;
    let sn = size2 - 1;
    // Step 4.
    while (isOdd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    // Step 5.
    let fr: Buffer = Buffer.from(path[0]!);
    let sr: Buffer = Buffer.from(path[0]!);
    // Step 6.
    for (let i = 1; i < path.length; i++) {
      const c = path[i]!;
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if (!isOdd(fn)) {
          while (!isOdd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    // Step 7.
    return bytesEqual(fr, root1) && bytesEqual(sr, root2) && sn === 0;
  } catch {
    return false;
  }
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n > 1) {
    if (isOdd(n)) return false;
    n = half(n);
  }
  return true;
}
