import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  GENESIS_HASH,
  canonicalEvent,
  canonicalJson,
  chainHash,
  eventLeafHash,
  hashEvent,
  type AuditEventContent,
} from './canonical.js';
import { leafHash } from './merkle.js';

function sampleEvent(over: Partial<AuditEventContent> = {}): AuditEventContent {
  return {
    seq: 1,
    time: '2026-11-21T04:25:32.123Z',
    actorType: 'staff',
    actorId: 'stf_01',
    actorName: 'Zoë Ångström',
    actorIp: '203.0.113.7',
    sessionIdHash: null,
    requestId: 'req-1',
    action: 'trader.read',
    targetType: 'trader',
    targetId: 'trd_42',
    outcome: 'ok',
    fields: ['email', 'phone'],
    reason: null,
    errorCode: null,
    ...over,
  };
}

describe('canonicalEvent', () => {
  test('is sorted-key, whitespace-free JSON in UTF-8 (golden bytes)', () => {
    const text = canonicalEvent(sampleEvent()).toString('utf8');
    assert.equal(
      text,
      '{"action":"trader.read","actorId":"stf_01","actorIp":"203.0.113.7","actorName":"Zoë Ångström","actorType":"staff",' +
        '"errorCode":null,"fields":["email","phone"],"outcome":"ok","reason":null,"requestId":"req-1","seq":1,' +
        '"sessionIdHash":null,"targetId":"trd_42","targetType":"trader","time":"2026-11-21T04:25:32.123Z"}',
    );
    // Equivalent to a generic sorted-key serialization of the same object.
    assert.equal(text, canonicalJson(sampleEvent()));
  });

  test('ignores extra properties (prevHash/hash of a stored event, row metadata)', () => {
    const withExtra = { ...sampleEvent(), prevHash: GENESIS_HASH, hash: 'ff'.repeat(32), createdAt: new Date() };
    assert.deepEqual(canonicalEvent(withExtra), canonicalEvent(sampleEvent()));
  });

  test('does not depend on property insertion order', () => {
    const e = sampleEvent();
    const reversed = Object.fromEntries(Object.entries(e).reverse()) as unknown as AuditEventContent;
    assert.deepEqual(canonicalEvent(reversed), canonicalEvent(e));
  });

  test('refuses values without a single canonical form', () => {
    const bad: Partial<Record<keyof AuditEventContent, unknown>>[] = [
      { seq: 1.5 },
      { seq: 0 },
      { seq: Number.MAX_SAFE_INTEGER + 1 },
      { seq: NaN },
      { seq: '1' },
      { actorId: undefined },
      { reason: 5 },
      { fields: ['a', 1] },
      { fields: 'email' },
      { time: '2026-11-21T04:25:32Z' },
      { time: '2026-11-21 04:25:32.123' },
      { actorType: 'root' },
      { outcome: 'maybe' },
      { action: '' },
      { reason: 'a\u0000b' },
      { reason: 'lone \ud800 surrogate' },
    ];
    for (const over of bad) {
      assert.throws(() => canonicalEvent(sampleEvent(over as Partial<AuditEventContent>)), Error, JSON.stringify(Object.keys(over)));
    }
    const missing = sampleEvent() as unknown as Record<string, unknown>;
    delete missing.errorCode;
    assert.throws(() => canonicalEvent(missing as unknown as AuditEventContent), /errorCode is missing/);
  });

  test('canonicalJson rejects non-integers, undefined and exotic values', () => {
    for (const v of [1.1, -0, Infinity, undefined, () => 1, 10n, Symbol('x'), new Date(), { a: undefined }, [1, undefined]]) {
      assert.throws(() => canonicalJson(v));
    }
    assert.equal(canonicalJson({ b: [1, 'x', null, true], a: { d: 1, c: 2 } }), '{"a":{"c":2,"d":1},"b":[1,"x",null,true]}');
  });

  test('escapes control characters and quotes exactly like JSON.stringify', () => {
    const e = sampleEvent({ reason: 'line1\nline2\t"q"\\ \u0001 \u2028' });
    const text = canonicalEvent(e).toString('utf8');
    assert.ok(text.includes('"reason":"line1\\nline2\\t\\"q\\"\\\\ \\u0001 \u2028"'));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(e)));
  });
});

describe('chainHash and eventLeafHash', () => {
  test('chainHash = SHA-256(prev raw bytes || canonical bytes)', () => {
    const e = sampleEvent();
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(canonicalEvent(e)).digest('hex');
    assert.equal(chainHash(GENESIS_HASH, e), expected);
    assert.equal(GENESIS_HASH, '0'.repeat(64));
  });

  test('eventLeafHash = leafHash(canonical bytes) = SHA-256(0x00 || canonical bytes)', () => {
    const e = sampleEvent();
    const expected = createHash('sha256').update(Buffer.from([0])).update(canonicalEvent(e)).digest();
    assert.deepEqual(eventLeafHash(e), expected);
    assert.deepEqual(leafHash(canonicalEvent(e)), expected);
  });

  test('chainHash rejects a malformed previous hash', () => {
    assert.throws(() => chainHash('00', sampleEvent()));
    assert.throws(() => chainHash('A'.repeat(64), sampleEvent()));
  });

  test('hashEvent agrees with chainHash/eventLeafHash for arbitrary content, including long and non-ASCII text', () => {
    // NUL and lone surrogates are refused by design (tested above), so they are kept out of the generator.
    const storable = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\u0000]|\p{Cs}/u.test(s));
    const nullableText = fc.option(storable, { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          reason: nullableText,
          actorName: nullableText,
          fields: fc.array(fc.string({ maxLength: 10 }).filter((s) => !s.includes('\u0000')), { maxLength: 5 }),
          big: fc.boolean(),
          prev: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        }),
        ({ seq, reason, actorName, fields, big, prev }) => {
          const e = sampleEvent({ seq, reason: big ? 'é'.repeat(5000) : reason, actorName, fields });
          const prevHex = Buffer.from(prev).toString('hex');
          const both = hashEvent(prevHex, e);
          assert.equal(both.hash, chainHash(prevHex, e));
          assert.deepEqual(both.leafHash, eventLeafHash(e));
          assert.equal(both.hash, createHash('sha256').update(Buffer.from(prev)).update(canonicalEvent(e)).digest('hex'));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('any change to any field changes the chain hash', () => {
    const base = sampleEvent();
    const h = chainHash(GENESIS_HASH, base);
    const changes: Partial<AuditEventContent>[] = [
      { seq: 2 },
      { time: '2026-11-21T04:25:32.124Z' },
      { actorType: 'system' },
      { actorId: null },
      { actorName: 'Zoe Angstrom' },
      { actorIp: '203.0.113.8' },
      { sessionIdHash: 'x' },
      { requestId: null },
      { action: 'trader.update' },
      { targetType: null },
      { targetId: 'trd_43' },
      { outcome: 'denied' },
      { fields: ['phone', 'email'] },
      { fields: ['email'] },
      { reason: '' },
      { errorCode: 'E' },
    ];
    for (const c of changes) assert.notEqual(chainHash(GENESIS_HASH, { ...base, ...c }), h, JSON.stringify(c));
    assert.notEqual(chainHash('11'.repeat(32), base), h);
  });
});
