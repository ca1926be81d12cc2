// The vault: the key rings and subject keys as the application uses them, backed by the crypto_key and
// subject_key tables. Data keys are stored wrapped by the KeyProvider (master key) and live unwrapped only
// in this process's memory. Feature code sees encrypt/decrypt/blind-index calls, never a key.
import { createHmac, createPrivateKey, createPublicKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { formatVerifierKey, generateSigningKey } from '../audit/checkpoint.js';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { blindIndex } from './blind-index.js';
import {
  decryptString,
  decryptStringForSubject,
  encryptField,
  encryptForSubject,
  parseHeader,
  reencryptField,
  unwrapSubjectKey,
  wrapSubjectKey,
  type FieldBinding,
} from './envelope.js';
import { CryptoError, isCryptoError } from './errors.js';
import {
  BLIND_INDEX_PURPOSE,
  FIELD_PURPOSE,
  generateDataKey,
  generateSubjectKey,
  loadKeyRing,
  wrapDataKey,
  type KeyRing,
  type SubjectKey,
} from './key-ring.js';
import type { KeyProvider } from './keys/key-provider.js';

export const SIGNING_PURPOSE = 'audit-signing';

/** Columns encrypted under the field ring (not under a subject key): re-encrypted on rotation. */
export const RING_ENCRYPTED_COLUMNS = [
  { table: 'staff', column: 'email_ct', id: 'id' },
  { table: 'staff', column: 'totp_secret_ct', id: 'id' },
  { table: 'bootstrap_token', column: 'pending_totp_ct', id: 'id' },
  { table: 'staff_invitation', column: 'email_ct', id: 'id' },
  { table: 'staff_invitation', column: 'pending_totp_ct', id: 'id' },
  { table: 'email_outbox', column: 'to_ct', id: 'id' },
  { table: 'email_outbox', column: 'body_ct', id: 'id' },
  { table: 'exchange_connection', column: 'secret_ct', id: 'id' },
] as const;

/** A handle that can read and write the key tables: the platform's handle or an audited transaction. */
type KeyDb = Kysely<DB>;

export class Vault {
  private constructor(
    private readonly db: Kysely<DB>,
    private readonly provider: KeyProvider,
    private readonly clock: Clock,
    private fieldRing: KeyRing,
    private indexRing: KeyRing,
    /** Ed25519 key that signs audit checkpoints. */
    readonly signingKey: KeyObject,
    readonly verifierKey: string,
  ) {}

  /** Loads the rings (creating version 1 of each on first start) and the checkpoint signing key. */
  static async open(opts: { db: Kysely<DB>; provider: KeyProvider; clock: Clock; origin: string }): Promise<Vault> {
    const { db, provider, clock } = opts;
    const field = await loadOrCreateRing(db, provider, clock, FIELD_PURPOSE);
    const index = await loadOrCreateRing(db, provider, clock, BLIND_INDEX_PURPOSE);
    const signing = await loadOrCreateSigningKey(db, provider, clock);
    const publicRaw = createPublicKey(signing).export({ format: 'jwk' }).x!;
    const verifierKey = formatVerifierKey(opts.origin, Buffer.from(publicRaw, 'base64url'));
    return new Vault(db, provider, clock, field, index, signing, verifierKey);
  }

  /** Where the master key lives (for status output). */
  get providerId(): string {
    return this.provider.id;
  }

  get activeFieldVersion(): number {
    return this.fieldRing.activeVersion;
  }

  /** Encrypts a value under the field ring, bound to its table, column and row. */
  encrypt(binding: FieldBinding, value: string | Uint8Array): Buffer {
    return encryptField(this.fieldRing, binding, value);
  }

  /** Decrypts a field-ring value; reloads the ring once if another process rotated in the meantime. */
  async decrypt(binding: FieldBinding, ciphertext: Uint8Array): Promise<string> {
    try {
      return decryptString(this.fieldRing, binding, ciphertext);
    } catch (err) {
      if (!isCryptoError(err, 'unknown_key_version')) throw err;
      await this.reload();
      return decryptString(this.fieldRing, binding, ciphertext);
    }
  }

  /** Exact-match search token for a value of the given kind (email, phone, name, wallet…). */
  blindIndex(kind: string, value: string): Buffer {
    return blindIndex(this.indexRing, kind, value);
  }

  /**
   * HMAC-SHA256 of data for one purpose (e.g. signed links), under a key derived by HKDF from the blind-index
   * ring's active key and the purpose: never the blind-index key itself, and a MAC of one purpose is never valid
   * for another.
   */
  mac(purpose: string, data: string): Buffer {
    return macUnder(this.indexRing.get(this.indexRing.activeVersion).key, purpose, data);
  }

  /** True when tag is data's MAC for purpose under any held ring version (a rotation keeps old links valid); constant-time. */
  verifyMac(purpose: string, data: string, tag: Uint8Array): boolean {
    let ok = false;
    for (const { version } of this.indexRing.versions) {
      const expected = macUnder(this.indexRing.get(version).key, purpose, data);
      // No early exit: every version is tried, so the time taken does not tell which one matched.
      if (tag.length === expected.length && timingSafeEqual(expected, tag)) ok = true;
    }
    return ok;
  }

  /** The subject's current data key, created on first use. Runs in the caller's transaction. */
  async subjectKey(tx: KeyDb, subjectId: string, opts: { create: boolean }): Promise<SubjectKey> {
    const row = await tx
      .selectFrom('subject_key')
      .select(['version', 'wrapped', 'destroyed_at'])
      .where('subject_id', '=', subjectId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row || !opts.create) return this.subjectKeyFromRow(subjectId, row);
    const key = generateSubjectKey(subjectId, 1);
    await tx
      .insertInto('subject_key')
      .values({
        subject_id: subjectId,
        version: 1,
        ring_version: this.fieldRing.activeVersion,
        wrapped: wrapSubjectKey(this.fieldRing, key),
        created_at: this.clock.now(),
      })
      .execute();
    return key;
  }

  /**
   * The current data keys of many subjects in one query (a batch of events or alerts); a subject without a key gets
   * one created, a subject whose key was destroyed (erased) maps to null.
   */
  async subjectKeys(tx: KeyDb, subjectIds: readonly string[]): Promise<Map<string, SubjectKey | null>> {
    const out = new Map<string, SubjectKey | null>();
    if (subjectIds.length === 0) return out;
    const rows = await tx
      .selectFrom('subject_key')
      .select(['subject_id', 'wrapped'])
      .distinctOn('subject_id')
      .where('subject_id', 'in', subjectIds)
      .orderBy('subject_id')
      .orderBy('version', 'desc')
      .execute();
    const latest = new Map(rows.map((r) => [r.subject_id, r.wrapped] as const));
    for (const id of new Set(subjectIds)) {
      if (!latest.has(id)) out.set(id, await this.subjectKey(tx, id, { create: true }));
      else {
        const wrapped = latest.get(id);
        out.set(id, wrapped ? await this.unwrapSubject(id, wrapped) : null);
      }
    }
    return out;
  }

  /**
   * Creates the data keys of many new subjects in one statement (bulk imports and benchmarks); the caller
   * guarantees the subjects are new (the primary key refuses a second version 1).
   */
  async createSubjectKeys(tx: KeyDb, subjectIds: readonly string[]): Promise<Map<string, SubjectKey>> {
    const out = new Map<string, SubjectKey>();
    if (subjectIds.length === 0) return out;
    const now = this.clock.now();
    const rows = subjectIds.map((id) => {
      const key = generateSubjectKey(id, 1);
      out.set(id, key);
      return { subject_id: id, version: 1, ring_version: this.fieldRing.activeVersion, wrapped: wrapSubjectKey(this.fieldRing, key), created_at: now };
    });
    await tx.insertInto('subject_key').values(rows).execute();
    return out;
  }

  /**
   * The subject's data key from the latest subject_key row the caller already read (one query fewer when it
   * was joined to the subject's own row); throws like subjectKey for a destroyed key or none at all.
   */
  async subjectKeyFromRow(subjectId: string, row: { wrapped: Uint8Array | null } | null | undefined): Promise<SubjectKey> {
    if (row && row.wrapped) return this.unwrapSubject(subjectId, row.wrapped);
    if (row && !row.wrapped) throw new CryptoError('key_destroyed', `the data key of subject ${subjectId} was destroyed`);
    throw new CryptoError('unknown_key_version', `subject ${subjectId} has no data key`);
  }

  /** Encrypts a value under the subject's own key (crypto-shredding destroys it). */
  encryptForSubject(key: SubjectKey, binding: FieldBinding, value: string | Uint8Array): Buffer {
    return encryptForSubject(key, binding, value);
  }

  /** Decrypts a value encrypted under the subject's key. */
  decryptForSubject(key: SubjectKey, binding: FieldBinding, ciphertext: Uint8Array): string {
    return decryptStringForSubject(key, binding, ciphertext);
  }

  private async unwrapSubject(subjectId: string, wrapped: Uint8Array): Promise<SubjectKey> {
    try {
      return unwrapSubjectKey(this.fieldRing, subjectId, wrapped);
    } catch (err) {
      if (!isCryptoError(err, 'unknown_key_version')) throw err;
      await this.reload();
      return unwrapSubjectKey(this.fieldRing, subjectId, wrapped);
    }
  }

  /** Re-reads the rings from the database (after a rotation by another process). */
  async reload(): Promise<void> {
    this.fieldRing = await loadOrCreateRing(this.db, this.provider, this.clock, FIELD_PURPOSE);
    this.indexRing = await loadOrCreateRing(this.db, this.provider, this.clock, BLIND_INDEX_PURPOSE);
  }

  /**
   * Adds a new field-ring version, makes it active and retires the others, in the caller's transaction.
   * Call reload() after that transaction commits. Returns the new version.
   */
  async addFieldVersion(trx: KeyDb): Promise<number> {
    {
      await sql`lock table crypto_key in share row exclusive mode`.execute(trx);
      const max = await trx
        .selectFrom('crypto_key')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('purpose', '=', FIELD_PURPOSE)
        .executeTakeFirst();
      const next = Number(max?.v ?? 0) + 1;
      const key = generateDataKey(next, 'active');
      try {
        await trx
          .updateTable('crypto_key')
          .set({ status: 'retired', retired_at: this.clock.now() })
          .where('purpose', '=', FIELD_PURPOSE)
          .where('status', '=', 'active')
          .execute();
        await trx
          .insertInto('crypto_key')
          .values({
            purpose: FIELD_PURPOSE,
            version: next,
            wrapped: await wrapDataKey(this.provider, FIELD_PURPOSE, key),
            status: 'active',
            provider_id: this.provider.id,
            created_at: this.clock.now(),
          })
          .execute();
      } finally {
        key.key.fill(0);
      }
      return next;
    }
  }

  /** Re-wraps one subject key under the active ring version. */
  rewrapSubject(subjectId: string, wrapped: Uint8Array): Buffer {
    const key = unwrapSubjectKey(this.fieldRing, subjectId, wrapped);
    try {
      return wrapSubjectKey(this.fieldRing, key);
    } finally {
      key.key.fill(0);
    }
  }

  /** Re-encrypts one field-ring value under the active version. */
  reencrypt(binding: FieldBinding, ciphertext: Uint8Array): Buffer {
    return reencryptField(this.fieldRing, binding, ciphertext);
  }

  /** Key version a stored ciphertext was made with. */
  static versionOf(ciphertext: Uint8Array): number {
    return parseHeader(ciphertext).version;
  }
}

const MAC_PURPOSE = /^[a-z][a-z0-9.-]{0,62}$/;
const MAC_SALT = Buffer.from('bulwark-mac/1', 'utf8');

function macUnder(ringKey: Buffer, purpose: string, data: string): Buffer {
  if (!MAC_PURPOSE.test(purpose)) throw new CryptoError('invalid_argument', 'mac purpose must match /^[a-z][a-z0-9.-]{0,62}$/');
  const key = Buffer.from(hkdfSync('sha256', ringKey, MAC_SALT, `mac/${purpose}`, 32));
  try {
    return createHmac('sha256', key).update(data, 'utf8').digest();
  } finally {
    key.fill(0);
  }
}

async function loadOrCreateRing(db: Kysely<DB>, provider: KeyProvider, clock: Clock, purpose: string): Promise<KeyRing> {
  let rows = await db.selectFrom('crypto_key').selectAll().where('purpose', '=', purpose).orderBy('version').execute();
  if (rows.length === 0) {
    const key = generateDataKey(1, 'active');
    try {
      await db
        .insertInto('crypto_key')
        .values({
          purpose,
          version: 1,
          wrapped: await wrapDataKey(provider, purpose, key),
          status: 'active',
          provider_id: provider.id,
          created_at: clock.now(),
        })
        // Two processes starting at once: the first insert wins, the second reads it back.
        .onConflict((oc) => oc.doNothing())
        .execute();
    } finally {
      key.key.fill(0);
    }
    rows = await db.selectFrom('crypto_key').selectAll().where('purpose', '=', purpose).orderBy('version').execute();
  }
  return loadKeyRing(
    provider,
    purpose,
    rows.map((r) => ({ version: r.version, status: r.status as 'active' | 'retired', wrappedKey: r.wrapped })),
  );
}

async function loadOrCreateSigningKey(db: Kysely<DB>, provider: KeyProvider, clock: Clock): Promise<KeyObject> {
  const context = `${SIGNING_PURPOSE}/v1`;
  let row = await db
    .selectFrom('crypto_key')
    .select('wrapped')
    .where('purpose', '=', SIGNING_PURPOSE)
    .where('version', '=', 1)
    .executeTakeFirst();
  if (!row) {
    const { privateKeyPkcs8 } = generateSigningKey();
    try {
      await db
        .insertInto('crypto_key')
        .values({
          purpose: SIGNING_PURPOSE,
          version: 1,
          wrapped: await provider.wrap(privateKeyPkcs8, context),
          status: 'active',
          provider_id: provider.id,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    } finally {
      privateKeyPkcs8.fill(0);
    }
    row = await db
      .selectFrom('crypto_key')
      .select('wrapped')
      .where('purpose', '=', SIGNING_PURPOSE)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
  }
  const pkcs8 = await provider.unwrap(Buffer.from(row.wrapped), context);
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } finally {
    pkcs8.fill(0);
  }
}
