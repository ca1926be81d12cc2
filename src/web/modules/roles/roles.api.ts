// Server state of roles: the list with the permission registry (the matrix is drawn from it), role changes,
// custom roles, the role preview, and the signed-in member's own grants (to show or hide controls).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api.js';
import {
  MyAccessResponse,
  Role,
  RoleChangeResponse,
  RolesResponse,
  StaffRolesResponse,
  type RoleCreateRequest,
  type RoleSettings,
  type RoleUpdateRequest,
} from '../../../contracts/roles.js';
import { RolePreview } from '../../../contracts/traders.js';

export type { Role, RoleSettings, RolesResponse, RoleChangeResponse };
export type { RolePreview };

export const rolesKey = ['roles'] as const;
export const myAccessKey = ['roles', 'me'] as const;

/** Every role with its permissions and field policy, and the permission registry. */
export function useRoles() {
  return useQuery({ queryKey: rolesKey, queryFn: ({ signal }) => apiRequest('GET', '/api/v1/roles', { schema: RolesResponse, signal }) });
}

/** The signed-in member's roles and what they grant right now. */
export function useMyAccess() {
  return useQuery({
    queryKey: myAccessKey,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/me/permissions', { schema: MyAccessResponse, signal }),
    staleTime: 10_000,
  });
}

/** True when the member's grants include p (false while unknown). */
export function useCan(p: string): boolean {
  const me = useMyAccess();
  return me.data?.permissions.includes(p) ?? false;
}

/** Changes a role (PUT): `applied`, `unchanged`, or `pending` a second member's approval. */
export function useUpdateRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: RoleUpdateRequest }) =>
      apiRequest('PUT', `/api/v1/roles/${encodeURIComponent(name)}`, { body, schema: RoleChangeResponse }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['roles'] }),
  });
}

/** Creates a custom role. */
export function useCreateRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RoleCreateRequest) => apiRequest('POST', '/api/v1/roles', { body, schema: Role }),
    onSuccess: () => qc.invalidateQueries({ queryKey: rolesKey }),
  });
}

/** The synthetic sample trader as a role sees it. */
export function useRolePreview(name: string | null) {
  return useQuery({
    queryKey: ['roles', 'preview', name],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/roles/${encodeURIComponent(name!)}/preview`, { schema: RolePreview, signal }),
    enabled: name !== null,
  });
}

/** A role's editable settings, as the PUT body wants them. */
export function settingsOf(r: Role): RoleSettings {
  return {
    description: r.description,
    permissions: [...r.permissions].sort(),
    fieldPolicy: r.fieldPolicy,
    idleTimeoutMinutes: r.idleTimeoutMinutes,
    requireHardwareKey: r.requireHardwareKey,
    privileged: r.privileged,
  };
}

/** True when two settings are the same (permissions compared as sets). */
export function sameSettings(a: RoleSettings, b: RoleSettings): boolean {
  const norm = (s: RoleSettings) => JSON.stringify({ ...s, permissions: [...new Set(s.permissions)].sort() });
  return norm(a) === norm(b);
}

/**
 * Sets a member's roles (for the staff list): removals and ordinary grants apply at once; privileged grants,
 * and grants to oneself, come back as `pending` (a second member approves them in the Approvals tab).
 */
export function useSetStaffRoles() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ staffId, roles, reason }: { staffId: string; roles: string[]; reason: string }) =>
      apiRequest('PUT', `/api/v1/staff/${encodeURIComponent(staffId)}/roles`, { body: { roles, reason }, schema: StaffRolesResponse }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['staff'] });
      void qc.invalidateQueries({ queryKey: ['roles'] });
      void qc.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
}
