import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import {
  computeKeyHash,
  formatCheckpointBody,
  formatVerifierKey,
  generateSigningKey,
  parseCheckpointNote,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpointNote,
} from './checkpoint.js';

const ORIGIN = 'bulwark.example/audit';
const ROOT = createHash('sha256').update('root').digest('hex');
const key = generateSigningKey();
const NAME = 'bulwark-audit';
const VKEY = formatVerifierKey(NAME, key.publicKeyRaw);
const note = signCheckpoint({ origin: ORIGIN, size: 1234, rootHash: ROOT }, { name: NAME, privateKey: key.privateKeyPkcs8 });

describe('checkpoint format', () => {
  test('body and signed note have the C2SP layout', () => {
    const lines = note.split('\n');
    assert.equal(lines[0], ORIGIN);
    assert.equal(lines[1], '1234');
    assert.equal(lines[2], Buffer.from(ROOT, 'hex').toString('base64'));
    assert.equal(lines[3], '');
    assert.match(lines[4]!, /^\u2014 bulwark-audit [A-Za-z0-9+/]+=*$/);
    assert.equal(lines[5], '');
    assert.equal(lines.length, 6);
    const sig = Buffer.from(lines[4]!.split(' ')[2]!, 'base64');
    assert.equal(sig.length, 68);
    assert.deepEqual(sig.subarray(0, 4), computeKeyHash(NAME, key.publicKeyRaw));
  });

  test('key hash is SHA-256(name || 0x0A || 0x01 || pubkey)[:4] and the verifier key embeds it', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(NAME), Buffer.from([0x0a, 0x01]), key.publicKeyRaw]))
      .digest()
      .subarray(0, 4);
    assert.deepEqual(computeKeyHash(NAME, key.publicKeyRaw), expected);
    assert.equal(VKEY, `${NAME}+${expected.toString('hex')}+${Buffer.concat([Buffer.from([1]), key.publicKeyRaw]).toString('base64')}`);
    const parsed = parseVerifierKey(VKEY);
    assert.equal(parsed.name, NAME);
    assert.deepEqual(parsed.publicKeyRaw, key.publicKeyRaw);
  });

  test('round trip: sign, parse, verify (also with a KeyObject)', () => {
    assert.deepEqual(verifyCheckpointNote(note, VKEY), { origin: ORIGIN, size: 1234, rootHash: ROOT });
    const ko = createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
    const note2 = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: Buffer.from(ROOT, 'hex') }, { name: NAME, privateKey: ko });
    assert.equal(verifyCheckpointNote(note2, VKEY).size, 0);
    // Ed25519 is deterministic: the same statement gives the same note.
    assert.equal(signCheckpoint({ origin: ORIGIN, size: 1234, rootHash: ROOT }, { name: NAME, privateKey: ko }), note);
  });

  test('the signature can be checked by hand over the body bytes (openssl-compatible Ed25519)', () => {
    const parsed = parseCheckpointNote(note);
    assert.equal(parsed.body.toString('utf8'), formatCheckpointBody({ origin: ORIGIN, size: 1234, rootHash: ROOT }));
    const direct = sign(null, parsed.body, createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' }));
    assert.deepEqual(parsed.signatures[0]!.signature, direct);
  });

  test('signatures by unknown keys are ignored, but ours must be present', () => {
    const other = generateSigningKey();
    const witness = signCheckpoint({ origin: ORIGIN, size: 1234, rootHash: ROOT }, { name: 'witness', privateKey: other.privateKeyPkcs8 });
    const witnessLine = witness.split('\n')[4]!;
    const cosigned = note + witnessLine + '\n';
    assert.equal(parseCheckpointNote(cosigned).signatures.length, 2);
    assert.equal(verifyCheckpointNote(cosigned, VKEY).size, 1234);
    assert.throws(() => verifyCheckpointNote(witness, VKEY), /no signature by key bulwark-audit/);
  });

  test('rejects invalid key names and origins when signing', () => {
    for (const name of ['', 'a b', 'a+b', 'tab\tname', 'nbsp\u00a0x']) {
      assert.throws(() => signCheckpoint({ origin: ORIGIN, size: 1, rootHash: ROOT }, { name, privateKey: key.privateKeyPkcs8 }));
      assert.throws(() => formatVerifierKey(name, key.publicKeyRaw));
    }
    for (const origin of ['', 'a\nb', 'a\rb', '\u2014 x']) {
      assert.throws(() => signCheckpoint({ origin, size: 1, rootHash: ROOT }, { name: NAME, privateKey: key.privateKeyPkcs8 }));
    }
    assert.throws(() => signCheckpoint({ origin: ORIGIN, size: -1, rootHash: ROOT }, { name: NAME, privateKey: key.privateKeyPkcs8 }));
    assert.throws(() => signCheckpoint({ origin: ORIGIN, size: 1.5, rootHash: ROOT }, { name: NAME, privateKey: key.privateKeyPkcs8 }));
    assert.throws(() => signCheckpoint({ origin: ORIGIN, size: 1, rootHash: 'AB'.repeat(32) }, { name: NAME, privateKey: key.privateKeyPkcs8 }));
  });
});

describe('checkpoint tampering is detected', () => {
  const [origin, size, root, blank, sigLine] = note.split('\n') as [string, string, string, string, string];
  const rebuild = (parts: { origin?: string; size?: string; root?: string; sig?: string }): string =>
    `${parts.origin ?? origin}\n${parts.size ?? size}\n${parts.root ?? root}\n${blank}\n${parts.sig ?? sigLine}\n`;

  test('sanity: rebuild without changes verifies', () => {
    assert.equal(rebuild({}), note);
  });

  test('changed size', () => {
    assert.throws(() => verifyCheckpointNote(rebuild({ size: '1235' }), VKEY), /invalid signature/);
  });

  test('changed root', () => {
    const other = Buffer.from(ROOT, 'hex');
    other[0]! ^= 1;
    assert.throws(() => verifyCheckpointNote(rebuild({ root: other.toString('base64') }), VKEY), /invalid signature/);
  });

  test('changed origin', () => {
    assert.throws(() => verifyCheckpointNote(rebuild({ origin: 'evil.example/audit' }), VKEY), /invalid signature/);
  });

  test('flipped signature byte (every position)', () => {
    const [dash, name, b64] = sigLine.split(' ') as [string, string, string];
    const blob = Buffer.from(b64, 'base64');
    for (let i = 4; i < blob.length; i++) {
      const bad = Buffer.from(blob);
      bad[i]! ^= 0x01;
      assert.throws(() => verifyCheckpointNote(rebuild({ sig: `${dash} ${name} ${bad.toString('base64')}` }), VKEY), Error, `byte ${i}`);
    }
    // A changed key hash makes the signature "not ours".
    const badHash = Buffer.from(blob);
    badHash[0]! ^= 1;
    assert.throws(() => verifyCheckpointNote(rebuild({ sig: `${dash} ${name} ${badHash.toString('base64')}` }), VKEY), /no signature/);
  });

  test('changed key name', () => {
    const [dash, , b64] = sigLine.split(' ') as [string, string, string];
    assert.throws(() => verifyCheckpointNote(rebuild({ sig: `${dash} bulwark-audlt ${b64}` }), VKEY), /no signature/);
  });

  test('signature by another key under our name', () => {
    const other = generateSigningKey();
    const forged = signCheckpoint({ origin: ORIGIN, size: 1234, rootHash: ROOT }, { name: NAME, privateKey: other.privateKeyPkcs8 });
    assert.throws(() => verifyCheckpointNote(forged, VKEY), /no signature by key/);
    // Even if the attacker copies our key hash, the signature itself fails.
    const forgedBlob = Buffer.from(forged.split('\n')[4]!.split(' ')[2]!, 'base64');
    computeKeyHash(NAME, key.publicKeyRaw).copy(forgedBlob, 0);
    assert.throws(() => verifyCheckpointNote(rebuild({ sig: `\u2014 ${NAME} ${forgedBlob.toString('base64')}` }), VKEY), /invalid signature/);
  });

  test('verifier key with a wrong public key is rejected', () => {
    const other = generateSigningKey();
    assert.throws(() => verifyCheckpointNote(note, formatVerifierKey(NAME, other.publicKeyRaw)), /no signature/);
  });
});

describe('strict parsing', () => {
  const good = note;
  const malformed: [string, string][] = [
    ['missing final newline', good.slice(0, -1)],
    ['extra body line', good.replace(`${Buffer.from(ROOT, 'hex').toString('base64')}\n`, `${Buffer.from(ROOT, 'hex').toString('base64')}\nextension\n`)],
    ['no blank line', good.replace('\n\n', '\n')],
    ['no signatures', good.split('\n\n')[0] + '\n\n'],
    ['two blank lines', good.replace('\n\n', '\n\n\n')],
    ['trailing blank line', good + '\n'],
    ['trailing garbage', good + 'garbage\n'],
    ['leading zero size', good.replace('\n1234\n', '\n01234\n')],
    ['signed size', good.replace('\n1234\n', '\n+1234\n')],
    ['hex size', good.replace('\n1234\n', '\n0x4d2\n')],
    ['huge size', good.replace('\n1234\n', '\n99999999999999999999\n')],
    ['empty size', good.replace('\n1234\n', '\n\n')],
    ['space in size', good.replace('\n1234\n', '\n1234 \n')],
    ['unpadded base64 root', good.replace(/\n([A-Za-z0-9+/]+)=\n/, '\n$1\n')],
    ['urlsafe base64 root', good.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\n' + Buffer.from(ROOT, 'hex').toString('base64url') + '=\n')],
    ['short root', good.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\n' + Buffer.alloc(31).toString('base64') + '\n')],
    ['CRLF', good.replace(/\n/g, '\r\n')],
    ['ASCII dash instead of em dash', good.replace('\u2014', '-')],
    ['two spaces in signature line', good.replace('\u2014 bulwark-audit ', '\u2014 bulwark-audit  ')],
    ['short signature', good.replace(/ [A-Za-z0-9+/]+=*\n$/, ' AAAA\n')],
  ];
  for (const [name, text] of malformed) {
    test(`rejects: ${name}`, () => {
      assert.notEqual(text, good, 'the mutation must change the note');
      assert.throws(() => parseCheckpointNote(text));
      assert.throws(() => verifyCheckpointNote(text, VKEY));
    });
  }

  test('rejects non-canonical base64 in the signature (non-zero padding bits)', () => {
    const b64 = good.split('\n')[4]!.split(' ')[2]!;
    // 68 bytes encode to 92 chars ending in "=": the last data char carries 4 unused bits.
    const last = b64.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const tweaked = b64.slice(0, -2) + alphabet[alphabet.indexOf(last) ^ 1] + '=';
    assert.deepEqual(Buffer.from(tweaked, 'base64'), Buffer.from(b64, 'base64'));
    assert.throws(() => parseCheckpointNote(good.replace(b64, tweaked)), /canonical/);
  });

  test('accepts 100 signature lines, rejects 101', () => {
    const line = good.split('\n')[4]!;
    const base = good.split('\n\n')[0] + '\n\n';
    assert.equal(parseCheckpointNote(base + `${line}\n`.repeat(100)).signatures.length, 100);
    assert.throws(() => parseCheckpointNote(base + `${line}\n`.repeat(101)), /100 signatures/);
  });

  test('verifier key strings are parsed strictly', () => {
    const [name, hash, b64] = [NAME, VKEY.split('+')[1]!, VKEY.slice(VKEY.indexOf('+', NAME.length + 1) + 1)];
    const bad = [
      '',
      'nohash',
      `${name}+${hash}`,
      `${name}+${hash.toUpperCase()}+${b64}`,
      `${name}+${hash}+${b64}=`,
      `${name}+${hash}+${b64.slice(0, -1)}`,
      `${name}x+${hash}+${b64}`,
      `${name}+00000000+${b64}`,
      `${name}+${hash}+${Buffer.concat([Buffer.from([2]), key.publicKeyRaw]).toString('base64')}`,
      `${name}+${hash}+${key.publicKeyRaw.toString('base64')}`,
      `a b+${hash}+${b64}`,
    ];
    for (const s of bad) assert.throws(() => parseVerifierKey(s), Error, s);
    assert.equal(parseVerifierKey(VKEY).name, NAME);
  });
});
