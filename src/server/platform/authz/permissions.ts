// The one permission registry: typed `resource.action` strings with their dependencies. Roles map to
// permissions here until the identity issue turns roles into data editable by administrators.
export const PERMISSIONS = {
  'audit.read': { description: 'Read the audit log and its verification status', dependsOn: [] },
  'audit.export': { description: 'Export signed audit bundles', dependsOn: ['audit.read'] },
  'keys.read': { description: 'See key versions and usage (never key material)', dependsOn: [] },
  'keys.rotate': { description: 'Add a key version and re-encrypt in the background', dependsOn: ['keys.read'] },
  'staff.read': { description: 'List staff members', dependsOn: [] },
  'trader.read': { description: 'Read trader profiles (field policy applies)', dependsOn: [] },
  'approval.read': { description: 'See four-eyes requests', dependsOn: [] },
  'approval.decide': { description: 'Approve or reject four-eyes requests (each kind also names its own permission)', dependsOn: ['approval.read'] },
} as const satisfies Record<string, { description: string; dependsOn: readonly string[] }>;

export type Permission = keyof typeof PERMISSIONS;

export const BUILT_IN_ROLES = {
  admin: ['audit.read', 'audit.export', 'keys.read', 'keys.rotate', 'staff.read', 'trader.read', 'approval.read', 'approval.decide'],
  security_officer: ['audit.read', 'audit.export', 'keys.read', 'staff.read', 'approval.read', 'approval.decide'],
  auditor: ['audit.read', 'audit.export'],
  compliance_officer: ['trader.read'],
  support_junior: [],
} as const satisfies Record<string, readonly Permission[]>;

export type RoleName = keyof typeof BUILT_IN_ROLES;

/** Every permission a set of roles grants, with dependencies closed over. Deny by default. */
export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  const add = (p: Permission) => {
    if (out.has(p)) return;
    out.add(p);
    for (const d of PERMISSIONS[p].dependsOn) add(d as Permission);
  };
  for (const r of roles) {
    // Own properties only: a role named "constructor" or "__proto__" must grant nothing, not crash.
    if (!Object.hasOwn(BUILT_IN_ROLES, r)) continue;
    for (const p of (BUILT_IN_ROLES as Record<string, readonly Permission[]>)[r]!) add(p);
  }
  return out;
}

/** True when p is a registered permission. */
export function isPermission(p: string): p is Permission {
  return Object.hasOwn(PERMISSIONS, p);
}
