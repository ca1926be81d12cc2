// The audit event and the exact bytes that get hashed.
//
// Every hash in the audit log (the chain and the Merkle leaves) is computed over canonicalEvent(e), so those bytes must
// be reproducible by anyone, in any language, years from now: a JCS-style (RFC 8785 subset) JSON serialization with
// sorted keys, no whitespace, strings escaped by JSON.stringify, integers only and UTF-8. A regulator can rebuild them
// with `jq -cS` (see docs/security/audit-export-format.md). Anything that would make the bytes ambiguous (fractional
// or unsafe numbers, undefined, a missing key) is refused rather than silently normalised.
import { hash as oneShotHash } from 'node:crypto';
import { leafHash } from './merkle.js';

export type AuditOutcome = 'ok' | 'denied' | 'error';

export interface AuditEventContent {
  /** 1-based, contiguous. */
  seq: number;
  /** ISO-8601 UTC with milliseconds, e.g. 2026-11-21T04:25:32.123Z. */
  time: string;
  actorType: 'staff' | 'system' | 'anonymous';
  actorId: string | null;
  actorName: string | null;
  actorIp: string | null;
  sessionIdHash: string | null;
  requestId: string | null;
  /** resource.action */
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  /** Field names touched or revealed, never values. */
  fields: string[];
  reason: string | null;
  errorCode: string | null;
}

/** A stored event: its content plus the chain link (lowercase hex, 32 bytes each). */
export interface StoredAuditEvent extends AuditEventContent {
  prevHash: string;
  hash: string;
}

/** prevHash of event 1: 32 zero bytes in hex. */
export const GENESIS_HASH = '0'.repeat(64);

// The hashed keys, in canonical (sorted by UTF-16 code unit, as JCS) order. Listing them explicitly means an extra
// property on the object (an ORM's row metadata, prevHash/hash of a stored event) can never leak into the hash.
const CONTENT_KEYS = [
  'action',
  'actorId',
  'actorIp',
  'actorName',
  'actorType',
  'errorCode',
  'fields',
  'outcome',
  'reason',
  'requestId',
  'seq',
  'sessionIdHash',
  'targetId',
  'targetType',
  'time',
] as const satisfies readonly (keyof AuditEventContent)[];

// Compile-time proof that CONTENT_KEYS names every key of AuditEventContent: adding a field without deciding
// whether it is hashed does not compile.
type MissingKey = Exclude<keyof AuditEventContent, (typeof CONTENT_KEYS)[number]>;
const allKeysListed: MissingKey extends never ? true : never = true;
void allKeysListed;

const SORTED_KEYS = [...CONTENT_KEYS].sort();
if (SORTED_KEYS.some((k, i) => k !== CONTENT_KEYS[i])) throw new Error('canonical: CONTENT_KEYS must be sorted');

const NULLABLE_STRING_KEYS = new Set<string>([
  'actorId',
  'actorName',
  'actorIp',
  'sessionIdHash',
  'requestId',
  'targetType',
  'targetId',
  'reason',
  'errorCode',
]);
const ACTOR_TYPES = new Set(['staff', 'system', 'anonymous']);
const OUTCOMES = new Set(['ok', 'denied', 'error']);
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX32_RE = /^[0-9a-f]{64}$/;
// NUL cannot be stored in a PostgreSQL text column, and a lone surrogate is silently replaced by U+FFFD when encoded
// to UTF-8 for storage: either would make the stored event hash differently from the one that was chained, i.e. a
// false tamper alarm later. Refused at hashing time instead.
const UNSTORABLE_RE = /[\u0000]|\p{Cs}/u;

/** JCS-style serialization of a JSON value: sorted keys, no whitespace, integers only; throws on anything else. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (UNSTORABLE_RE.test(value)) throw new Error('canonical: strings must not contain NUL or lone surrogates');
      // Well-formed JSON.stringify (ES2019) escapes lone surrogates, so the result is always valid UTF-8.
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new Error(`canonical: only safe integers are allowed, got ${value}`);
      // -0 would serialize as "0" and alias with 0; refuse it rather than pick.
      if (Object.is(value, -0)) throw new Error('canonical: -0 is not allowed');
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw new Error('canonical: sparse arrays are not allowed');
          out += (i ? ',' : '') + canonicalJson(value[i]);
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new Error('canonical: only plain objects are allowed');
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      keys.forEach((k, i) => {
        out += (i ? ',' : '') + canonicalJson(k) + ':' + canonicalJson(obj[k]);
      });
      return out + '}';
    }
    default:
      throw new Error(`canonical: ${typeof value} is not allowed`);
  }
}

// Validates one event and returns its canonical JSON text. Kept separate from the Buffer conversion so the
// verification hot path can write the text straight into a reusable buffer.
function canonicalEventText(e: AuditEventContent): string {
  if (e === null || typeof e !== 'object') throw new Error('canonical: event must be an object');
  const ev = e as unknown as Record<string, unknown>;
  let out = '{';
  for (let i = 0; i < CONTENT_KEYS.length; i++) {
    const key = CONTENT_KEYS[i]!;
    const v = ev[key];
    if (v === undefined) throw new Error(`canonical: ${key} is missing`);
    checkField(key, v);
    out += (i ? ',"' : '"') + key + '":' + canonicalJson(v);
  }
  return out + '}';
}

// Type checks per key. The hash is the point where an event becomes permanent, so a malformed value stops here
// instead of being hashed and discovered later by a verifier that cannot parse it.
function checkField(key: string, v: unknown): void {
  if (NULLABLE_STRING_KEYS.has(key)) {
    if (v !== null && typeof v !== 'string') throw new Error(`canonical: ${key} must be a string or null`);
    return;
  }
  switch (key) {
    case 'seq':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error('canonical: seq must be a positive integer');
      return;
    case 'time':
      if (typeof v !== 'string' || !TIME_RE.test(v)) throw new Error('canonical: time must be ISO-8601 UTC with milliseconds');
      return;
    case 'actorType':
      if (typeof v !== 'string' || !ACTOR_TYPES.has(v)) throw new Error('canonical: invalid actorType');
      return;
    case 'outcome':
      if (typeof v !== 'string' || !OUTCOMES.has(v)) throw new Error('canonical: invalid outcome');
      return;
    case 'action':
      if (typeof v !== 'string' || v.length === 0) throw new Error('canonical: action must be a non-empty string');
      return;
    case 'fields':
      if (!Array.isArray(v) || !v.every((f) => typeof f === 'string')) throw new Error('canonical: fields must be an array of strings');
      return;
    default:
      throw new Error(`canonical: unexpected key ${key}`);
  }
}

/** The deterministic UTF-8 bytes of an event's content that the chain and the Merkle tree hash. */
export function canonicalEvent(e: AuditEventContent): Buffer {
  return Buffer.from(canonicalEventText(e), 'utf8');
}

/** True when s is a lowercase hex SHA-256 value (the form stored in prevHash/hash). */
export function isHashHex(s: unknown): s is string {
  return typeof s === 'string' && HEX32_RE.test(s);
}

/** Chain hash: hex SHA-256(prevHash as 32 raw bytes || canonicalEvent(e)). */
export function chainHash(prevHashHex: string, e: AuditEventContent): string {
  return hashEvent(prevHashHex, e).hash;
}

/** Merkle leaf hash of an event: leafHash(canonicalEvent(e)). */
export function eventLeafHash(e: AuditEventContent): Buffer {
  return leafHash(canonicalEvent(e));
}

// Scratch layout: [0..32) previous hash, [32..) canonical bytes. The chain hash covers [0, 32+len); the leaf hash
// reuses the same bytes by writing its 0x00 prefix at offset 31 once the chain hash is taken. One serialization and
// no per-event buffer allocation: this is the hot path of verifying a million events.
let scratch = Buffer.alloc(4096);

/** Chain hash and Merkle leaf hash of an event from a single serialization (the verifier's hot path). */
export function hashEvent(prevHashHex: string, e: AuditEventContent): { hash: string; leafHash: Buffer } {
  if (!isHashHex(prevHashHex)) throw new Error('canonical: prevHash must be 64 lowercase hex characters');
  const text = canonicalEventText(e);
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  const maxLen = 32 + text.length * 3;
  if (maxLen > scratch.length) scratch = Buffer.alloc(2 * maxLen);
  scratch.write(prevHashHex, 0, 'hex');
  const len = scratch.write(text, 32, 'utf8');
  const hash = oneShotHash('sha256', scratch.subarray(0, 32 + len), 'hex');
  scratch[31] = 0x00;
  const leaf = oneShotHash('sha256', scratch.subarray(31, 32 + len), 'buffer');
  return { hash, leafHash: leaf };
}
