// Field encryption, tested from the attacker's side: someone who can read and write the database (or its
// backups) but holds no key. Every manipulation must end in a CryptoError with a safe message, never in
// plaintext, a wrong value or a raw crash.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { CryptoError, type CryptoErrorCode } from './errors.js';
import {
  BLIND_INDEX_PURPOSE,
  CIPHERTEXT_OVERHEAD,
  HEADER_BYTES,
  KeyRing,
  MAX_PLAINTEXT_BYTES,
  decryptField,
  decryptForSubject,
  decryptString,
  decryptStringForSubject,
  destroySubjectKey,
  encryptField,
  encryptForSubject,
  generateDataKey,
  generateSubjectKey,
  needsRotation,
  parseHeader,
  reencryptField,
  rewrapSubjectKey,
  rotateKeyRing,
  unwrapSubjectKey,
  wrapSubjectKey,
  type FieldBinding,
  type SubjectKey,
} from './envelope.js';

const PASSPORT = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
const at: FieldBinding = { table: 'trader', column: 'passport_number', rowId: '7f0c7b54-2a43-4e1f-9a57-0f6a4f1b8e21' };

function ringV1(): KeyRing {
  return new KeyRing([generateDataKey(1)]);
}

/** Asserts that `fn` throws a CryptoError with `code` whose message contains none of `secrets`. */
function assertCryptoError(fn: () => unknown, code: CryptoErrorCode | CryptoErrorCode[], secrets: (string | Buffer)[] = []): CryptoError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CryptoError, `expected a CryptoError, got ${String(caught)}`);
  const codes = Array.isArray(code) ? code : [code];
  assert.ok(codes.includes(caught.code), `expected code ${codes.join('|')}, got ${caught.code}: ${caught.message}`);
  assertNoSecrets(caught, secrets);
  return caught;
}

function assertNoSecrets(err: Error, secrets: (string | Buffer)[]): void {
  const text = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}`;
  for (const s of secrets) {
    const forms = typeof s === 'string' ? [s] : [s.toString('hex'), s.toString('base64'), s.toString('latin1')];
    for (const f of forms) assert.ok(!text.includes(f), 'error text leaks a secret');
  }
}

describe('encryptField / decryptField', () => {
  it('round-trips strings and bytes, including empty and non-ASCII values', () => {
    const ring = ringV1();
    for (const value of ['', 'a', PASSPORT, 'Ærøskøbing 東京 😀', 'x'.repeat(10_000)]) {
      const ct = encryptField(ring, at, value);
      assert.equal(ct.length, CIPHERTEXT_OVERHEAD + Buffer.byteLength(value));
      assert.equal(decryptString(ring, at, ct), value);
    }
    const bytes = Buffer.from([0, 1, 2, 255]);
    assert.deepEqual(decryptField(ring, at, encryptField(ring, at, bytes)), bytes);
    assert.deepEqual(decryptField(ring, at, encryptField(ring, at, new Uint8Array([9, 8]))), Buffer.from([9, 8]));
  });

  it('accepts the ciphertext as a plain Uint8Array (PGlite returns bytea that way)', () => {
    const ring = ringV1();
    const ct = encryptField(ring, at, PASSPORT);
    const copy = new Uint8Array(ct.length + 8).subarray(4, 4 + ct.length);
    copy.set(ct);
    assert.equal(decryptString(ring, at, copy), PASSPORT);
  });

  it('writes the documented header: format 0x01, kind 0x01, version uint32 BE', () => {
    const ring = new KeyRing([generateDataKey(0x01020304)]);
    const ct = encryptField(ring, at, PASSPORT);
    assert.deepEqual([...ct.subarray(0, HEADER_BYTES)], [0x01, 0x01, 0x01, 0x02, 0x03, 0x04]);
    assert.deepEqual(parseHeader(ct), { format: 1, kind: 'ring', version: 0x01020304 });
  });

  it('never contains the plaintext', () => {
    const ring = ringV1();
    const ct = encryptField(ring, at, PASSPORT);
    assert.ok(!ct.includes(Buffer.from(PASSPORT)));
  });

  it('uses a fresh nonce for each of 10,000 encryptions of the same value', () => {
    const ring = ringV1();
    const nonces = new Set<string>();
    const bodies = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const ct = encryptField(ring, at, PASSPORT);
      nonces.add(ct.subarray(HEADER_BYTES, HEADER_BYTES + 12).toString('hex'));
      bodies.add(ct.toString('hex'));
    }
    assert.equal(nonces.size, 10_000);
    assert.equal(bodies.size, 10_000);
  });
});

describe('binding: a ciphertext only decrypts where it was written', () => {
  const ring = ringV1();
  const ct = encryptField(ring, at, PASSPORT);

  for (const [name, moved] of [
    ['another row', { ...at, rowId: '00000000-0000-4000-8000-000000000000' }],
    ['another column', { ...at, column: 'tax_id' }],
    ['another table', { ...at, table: 'support_ticket' }],
  ] as const) {
    it(`fails when copied to ${name}, naming the location but not the value`, () => {
      const err = assertCryptoError(() => decryptField(ring, moved, ct), ['decrypt_failed', 'wrong_binding'], [PASSPORT, ring.active.key]);
      assert.equal(err.message, `ciphertext does not belong to ${moved.table}.${moved.column} row ${moved.rowId} (moved or tampered)`);
    });
  }

  it('encodes the binding unambiguously ("a","bc" ≠ "ab","c")', () => {
    const a = encryptField(ring, { table: 'a', column: 'bc', rowId: '1' }, PASSPORT);
    assertCryptoError(() => decryptField(ring, { table: 'ab', column: 'c', rowId: '1' }, a), 'decrypt_failed');
    const b = encryptField(ring, { table: 't', column: 'c', rowId: '1\u001f2' }, PASSPORT);
    assertCryptoError(() => decryptField(ring, { table: 't', column: 'c\u001f1', rowId: '2' }, b), 'decrypt_failed');
  });

  it('fails under another ring (another deployment or purpose) with the same version number', () => {
    assertCryptoError(() => decryptField(ringV1(), at, ct), 'decrypt_failed', [PASSPORT]);
  });
});

describe('tampering', () => {
  const ring = new KeyRing([generateDataKey(1, 'retired'), generateDataKey(2)]);
  const ct = encryptField(ring, at, PASSPORT);

  it('fails when the header version is changed (to a held or an unknown version)', () => {
    const toV1 = Buffer.from(ct);
    toV1.writeUInt32BE(1, 2);
    assertCryptoError(() => decryptField(ring, at, toV1), 'decrypt_failed', [PASSPORT]);
    const toV9 = Buffer.from(ct);
    toV9.writeUInt32BE(9, 2);
    assertCryptoError(() => decryptField(ring, at, toV9), 'unknown_key_version', [PASSPORT]);
  });

  it('fails when the format or kind byte is changed', () => {
    const format = Buffer.from(ct);
    format[0] = 0x02;
    assertCryptoError(() => decryptField(ring, at, format), 'malformed');
    const kind = Buffer.from(ct);
    kind[1] = 0x02;
    assertCryptoError(() => decryptField(ring, at, kind), 'wrong_binding');
    kind[1] = 0x07;
    assertCryptoError(() => decryptField(ring, at, kind), 'malformed');
  });

  it('fails on any single bit flip, anywhere (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), fc.nat(), (random, n) => {
        // A recognisable marker around the random part, so the leak check cannot match stack-trace words.
        const value = `SECRET<${random}>`;
        const sealed = encryptField(ring, at, value);
        const bit = n % (sealed.length * 8);
        const flipped = Buffer.from(sealed);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        assertCryptoError(() => decryptField(ring, at, flipped), ['decrypt_failed', 'malformed', 'wrong_binding', 'unknown_key_version'], [value]);
      }),
      { numRuns: 500 },
    );
  });

  it('fails when bytes are appended, removed or the tag is truncated', () => {
    assertCryptoError(() => decryptField(ring, at, Buffer.concat([ct, Buffer.of(0)])), 'decrypt_failed');
    assertCryptoError(() => decryptField(ring, at, ct.subarray(0, ct.length - 1)), 'decrypt_failed');
    assertCryptoError(() => decryptField(ring, at, Buffer.concat([ct.subarray(0, 18), ct.subarray(19)])), 'decrypt_failed');
  });
});

describe('malformed input is refused with CryptoError("malformed"), never a raw crash', () => {
  const ring = ringV1();

  it('empty, truncated below the minimum, and header-only inputs', () => {
    assertCryptoError(() => decryptField(ring, at, Buffer.alloc(0)), 'malformed');
    assertCryptoError(() => decryptField(ring, at, Buffer.of(1)), 'malformed');
    assertCryptoError(() => decryptField(ring, at, encryptField(ring, at, 'x').subarray(0, CIPHERTEXT_OVERHEAD - 1)), 'malformed');
    assertCryptoError(() => parseHeader(Buffer.alloc(5)), 'malformed');
  });

  it('oversized inputs', () => {
    const huge = Buffer.alloc(CIPHERTEXT_OVERHEAD + MAX_PLAINTEXT_BYTES + 1);
    huge[0] = 1;
    huge[1] = 1;
    huge.writeUInt32BE(1, 2);
    assertCryptoError(() => decryptField(ring, at, huge), 'malformed');
    assertCryptoError(() => encryptField(ring, at, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1)), 'invalid_argument');
  });

  it('version 0 and non-byte values (null from a NULL column, strings, numbers)', () => {
    const v0 = encryptField(ring, at, 'x');
    v0.writeUInt32BE(0, 2);
    assertCryptoError(() => decryptField(ring, at, v0), 'malformed');
    for (const bad of [null, undefined, 'AQEAAAAB', 42, {}, [1, 1, 0, 0, 0, 1]]) {
      assertCryptoError(() => decryptField(ring, at, bad as unknown as Buffer), 'malformed');
      assertCryptoError(() => parseHeader(bad as unknown as Buffer), 'malformed');
    }
  });

  it('random byte strings (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assertCryptoError(() => decryptField(ring, at, bytes), ['malformed', 'wrong_binding', 'unknown_key_version', 'decrypt_failed']);
      }),
      { numRuns: 500 },
    );
  });

  it('invalid bindings and plaintexts are argument errors', () => {
    for (const binding of [{ table: '', column: 'c', rowId: '1' }, { table: 't', column: 'c' }, null, { table: 't', column: 'c', rowId: 1 }]) {
      assertCryptoError(() => encryptField(ring, binding as unknown as FieldBinding, 'x'), 'invalid_argument');
    }
    assertCryptoError(() => encryptField(ring, at, 42 as unknown as string), 'invalid_argument');
  });
});

describe('key versions and rotation', () => {
  it('decrypts values of a retired version after a new version becomes active', () => {
    const v1 = ringV1();
    const old = encryptField(v1, at, PASSPORT);
    const { ring: v2, added } = rotateKeyRing(v1);
    assert.equal(added.version, 2);
    assert.equal(v2.activeVersion, 2);
    assert.deepEqual(v2.versions, [
      { version: 1, status: 'retired' },
      { version: 2, status: 'active' },
    ]);
    assert.equal(decryptString(v2, at, old), PASSPORT);
    assert.equal(parseHeader(encryptField(v2, at, PASSPORT)).version, 2);
  });

  it('reencryptField moves a value to the active version, and needsRotation reports it', () => {
    const v1 = ringV1();
    const old = encryptField(v1, at, PASSPORT);
    const { ring: v2 } = rotateKeyRing(v1);
    assert.equal(needsRotation(v2, old), true);
    const fresh = reencryptField(v2, at, old);
    assert.equal(parseHeader(fresh).version, 2);
    assert.equal(needsRotation(v2, fresh), false);
    assert.equal(decryptString(v2, at, fresh), PASSPORT);
    // Once v1 is removed (no value uses it any more), the re-encrypted value still reads; the old one does not.
    const v2only = new KeyRing([v2.get(2)]);
    assert.equal(decryptString(v2only, at, fresh), PASSPORT);
    assertCryptoError(() => decryptField(v2only, at, old), 'unknown_key_version', [PASSPORT]);
    // Re-encryption keeps the binding: it cannot be used to launder a value into another row.
    assertCryptoError(() => reencryptField(v2, { ...at, rowId: 'other' }, old), 'decrypt_failed');
  });

  it('names the unknown version without leaking the value', () => {
    const v3 = new KeyRing([generateDataKey(3)]);
    const ct = encryptField(v3, at, PASSPORT);
    const err = assertCryptoError(() => decryptField(ringV1(), at, ct), 'unknown_key_version', [PASSPORT]);
    assert.match(err.message, /no key v3/);
  });

  it('refuses a destroyed ring', () => {
    const ring = ringV1();
    const ct = encryptField(ring, at, PASSPORT);
    const keyCopy = Buffer.from(ring.active.key);
    ring.destroy();
    assertCryptoError(() => decryptField(ring, at, ct), 'key_destroyed', [PASSPORT, keyCopy]);
    assertCryptoError(() => encryptField(ring, at, PASSPORT), 'key_destroyed');
  });

  it('refuses the blind-index ring for encryption (key separation)', () => {
    const ring = new KeyRing([generateDataKey(1)], { purpose: BLIND_INDEX_PURPOSE });
    assertCryptoError(() => encryptField(ring, at, PASSPORT), 'invalid_argument');
  });
});

describe('subject keys (per trader) and crypto-shredding', () => {
  const traderId = 'trader-7f0c7b54';
  const row: FieldBinding = { table: 'kyc_document', column: 'document_number', rowId: 'doc-1' };

  it('round-trips with the key or a lookup, and writes kind 0x02 with the subject key version', () => {
    const key = generateSubjectKey(traderId, 4);
    const ct = encryptForSubject(key, row, PASSPORT);
    assert.deepEqual(parseHeader(ct), { format: 1, kind: 'subject', version: 4 });
    assert.equal(decryptStringForSubject(key, row, ct), PASSPORT);
    assert.equal(decryptStringForSubject((v) => (v === 4 ? key : undefined), row, ct), PASSPORT);
  });

  it('is bound to the row and to the subject', () => {
    const key = generateSubjectKey(traderId);
    const ct = encryptForSubject(key, row, PASSPORT);
    assertCryptoError(() => decryptForSubject(key, { ...row, rowId: 'doc-2' }, ct), 'decrypt_failed', [PASSPORT, key.key]);
    // Same key bytes filed under another subject id: the AAD still differs.
    const other: SubjectKey = { subjectId: 'trader-other', version: key.version, key: key.key };
    assertCryptoError(() => decryptForSubject(other, row, ct), 'decrypt_failed', [PASSPORT, key.key]);
    assertCryptoError(() => decryptForSubject(generateSubjectKey(traderId), row, ct), 'decrypt_failed', [PASSPORT]);
  });

  it('keeps ring and subject ciphertexts apart', () => {
    const ring = ringV1();
    const key = generateSubjectKey(traderId);
    assertCryptoError(() => decryptField(ring, row, encryptForSubject(key, row, PASSPORT)), 'wrong_binding', [PASSPORT]);
    assertCryptoError(() => decryptForSubject(key, row, encryptField(ring, row, PASSPORT)), 'wrong_binding', [PASSPORT]);
    assertCryptoError(() => needsRotation(ring, encryptForSubject(key, row, PASSPORT)), 'wrong_binding');
  });

  it('makes the data unreadable once the subject key is destroyed', () => {
    const key = generateSubjectKey(traderId);
    const ct = encryptForSubject(key, row, PASSPORT);
    const keyBytes = Buffer.from(key.key);
    // The stored (wrapped) key is deleted: the lookup finds nothing.
    assertCryptoError(() => decryptForSubject(() => undefined, row, ct), 'key_destroyed', [PASSPORT, keyBytes]);
    // The in-memory copy is wiped: it can neither decrypt nor encrypt any more.
    destroySubjectKey(key);
    assertCryptoError(() => decryptForSubject(key, row, ct), 'key_destroyed', [PASSPORT, keyBytes]);
    assertCryptoError(() => encryptForSubject(key, row, PASSPORT), 'key_destroyed');
    // A new key for the same subject and version does not bring the data back.
    assertCryptoError(() => decryptForSubject(generateSubjectKey(traderId), row, ct), 'decrypt_failed', [PASSPORT]);
  });

  it('reports a version mismatch between the ciphertext and the supplied key', () => {
    const ct = encryptForSubject(generateSubjectKey(traderId, 2), row, PASSPORT);
    assertCryptoError(() => decryptForSubject(generateSubjectKey(traderId, 1), row, ct), 'unknown_key_version', [PASSPORT]);
  });
});

describe('wrapped subject keys', () => {
  const traderId = 'trader-7f0c7b54';

  it('round-trip under the ring, with the ring version in the header', () => {
    const ring = new KeyRing([generateDataKey(1, 'retired'), generateDataKey(2)]);
    const key = generateSubjectKey(traderId, 3);
    const wrapped = wrapSubjectKey(ring, key);
    assert.deepEqual(parseHeader(wrapped), { format: 1, kind: 'subject-key', version: 2 });
    assert.ok(!wrapped.includes(key.key));
    const back = unwrapSubjectKey(ring, traderId, wrapped);
    assert.equal(back.subjectId, traderId);
    assert.equal(back.version, 3);
    assert.ok(back.key.equals(key.key));
  });

  it('cannot be unwrapped under another subject id', () => {
    const ring = ringV1();
    const key = generateSubjectKey(traderId);
    const wrapped = wrapSubjectKey(ring, key);
    const err = assertCryptoError(() => unwrapSubjectKey(ring, 'trader-other', wrapped), 'decrypt_failed', [key.key, ring.active.key]);
    assert.match(err.message, /subject trader-other/);
  });

  it('cannot be opened as a field, and a field cannot be opened as a wrapped key', () => {
    const ring = ringV1();
    const wrapped = wrapSubjectKey(ring, generateSubjectKey(traderId));
    assertCryptoError(() => decryptField(ring, { table: 'subject_key', column: 'wrapped_key', rowId: traderId }, wrapped), 'wrong_binding');
    const field = encryptField(ring, at, Buffer.alloc(36, 7));
    assertCryptoError(() => unwrapSubjectKey(ring, traderId, field), 'wrong_binding');
    // Even with the kind byte forged, the AAD (which includes the header) does not match.
    const forged = Buffer.from(field);
    forged[1] = 0x03;
    assertCryptoError(() => unwrapSubjectKey(ring, traderId, forged), 'decrypt_failed');
  });

  it('fails on tampering and on truncation', () => {
    const ring = ringV1();
    const wrapped = wrapSubjectKey(ring, generateSubjectKey(traderId));
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const bit = n % (wrapped.length * 8);
        const flipped = Buffer.from(wrapped);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        assertCryptoError(() => unwrapSubjectKey(ring, traderId, flipped), ['decrypt_failed', 'malformed', 'wrong_binding', 'unknown_key_version']);
      }),
      { numRuns: 300 },
    );
    assertCryptoError(() => unwrapSubjectKey(ring, traderId, wrapped.subarray(0, wrapped.length - 1)), 'malformed');
  });

  it('rewrapSubjectKey moves the wrap to the new ring version; data under the subject key still reads', () => {
    const v1 = ringV1();
    const key = generateSubjectKey(traderId);
    const row = { table: 'trader', column: 'name', rowId: traderId };
    const data = encryptForSubject(key, row, 'Anna Maria Eriksson');
    const wrapped = wrapSubjectKey(v1, key);
    const { ring: v2 } = rotateKeyRing(v1);
    assert.equal(needsRotation(v2, wrapped), true);
    const rewrapped = rewrapSubjectKey(v2, traderId, wrapped);
    assert.equal(parseHeader(rewrapped).version, 2);
    const v2only = new KeyRing([v2.get(2)]);
    const back = unwrapSubjectKey(v2only, traderId, rewrapped);
    assert.equal(decryptStringForSubject(back, row, data), 'Anna Maria Eriksson');
  });
});

describe('error messages never carry plaintext or key bytes', () => {
  it('across every failure path exercised with a recognisable secret', () => {
    const ring = ringV1();
    const secret = 'SECRET-VALUE-4111111111111111';
    const subject = generateSubjectKey('s1');
    const ct = encryptField(ring, at, secret);
    const sct = encryptForSubject(subject, at, secret);
    const secrets = [secret, ring.active.key, subject.key];
    const attempts: (() => unknown)[] = [
      () => decryptField(ring, { ...at, rowId: 'x' }, ct),
      () => decryptField(ringV1(), at, ct),
      () => decryptField(ring, at, ct.subarray(0, 10)),
      () => decryptField(ring, at, sct),
      () => decryptForSubject(generateSubjectKey('s1'), at, sct),
      () => decryptForSubject(() => undefined, at, sct),
      () => unwrapSubjectKey(ring, 's2', wrapSubjectKey(ring, subject)),
      () => encryptField(ring, { ...at, table: '' }, secret),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        assert.fail('expected a failure');
      } catch (err) {
        assert.ok(err instanceof CryptoError);
        assertNoSecrets(err, secrets);
      }
    }
  });

  it('a KeyRing prints and serialises without key material', async () => {
    const { inspect } = await import('node:util');
    const ring = ringV1();
    const key = ring.active.key;
    for (const text of [inspect(ring), JSON.stringify(ring), String(ring)]) {
      assert.ok(!text.includes(key.toString('hex')) && !text.includes(key.toString('base64')));
    }
    assert.match(inspect(ring), /"purpose":"field"/);
  });
});
