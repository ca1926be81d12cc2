import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CryptoError } from './errors.js';
import {
  KeyRing,
  generateDataKey,
  loadKeyRing,
  ringKeyContext,
  rotateKeyRing,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type StoredDataKey,
} from './key-ring.js';
import type { KeyProvider } from './keys/key-provider.js';
import { openLocalFileProvider } from './keys/local-file-provider.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function rejectsWith(code: CryptoError['code']) {
  return (err: unknown) => err instanceof CryptoError && err.code === code;
}

describe('KeyRing construction', () => {
  it('takes the highest version as active and copies the keys', () => {
    const k1 = generateDataKey(1, 'retired');
    const k2 = generateDataKey(2);
    const ring = new KeyRing([k2, k1]);
    assert.equal(ring.activeVersion, 2);
    assert.equal(ring.purpose, 'field');
    assert.ok(ring.get(1).key.equals(k1.key));
    k1.key.fill(0); // the caller wiping its buffer does not affect the ring
    assert.ok(!ring.get(1).key.equals(k1.key));
    assert.equal(ring.has(3), false);
    assert.throws(() => ring.get(3), rejectsWith('unknown_key_version'));
  });

  it('refuses rings that are empty, have no/several active keys, an active key that is not the highest, duplicates or bad keys', () => {
    const bad: DataKey[][] = [
      [],
      [generateDataKey(1, 'retired')],
      [generateDataKey(1), generateDataKey(2)],
      [generateDataKey(1), generateDataKey(2, 'retired')],
      [generateDataKey(1, 'retired'), generateDataKey(1)],
      [{ version: 1, key: Buffer.alloc(16), status: 'active' }],
      [{ version: 0, key: Buffer.alloc(32), status: 'active' }],
      [{ version: 1.5, key: Buffer.alloc(32), status: 'active' }],
      [{ version: 1, key: Buffer.alloc(32), status: 'pending' as 'active' }],
    ];
    for (const keys of bad) assert.throws(() => new KeyRing(keys), rejectsWith('invalid_argument'));
    assert.throws(() => new KeyRing([generateDataKey(1)], { purpose: 'a/b' }), rejectsWith('invalid_argument'));
  });

  it('rotateKeyRing adds version n+1 and retires the rest', () => {
    const { ring, added } = rotateKeyRing(rotateKeyRing(new KeyRing([generateDataKey(1)], { purpose: 'blind-index' })).ring);
    assert.equal(added.version, 3);
    assert.equal(ring.purpose, 'blind-index');
    assert.deepEqual(ring.versions.map((v) => `${v.version}:${v.status}`), ['1:retired', '2:retired', '3:active']);
  });
});

describe('ring DEKs wrapped by a KeyProvider', () => {
  it('binds purpose and version in the context', () => {
    assert.equal(ringKeyContext('field', 7), 'ring-dek/field/v7');
  });

  it('round-trips through the local file provider; a wrapped DEK moved to another version or purpose fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bulwark-ring-'));
    try {
      const { provider } = await openLocalFileProvider(join(dir, 'master.key'), { create: true });
      const k1 = generateDataKey(1, 'retired');
      const k2 = generateDataKey(2);
      const stored: StoredDataKey[] = [
        { version: 1, status: 'retired', wrappedKey: await wrapDataKey(provider, 'field', k1) },
        { version: 2, status: 'active', wrappedKey: new Uint8Array(await wrapDataKey(provider, 'field', k2)) },
      ];
      const ring = await loadKeyRing(provider, 'field', stored);
      assert.equal(ring.activeVersion, 2);
      assert.ok(ring.get(1).key.equals(k1.key));
      assert.ok(ring.get(2).key.equals(k2.key));

      const swapped = { ...stored[0]!, version: 2 };
      await assert.rejects(unwrapDataKey(provider, 'field', swapped), rejectsWith('decrypt_failed'));
      await assert.rejects(unwrapDataKey(provider, 'blind-index', stored[0]!), rejectsWith('decrypt_failed'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unwrapped key of the wrong length', async () => {
    const shortKeys: KeyProvider = {
      id: 'test',
      wrap: async (k) => k,
      unwrap: async () => Buffer.alloc(16, 1),
    };
    await assert.rejects(
      unwrapDataKey(shortKeys, 'field', { version: 1, status: 'active', wrappedKey: Buffer.alloc(40) }),
      rejectsWith('malformed'),
    );
  });
});
