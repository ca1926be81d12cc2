import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { BLIND_INDEX_BYTES, blindIndex, blindIndexAllVersions, normaliseForIndex } from './blind-index.js';
import { CryptoError } from './errors.js';
import { BLIND_INDEX_PURPOSE, KeyRing, generateDataKey, rotateKeyRing } from './key-ring.js';

const isInvalid = (err: unknown) => err instanceof CryptoError && err.code === 'invalid_argument';

describe('normaliseForIndex', () => {
  it('case-folds, trims and collapses whitespace', () => {
    assert.equal(normaliseForIndex('Alice@Example.COM '), 'alice@example.com');
    assert.equal(normaliseForIndex('  Anna \t\n Maria   ERIKSSON '), 'anna maria eriksson');
    assert.equal(normaliseForIndex('a\u00a0\u3000b'), 'a b'); // no-break and ideographic spaces
  });

  it('applies NFKC: full-width forms, ligatures, composed vs decomposed accents', () => {
    assert.equal(normaliseForIndex('ＡＢＣ'), 'abc');
    assert.equal(normaliseForIndex('ﬁnance'), 'finance');
    assert.equal(normaliseForIndex('e\u0301'), normaliseForIndex('\u00e9'));
    assert.equal(normaliseForIndex('①②'), '12');
  });

  it('folds case beyond toLowerCase (ß, final sigma) independently of locale', () => {
    assert.equal(normaliseForIndex('STRASSE'), normaliseForIndex('Straße'));
    assert.equal(normaliseForIndex('ẞ'), 'ss');
    assert.equal(normaliseForIndex('ΟΔΟΣ'), normaliseForIndex('οδοσ'));
    assert.equal(normaliseForIndex('I'), 'i'); // not the Turkish dotless ı, whatever the server locale
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const once = normaliseForIndex(s);
        assert.equal(normaliseForIndex(once), once);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses lone surrogates, oversized and non-string input', () => {
    assert.throws(() => normaliseForIndex('a\ud800b'), isInvalid);
    assert.throws(() => normaliseForIndex('x'.repeat(8193)), isInvalid);
    assert.throws(() => normaliseForIndex(42 as unknown as string), isInvalid);
  });
});

describe('blindIndex', () => {
  const key = randomBytes(32);

  it('returns 32 bytes, equal for values equal after normalisation', () => {
    const a = blindIndex(key, 'email', 'Alice@Example.COM ');
    assert.equal(a.length, BLIND_INDEX_BYTES);
    assert.ok(a.equals(blindIndex(key, 'email', 'alice@example.com')));
    assert.ok(blindIndex(key, 'name', 'ＡＢＣ').equals(blindIndex(key, 'name', 'abc')));
    assert.ok(blindIndex(key, 'name', 'ﬁ').equals(blindIndex(key, 'name', 'fi')));
    assert.ok(!a.equals(blindIndex(key, 'email', 'alice@example.co')));
  });

  it('differs per field kind (domain separation) and per key', () => {
    const v = 'alice@example.com';
    assert.ok(!blindIndex(key, 'email', v).equals(blindIndex(key, 'contact_email', v)));
    assert.ok(!blindIndex(key, 'email', v).equals(blindIndex(randomBytes(32), 'email', v)));
    // Kind and value cannot trade bytes across their boundary.
    assert.ok(!blindIndex(key, 'ab', 'c').equals(blindIndex(key, 'a', 'bc')));
  });

  it('is not a bare HMAC of the value (domain-separated message)', () => {
    const bare = createHmac('sha256', key).update('alice@example.com').digest();
    assert.ok(!blindIndex(key, 'email', 'alice@example.com').equals(bare));
  });

  it('takes the active key of the blind-index ring, and refuses an encryption ring', () => {
    const ring = new KeyRing([generateDataKey(1)], { purpose: BLIND_INDEX_PURPOSE });
    assert.ok(blindIndex(ring, 'email', 'a@b.c').equals(blindIndex(ring.active.key, 'email', 'a@b.c')));
    assert.ok(blindIndex(ring, 'email', 'a@b.c').equals(blindIndex(ring.active, 'email', 'a@b.c')));
    const fieldRing = new KeyRing([generateDataKey(1)]);
    assert.throws(() => blindIndex(fieldRing, 'email', 'a@b.c'), isInvalid);
    assert.throws(() => blindIndexAllVersions(fieldRing, 'email', 'a@b.c'), isInvalid);
  });

  it('gives tokens for every version during a rotation, active first', () => {
    const v1 = new KeyRing([generateDataKey(1)], { purpose: BLIND_INDEX_PURPOSE });
    const { ring: v2 } = rotateKeyRing(v1);
    const tokens = blindIndexAllVersions(v2, 'email', 'a@b.c');
    assert.equal(tokens.length, 2);
    assert.ok(tokens[0]!.equals(blindIndex(v2, 'email', 'a@b.c')));
    assert.ok(tokens[1]!.equals(blindIndex(v1, 'email', 'a@b.c')));
  });

  it('refuses bad keys, kinds and empty values', () => {
    assert.throws(() => blindIndex(Buffer.alloc(16), 'email', 'a'), isInvalid);
    assert.throws(() => blindIndex(key, 'Email', 'a'), isInvalid);
    assert.throws(() => blindIndex(key, '', 'a'), isInvalid);
    assert.throws(() => blindIndex(key, 'email', '   '), isInvalid);
  });

  it('never puts the value in an error message', () => {
    try {
      blindIndex(key, 'bad kind', 'alice@example.com');
      assert.fail('expected a failure');
    } catch (err) {
      assert.ok(err instanceof CryptoError && !err.message.includes('alice'));
    }
  });
});
