// Second factors: WebAuthn credentials and challenges, recovery codes, the roles' sign-in requirements.
// Pure Kysely; each function takes the handle it runs on.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { DB, WebauthnCredentialTable } from '../../platform/db/schema.js';

type Handle = AuditedTx | Kysely<DB>;

export type CredentialRow = Selectable<WebauthnCredentialTable>;

/** What the member's roles demand of a session: a hardware key, and the strictest idle timeout. */
export async function roleRequirements(db: Handle, roles: string[]): Promise<{ hardwareKey: boolean; idleMinutes: number | null }> {
  if (roles.length === 0) return { hardwareKey: false, idleMinutes: null };
  const rows = await db.selectFrom('role').select(['require_hardware_key', 'idle_timeout_minutes']).where('name', 'in', roles).execute();
  let idle: number | null = null;
  for (const r of rows) idle = idle === null ? r.idle_timeout_minutes : Math.min(idle, r.idle_timeout_minutes);
  return { hardwareKey: rows.some((r) => r.require_hardware_key), idleMinutes: idle };
}

/** How many live security keys and unused recovery codes a member has. */
export async function factorCounts(db: Handle, staffId: string): Promise<{ keys: number; recoveryCodes: number }> {
  const r = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('webauthn_credential')
        .select(eb.fn.countAll<number>().as('n'))
        .where('staff_id', '=', staffId)
        .where('revoked_at', 'is', null)
        .as('keys'),
      eb
        .selectFrom('recovery_code')
        .select(eb.fn.countAll<number>().as('n'))
        .where('staff_id', '=', staffId)
        .where('used_at', 'is', null)
        .as('recovery'),
    ])
    .executeTakeFirstOrThrow();
  return { keys: Number(r.keys ?? 0), recoveryCodes: Number(r.recovery ?? 0) };
}

/** A member's live (not revoked) keys, oldest first. */
export async function listCredentials(db: Handle, staffId: string): Promise<CredentialRow[]> {
  return db
    .selectFrom('webauthn_credential')
    .selectAll()
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

/** A credential by id, revoked or not. */
export async function findCredential(db: Handle, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('webauthn_credential').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Stores a newly registered credential. */
export async function insertCredential(db: Handle, row: Insertable<WebauthnCredentialTable>): Promise<void> {
  await db.insertInto('webauthn_credential').values(row).execute();
}

/**
 * Records a successful assertion: the new counter and the time. Compare-and-set on the counter the check
 * was made against, so two assertions racing with the same counter cannot both pass.
 */
export async function useCredential(db: Handle, id: string, expectedCounter: number, newCounter: number, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('webauthn_credential')
    .set({ counter: newCounter, last_used_at: now })
    .where('id', '=', id)
    .where('counter', '=', expectedCounter)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Renames a member's live key; false when there is no such key. */
export async function renameCredential(db: Handle, staffId: string, id: string, name: string): Promise<boolean> {
  const r = await db
    .updateTable('webauthn_credential')
    .set({ name })
    .where('id', '=', id)
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Revokes a member's live key; false when there is no such key. */
export async function revokeCredential(db: Handle, staffId: string, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('webauthn_credential')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Stores a pending WebAuthn ceremony's challenge. */
export async function insertChallenge(
  db: Handle,
  row: { id: string; staffId: string; sessionHash: string; purpose: 'register' | 'authenticate'; challenge: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('webauthn_challenge')
    .values({
      id: row.id,
      staff_id: row.staffId,
      session_hash: row.sessionHash,
      purpose: row.purpose,
      challenge: row.challenge,
      expires_at: row.expiresAt,
    })
    .execute();
}

/**
 * Spends a challenge: true only for an unused, unexpired challenge issued to this session for this purpose.
 * Single use under concurrency (the update is the check).
 */
export async function consumeChallenge(
  db: Handle,
  q: { sessionHash: string; purpose: 'register' | 'authenticate'; challenge: string; now: Date },
): Promise<boolean> {
  const r = await db
    .updateTable('webauthn_challenge')
    .set({ used_at: q.now })
    .where('session_hash', '=', q.sessionHash)
    .where('purpose', '=', q.purpose)
    .where('challenge', '=', q.challenge)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes spent and expired challenges (they are worthless once used or past their time). */
export async function pruneChallenges(db: Handle, now: Date): Promise<void> {
  await db
    .deleteFrom('webauthn_challenge')
    .where((eb) => eb.or([eb('expires_at', '<', new Date(now.getTime() - 60 * 60_000)), eb('used_at', 'is not', null)]))
    .execute();
}

/** Replaces all of a member's recovery codes with new ones (by hash). */
export async function replaceRecoveryCodes(db: Handle, staffId: string, hashes: string[], now: Date): Promise<void> {
  await db.deleteFrom('recovery_code').where('staff_id', '=', staffId).execute();
  await db
    .insertInto('recovery_code')
    .values(hashes.map((h) => ({ staff_id: staffId, code_hash: h, created_at: now })))
    .execute();
}

/** Whether an unused recovery code with this hash exists (read-only pre-check). */
export async function hasRecoveryCode(db: Handle, staffId: string, hash: string): Promise<boolean> {
  const r = await db
    .selectFrom('recovery_code')
    .select('code_hash')
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return r !== undefined;
}

/** Spends a recovery code; false when it does not exist or was used (single use under concurrency). */
export async function useRecoveryCode(db: Handle, staffId: string, hash: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('recovery_code')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
