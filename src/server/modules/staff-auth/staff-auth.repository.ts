// Staff, sessions and bootstrap tokens: pure Kysely, each function takes the handle it runs on.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { DB, StaffSessionTable, StaffTable } from '../../platform/db/schema.js';

type Handle = AuditedTx | Kysely<DB>;

export type StaffRow = Selectable<StaffTable>;
export type SessionRow = Selectable<StaffSessionTable>;

/** Number of staff accounts (0 means the bootstrap is still open). */
export async function countStaff(db: Handle): Promise<number> {
  const r = await db.selectFrom('staff').select((eb) => eb.fn.countAll().as('c')).executeTakeFirst();
  return Number(r?.c ?? 0);
}

/** Issues a bootstrap token and expires every earlier unused one (only the newest link works). */
export async function insertBootstrapToken(db: Handle, tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
  await db.updateTable('bootstrap_token').set({ expires_at: now }).where('used_at', 'is', null).where('expires_at', '>', now).execute();
  await db.insertInto('bootstrap_token').values({ token_hash: tokenHash, expires_at: expiresAt, created_at: now }).execute();
}

/** A usable (unused, unexpired) bootstrap token by hash. */
export async function findUsableBootstrapToken(db: Handle, tokenHash: string, now: Date) {
  return db
    .selectFrom('bootstrap_token')
    .select(['id', 'pending_totp_ct', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Stores the encrypted TOTP secret proposed to the first administrator. */
export async function setPendingTotp(db: Handle, id: number, ct: Uint8Array): Promise<void> {
  await db.updateTable('bootstrap_token').set({ pending_totp_ct: ct }).where('id', '=', id).execute();
}

/** Marks the token used; false if another request used it first (single use under concurrency). */
export async function consumeBootstrapToken(db: Handle, id: number, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('bootstrap_token')
    .set({ used_at: now, pending_totp_ct: null })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts a staff member. */
export async function insertStaff(db: Handle, row: Insertable<StaffTable>): Promise<void> {
  await db.insertInto('staff').values(row).execute();
}

/** A staff member by email blind index. */
export async function findStaffByEmailIndex(db: Handle, bidx: Uint8Array): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('email_bidx', '=', bidx).executeTakeFirst();
}

/** A staff member by id. */
export async function findStaffById(db: Handle, id: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Records the TOTP step just used; false when that step (or a later one) was already used: a replay. */
export async function claimTotpStep(db: Handle, staffId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', staffId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts a session. */
export async function insertSession(db: Handle, row: Insertable<StaffSessionTable>): Promise<void> {
  await db.insertInto('staff_session').values(row).execute();
}

/** The member of the live session with this token hash (fetched alongside the session itself). */
export async function findStaffOfLiveSession(db: Handle, tokenHash: string): Promise<StaffRow | undefined> {
  return db
    .selectFrom('staff')
    .selectAll('staff')
    .innerJoin('staff_session', 'staff_session.staff_id', 'staff.id')
    .where('staff_session.token_hash', '=', tokenHash)
    .where('staff_session.ended_at', 'is', null)
    .executeTakeFirst();
}

/** The live session with this token hash, or undefined. */
export async function findLiveSession(db: Handle, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('staff_session').selectAll().where('token_hash', '=', tokenHash).where('ended_at', 'is', null).executeTakeFirst();
}

/** Moves the idle timer. */
export async function touchSession(db: Handle, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable('staff_session').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** Ends a session with a reason. */
export async function endSession(db: Handle, tokenHash: string, now: Date, reason: string): Promise<void> {
  await db
    .updateTable('staff_session')
    .set({ ended_at: now, end_reason: reason })
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .execute();
}

/** Stores a member's (new or replacing) TOTP secret and the step its confirming code used (spent at once). */
export async function setTotpSecret(db: Handle, staffId: string, ct: Uint8Array, step: number, now: Date): Promise<void> {
  await db.updateTable('staff').set({ totp_secret_ct: ct, totp_last_step: step, updated_at: now }).where('id', '=', staffId).execute();
}

/**
 * Replaces a session by a new one (new token): ends the old row ('rotated') and inserts the new one.
 * False when the old session was no longer live (ended meanwhile): nothing is inserted then.
 */
export async function rotateSession(db: Handle, oldHash: string, row: Insertable<StaffSessionTable>, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('staff_session')
    .set({ ended_at: now, end_reason: 'rotated' })
    .where('token_hash', '=', oldHash)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db.insertInto('staff_session').values(row).execute();
  return true;
}

/** Locks a live session (idle screen lock): it can then only be unlocked by a full re-authentication. */
export async function lockSession(db: Handle, tokenHash: string, marker: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_session')
    .set({ mfa_method: marker })
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
