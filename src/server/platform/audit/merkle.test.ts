import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  CompactRange,
  MerkleTree,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// The repository root is the nearest ancestor holding package.json; the vectors live beside it in ../shared/data.
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

const VECTORS_DIR = path.resolve(findRepoRoot(), '../shared/data/tlog-vectors');
const VECTORS_PRESENT = existsSync(VECTORS_DIR);
const IN_CI = process.env.CI === 'true';
const SKIP_VECTORS = !VECTORS_PRESENT && !IN_CI ? `RFC 6962 vectors not found at ${VECTORS_DIR}; skipped (they are required when CI=true)` : false;

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const proofOf = (p: string[] | null): Buffer[] => (p ?? []).map(b64);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

describe('RFC 6962 / 9162 test vectors (transparency-dev/merkle)', () => {
  test('vectors directory is present', { skip: SKIP_VECTORS }, () => {
    assert.ok(VECTORS_PRESENT, `RFC 6962 vectors are required under CI but missing at ${VECTORS_DIR}`);
  });

  test('all 196 vector files are run and give the expected verdict', { skip: SKIP_VECTORS }, () => {
    assert.ok(VECTORS_PRESENT, `vectors missing at ${VECTORS_DIR}`);
    const inclusion = listJson(path.join(VECTORS_DIR, 'inclusion'));
    const consistency = listJson(path.join(VECTORS_DIR, 'consistency'));
    assert.equal(inclusion.length + consistency.length, 196, 'expected exactly 196 vector files');

    let happy = 0;
    let rejected = 0;
    for (const file of inclusion) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
      const got = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root));
      assert.equal(got, !v.wantErr, `${path.relative(VECTORS_DIR, file)} (${v.desc})`);
      if (v.wantErr) rejected++;
      else happy++;
    }
    for (const file of consistency) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyVector;
      const got = verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2));
      assert.equal(got, !v.wantErr, `${path.relative(VECTORS_DIR, file)} (${v.desc})`);
      if (v.wantErr) rejected++;
      else happy++;
    }
    assert.ok(happy >= 10, 'happy paths must be among the vectors');
    assert.equal(happy + rejected, 196);
  });
});

describe('merkle basics', () => {
  test('known hashes: empty tree root and empty leaf', () => {
    assert.equal(emptyRoot().toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(leafHash(Buffer.alloc(0)).toString('hex'), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    assert.equal(rootFromLeafHashes([]).toString('hex'), emptyRoot().toString('hex'));
    assert.equal(new CompactRange().root().toString('hex'), emptyRoot().toString('hex'));
  });

  test('RFC 6962 reference tree of 8 leaves has the published root', () => {
    // Leaves from the RFC 6962 / certificate-transparency reference test suite.
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const leaves = data.map((h) => leafHash(Buffer.from(h, 'hex')));
    assert.equal(rootFromLeafHashes(leaves).toString('hex'), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    assert.equal(rootFromLeafHashes(leaves, 3).toString('hex'), 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77');
  });

  test('nodeHash is SHA-256(0x01 || l || r) and differs from leafHash of the same bytes', () => {
    const l = Buffer.alloc(32, 1);
    const r = Buffer.alloc(32, 2);
    assert.notDeepEqual(nodeHash(l, r), leafHash(Buffer.concat([l, r])));
  });

  test('proof generation refuses invalid arguments', () => {
    const leaves = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))];
    assert.throws(() => inclusionProof(leaves, 2, 2));
    assert.throws(() => inclusionProof(leaves, 0, 3));
    assert.throws(() => consistencyProof(leaves, 0, 2));
    assert.throws(() => consistencyProof(leaves, 2, 1));
    assert.deepEqual(consistencyProof(leaves, 2, 2), []);
  });

  test('verifiers never throw on junk input', () => {
    const h = Buffer.alloc(32);
    const junk: unknown[] = [undefined, null, -1, 1.5, NaN, Infinity, 2 ** 60, 'x', {}, [], [null], [Buffer.alloc(31)]];
    for (const j of junk) {
      assert.equal(verifyInclusion(j as number, 1, h, [], h), false);
      assert.equal(verifyInclusion(0, j as number, h, [], h), false);
      assert.equal(verifyInclusion(0, 1, j as Buffer, [], h), false);
      assert.equal(verifyInclusion(0, 1, h, j as Buffer[], h), j === undefined ? false : Array.isArray(j) && j.length === 0);
      assert.equal(verifyConsistency(j as number, 2, [h], h, h), false);
      assert.equal(verifyConsistency(1, j as number, [h], h, h), false);
      assert.equal(verifyConsistency(1, 2, j as Buffer[], h, h), false);
      assert.equal(verifyConsistency(1, 2, [h], j as Buffer, h), false);
    }
  });

  test('CompactRange.fromHashes round-trips and rejects a wrong hash count', () => {
    const leaves = Array.from({ length: 13 }, (_, i) => leafHash(Buffer.from([i])));
    const a = new CompactRange();
    for (const l of leaves.slice(0, 11)) a.append(l);
    const b = CompactRange.fromHashes(11, a.hashes());
    assert.equal(a.hashes().length, 3); // 11 = 8 + 2 + 1
    for (const l of leaves.slice(11)) {
      a.append(l);
      b.append(l);
    }
    assert.deepEqual(b.root(), rootFromLeafHashes(leaves));
    assert.throws(() => CompactRange.fromHashes(11, a.hashes().slice(1)));
    assert.throws(() => CompactRange.fromHashes(12, a.hashes()));
  });
});

describe('merkle properties', () => {
  const leavesOf = (n: number, salt: number): Buffer[] =>
    Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf-${salt}-${i}`)));

  const flipBit = (proof: Buffer[], i: number, bit: number): Buffer[] =>
    proof.map((p, j) => {
      if (j !== i) return p;
      const c = Buffer.from(p);
      c[bit >> 3]! ^= 1 << (bit & 7);
      return c;
    });

  test('CompactRange root equals rootFromLeafHashes at every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, salt) => {
        const leaves = leavesOf(n, salt);
        const range = new CompactRange();
        assert.deepEqual(range.root(), rootFromLeafHashes(leaves, 0));
        leaves.forEach((l, i) => {
          range.append(l);
          if (i % 17 === 0 || i === n - 1) assert.deepEqual(range.root(), rootFromLeafHashes(leaves, i + 1));
        });
        assert.equal(range.size, n);
      }),
      { numRuns: 60 },
    );
  });

  test('generated inclusion proofs verify, and any flipped bit or wrong index fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1), fc.integer(), fc.nat(255))),
        ([size, index, salt, bit]) => {
          const leaves = leavesOf(size, salt);
          const root = rootFromLeafHashes(leaves);
          const proof = inclusionProof(leaves, index, size);
          assert.ok(verifyInclusion(index, size, leaves[index]!, proof, root));
          if (proof.length > 0) {
            const i = bit % proof.length;
            assert.equal(verifyInclusion(index, size, leaves[index]!, flipBit(proof, i, bit), root), false);
            assert.equal(verifyInclusion(index, size, leaves[index]!, proof.slice(1), root), false);
            assert.equal(verifyInclusion(index, size, leaves[index]!, [...proof, proof[0]!], root), false);
          }
          const badLeaf = Buffer.from(leaves[index]!);
          badLeaf[bit >> 3]! ^= 1 << (bit & 7);
          assert.equal(verifyInclusion(index, size, badLeaf, proof, root), false);
          assert.equal(verifyInclusion(index, size, leaves[index]!, proof, flipBit([root], 0, bit)[0]!), false);
          assert.equal(verifyInclusion(size, size, leaves[index]!, proof, root), false);
          if (size > 1) {
            const other = (index + 1) % size;
            if (leaves[other]!.compare(leaves[index]!) !== 0) {
              assert.equal(verifyInclusion(other, size, leaves[index]!, proof, root), false);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('generated consistency proofs verify, and any flipped bit or wrong size fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2), fc.integer(), fc.nat(255))),
        ([size1, size2, salt, bit]) => {
          const leaves = leavesOf(size2, salt);
          const root1 = rootFromLeafHashes(leaves, size1);
          const root2 = rootFromLeafHashes(leaves, size2);
          const proof = consistencyProof(leaves, size1, size2);
          assert.ok(verifyConsistency(size1, size2, proof, root1, root2));
          if (proof.length > 0) {
            const i = bit % proof.length;
            assert.equal(verifyConsistency(size1, size2, flipBit(proof, i, bit), root1, root2), false);
            assert.equal(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2), false);
            assert.equal(verifyConsistency(size1, size2, [...proof, root1], root1, root2), false);
          }
          if (size1 < size2) {
            assert.equal(verifyConsistency(size1, size2, proof, flipBit([root1], 0, bit)[0]!, root2), false);
            assert.equal(verifyConsistency(size1, size2, proof, root1, flipBit([root2], 0, bit)[0]!), false);
            assert.equal(verifyConsistency(size2, size1, proof, root2, root1), false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('MerkleTree gives the same roots and proofs as the plain functions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }).chain((s2) => fc.tuple(fc.constant(s2), fc.integer({ min: 1, max: s2 }), fc.nat(s2 - 1)))),
        ),
        fc.integer(),
        ([n, [size2, size1, index]], salt) => {
          const leaves = leavesOf(n, salt);
          const tree = new MerkleTree(leaves);
          assert.deepEqual(tree.root(), rootFromLeafHashes(leaves));
          assert.deepEqual(tree.root(size2), rootFromLeafHashes(leaves, size2));
          assert.deepEqual(tree.inclusionProof(index, size2), inclusionProof(leaves, index, size2));
          assert.deepEqual(tree.consistencyProof(size1, size2), consistencyProof(leaves, size1, size2));
        },
      ),
      { numRuns: 150 },
    );
    const empty = new MerkleTree([]);
    assert.deepEqual(empty.root(), emptyRoot());
    assert.throws(() => empty.inclusionProof(0, 0));
  });

  test('proof generation copes with a large tree', () => {
    const n = 1 << 16;
    const leaves = Array.from({ length: n + 5 }, (_, i) => leafHash(Buffer.from(String(i))));
    const root = rootFromLeafHashes(leaves);
    const proof = inclusionProof(leaves, 12345, leaves.length);
    assert.ok(verifyInclusion(12345, leaves.length, leaves[12345]!, proof, root));
    const cproof = consistencyProof(leaves, 40000, leaves.length);
    assert.ok(verifyConsistency(40000, leaves.length, cproof, rootFromLeafHashes(leaves, 40000), root));
    const tree = new MerkleTree(leaves);
    assert.deepEqual(tree.root(), root);
    for (const i of [0, 1, 12345, n - 1, n, n + 4]) {
      assert.ok(verifyInclusion(i, leaves.length, leaves[i]!, tree.inclusionProof(i), root));
    }
  });
});
