// Blind indexes: deterministic search tokens for exact-match lookups over encrypted fields.
//
// token = HMAC-SHA256(blind-index key, "bulwark-bidx/1" || 0x00 || lp(kind) || NFKC-casefolded value)
//
// - Its own key (the 'blind-index' ring), never an encryption key: tokens are stored next to the ciphertext and
//   are deterministic by design, so the key that makes them must not also protect confidentiality.
// - Domain-separated per field kind: the same e-mail in `trader.email` and in `support_ticket.contact_email`
//   gives unrelated tokens, so equal values cannot be linked across columns by comparing tokens.
// - What it leaks: equality. Anyone who can read the index column learns which rows share a value (and how
//   many do), though not the value. Without the key, tokens cannot be computed for guessed values; with the
//   key, low-entropy values (birth dates, country codes) are brute-forceable — do not index those.
// - Output: the full 32-byte HMAC. Truncation (CipherSweet-style) only reduces leakage when tokens are so short
//   that many values share one (≈16–32 bits), which turns every lookup into "fetch the candidates and decrypt
//   them to filter". For the identifiers Bulwark indexes (e-mail, phone, document number, wallet address) exact
//   matches with a unique index matter more, and a full token has no false positives. Change it consciously.

import { createHmac } from 'node:crypto';

import { CryptoError } from './errors.js';
import { BLIND_INDEX_PURPOSE, DATA_KEY_BYTES, KeyRing, getRingEntry, type DataKey } from './key-ring.js';

/** Length of a blind-index token in bytes. */
export const BLIND_INDEX_BYTES = 32;
const DOMAIN = Buffer.from('bulwark-bidx/1\u0000', 'utf8');
const KIND_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;
/** Longest input accepted; indexed identifiers are short, and the bound caps normalisation work. */
export const MAX_INDEXED_LENGTH = 8192;
const LONE_SURROGATE = /\p{Cs}/u;
const WHITESPACE_RUN = /\s+/gu;

/**
 * Normalises a value for indexing: Unicode NFKC, case-folded, trimmed, internal whitespace runs collapsed to one
 * space.
 */
export function normaliseForIndex(value: string): string {
  if (typeof value !== 'string') {
    throw new CryptoError('invalid_argument', 'blind index input must be a string');
  }
  if (value.length > MAX_INDEXED_LENGTH) {
    throw new CryptoError('invalid_argument', `blind index input exceeds ${MAX_INDEXED_LENGTH} characters`);
  }
  // Lone surrogates would be encoded as U+FFFD, so different broken strings would collide on one token.
  if (LONE_SURROGATE.test(value)) {
    throw new CryptoError('invalid_argument', 'blind index input is not well-formed Unicode (lone surrogate)');
  }
  // 1. NFKC folds compatibility forms: full-width 'ＡＢＣ' → 'ABC', the ligature 'ﬁ' → 'fi', '①' → '1',
  //    non-breaking and ideographic spaces → ' '.
  // 2. Case folding. JavaScript has no full Unicode case folding; lower → upper → lower approximates it and
  //    catches what toLowerCase() alone misses: 'ß', 'ẞ' and 'SS' all become 'ss' (the first lowering turns
  //    capital 'ẞ' into 'ß', whose upper case is 'SS'), and Greek 'σ'/'ς'/'Σ' are made consistent (final sigma
  //    is re-derived from one upper-case form).
  //    Both methods are locale-independent (Unicode default mappings). toLocaleLowerCase() is deliberately not
  //    used: with the server's locale, tokens would depend on the machine's settings (Turkish 'I' → 'ı'), and
  //    toLocaleLowerCase('und') (root locale) equals toLowerCase() where ICU is present while depending on the
  //    ICU build where it is not. Known limit: 'İ' (dotted capital I) folds to 'i̇' (i + U+0307), not 'i'.
  // 3. NFKC again: case mapping can produce unnormalised sequences.
  // 4. Whitespace (any Unicode White_Space, as \s matches it) trimmed and runs collapsed: 'a  b' = 'a b'.
  //    Zero-width characters (U+200B, U+200D…) are not whitespace and are kept — reject them at input validation
  //    where they matter.
  return value
    .normalize('NFKC')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/** Computes the 32-byte blind index of `value` for field kind `kind` (e.g. 'email'). */
export function blindIndex(key: KeyRing | DataKey | Buffer, kind: string, value: string): Buffer {
  return computeIndex(resolveKey(key), kind, value);
}

/** Tokens of `value` under every version of the blind-index ring, active first (lookups during a rotation). */
export function blindIndexAllVersions(ring: KeyRing, kind: string, value: string): Buffer[] {
  assertIndexRing(ring);
  return ring.versions
    .map((v) => v.version)
    .sort((a, b) => b - a)
    .map((version) => computeIndex(ring.get(version).key, kind, value));
}

function computeIndex(key: Buffer, kind: string, value: string): Buffer {
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind)) {
    throw new CryptoError('invalid_argument', 'blind index kind must match /^[a-z][a-z0-9_.-]{0,62}$/');
  }
  const normalised = normaliseForIndex(value);
  if (normalised.length === 0) {
    // An empty token would make every empty value match every other; store NULL instead of indexing nothing.
    throw new CryptoError('invalid_argument', `blind index input for "${kind}" is empty after normalisation`);
  }
  const kindBytes = Buffer.from(kind, 'utf8');
  const kindLength = Buffer.alloc(4);
  kindLength.writeUInt32BE(kindBytes.length, 0);
  // The kind is length-prefixed and the value runs to the end of the message, so (kind, value) pairs cannot
  // collide by moving bytes across the boundary.
  return createHmac('sha256', key).update(DOMAIN).update(kindLength).update(kindBytes).update(normalised, 'utf8').digest();
}

function resolveKey(key: KeyRing | DataKey | Buffer): Buffer {
  if (key instanceof KeyRing) {
    assertIndexRing(key);
    return getRingEntry(key, key.activeVersion).dataKey.key;
  }
  const bytes = Buffer.isBuffer(key) ? key : (key as DataKey | undefined)?.key;
  if (!Buffer.isBuffer(bytes) || bytes.length !== DATA_KEY_BYTES) {
    throw new CryptoError('invalid_argument', `blind index key must be ${DATA_KEY_BYTES} bytes`);
  }
  return bytes;
}

function assertIndexRing(ring: KeyRing): void {
  if (!(ring instanceof KeyRing)) throw new CryptoError('invalid_argument', 'a KeyRing is required');
  // Key separation: an encryption ring passed here would turn its key into a public-token oracle.
  if (ring.purpose !== BLIND_INDEX_PURPOSE) {
    throw new CryptoError('invalid_argument', `blind indexes need the "${BLIND_INDEX_PURPOSE}" key ring, not "${ring.purpose}"`);
  }
}
