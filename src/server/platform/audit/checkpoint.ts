// Signed checkpoints of the audit log's Merkle tree: a C2SP tlog-checkpoint body inside a C2SP signed note, signed
// with Ed25519 (https://c2sp.org/tlog-checkpoint, https://c2sp.org/signed-note).
//
// The format is the one transparency logs use, so the checkpoints written outside the database can be checked with
// standard tooling (Go's golang.org/x/mod/sumdb/note, openssl, a few lines of shell). Parsing is strict on purpose:
// a checkpoint is evidence, and any second way of writing the same statement is a way to smuggle a different one.
// The generic note functions (signNote / verifySignedNote) also sign export bundles (bundle.ts); the two kinds of note
// cannot be confused, because an export note's third line ("sha256:<hex>") is never valid checkpoint base64.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';

/** A checkpoint's statement: the log `origin` had `size` entries with Merkle root `rootHash` (lowercase hex). */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: string;
}

/** One signature line of a signed note. */
export interface NoteSignature {
  name: string;
  /** First 4 bytes of the key hash, identifying the key. */
  keyHash: Buffer;
  /** The signature bytes after the key hash (64 bytes for Ed25519). */
  signature: Buffer;
}

export interface ParsedCheckpointNote extends Checkpoint {
  signatures: NoteSignature[];
  /** The exact signed bytes (the checkpoint body). */
  body: Buffer;
}

export interface VerifierKey {
  name: string;
  keyHash: Buffer;
  publicKeyRaw: Buffer;
}

// Signed-note algorithm identifier for Ed25519.
const ALG_ED25519 = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
// C2SP signed-note: verifiers must accept at least 100 signatures and may reject more; we reject more, which bounds work.
const MAX_SIGNATURES = 100;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;
const HEX32_RE = /^[0-9a-f]{64}$/;
// Any ASCII control character other than newline, as forbidden by signed-note; Unicode line/paragraph separators are
// refused as well since some tools treat them as line breaks.
const FORBIDDEN_CHARS_RE = /[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/;

/** Strict base64: standard alphabet, padded, and canonical (re-encoding gives the same text). */
function decodeBase64Strict(s: string, what: string): Buffer {
  if (s.length === 0 || s.length % 4 !== 0 || !B64_RE.test(s)) throw new Error(`${what}: not canonical base64`);
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new Error(`${what}: not canonical base64`);
  return b;
}

/** Throws unless name is a valid key name (non-empty, no whitespace, no '+'). */
function checkKeyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new Error('key name must be a non-empty string');
  if (/[\s+]/u.test(name) || FORBIDDEN_CHARS_RE.test(name)) throw new Error('key name must not contain whitespace or "+"');
}

/** First 4 bytes of SHA-256(name || 0x0A || 0x01 || raw Ed25519 public key): the signed-note key ID. */
export function computeKeyHash(name: string, publicKeyRaw: Uint8Array): Buffer {
  checkKeyName(name);
  if (publicKeyRaw.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ALG_ED25519])).update(publicKeyRaw).digest().subarray(0, 4);
}

/** Generates a fresh Ed25519 key pair: PKCS#8 DER private key and 32-byte raw public key. */
export function generateSigningKey(): { privateKeyPkcs8: Buffer; publicKeyRaw: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicKeyRaw: rawPublicKey(publicKey),
  };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

function toPrivateKey(key: KeyObject | Buffer): KeyObject {
  const k = Buffer.isBuffer(key) ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : key;
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519') throw new Error('checkpoint signing key must be an Ed25519 private key');
  return k;
}

function checkOrigin(origin: unknown): asserts origin is string {
  if (typeof origin !== 'string' || origin.length === 0) throw new Error('checkpoint origin must be a non-empty string');
  if (origin.includes('\n') || FORBIDDEN_CHARS_RE.test(origin)) throw new Error('checkpoint origin must be a single line without control characters');
  // A leading em dash would let the body be confused with a signature line.
  if (origin.startsWith(EM_DASH_PREFIX)) throw new Error('checkpoint origin must not start with an em dash');
}

function rootToBuffer(rootHash: string | Uint8Array): Buffer {
  if (typeof rootHash === 'string') {
    if (!HEX32_RE.test(rootHash)) throw new Error('checkpoint root must be 64 lowercase hex characters');
    return Buffer.from(rootHash, 'hex');
  }
  if (rootHash.length !== 32) throw new Error('checkpoint root must be 32 bytes');
  return Buffer.from(rootHash);
}

/** The checkpoint body: `<origin>\n<size>\n<base64 root>\n` (the bytes that are signed). */
export function formatCheckpointBody(c: { origin: string; size: number; rootHash: string | Uint8Array }): string {
  checkOrigin(c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new Error('checkpoint size must be a non-negative safe integer');
  return `${c.origin}\n${c.size}\n${rootToBuffer(c.rootHash).toString('base64')}\n`;
}

/** Signs a note body (non-empty, newline-terminated, no blank lines) with an Ed25519 key; returns the signed-note text. */
export function signNote(body: string, signer: { name: string; privateKey: KeyObject | Buffer }): string {
  checkKeyName(signer.name);
  checkNoteBody(body);
  const key = toPrivateKey(signer.privateKey);
  const keyHash = computeKeyHash(signer.name, rawPublicKey(createPublicKey(key)));
  const sig = cryptoSign(null, Buffer.from(body, 'utf8'), key);
  return `${body}\n${EM_DASH_PREFIX}${signer.name} ${Buffer.concat([keyHash, sig]).toString('base64')}\n`;
}

// Our notes never contain blank lines, so the first blank line unambiguously starts the signatures.
function checkNoteBody(body: string): void {
  if (typeof body !== 'string' || body.length === 0 || !body.endsWith('\n')) throw new Error('note: body must end with a newline');
  if (body.startsWith('\n') || body.includes('\n\n')) throw new Error('note: body must not contain blank lines');
  if (FORBIDDEN_CHARS_RE.test(body)) throw new Error('note: body contains control characters');
}

/** Signs a checkpoint with an Ed25519 key and returns the signed-note text. */
export function signCheckpoint(
  c: { origin: string; size: number; rootHash: string | Uint8Array },
  signer: { name: string; privateKey: KeyObject | Buffer },
): string {
  return signNote(formatCheckpointBody(c), signer);
}

/** Splits a signed note into its body and signature lines strictly, without verifying signatures. */
export function parseSignedNote(text: string): { body: string; signatures: NoteSignature[] } {
  if (typeof text !== 'string') throw new Error('note must be a string');
  if (FORBIDDEN_CHARS_RE.test(text)) throw new Error('note contains control characters');
  if (!text.endsWith('\n')) throw new Error('note must end with a newline');
  const sep = text.indexOf('\n\n');
  if (sep < 0) throw new Error('note: missing blank line before signatures');
  const body = text.slice(0, sep + 1);
  checkNoteBody(body);
  const sigText = text.slice(sep + 2);
  if (sigText.length === 0) throw new Error('note: no signatures');
  const sigLines = sigText.slice(0, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) throw new Error(`note: more than ${MAX_SIGNATURES} signatures`);
  const signatures = sigLines.map((line) => {
    if (!line.startsWith(EM_DASH_PREFIX)) throw new Error('note: malformed signature line');
    const parts = line.slice(EM_DASH_PREFIX.length).split(' ');
    if (parts.length !== 2) throw new Error('note: malformed signature line');
    const [name, b64] = parts as [string, string];
    checkKeyName(name);
    const blob = decodeBase64Strict(b64, 'note signature');
    // 4-byte key hash plus at least one byte of signature, as in the Go reference implementation.
    if (blob.length < 5) throw new Error('note: signature too short');
    return { name, keyHash: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  return { body, signatures };
}

/** Verifies a signed note against a verifier key and returns its body; throws a clear Error on any failure. */
export function verifySignedNote(text: string, verifierKey: string | VerifierKey): string {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const note = parseSignedNote(text);
  checkSignatures(note.body, note.signatures, key, 'note');
  return note.body;
}

// Signatures by other keys (witnesses, a previous key) are ignored as signed-note requires; ours must be present and
// every signature claiming to be ours must verify.
function checkSignatures(body: string, signatures: NoteSignature[], key: VerifierKey, what: string): void {
  const mine = signatures.filter((s) => s.name === key.name && s.keyHash.equals(key.keyHash));
  if (mine.length === 0) throw new Error(`${what}: no signature by key ${key.name}+${key.keyHash.toString('hex')}`);
  const publicKey = publicKeyFromRaw(key.publicKeyRaw);
  const bytes = Buffer.from(body, 'utf8');
  for (const s of mine) {
    if (s.signature.length !== 64 || !cryptoVerify(null, bytes, publicKey, s.signature)) {
      throw new Error(`${what}: invalid signature by key ${key.name}`);
    }
  }
}

/** Parses a signed checkpoint note strictly, without verifying signatures; throws on any deviation from the format. */
export function parseCheckpointNote(text: string): ParsedCheckpointNote {
  let note: { body: string; signatures: NoteSignature[] };
  try {
    note = parseSignedNote(text);
  } catch (err) {
    throw new Error(`checkpoint: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const lines = note.body.slice(0, -1).split('\n');
  if (lines.length !== 3) throw new Error(`checkpoint: body must have exactly 3 lines, found ${lines.length}`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  checkOrigin(origin);
  if (!DECIMAL_RE.test(sizeText)) throw new Error('checkpoint: size is not a canonical decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new Error('checkpoint: size is too large');
  const root = decodeBase64Strict(rootText, 'checkpoint root');
  if (root.length !== 32) throw new Error('checkpoint: root hash must be 32 bytes');
  return { origin, size, rootHash: root.toString('hex'), signatures: note.signatures, body: Buffer.from(note.body, 'utf8') };
}

/** The verifier-key string `<name>+<8 hex key hash>+<base64(0x01 || public key)>`. */
export function formatVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  const keyHash = computeKeyHash(name, publicKeyRaw);
  return `${name}+${keyHash.toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), publicKeyRaw]).toString('base64')}`;
}

/** Parses and self-checks a verifier-key string; throws on any malformed or inconsistent part. */
export function parseVerifierKey(str: string): VerifierKey {
  if (typeof str !== 'string') throw new Error('verifier key must be a string');
  // The name has no '+', but base64 may: split on the first two only.
  const p1 = str.indexOf('+');
  const p2 = p1 < 0 ? -1 : str.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) throw new Error('verifier key: expected <name>+<hash>+<key>');
  const name = str.slice(0, p1);
  const hashHex = str.slice(p1 + 1, p2);
  const keyB64 = str.slice(p2 + 1);
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new Error('verifier key: key hash must be 8 lowercase hex characters');
  const keyBytes = decodeBase64Strict(keyB64, 'verifier key');
  if (keyBytes.length !== 33 || keyBytes[0] !== ALG_ED25519) throw new Error('verifier key: not an Ed25519 key');
  const publicKeyRaw = keyBytes.subarray(1);
  const keyHash = computeKeyHash(name, publicKeyRaw);
  if (keyHash.toString('hex') !== hashHex) throw new Error('verifier key: key hash does not match name and key');
  // Refuse keys that node:crypto cannot import (e.g. a non-canonical point encoding).
  publicKeyFromRaw(publicKeyRaw);
  return { name, keyHash, publicKeyRaw: Buffer.from(publicKeyRaw) };
}

/** Verifies a signed checkpoint note against a verifier key and returns its statement; throws a clear Error on any failure. */
export function verifyCheckpointNote(text: string, verifierKey: string | VerifierKey): Checkpoint {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const note = parseCheckpointNote(text);
  checkSignatures(note.body.toString('utf8'), note.signatures, key, `checkpoint (size ${note.size})`);
  return { origin: note.origin, size: note.size, rootHash: note.rootHash };
}
