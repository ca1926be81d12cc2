// Roles are data: the built-in ones are seeded when missing (never overwritten), administrators create and edit
// roles, and members' grants are read from the database on every request (no cached grants). A role is
// privileged when it is flagged so or holds a privileged permission (registry); granting it, or changing it
// (when it is or would become privileged), goes through four eyes. Granting anything to oneself does too.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ErrorCode } from '../../../contracts/errors.js';
import { ChangeReason, ClassPolicy as ClassPolicySchema, RoleNameString, type ClassPolicy as ClassPolicyDto, type Role, type RolesResponse, type RoleSettings, type StaffRolesResponse } from '../../../contracts/roles.js';
import { FIELD_CLASSES, mergeClassPolicies, type ClassPolicy } from '../../platform/authz/field-policy.js';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  closePermissions,
  isPermission,
  isPrivilegedGrant,
  permissionSpec,
  type BuiltInRole,
  type Permission,
} from '../../platform/authz/permissions.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/http/errors.js';
import { systemContext, type ActorContext } from '../../platform/http/request-context.js';
import type { ApprovalKind, ApprovalsService } from '../approvals/approvals.service.js';
import * as repo from './roles.repository.js';
import { isUuid, UUID_PATTERN } from '../../platform/ids.js';

export interface RolesDeps {
  audited: Audited;
  /** Platform handle for the per-request grant lookup (runs before any audited scope) and the start-up check. */
  grantsDb: Kysely<DB>;
  clock: Clock;
  approvals: Pick<ApprovalsService, 'requestIn'>;
}

/** What a member sees of trader fields through one view. */
export interface FieldAccess {
  /** True when one of the member's roles opens this view at all. */
  canView: boolean;
  policy: ClassPolicy;
}

/** profile: trader profiles and lists (trader.read); audience: the marketing audience list (marketing.audience.read). */
export type TraderViewKind = 'profile' | 'audience';

const VIEW_PERMISSION: Record<TraderViewKind, Permission> = { profile: 'trader.read', audience: 'marketing.audience.read' };

const CLASS_DESCRIPTIONS: Record<(typeof FIELD_CLASSES)[number], string> = {
  public: 'Harmless to anyone who may open the record: display name, status, country',
  contact: 'How to reach the person: email, phone, postal address',
  identity: 'Who the person is: legal name, date of birth, ID numbers, documents',
  financial: 'Money and where it is: bank accounts, wallets, balances, volume, limits',
  security: "The account's defences: 2FA status, API keys, login history",
  secret: 'Never shown to anyone, in any form: API secrets, seed phrases, passwords',
};

/** Settings as stored and compared: permissions sorted and unique, every class present. */
type NormalSettings = RoleSettings;

function normalise(s: RoleSettings): NormalSettings {
  return {
    description: s.description.trim(),
    permissions: [...new Set(s.permissions)].sort(),
    fieldPolicy: Object.fromEntries(FIELD_CLASSES.map((c) => [c, c === 'secret' ? 'hidden' : s.fieldPolicy[c]])) as ClassPolicyDto,
    idleTimeoutMinutes: s.idleTimeoutMinutes,
    requireHardwareKey: s.requireHardwareKey,
    // Stored as privileged when it holds a privileged permission, whatever was asked: one source of truth
    // for everyone reading role.privileged (invitations, grants).
    privileged: isPrivilegedGrant(s.privileged, s.permissions),
  };
}

function sameSettings(a: NormalSettings, b: NormalSettings): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

/** Human-readable differences (no personal data: role settings only). */
function describeChanges(before: NormalSettings, after: NormalSettings): { changes: string[]; fields: string[] } {
  const changes: string[] = [];
  const fields = new Set<string>();
  const added = after.permissions.filter((p) => !before.permissions.includes(p));
  const removed = before.permissions.filter((p) => !after.permissions.includes(p));
  if (added.length) changes.push(`grant ${added.join(', ')}`);
  if (removed.length) changes.push(`withdraw ${removed.join(', ')}`);
  if (added.length || removed.length) fields.add('permissions');
  for (const c of FIELD_CLASSES) {
    if (before.fieldPolicy[c] !== after.fieldPolicy[c]) {
      changes.push(`${c}: ${before.fieldPolicy[c]} → ${after.fieldPolicy[c]}`);
      fields.add(`field_policy.${c}`);
    }
  }
  if (before.idleTimeoutMinutes !== after.idleTimeoutMinutes) {
    changes.push(`idle timeout ${before.idleTimeoutMinutes} → ${after.idleTimeoutMinutes} min`);
    fields.add('idle_timeout_minutes');
  }
  if (before.requireHardwareKey !== after.requireHardwareKey) {
    changes.push(`hardware key ${after.requireHardwareKey ? 'required' : 'no longer required'}`);
    fields.add('require_hardware_key');
  }
  if (before.privileged !== after.privileged) {
    changes.push(after.privileged ? 'becomes privileged' : 'no longer privileged');
    fields.add('privileged');
  }
  if (before.description !== after.description) {
    changes.push('description');
    fields.add('description');
  }
  return { changes, fields: [...fields] };
}

const badRequest = (message: string, path: string) =>
  new AppError(ErrorCode.validation, 400, message, { fieldErrors: [{ path, message }] });

function checkPermissions(perms: readonly string[]): asserts perms is Permission[] {
  const unknown = perms.filter((p) => !isPermission(p));
  if (unknown.length) throw badRequest(`Unknown permission ${unknown.slice(0, 3).join(', ')}`, 'body.permissions');
}


const GrantPayload = z.object({
  staffId: z.string().regex(UUID_PATTERN),
  displayName: z.string().max(200),
  roles: z.array(RoleNameString).min(1).max(20),
});
type GrantPayload = z.infer<typeof GrantPayload>;

const SettingsPayload = z.object({
  description: z.string().max(500),
  permissions: z.array(z.string().max(100)).max(200),
  fieldPolicy: ClassPolicySchema,
  idleTimeoutMinutes: z.number().int().min(1).max(15),
  requireHardwareKey: z.boolean(),
  privileged: z.boolean(),
});
const RoleUpdatePayload = z.object({
  role: RoleNameString,
  before: SettingsPayload,
  after: SettingsPayload,
  changes: z.array(z.string().max(300)).max(100),
});
type RoleUpdatePayload = z.infer<typeof RoleUpdatePayload>;

function parseOr400<T>(schema: z.ZodType<T>, payload: unknown): T {
  const r = schema.safeParse(payload);
  if (!r.success) throw new AppError(ErrorCode.badRequest, 400, 'The request payload is not valid');
  return r.data;
}

export type RolesService = ReturnType<typeof createRolesService>;

/** Creates the roles service (grants, role editing, role grants with four eyes). */
export function createRolesService(d: RolesDeps) {
  async function settingsOf(tx: AuditedTx, row: repo.RoleRow): Promise<NormalSettings> {
    const grants = await repo.grantsOf(tx, [row.name]);
    const policies = await repo.fieldPoliciesOf(tx, [row.name]);
    const policy = mergeClassPolicies([Object.fromEntries(policies.map((p) => [p.field_class, p.visibility]))]);
    return {
      description: row.description,
      permissions: grants.map((g) => g.permission).filter(isPermission).sort(),
      fieldPolicy: { ...policy },
      idleTimeoutMinutes: row.idle_timeout_minutes,
      requireHardwareKey: row.require_hardware_key,
      privileged: row.privileged,
    };
  }

  function toView(row: repo.RoleRow, s: NormalSettings, members: number): Role {
    return {
      name: row.name,
      description: s.description,
      builtin: row.builtin,
      privileged: isPrivilegedGrant(row.privileged, s.permissions),
      requireHardwareKey: s.requireHardwareKey,
      idleTimeoutMinutes: s.idleTimeoutMinutes,
      permissions: s.permissions,
      effectivePermissions: [...closePermissions(s.permissions)].sort(),
      fieldPolicy: s.fieldPolicy,
      members,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async function applySettings(tx: AuditedTx, name: string, s: NormalSettings): Promise<void> {
    await repo.updateRole(tx, name, {
      description: s.description,
      privileged: s.privileged,
      require_hardware_key: s.requireHardwareKey,
      idle_timeout_minutes: s.idleTimeoutMinutes,
      updated_at: d.clock.now(),
    });
    await repo.replacePermissions(tx, name, s.permissions);
    await repo.replaceFieldPolicy(tx, name, s.fieldPolicy);
  }

  async function viewOf(tx: AuditedTx, name: string): Promise<Role> {
    const row = await repo.findRole(tx, name);
    if (!row) throw new AppError(ErrorCode.notFound, 404, 'No such role');
    return toView(row, await settingsOf(tx, row), (await repo.memberCounts(tx)).get(name) ?? 0);
  }

  /** Which of these roles are privileged now (flag or privileged permission). */
  async function privilegedAmong(tx: AuditedTx, names: readonly string[]): Promise<Set<string>> {
    const rows = await repo.existingRoles(tx, names);
    const grants = await repo.grantsOf(tx, names);
    const out = new Set<string>();
    for (const r of rows) {
      const perms = grants.filter((g) => g.role === r.name).map((g) => g.permission);
      if (isPrivilegedGrant(r.privileged, perms)) out.add(r.name);
    }
    return out;
  }

  const grantKind: ApprovalKind<GrantPayload> = {
    approvePermission: 'role.grant.approve',
    parse: (p) => parseOr400(GrantPayload, p),
    describe: (p) => `Grant ${p.roles.join(', ')} to ${p.displayName}`,
    async execute(tx, p, who) {
      // The member receiving the roles is not a second pair of eyes on their own grant.
      if (who.checkerId === p.staffId) {
        throw new AppError(ErrorCode.forbidden, 403, 'You cannot approve a grant of roles to yourself', { denial: true });
      }
      const staff = await repo.findStaffForUpdate(tx, p.staffId);
      if (!staff) throw new AppError(ErrorCode.conflict, 409, 'The member no longer exists');
      if (staff.status === 'disabled') throw new AppError(ErrorCode.conflict, 409, 'The member is disabled; reject this request');
      const exist = new Set((await repo.existingRoles(tx, p.roles)).map((r) => r.name));
      const gone = p.roles.filter((r) => !exist.has(r));
      if (gone.length) throw new AppError(ErrorCode.conflict, 409, `Role ${gone.join(', ')} no longer exists; reject this request`);
      const roles = [...new Set([...staff.roles, ...p.roles])];
      await repo.setStaffRoles(tx, p.staffId, roles, d.clock.now());
    },
  };

  const roleUpdateKind: ApprovalKind<RoleUpdatePayload> = {
    approvePermission: 'role.grant.approve',
    parse: (p) => parseOr400(RoleUpdatePayload, p),
    describe: (p) => {
      const text = `Change privileged role ${p.role}: ${p.changes.join('; ')}`;
      return text.length > 400 ? `${text.slice(0, 399)}…` : text;
    },
    async execute(tx, p, who) {
      // A member does not approve a change to a role they hold (they would be approving their own access).
      const checkerRoles = (await repo.staffRoles(tx, who.checkerId)) ?? [];
      if (checkerRoles.includes(p.role)) {
        throw new AppError(ErrorCode.forbidden, 403, 'You hold this role: another member must approve changes to it', { denial: true });
      }
      const row = await repo.findRole(tx, p.role, { forUpdate: true });
      if (!row) throw new AppError(ErrorCode.conflict, 409, 'The role no longer exists; reject this request');
      // Applied only to the settings the maker saw: a role changed meanwhile must be requested again.
      if (!sameSettings(await settingsOf(tx, row), normalise(p.before))) {
        throw new AppError(ErrorCode.conflict, 409, 'The role has changed since this request was made; reject it and make a new one');
      }
      checkPermissions(p.after.permissions);
      await applySettings(tx, p.role, normalise(p.after));
    },
  };

  return {
    /** The four-eyes kinds this module needs; the composition root registers them. */
    approvalKinds: { 'staff.grant_roles': grantKind, 'role.update_privileged': roleUpdateKind } as Record<string, ApprovalKind<unknown>>,

    /**
     * Inserts the built-in roles that are missing (never touches existing ones); returns the names inserted.
     * On installation (`installing`: the role tables were created in this very start) the seed is part of the
     * installation, like the migrations and the key rings, and is written without an audit event, so a new
     * deployment's log starts empty. A built-in role that goes missing later (deleted behind the application's
     * back) is re-created with its defaults by an audited `role.create_built_in`, so the log shows it.
     */
    async ensureBuiltInRoles(opts: { installing?: boolean } = {}): Promise<string[]> {
      const names = Object.keys(BUILT_IN_ROLES);
      const present = new Set((await repo.existingRoles(d.grantsDb, names)).map((r) => r.name));
      const missing = names.filter((n) => !present.has(n));
      if (missing.length === 0) return [];
      const seed = async (tx: AuditedTx) => {
        const inserted: string[] = [];
        const now = d.clock.now();
        for (const name of missing) {
          const r = (BUILT_IN_ROLES as Record<string, BuiltInRole>)[name]!;
          const ok = await repo.insertRoleIfMissing(tx, {
            name,
            description: r.description,
            builtin: true,
            privileged: isPrivilegedGrant(r.privileged, r.permissions),
            require_hardware_key: r.requireHardwareKey,
            idle_timeout_minutes: r.idleTimeoutMinutes,
            now,
          });
          // Another process may have inserted it a moment ago: then its rows are its own, left alone.
          if (!ok) continue;
          await repo.replacePermissions(tx, name, r.permissions);
          await repo.replaceFieldPolicy(tx, name, r.fieldPolicy);
          inserted.push(name);
        }
        return inserted;
      };
      if (opts.installing) return d.grantsDb.transaction().execute((trx) => seed(trx as AuditedTx));
      return d.audited(systemContext('roles:built-in'), { action: 'role.create_built_in', target: { type: 'role' }, fields: missing }, (tx) => seed(tx));
    },

    /** Everything these roles grant now, read from the database (the access gate calls this per request). */
    permissionsFor: async (roles: readonly string[]): Promise<Set<Permission>> => {
      const rows = await repo.grantsOf(d.grantsDb, roles);
      return closePermissions(rows.map((r) => r.permission));
    },

    /**
     * What a member with these roles sees of trader fields in a view: the most permissive visibility per class
     * among the roles that open the view. `reveal` holds only through a role that also grants trader.reveal;
     * otherwise it is `masked`.
     */
    async fieldAccess(tx: AuditedTx, roles: readonly string[], view: TraderViewKind): Promise<FieldAccess> {
      const both = await repo.grantsAndPoliciesOf(tx, roles);
      const grants = both.filter((r) => r.kind === 'p').map((r) => ({ role: r.role, permission: r.a }));
      const rows = both.filter((r) => r.kind === 'f').map((r) => ({ role: r.role, field_class: r.a, visibility: r.b }));
      const permsOf = (r: string) => closePermissions(grants.filter((g) => g.role === r).map((g) => g.permission));
      const policyOf = (r: string) => Object.fromEntries(rows.filter((p) => p.role === r).map((p) => [p.field_class, p.visibility]));
      const viewing = [...new Set(roles)].filter((r) => permsOf(r).has(VIEW_PERMISSION[view]));
      const merged: Record<string, string> = { ...mergeClassPolicies(viewing.map(policyOf)) };
      const revealers = view === 'profile' ? viewing.filter((r) => permsOf(r).has('trader.reveal')) : [];
      for (const c of FIELD_CLASSES) {
        if (merged[c] === 'reveal' && !revealers.some((r) => policyOf(r)[c] === 'reveal')) merged[c] = 'masked';
      }
      return { canView: viewing.length > 0, policy: merged as unknown as ClassPolicy };
    },

    /** True when the role exists. */
    async exists(tx: AuditedTx, name: string): Promise<boolean> {
      return (await repo.findRole(tx, name)) !== undefined;
    },

    /** Every role with its permissions and field policy, and the registry the matrix is drawn from. */
    async list(ctx: ActorContext): Promise<RolesResponse> {
      return d.audited(ctx, { action: 'role.list', target: { type: 'role' } }, async (tx) => {
        const rows = await repo.listRoles(tx);
        const counts = await repo.memberCounts(tx);
        const roles: Role[] = [];
        for (const row of rows) roles.push(toView(row, await settingsOf(tx, row), counts.get(row.name) ?? 0));
        return {
          roles,
          permissions: ALL_PERMISSIONS.map((name) => {
            const s = permissionSpec(name);
            return { name, group: name.split('.')[0]!, description: s.description, dependsOn: [...s.dependsOn], privileged: s.privileged === true };
          }),
          fieldClasses: FIELD_CLASSES.map((name) => ({ name, description: CLASS_DESCRIPTIONS[name] })),
        };
      });
    },

    /** Creates a custom role (it grants nobody anything until granted; granting a privileged one needs four eyes). */
    async create(ctx: ActorContext, input: RoleSettings & { name: string; reason: string }): Promise<Role> {
      return d.audited(ctx, { action: 'role.create', target: { type: 'role', id: input.name }, reason: input.reason }, async (tx, ev) => {
        checkPermissions(input.permissions);
        const s = normalise(input);
        const ok = await repo.insertRoleIfMissing(tx, {
          name: input.name,
          description: s.description,
          builtin: false,
          privileged: s.privileged,
          require_hardware_key: s.requireHardwareKey,
          idle_timeout_minutes: s.idleTimeoutMinutes,
          now: d.clock.now(),
        });
        if (!ok) throw new AppError(ErrorCode.conflict, 409, 'A role of that name exists');
        await repo.replacePermissions(tx, input.name, s.permissions);
        await repo.replaceFieldPolicy(tx, input.name, s.fieldPolicy);
        ev.addFields('permissions', 'field_policy', 'idle_timeout_minutes', 'require_hardware_key', 'privileged', 'description');
        return viewOf(tx, input.name);
      });
    },

    /** Changes a role; a role that is or would become privileged changes only once a second member approves. */
    async update(ctx: ActorContext, makerId: string, name: string, input: RoleSettings & { reason: string }) {
      return d.audited(ctx, { action: 'role.update', target: { type: 'role', id: name }, reason: input.reason }, async (tx, ev) => {
        const row = await repo.findRole(tx, name, { forUpdate: true });
        if (!row) throw new AppError(ErrorCode.notFound, 404, 'No such role');
        checkPermissions(input.permissions);
        const before = await settingsOf(tx, row);
        const after = normalise(input);
        const { changes, fields } = describeChanges(before, after);
        ev.addFields(...fields);
        if (changes.length === 0) return { status: 'unchanged' as const, role: await viewOf(tx, name), approvalId: null };
        if (isPrivilegedGrant(row.privileged, before.permissions) || after.privileged) {
          const approval = await d.approvals.requestIn(tx, makerId, {
            kind: 'role.update_privileged',
            payload: { role: name, before, after, changes } satisfies RoleUpdatePayload,
            reason: input.reason,
          });
          return { status: 'pending' as const, role: await viewOf(tx, name), approvalId: approval.id };
        }
        await applySettings(tx, name, after);
        return { status: 'applied' as const, role: await viewOf(tx, name), approvalId: null };
      });
    },

    /**
     * Sets a member's roles. Removals and grants of ordinary roles apply at once; grants of privileged roles, and
     * any grant to oneself, become a four-eyes request (staff.grant_roles) and apply when another member approves.
     */
    async setStaffRoles(ctx: ActorContext, actorId: string, staffId: string, wanted: string[], reason: string): Promise<StaffRolesResponse> {
      return d.audited(ctx, { action: 'staff.roles.change', target: { type: 'staff', id: staffId }, reason, fields: ['roles'] }, async (tx) => {
        // A malformed id and an unknown one answer alike.
        const staff = isUuid(staffId) ? await repo.findStaffForUpdate(tx, staffId) : undefined;
        if (!staff) throw new AppError(ErrorCode.notFound, 404, 'No such staff member', { denial: true });
        if (ChangeReason.safeParse(reason).success === false) throw badRequest('Give a reason (at least 5 characters)', 'body.reason');
        const target = [...new Set(wanted)];
        const known = new Set((await repo.existingRoles(tx, target)).map((r) => r.name));
        const unknown = target.filter((r) => !known.has(r));
        if (unknown.length) throw badRequest(`Unknown role ${unknown.join(', ')}`, 'body.roles');

        const added = target.filter((r) => !staff.roles.includes(r));
        const removed = staff.roles.filter((r) => !target.includes(r));
        if (removed.includes('admin') && staff.status === 'active' && (await repo.countActiveHolders(tx, 'admin', staffId)) === 0) {
          throw new AppError(ErrorCode.conflict, 409, 'This is the last active administrator: grant the role to someone else first');
        }
        const privileged = await privilegedAmong(tx, added);
        const self = staffId === actorId;
        const pending = added.filter((r) => self || privileged.has(r));
        const immediate = added.filter((r) => !pending.includes(r));
        const roles = [...staff.roles.filter((r) => !removed.includes(r)), ...immediate];
        if (immediate.length || removed.length) await repo.setStaffRoles(tx, staffId, roles, d.clock.now());
        let approval: { approvalId: string; roles: string[] } | null = null;
        if (pending.length) {
          const v = await d.approvals.requestIn(tx, actorId, {
            kind: 'staff.grant_roles',
            payload: { staffId, displayName: staff.display_name, roles: pending } satisfies GrantPayload,
            reason,
          });
          approval = { approvalId: v.id, roles: pending };
        }
        return { staffId, roles, added: immediate, removed, pending: approval };
      });
    },
  };
}
