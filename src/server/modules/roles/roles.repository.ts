// Roles, their permissions and field policies, and members' role lists: pure Kysely. Every function takes the
// audited transaction, except the per-request grant lookup (grantsOf), which the access gate runs before any
// audited scope exists, on the platform handle the composition root hands the roles service.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { DB, RoleTable } from '../../platform/db/schema.js';

export type RoleRow = Selectable<RoleTable>;

/** role → permission rows of the given roles. */
export async function grantsOf(db: Kysely<DB>, roles: readonly string[]): Promise<{ role: string; permission: string }[]> {
  if (roles.length === 0) return [];
  return db.selectFrom('role_permission').select(['role', 'permission']).where('role', 'in', roles).execute();
}

/**
 * The grants and the field policies of the given roles in one round trip (every trader read needs both):
 * rows of kind 'p' carry a permission in `a`; rows of kind 'f' a field class in `a` and its visibility in `b`.
 */
export async function grantsAndPoliciesOf(tx: AuditedTx, roles: readonly string[]) {
  if (roles.length === 0) return [];
  return tx
    .selectFrom('role_permission')
    .select(['role', sql<string>`'p'`.as('kind'), 'permission as a', sql<string | null>`null`.as('b')])
    .where('role', 'in', roles)
    .unionAll((eb) =>
      eb.selectFrom('role_field_policy').select(['role', sql<string>`'f'`.as('kind'), 'field_class as a', 'visibility as b']).where('role', 'in', roles),
    )
    .execute();
}

/** role → field class → visibility rows of the given roles. */
export async function fieldPoliciesOf(tx: AuditedTx, roles: readonly string[]) {
  if (roles.length === 0) return [];
  return tx.selectFrom('role_field_policy').select(['role', 'field_class', 'visibility']).where('role', 'in', roles).execute();
}

/** Every role, by name. */
export async function listRoles(tx: AuditedTx): Promise<RoleRow[]> {
  return tx.selectFrom('role').selectAll().orderBy('name').execute();
}

/** One role, locked for update when asked (a concurrent edit waits). */
export async function findRole(tx: AuditedTx, name: string, opts: { forUpdate?: boolean } = {}): Promise<RoleRow | undefined> {
  let q = tx.selectFrom('role').selectAll().where('name', '=', name);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The names among `names` that exist. */
export async function existingRoles(db: Kysely<DB>, names: readonly string[]): Promise<RoleRow[]> {
  if (names.length === 0) return [];
  return db.selectFrom('role').selectAll().where('name', 'in', names).execute();
}

/** Inserts a role unless one of that name exists; true when inserted. */
export async function insertRoleIfMissing(
  tx: AuditedTx,
  row: { name: string; description: string; builtin: boolean; privileged: boolean; require_hardware_key: boolean; idle_timeout_minutes: number; now: Date },
): Promise<boolean> {
  const { now, ...rest } = row;
  const res = await tx
    .insertInto('role')
    .values({ ...rest, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  return res !== undefined;
}

/** Updates a role's settings. */
export async function updateRole(
  tx: AuditedTx,
  name: string,
  set: { description: string; privileged: boolean; require_hardware_key: boolean; idle_timeout_minutes: number; updated_at: Date },
): Promise<void> {
  await tx.updateTable('role').set(set).where('name', '=', name).execute();
}

/** Replaces the permissions a role grants. */
export async function replacePermissions(tx: AuditedTx, role: string, permissions: readonly string[]): Promise<void> {
  await tx.deleteFrom('role_permission').where('role', '=', role).execute();
  if (permissions.length) await tx.insertInto('role_permission').values(permissions.map((permission) => ({ role, permission }))).execute();
}

/** Replaces a role's field policy (one row per class). */
export async function replaceFieldPolicy(tx: AuditedTx, role: string, policy: Record<string, string>): Promise<void> {
  await tx.deleteFrom('role_field_policy').where('role', '=', role).execute();
  const rows = Object.entries(policy).map(([field_class, visibility]) => ({ role, field_class, visibility }));
  if (rows.length) await tx.insertInto('role_field_policy').values(rows).execute();
}

/** Number of members holding each role (any status). */
export async function memberCounts(tx: AuditedTx): Promise<Map<string, number>> {
  const rows = await tx.selectFrom('staff').select(['roles']).where('status', '!=', 'disabled').execute();
  const out = new Map<string, number>();
  for (const r of rows) for (const role of r.roles) out.set(role, (out.get(role) ?? 0) + 1);
  return out;
}

/** A member's id, name, status and roles, locked for update. */
export async function findStaffForUpdate(tx: AuditedTx, id: string) {
  return tx.selectFrom('staff').select(['id', 'display_name', 'status', 'roles']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A member's roles (no lock). */
export async function staffRoles(tx: AuditedTx, id: string): Promise<string[] | undefined> {
  const r = await tx.selectFrom('staff').select(['roles']).where('id', '=', id).executeTakeFirst();
  return r?.roles;
}

/** Sets a member's roles. */
export async function setStaffRoles(tx: AuditedTx, id: string, roles: string[], now: Date): Promise<void> {
  await tx.updateTable('staff').set({ roles, updated_at: now }).where('id', '=', id).execute();
}

/** Active members holding a role, other than `except`. */
export async function countActiveHolders(tx: AuditedTx, role: string, except: string): Promise<number> {
  const rows = await tx.selectFrom('staff').select(['id', 'roles']).where('status', '=', 'active').where('id', '!=', except).execute();
  return rows.filter((r) => r.roles.includes(role)).length;
}
