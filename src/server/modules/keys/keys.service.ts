// Key status and rotation. Rotation adds a field-ring version (new writes use it at once), then, in the
// background, re-wraps every subject key and re-encrypts every value still under an older version. Readers
// keep working throughout: ciphertexts name their key version, and old versions stay until nothing uses them.
import { sql, type Kysely } from 'kysely';
import { FIELD_PURPOSE } from '../../platform/crypto/key-ring.js';
import { RING_ENCRYPTED_COLUMNS, Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import type { Audited } from '../../platform/audit/writer.js';
import { systemContext, type ActorContext } from '../../platform/http/request-context.js';

const BATCH = 500;

export interface KeysServiceDeps {
  audited: Audited;
  /** Platform handle: key bookkeeping is not trader data. */
  db: Kysely<DB>;
  vault: Vault;
}

export interface KeyStatus {
  provider: string;
  rings: { purpose: string; version: number; status: string; createdAt: string; retiredAt: string | null }[];
  /** Values per field-ring version: ring-encrypted columns and wrapped subject keys. */
  usage: { version: number; values: number; subjectKeys: number }[];
  subjectKeys: { live: number; destroyed: number };
}

export interface RotationProgress {
  phase: 'subject-keys' | 'values';
  done: number;
  total: number;
}

// Bytes 3..6 of a ciphertext header hold the key version (big-endian): format, kind, version.
const versionExpr = (col: string) =>
  sql<number>`((get_byte(${sql.ref(col)}, 2) << 24) | (get_byte(${sql.ref(col)}, 3) << 16) | (get_byte(${sql.ref(col)}, 4) << 8) | get_byte(${sql.ref(col)}, 5))`;

export type KeysService = ReturnType<typeof createKeysService>;

/** Creates the key management service. */
export function createKeysService(d: KeysServiceDeps) {
  const service = {
    /** Versions per ring and how many values still use each (no key material). */
    async status(): Promise<KeyStatus> {
      const rings = await d.db.selectFrom('crypto_key').select(['purpose', 'version', 'status', 'created_at', 'retired_at']).orderBy('purpose').orderBy('version').execute();
      const counts = new Map<number, { values: number; subjectKeys: number }>();
      const bump = (v: number, k: 'values' | 'subjectKeys', n: number) => {
        const e = counts.get(v) ?? { values: 0, subjectKeys: 0 };
        e[k] += n;
        counts.set(v, e);
      };
      for (const c of RING_ENCRYPTED_COLUMNS) {
        const rows = await sql<{ v: number; n: string | number }>`
          select ${versionExpr(c.column)} as v, count(*) as n from ${sql.table(c.table)}
          where ${sql.ref(c.column)} is not null group by 1`.execute(d.db);
        for (const r of rows.rows) bump(Number(r.v), 'values', Number(r.n));
      }
      const sk = await d.db
        .selectFrom('subject_key')
        .select(['ring_version', (eb) => eb.fn.countAll().as('n')])
        .where('wrapped', 'is not', null)
        .groupBy('ring_version')
        .execute();
      for (const r of sk) bump(r.ring_version, 'subjectKeys', Number(r.n));
      const destroyed = await d.db.selectFrom('subject_key').select((eb) => eb.fn.countAll().as('n')).where('wrapped', 'is', null).executeTakeFirst();
      const live = sk.reduce((a, r) => a + Number(r.n), 0);
      return {
        provider: d.vault.providerId,
        rings: rings.map((r) => ({
          purpose: r.purpose,
          version: r.version,
          status: r.status,
          createdAt: new Date(r.created_at).toISOString(),
          retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
        })),
        usage: [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([version, c]) => ({ version, ...c })),
        subjectKeys: { live, destroyed: Number(destroyed?.n ?? 0) },
      };
    },

    /** Adds a field-ring version; audited. Returns the new version. */
    async addVersion(ctx: ActorContext): Promise<number> {
      const v = await d.audited(ctx, { action: 'keys.rotate', target: { type: 'crypto_key', id: FIELD_PURPOSE } }, async (tx, ev) => {
        const version = await d.vault.addFieldVersion(tx);
        ev.setTarget('crypto_key', `${FIELD_PURPOSE}/v${version}`);
        return version;
      });
      await d.vault.reload();
      return v;
    },

    /** Moves everything onto the active version, in small transactions, reporting progress. */
    async reencryptAll(onProgress?: (p: RotationProgress) => void): Promise<{ subjectKeys: number; values: number }> {
      const active = d.vault.activeFieldVersion;
      // 1. Subject keys: re-wrapping is cheap and touches no trader data.
      const totalSk = Number(
        (await d.db.selectFrom('subject_key').select((eb) => eb.fn.countAll().as('n')).where('wrapped', 'is not', null).where('ring_version', '<', active).executeTakeFirst())?.n ?? 0,
      );
      let doneSk = 0;
      for (;;) {
        const rows = await d.db
          .selectFrom('subject_key')
          .select(['subject_id', 'version', 'wrapped'])
          .where('wrapped', 'is not', null)
          .where('ring_version', '<', active)
          .limit(BATCH)
          .execute();
        if (rows.length === 0) break;
        await d.db.transaction().execute(async (trx) => {
          for (const r of rows) {
            await trx
              .updateTable('subject_key')
              .set({ wrapped: d.vault.rewrapSubject(r.subject_id, r.wrapped!), ring_version: active })
              .where('subject_id', '=', r.subject_id)
              .where('version', '=', r.version)
              .where('ring_version', '<', active)
              .execute();
          }
        });
        doneSk += rows.length;
        onProgress?.({ phase: 'subject-keys', done: doneSk, total: totalSk });
      }
      // 2. Values encrypted directly under the ring.
      let doneValues = 0;
      let totalValues = 0;
      for (const c of RING_ENCRYPTED_COLUMNS) {
        const n = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(c.table)} where ${sql.ref(c.column)} is not null and ${versionExpr(c.column)} < ${active}`.execute(d.db);
        totalValues += Number(n.rows[0]?.n ?? 0);
      }
      for (const c of RING_ENCRYPTED_COLUMNS) {
        for (;;) {
          const rows = await sql<{ id: string | number; ct: Uint8Array }>`
            select ${sql.ref(c.id)} as id, ${sql.ref(c.column)} as ct from ${sql.table(c.table)}
            where ${sql.ref(c.column)} is not null and ${versionExpr(c.column)} < ${active} limit ${BATCH}`.execute(d.db);
          if (rows.rows.length === 0) break;
          await d.db.transaction().execute(async (trx) => {
            for (const r of rows.rows) {
              const binding = { table: c.table, column: c.column, rowId: String(r.id) };
              const fresh = d.vault.reencrypt(binding, r.ct);
              // Compare-and-set on the old ciphertext: a concurrent writer's newer value is never overwritten.
              await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${fresh}
                where ${sql.ref(c.id)} = ${r.id} and ${sql.ref(c.column)} = ${r.ct}`.execute(trx);
            }
          });
          doneValues += rows.rows.length;
          onProgress?.({ phase: 'values', done: doneValues, total: totalValues });
        }
      }
      await d.audited(systemContext('keys.reencrypt'), { action: 'keys.reencrypt_done', target: { type: 'crypto_key', id: `${FIELD_PURPOSE}/v${active}` } }, async () => undefined);
      return { subjectKeys: doneSk, values: doneValues };
    },
  };
  return service;
}

export { Vault };
