// Versioned data-encryption keys (DEKs) and per-subject data keys.
//
// Hierarchy: the KeyProvider's master key wraps ring DEKs (one ring per purpose: 'field' for field encryption,
// 'blind-index' for search tokens, …); the 'field' ring's active DEK wraps the per-trader subject keys (see
// envelope.ts). Keys in memory live in KeyRing instances and in SubjectKey objects owned by the caller — never
// in module globals — so a wiped or discarded ring takes its keys with it.

import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

import { CryptoError } from './errors.js';
import type { KeyProvider } from './keys/key-provider.js';

/** Length of every data key (AES-256 / HMAC-SHA256 key). */
export const DATA_KEY_BYTES = 32;
/** Key versions are stored as uint32 in ciphertext headers; 0 is never a valid version. */
export const MAX_KEY_VERSION = 0xffff_ffff;
/** Ring purpose used for field encryption and for wrapping subject keys. */
export const FIELD_PURPOSE = 'field';
/** Ring purpose of blind-index (HMAC) keys; such a ring is refused for encryption and vice versa. */
export const BLIND_INDEX_PURPOSE = 'blind-index';

const PURPOSE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** Whether a ring key encrypts new data ('active', exactly one per ring) or only decrypts old data ('retired'). */
export type KeyStatus = 'active' | 'retired';

/** One version of a ring's data-encryption key. */
export interface DataKey {
  readonly version: number;
  readonly key: Buffer;
  readonly status: KeyStatus;
}

/** A per-subject (per-trader) data key; destroying it makes that subject's data unreadable (crypto-shredding). */
export interface SubjectKey {
  readonly subjectId: string;
  readonly version: number;
  readonly key: Buffer;
}

/** A ring DEK as stored in the database: wrapped by the KeyProvider. */
export interface StoredDataKey {
  readonly version: number;
  readonly status: KeyStatus;
  readonly wrappedKey: Uint8Array;
}

/** Version and status of a ring key, without key material (for status output). */
export interface KeyVersionInfo {
  readonly version: number;
  readonly status: KeyStatus;
}

interface RingEntry {
  readonly dataKey: DataKey;
  // Ciphers take the KeyObject: it is created once per ring, not per call, and cannot be printed by accident.
  readonly keyObject: KeyObject;
}

// Filled by KeyRing's static block: lets envelope.ts reach a ring's KeyObject without making it a public member.
let ringEntry!: (ring: KeyRing, version: number) => RingEntry;

/** A purpose's versioned DEKs: the highest version is active and encrypts; every held version decrypts. */
export class KeyRing {
  /** What this ring's keys are for ('field', 'blind-index', …); part of the provider wrap context. */
  readonly purpose: string;
  /** Version that new encryptions use. */
  readonly activeVersion: number;
  readonly #entries = new Map<number, RingEntry>();
  #destroyed = false;

  static {
    ringEntry = (ring, version) => ring.#entry(version);
  }

  /** Builds a ring from its keys (copied); exactly one must be active and it must be the highest version. */
  constructor(keys: readonly DataKey[], options: { purpose?: string } = {}) {
    const purpose = options.purpose ?? FIELD_PURPOSE;
    assertPurpose(purpose);
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new CryptoError('invalid_argument', `key ring "${purpose}" needs at least one key`);
    }
    let active: number | undefined;
    let highest = 0;
    for (const k of keys) {
      assertVersion(k?.version, `key ring "${purpose}"`);
      assertKeyBytes(k.key, `key ring "${purpose}" v${k.version}`);
      if (k.status !== 'active' && k.status !== 'retired') {
        throw new CryptoError('invalid_argument', `key ring "${purpose}" v${k.version} has an unknown status`);
      }
      if (this.#entries.has(k.version)) {
        throw new CryptoError('invalid_argument', `key ring "${purpose}" holds v${k.version} twice`);
      }
      if (k.status === 'active') {
        if (active !== undefined) {
          throw new CryptoError('invalid_argument', `key ring "${purpose}" has more than one active key (v${active}, v${k.version})`);
        }
        active = k.version;
      }
      highest = Math.max(highest, k.version);
      // Copy into a non-pooled buffer: the caller may wipe or reuse its own buffer, and pooled small Buffers
      // share one ArrayBuffer with unrelated data.
      const key = copyKey(k.key);
      this.#entries.set(k.version, {
        dataKey: Object.freeze({ version: k.version, key, status: k.status }),
        keyObject: createSecretKey(key),
      });
    }
    if (active === undefined) {
      throw new CryptoError('invalid_argument', `key ring "${purpose}" has no active key`);
    }
    if (active !== highest) {
      // New data must always go to the newest key; an older active key would mean a rotation went backwards.
      throw new CryptoError('invalid_argument', `key ring "${purpose}": active key v${active} is not the highest version (v${highest})`);
    }
    this.purpose = purpose;
    this.activeVersion = active;
  }

  /** The active key (encrypts new values). */
  get active(): DataKey {
    return this.get(this.activeVersion);
  }

  /** The key of `version`; throws CryptoError('unknown_key_version') when the ring does not hold it. */
  get(version: number): DataKey {
    return this.#entry(version).dataKey;
  }

  /** True when the ring holds `version`. */
  has(version: number): boolean {
    return !this.#destroyed && this.#entries.has(version);
  }

  /** Versions and statuses, ascending, without key material. */
  get versions(): readonly KeyVersionInfo[] {
    return [...this.#entries.values()]
      .map((e) => ({ version: e.dataKey.version, status: e.dataKey.status }))
      .sort((a, b) => a.version - b.version);
  }

  /** True once destroy() was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Wipes the ring's key copies; every later use throws CryptoError('key_destroyed'). */
  destroy(): void {
    for (const e of this.#entries.values()) e.dataKey.key.fill(0);
    this.#entries.clear();
    this.#destroyed = true;
  }

  /** Safe description for logs and JSON: purpose and versions, never keys. */
  toJSON(): { purpose: string; activeVersion: number; versions: readonly KeyVersionInfo[] } {
    return { purpose: this.purpose, activeVersion: this.activeVersion, versions: this.versions };
  }

  /** console.log / util.inspect show the same safe description. */
  [inspect.custom](): string {
    return `KeyRing ${JSON.stringify(this.toJSON())}`;
  }

  #entry(version: number): RingEntry {
    if (this.#destroyed) {
      throw new CryptoError('key_destroyed', `key ring "${this.purpose}" was destroyed`);
    }
    const entry = this.#entries.get(version);
    if (entry === undefined) {
      throw new CryptoError('unknown_key_version', `key ring "${this.purpose}" has no key v${version}`);
    }
    return entry;
  }
}

/** Internal (crypto core only): the ring entry with its KeyObject for `version`. */
export function getRingEntry(ring: KeyRing, version: number): { readonly dataKey: DataKey; readonly keyObject: KeyObject } {
  if (!(ring instanceof KeyRing)) throw new CryptoError('invalid_argument', 'a KeyRing is required');
  return ringEntry(ring, version);
}

/** Generates a fresh random data key of `version`. */
export function generateDataKey(version: number, status: KeyStatus = 'active'): DataKey {
  assertVersion(version, 'new data key');
  return Object.freeze({ version, key: randomBytes(DATA_KEY_BYTES), status });
}

/** Returns a new ring with a fresh active key (previous active becomes retired) and that key, to be wrapped and stored. */
export function rotateKeyRing(ring: KeyRing): { ring: KeyRing; added: DataKey } {
  const nextVersion = ring.activeVersion + 1;
  if (nextVersion > MAX_KEY_VERSION) {
    throw new CryptoError('invalid_argument', `key ring "${ring.purpose}" has no version left after v${ring.activeVersion}`);
  }
  const added = generateDataKey(nextVersion, 'active');
  const keys: DataKey[] = ring.versions.map(({ version }) => ({ version, key: ring.get(version).key, status: 'retired' }));
  keys.push(added);
  return { ring: new KeyRing(keys, { purpose: ring.purpose }), added };
}

/** Generates a fresh random subject (trader) key. */
export function generateSubjectKey(subjectId: string, version = 1): SubjectKey {
  assertSubjectId(subjectId);
  assertVersion(version, `subject ${subjectId} key`);
  return Object.freeze({ subjectId, version, key: randomBytes(DATA_KEY_BYTES) });
}

/** Wipes a subject key in memory; the caller must also delete its wrapped copy to complete crypto-shredding. */
export function destroySubjectKey(subjectKey: SubjectKey): void {
  subjectKey.key.fill(0);
}

/** The provider wrap context of a ring DEK: 'ring-dek/<purpose>/v<version>'. */
export function ringKeyContext(purpose: string, version: number): string {
  assertPurpose(purpose);
  assertVersion(version, `key ring "${purpose}"`);
  // Binding purpose and version means a wrapped DEK swapped between rows of the key table fails to unwrap.
  return `ring-dek/${purpose}/v${version}`;
}

/** Wraps a ring DEK with the provider for storage. */
export async function wrapDataKey(provider: KeyProvider, purpose: string, dataKey: DataKey): Promise<Buffer> {
  assertKeyBytes(dataKey.key, `key ring "${purpose}" v${dataKey.version}`);
  return provider.wrap(dataKey.key, ringKeyContext(purpose, dataKey.version));
}

/** Unwraps a stored ring DEK with the provider. */
export async function unwrapDataKey(provider: KeyProvider, purpose: string, stored: StoredDataKey): Promise<DataKey> {
  const context = ringKeyContext(purpose, stored.version);
  if (!(stored.wrappedKey instanceof Uint8Array)) {
    throw new CryptoError('malformed', `wrapped key of "${context}" is not a byte buffer`);
  }
  const key = await provider.unwrap(toBuffer(stored.wrappedKey), context);
  if (key.length !== DATA_KEY_BYTES) {
    key.fill(0);
    throw new CryptoError('malformed', `unwrapped key of "${context}" is not ${DATA_KEY_BYTES} bytes`);
  }
  return Object.freeze({ version: stored.version, key, status: stored.status });
}

/** Unwraps every stored DEK of a purpose and builds its ring (temporaries are wiped; the ring keeps copies). */
export async function loadKeyRing(provider: KeyProvider, purpose: string, stored: readonly StoredDataKey[]): Promise<KeyRing> {
  const keys: DataKey[] = [];
  try {
    for (const s of stored) keys.push(await unwrapDataKey(provider, purpose, s));
    return new KeyRing(keys, { purpose });
  } finally {
    for (const k of keys) k.key.fill(0);
  }
}

/** Internal: throws unless `version` is an integer in 1..2^32-1. */
export function assertVersion(version: unknown, what: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_KEY_VERSION) {
    throw new CryptoError('invalid_argument', `${what}: key version must be an integer in 1..${MAX_KEY_VERSION}`);
  }
}

/** Internal: throws unless `key` is a 32-byte Buffer. */
export function assertKeyBytes(key: unknown, what: string): asserts key is Buffer {
  if (!Buffer.isBuffer(key) || key.length !== DATA_KEY_BYTES) {
    throw new CryptoError('invalid_argument', `${what}: key must be a ${DATA_KEY_BYTES}-byte Buffer`);
  }
}

/** Internal: throws unless `subjectId` is a usable, bounded identifier. */
export function assertSubjectId(subjectId: unknown): asserts subjectId is string {
  if (typeof subjectId !== 'string' || subjectId.length === 0 || subjectId.length > 256) {
    throw new CryptoError('invalid_argument', 'subject id must be a non-empty string of at most 256 characters');
  }
}

function assertPurpose(purpose: unknown): asserts purpose is string {
  // A restricted alphabet keeps '/' out, so 'ring-dek/<purpose>/v<n>' contexts cannot collide.
  if (typeof purpose !== 'string' || !PURPOSE_PATTERN.test(purpose)) {
    throw new CryptoError('invalid_argument', 'key ring purpose must match /^[a-z][a-z0-9-]{0,62}$/');
  }
}

function copyKey(key: Buffer): Buffer {
  const copy = Buffer.alloc(key.length);
  key.copy(copy);
  return copy;
}

/** Internal: views a Uint8Array (PGlite returns bytea as Uint8Array) as a Buffer without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
