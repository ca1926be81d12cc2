// Field encryption: AES-256-GCM under a ring DEK or a per-subject key, bound to where the value is stored.
//
// Ciphertext format v1 (stored as bytea), all integers big-endian:
//
//   offset  size  field
//   0       1     format             0x01
//   1       1     key kind           0x01 ring DEK · 0x02 subject key · 0x03 wrapped subject key (see below)
//   2       4     key version        uint32, 1..2^32-1 (ring version for 0x01/0x03, subject key version for 0x02)
//   6       12    nonce              random per encryption
//   18      n     ciphertext         n = plaintext length (GCM is a stream mode)
//   18+n    16    GCM tag
//
// AAD = the 6 header bytes || lp(table) || lp(column) || lp(rowId) [|| lp(subjectId) for kind 0x02], where
// lp(s) = uint32 byte length || UTF-8 bytes. Length prefixes make the encoding injective ('a','bc' ≠ 'ab','c');
// authenticating the header means a changed format, kind or version byte fails like any other tampering; and
// binding the location means a ciphertext copied to another row, column or table does not decrypt, so an
// attacker with write access to the database cannot swap one trader's passport number into another's record.
//
// Wrapped subject keys (kind 0x03) use the same layout with the ring's active DEK; their plaintext is
// uint32 subject-key version || 32 key bytes and their AAD is header || lp(subjectId). The distinct kind byte in
// the AAD keeps the two uses of one DEK apart: a wrapped key can never be opened as a field and vice versa.
//
// Nonces are 96 random bits. NIST SP 800-38D caps random-nonce GCM at 2^32 encryptions per key; rotating the
// field ring (a new version) well before that — e.g. yearly or every ~10^9 writes — keeps the collision risk
// negligible.

import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from 'node:crypto';

import { CryptoError } from './errors.js';
import {
  BLIND_INDEX_PURPOSE,
  DATA_KEY_BYTES,
  KeyRing,
  assertKeyBytes,
  assertSubjectId,
  assertVersion,
  getRingEntry,
  type SubjectKey,
} from './key-ring.js';

export {
  BLIND_INDEX_PURPOSE,
  DATA_KEY_BYTES,
  FIELD_PURPOSE,
  KeyRing,
  MAX_KEY_VERSION,
  destroySubjectKey,
  generateDataKey,
  generateSubjectKey,
  loadKeyRing,
  ringKeyContext,
  rotateKeyRing,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type KeyStatus,
  type KeyVersionInfo,
  type StoredDataKey,
  type SubjectKey,
} from './key-ring.js';

/** Format byte of v1 ciphertexts. */
export const CIPHERTEXT_FORMAT_V1 = 0x01;
const KIND_RING = 0x01;
const KIND_SUBJECT = 0x02;
const KIND_SUBJECT_KEY = 0x03;
/** Bytes of the header (format, kind, version). */
export const HEADER_BYTES = 6;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const BODY_OFFSET = HEADER_BYTES + NONCE_BYTES;
/** Bytes a ciphertext adds to its plaintext (header + nonce + tag). */
export const CIPHERTEXT_OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
/** Largest plaintext accepted (16 MiB): bounds the work an oversized input can cause. */
export const MAX_PLAINTEXT_BYTES = 16 * 1024 * 1024;
const MAX_BINDING_LENGTH = 1024;
const WRAPPED_SUBJECT_KEY_BYTES = CIPHERTEXT_OVERHEAD + 4 + DATA_KEY_BYTES;
// Pinning the tag length makes OpenSSL itself refuse a truncated tag, on top of our own length checks.
const GCM_OPTIONS = { authTagLength: TAG_BYTES } as const;

/** Where an encrypted value is stored; bound into the AAD so the ciphertext only decrypts there. */
export interface FieldBinding {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

/** Which kind of key a ciphertext was made with. */
export type CiphertextKind = 'ring' | 'subject' | 'subject-key';

/** The parsed (not yet authenticated) header of a ciphertext. */
export interface CiphertextHeader {
  readonly format: 1;
  /** 'ring': field under a ring DEK · 'subject': field under a subject key · 'subject-key': a wrapped subject key. */
  readonly kind: CiphertextKind;
  /** Ring version for 'ring' and 'subject-key', subject key version for 'subject'. */
  readonly version: number;
}

/** Finds a subject's key by version; returns undefined when it no longer exists (destroyed) or never did. */
export type SubjectKeyLookup = (version: number) => SubjectKey | undefined;

/** Encrypts a field value under the ring's active DEK, bound to its table, column and row. */
export function encryptField(ring: KeyRing, binding: FieldBinding, plaintext: string | Uint8Array): Buffer {
  assertFieldRing(ring);
  assertBinding(binding);
  const version = ring.activeVersion;
  return seal(KIND_RING, version, getRingEntry(ring, version).keyObject, plaintext, binding, undefined);
}

/** Decrypts a ring-encrypted field value (any version the ring holds); throws CryptoError on any mismatch. */
export function decryptField(ring: KeyRing, binding: FieldBinding, ciphertext: Uint8Array): Buffer {
  assertFieldRing(ring);
  assertBinding(binding);
  const ct = checkCiphertext(ciphertext, KIND_RING, binding);
  const key = getRingEntry(ring, readVersion(ct)).keyObject;
  return open(key, ct, binding, undefined) ?? throwMovedOrTampered(binding);
}

/** Decrypts a ring-encrypted field value to a UTF-8 string. */
export function decryptString(ring: KeyRing, binding: FieldBinding, ciphertext: Uint8Array): string {
  return toStringAndWipe(decryptField(ring, binding, ciphertext));
}

/** Decrypts under whatever version the value uses and re-encrypts under the active version (background rotation). */
export function reencryptField(ring: KeyRing, binding: FieldBinding, ciphertext: Uint8Array): Buffer {
  const plaintext = decryptField(ring, binding, ciphertext);
  try {
    return encryptField(ring, binding, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/** True when a ring ciphertext or wrapped subject key uses an older version than the ring's active one. */
export function needsRotation(ring: KeyRing, ciphertext: Uint8Array): boolean {
  const header = parseHeader(ciphertext);
  if (header.kind === 'subject') {
    throw new CryptoError('wrong_binding', 'a subject-encrypted value is not encrypted by a key ring; rotate its subject key instead');
  }
  return header.version !== ring.activeVersion;
}

/** Encrypts a field value under a subject's (trader's) key, bound to its table, column, row and subject. */
export function encryptForSubject(subjectKey: SubjectKey, binding: FieldBinding, plaintext: string | Uint8Array): Buffer {
  assertUsableSubjectKey(subjectKey);
  assertBinding(binding);
  return seal(KIND_SUBJECT, subjectKey.version, subjectKey.key, plaintext, binding, subjectKey.subjectId);
}

/**
 * Decrypts a subject-encrypted field value with the subject's key (or a lookup by version); throws
 * CryptoError('key_destroyed') once that key has been destroyed.
 */
export function decryptForSubject(
  subject: SubjectKey | SubjectKeyLookup,
  binding: FieldBinding,
  ciphertext: Uint8Array,
): Buffer {
  assertBinding(binding);
  const ct = checkCiphertext(ciphertext, KIND_SUBJECT, binding);
  const version = readVersion(ct);
  const subjectKey = typeof subject === 'function' ? subject(version) : subject;
  if (subjectKey === undefined) {
    throw new CryptoError(
      'key_destroyed',
      `subject key v${version} for ${describe(binding)} is not available (destroyed or never created); the value cannot be decrypted`,
    );
  }
  assertUsableSubjectKey(subjectKey);
  if (subjectKey.version !== version) {
    throw new CryptoError(
      'unknown_key_version',
      `${describe(binding)} is encrypted with subject key v${version}, not v${subjectKey.version}`,
    );
  }
  return open(subjectKey.key, ct, binding, subjectKey.subjectId) ?? throwMovedOrTampered(binding);
}

/** Decrypts a subject-encrypted field value to a UTF-8 string. */
export function decryptStringForSubject(
  subject: SubjectKey | SubjectKeyLookup,
  binding: FieldBinding,
  ciphertext: Uint8Array,
): string {
  return toStringAndWipe(decryptForSubject(subject, binding, ciphertext));
}

/** Wraps a subject key under the ring's active DEK, bound to the subject id (for storage). */
export function wrapSubjectKey(ring: KeyRing, subjectKey: SubjectKey): Buffer {
  assertFieldRing(ring);
  assertUsableSubjectKey(subjectKey);
  const version = ring.activeVersion;
  const payload = Buffer.alloc(4 + DATA_KEY_BYTES);
  try {
    // The subject key's version travels inside the authenticated payload, so unwrap can return it.
    payload.writeUInt32BE(subjectKey.version, 0);
    subjectKey.key.copy(payload, 4);
    return seal(KIND_SUBJECT_KEY, version, getRingEntry(ring, version).keyObject, payload, undefined, subjectKey.subjectId);
  } finally {
    payload.fill(0);
  }
}

/** Unwraps a stored subject key; fails with CryptoError('decrypt_failed') for another subject's id or tampered bytes. */
export function unwrapSubjectKey(ring: KeyRing, subjectId: string, wrapped: Uint8Array): SubjectKey {
  assertFieldRing(ring);
  assertSubjectId(subjectId);
  const what = `wrapped key of subject ${subjectId}`;
  const ct = checkCiphertext(wrapped, KIND_SUBJECT_KEY, what);
  if (ct.byteLength !== WRAPPED_SUBJECT_KEY_BYTES) {
    throw new CryptoError('malformed', `${what} has the wrong length (truncated or oversized)`);
  }
  const key = getRingEntry(ring, readVersion(ct)).keyObject;
  const payload = open(key, ct, undefined, subjectId);
  if (payload === undefined) {
    throw new CryptoError('decrypt_failed', `${what} does not belong to subject ${subjectId} (moved or tampered)`);
  }
  try {
    const version = payload.readUInt32BE(0);
    assertVersion(version, what);
    const subjectKey = Buffer.alloc(DATA_KEY_BYTES);
    payload.copy(subjectKey, 0, 4);
    return Object.freeze({ subjectId, version, key: subjectKey });
  } finally {
    payload.fill(0);
  }
}

/** Re-wraps a stored subject key under the ring's active DEK (rotation); the subject key itself is unchanged. */
export function rewrapSubjectKey(ring: KeyRing, subjectId: string, wrapped: Uint8Array): Buffer {
  const subjectKey = unwrapSubjectKey(ring, subjectId, wrapped);
  try {
    return wrapSubjectKey(ring, subjectKey);
  } finally {
    subjectKey.key.fill(0);
  }
}

/** Reads a ciphertext's header (format, kind, key version) without decrypting; throws CryptoError('malformed'). */
export function parseHeader(ciphertext: Uint8Array): CiphertextHeader {
  const ct = checkShape(ciphertext, undefined);
  const kind = ct[1] === KIND_RING ? 'ring' : ct[1] === KIND_SUBJECT ? 'subject' : 'subject-key';
  return { format: 1, kind, version: readVersion(ct) };
}

// ---------------------------------------------------------------------------------------------------------------
// Internals. Hot path: one allocation for the output, no copies of the plaintext, and as few native calls and
// short-lived objects as possible — for a 40-byte field, each crossing into C++ costs more than the AES work.

/** Encrypts into a single preallocated buffer: header || nonce || ciphertext || tag. */
function seal(
  kind: number,
  version: number,
  key: KeyObject | Buffer,
  plaintext: string | Uint8Array,
  binding: FieldBinding | undefined,
  subjectId: string | undefined,
): Buffer {
  const isString = typeof plaintext === 'string';
  if (!isString && !(plaintext instanceof Uint8Array)) {
    throw new CryptoError('invalid_argument', 'plaintext must be a string or bytes');
  }
  const length = isString ? Buffer.byteLength(plaintext, 'utf8') : plaintext.byteLength;
  if (length > MAX_PLAINTEXT_BYTES) {
    throw new CryptoError('invalid_argument', `plaintext exceeds ${MAX_PLAINTEXT_BYTES} bytes`);
  }
  const out = Buffer.allocUnsafe(CIPHERTEXT_OVERHEAD + length);
  out[0] = CIPHERTEXT_FORMAT_V1;
  out[1] = kind;
  out.writeUInt32BE(version, 2);
  randomFillSync(out, HEADER_BYTES, NONCE_BYTES);

  const cipher = createCipheriv('aes-256-gcm', key, view(out, HEADER_BYTES, BODY_OFFSET), GCM_OPTIONS);
  cipher.setAAD(buildAad(out, binding, subjectId));
  // Strings go to OpenSSL directly: no intermediate plaintext Buffer is left behind in the heap.
  const body = isString ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
  const tail = cipher.final();
  if (body.length + tail.length !== length) {
    throw new CryptoError('invalid_argument', 'plaintext changed while it was being encrypted');
  }
  out.set(body, BODY_OFFSET);
  if (tail.length > 0) out.set(tail, BODY_OFFSET + body.length);
  out.set(cipher.getAuthTag(), BODY_OFFSET + length);
  return out;
}

/**
 * Authenticates and decrypts; returns undefined on any failure so that the caller throws its own CryptoError
 * (OpenSSL's message is dropped).
 */
function open(
  key: KeyObject | Buffer,
  ct: Uint8Array,
  binding: FieldBinding | undefined,
  subjectId: string | undefined,
): Buffer | undefined {
  const end = ct.byteLength - TAG_BYTES;
  let plaintext: Buffer | undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, copyInto(nonceScratch, ct, HEADER_BYTES), GCM_OPTIONS);
    decipher.setAAD(buildAad(ct, binding, subjectId));
    decipher.setAuthTag(copyInto(tagScratch, ct, end));
    plaintext = decipher.update(view(ct, BODY_OFFSET, end));
    const tail = decipher.final(); // throws when the tag does not verify
    return tail.length === 0 ? plaintext : Buffer.concat([plaintext, tail]);
  } catch {
    // GCM releases unverified plaintext from update(); wipe it so nothing unauthenticated lingers.
    plaintext?.fill(0);
    return undefined;
  }
}

/**
 * Scratch space for building AADs. The AAD holds only public data — the 6 header bytes and the table, column,
 * row and subject identifiers — never a key or a plaintext, so sharing one buffer is safe; and every use is
 * synchronous (setAAD copies it into OpenSSL before returning), so no two uses can interleave. Reusing it
 * instead of allocating per call takes an allocation (and its garbage) off the hot path.
 * Capacity covers the largest AAD: 6 + 4 × 4 + 3 × 1024 × 3 (binding, UTF-8 worst case) + 256 × 3 (subject).
 */
const aadScratch = Buffer.allocUnsafeSlow(16 * 1024);

/**
 * AAD = header (first 6 bytes of `source`) || lp(table) || lp(column) || lp(rowId) [|| lp(subjectId)], or for a
 * wrapped subject key header || lp(subjectId); lp(s) = uint32 BE byte length || UTF-8 bytes. Returns a view of
 * the scratch buffer, valid until the next call.
 */
function buildAad(source: Uint8Array, binding: FieldBinding | undefined, subjectId: string | undefined): Uint8Array {
  const aad = aadScratch;
  for (let i = 0; i < HEADER_BYTES; i++) aad[i] = source[i]!;
  let o = HEADER_BYTES;
  if (binding !== undefined) {
    o = putLengthPrefixed(aad, o, binding.table);
    o = putLengthPrefixed(aad, o, binding.column);
    o = putLengthPrefixed(aad, o, binding.rowId);
  }
  if (subjectId !== undefined) o = putLengthPrefixed(aad, o, subjectId);
  return view(aad, 0, o);
}

/** Writes lp(s) = uint32 BE UTF-8 byte length || UTF-8 of `s` at `offset`; returns the next offset. */
function putLengthPrefixed(aad: Buffer, offset: number, s: string): number {
  const start = offset + 4;
  const n = s.length;
  // Identifiers are nearly always ASCII (snake_case names, UUIDs): copy them in JS, which is much cheaper than
  // a native Buffer#write call on strings this short. Anything else takes the UTF-8 encoder.
  let i = 0;
  for (; i < n; i++) {
    const code = s.charCodeAt(i);
    if (code > 0x7f) break;
    aad[start + i] = code;
  }
  const bytes = i === n ? n : aad.write(s, start, 'utf8');
  aad.writeUInt32BE(bytes, offset);
  return start + bytes;
}

// Fixed-size scratch for the nonce and tag on decrypt: both are public parts of the ciphertext and OpenSSL copies
// them synchronously, so reusing two small arrays saves two short-lived views (allocation + GC) per call.
const nonceScratch = new Uint8Array(NONCE_BYTES);
const tagScratch = new Uint8Array(TAG_BYTES);

/** Copies target.length bytes of `source` from `offset` into `target`; returns `target`. */
function copyInto(target: Uint8Array, source: Uint8Array, offset: number): Uint8Array {
  for (let i = 0; i < target.length; i++) target[i] = source[offset + i]!;
  return target;
}

/** A plain Uint8Array view (cheaper than Buffer#subarray, which goes through Symbol.species). */
function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/** The uint32 BE key version at offset 2. */
function readVersion(ct: Uint8Array): number {
  return ct[2]! * 0x1000000 + ((ct[3]! << 16) | (ct[4]! << 8) | ct[5]!);
}

/**
 * Validates type, length bounds, format and kind bytes. Never throws anything but CryptoError. `where` only
 * feeds error messages, which are built lazily (this is the hot path).
 */
function checkShape(ciphertext: unknown, where: FieldBinding | string | undefined): Uint8Array {
  if (!(ciphertext instanceof Uint8Array)) {
    throw new CryptoError('malformed', `${describeInput(where)} is not a byte buffer`);
  }
  const length = ciphertext.byteLength;
  if (length < CIPHERTEXT_OVERHEAD) {
    throw new CryptoError('malformed', `${describeInput(where)} is ${length === 0 ? 'empty' : 'truncated'}`);
  }
  if (length > CIPHERTEXT_OVERHEAD + MAX_PLAINTEXT_BYTES) {
    throw new CryptoError('malformed', `${describeInput(where)} is oversized`);
  }
  if (ciphertext[0] !== CIPHERTEXT_FORMAT_V1) {
    throw new CryptoError('malformed', `${describeInput(where)} has an unknown format`);
  }
  const kind = ciphertext[1];
  if (kind !== KIND_RING && kind !== KIND_SUBJECT && kind !== KIND_SUBJECT_KEY) {
    throw new CryptoError('malformed', `${describeInput(where)} has an unknown key kind`);
  }
  if (readVersion(ciphertext) === 0) {
    throw new CryptoError('malformed', `${describeInput(where)} names key version 0`);
  }
  return ciphertext;
}

/** checkShape plus the expected key kind. */
function checkCiphertext(ciphertext: unknown, kind: number, where: FieldBinding | string): Uint8Array {
  const ct = checkShape(ciphertext, where);
  if (ct[1] !== kind) {
    throw new CryptoError(
      'wrong_binding',
      `${describeInput(where)} was made with a ${kindName(ct[1])}, expected a ${kindName(kind)}`,
    );
  }
  return ct;
}

function describeInput(where: FieldBinding | string | undefined): string {
  return where === undefined ? 'ciphertext' : typeof where === 'string' ? where : `ciphertext of ${describe(where)}`;
}

function kindName(kind: number | undefined): string {
  return kind === KIND_RING ? 'ring key' : kind === KIND_SUBJECT ? 'subject key' : 'wrapped subject key';
}

function assertFieldRing(ring: KeyRing): void {
  if (!(ring instanceof KeyRing)) throw new CryptoError('invalid_argument', 'a KeyRing is required');
  // Key separation: the blind-index key computes public search tokens and must never also encrypt.
  if (ring.purpose === BLIND_INDEX_PURPOSE) {
    throw new CryptoError('invalid_argument', 'the blind-index key ring must not be used for encryption');
  }
}

function assertBinding(binding: FieldBinding): void {
  if (
    typeof binding !== 'object' ||
    binding === null ||
    !isBoundedName(binding.table) ||
    !isBoundedName(binding.column) ||
    !isBoundedName(binding.rowId)
  ) {
    throw new CryptoError('invalid_argument', `field binding needs non-empty table, column and rowId strings (≤ ${MAX_BINDING_LENGTH} chars)`);
  }
}

function isBoundedName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_BINDING_LENGTH;
}

function assertUsableSubjectKey(subjectKey: SubjectKey): void {
  if (typeof subjectKey !== 'object' || subjectKey === null) {
    throw new CryptoError('invalid_argument', 'a subject key is required');
  }
  assertSubjectId(subjectKey.subjectId);
  assertVersion(subjectKey.version, `subject ${subjectKey.subjectId} key`);
  assertKeyBytes(subjectKey.key, `subject ${subjectKey.subjectId} key v${subjectKey.version}`);
  // destroySubjectKey() zero-fills; an all-zero key is never random output, so treat it as destroyed rather
  // than encrypt under a key every attacker knows.
  if (isAllZero(subjectKey.key)) {
    throw new CryptoError('key_destroyed', `subject ${subjectKey.subjectId} key v${subjectKey.version} was destroyed`);
  }
}

function isAllZero(key: Buffer): boolean {
  let acc = 0;
  for (let i = 0; i < key.length; i++) acc |= key[i]!;
  return acc === 0;
}

function describe(binding: FieldBinding): string {
  return `${binding.table}.${binding.column} row ${binding.rowId}`;
}

function throwMovedOrTampered(binding: FieldBinding): never {
  // Names the location, never the value: it is what an operator needs to investigate and is not PII.
  throw new CryptoError('decrypt_failed', `ciphertext does not belong to ${describe(binding)} (moved or tampered)`);
}

function toStringAndWipe(bytes: Buffer): string {
  try {
    return bytes.toString('utf8');
  } finally {
    bytes.fill(0);
  }
}
