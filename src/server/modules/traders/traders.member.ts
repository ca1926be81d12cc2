// The signed-in member as the trader services see them: id, roles (for field policies) and the permissions the
// access gate read for this request (for sections).
export interface Member {
  id: string;
  roles: readonly string[];
  permissions: ReadonlySet<string>;
  /** For answers that name the author (a note just written); never used for access decisions. */
  displayName?: string;
}

/** The member behind a request that passed the access gate (routes with a permission always have one). */
export function memberOf(req: { staff: { id: string; roles: string[]; permissions?: ReadonlySet<string>; displayName?: string } | null }): Member {
  const s = req.staff;
  if (!s) throw new Error('memberOf: no signed-in member (route declared without a permission?)');
  return { id: s.id, roles: s.roles, permissions: s.permissions ?? new Set(), ...(s.displayName !== undefined ? { displayName: s.displayName } : {}) };
}
