// Staff accounts and one-time links (invitations, password resets): pure Kysely on the handle given.
import { sql, type Insertable, type Kysely } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { DB, StaffInvitationTable, StaffTable } from '../../platform/db/schema.js';

type Handle = AuditedTx | Kysely<DB>;

/** token_hash of an invitation awaiting a second member's approval: never equal to a SHA-256 hex digest, so
 *  no token can open it until the approval replaces it with a real one. */
export const AWAITING_PREFIX = 'approval:';

/** Every member with the counts the staff list shows (no secret, no hash leaves this query). */
export async function listStaff(db: Handle, now: Date) {
  return db
    .selectFrom('staff as s')
    .select([
      's.id',
      's.email_ct',
      's.display_name',
      's.roles',
      's.status',
      's.frozen_reason',
      's.locked_until',
      's.failed_logins',
      's.allowed_cidrs',
      's.created_at',
      sql<boolean>`s.totp_secret_ct is not null`.as('has_totp'),
      (eb) => eb.selectFrom('webauthn_credential as w').select((e) => e.fn.countAll<string>().as('n')).whereRef('w.staff_id', '=', 's.id').where('w.revoked_at', 'is', null).as('security_keys'),
      (eb) => eb.selectFrom('recovery_code as r').select((e) => e.fn.countAll<string>().as('n')).whereRef('r.staff_id', '=', 's.id').where('r.used_at', 'is', null).as('recovery_codes'),
      (eb) => eb.selectFrom('staff_session as x').select((e) => e.fn.max('x.created_at').as('m')).whereRef('x.staff_id', '=', 's.id').as('last_sign_in'),
      (eb) =>
        eb
          .selectFrom('staff_session as y')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('y.staff_id', '=', 's.id')
          .where('y.ended_at', 'is', null)
          .where('y.expires_at', '>', now)
          .as('active_sessions'),
    ])
    .orderBy('s.display_name')
    .execute();
}

/** A member's row for administrative actions (locked for update). */
export async function findStaffForUpdate(db: Handle, id: string) {
  return db
    .selectFrom('staff')
    .select(['id', 'email_ct', 'email_bidx', 'display_name', 'status', 'locked_until', 'allowed_cidrs', 'roles'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** True when a member with this email blind index exists. */
export async function staffExistsByEmail(db: Handle, bidx: Uint8Array): Promise<boolean> {
  return Boolean(await db.selectFrom('staff').select('id').where('email_bidx', '=', bidx).executeTakeFirst());
}

/** True when an invitation to this address is still open (awaiting approval or not yet used). */
export async function openInvitationExists(db: Handle, bidx: Uint8Array, now: Date): Promise<boolean> {
  const r = await db
    .selectFrom('staff_invitation')
    .select('id')
    .where('kind', '=', 'invite')
    .where('email_bidx', '=', bidx)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Boolean(r);
}

/** Inserts a one-time link row. */
export async function insertInvitation(db: Handle, row: Insertable<StaffInvitationTable>): Promise<void> {
  await db.insertInto('staff_invitation').values(row).execute();
}

/** A usable (issued, unused, unrevoked, unexpired) link of a kind by token hash. */
export async function findUsableLink(db: Handle, kind: 'invite' | 'reset', tokenHash: string, now: Date, lock = false) {
  let q = db
    .selectFrom('staff_invitation')
    .selectAll()
    .where('kind', '=', kind)
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Spends a link; false when another request spent it first (single use under concurrency). */
export async function consumeLink(db: Handle, id: string, now: Date, staffId: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_invitation')
    .set({ used_at: now, pending_totp_ct: null, staff_id: staffId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts a staff member. */
export async function insertStaff(db: Handle, row: Insertable<StaffTable>): Promise<void> {
  await db.insertInto('staff').values(row).execute();
}

/** Revokes the member's unused links of a kind (e.g. older reset links when a new one is sent). */
export async function revokeOpenLinksOf(db: Handle, staffId: string, kind: 'invite' | 'reset', now: Date): Promise<void> {
  await db
    .updateTable('staff_invitation')
    .set({ revoked_at: now, pending_totp_ct: null })
    .where('staff_id', '=', staffId)
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Invitations, newest first. */
export async function listInvitations(db: Handle, limit: number) {
  return db
    .selectFrom('staff_invitation')
    .select(['id', 'token_hash', 'email_ct', 'display_name', 'roles', 'created_by', 'created_at', 'expires_at', 'used_at', 'revoked_at'])
    .where('kind', '=', 'invite')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Roles known to the role table, with their privileged flag. */
export async function rolesByName(db: Handle, names: string[]) {
  if (names.length === 0) return [];
  return db.selectFrom('role').select(['name', 'privileged']).where('name', 'in', names).execute();
}
