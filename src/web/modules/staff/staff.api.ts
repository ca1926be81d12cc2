// Server state of staff accounts: the list, invitations, and the administrative actions (disable/enable,
// reset, unlock, unfreeze, allowed networks, ending a member's sessions). Shapes are the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  AllowedNetworksResponse,
  InvitationCompleteResponse,
  InvitationListResponse,
  InvitationStartResponse,
  InviteResponse,
  OutboxResponse,
  ResetCompleteResponse,
  ResetIssuedResponse,
  ResetStartResponse,
  SessionsEndedResponse,
  StaffListResponse,
  type InviteRequest,
  type StaffMember,
} from '../../../contracts/staff.js';
import { RolesResponse } from '../../../contracts/roles.js';
import { apiRequest } from '../../api.js';

export type { StaffMember };
export type InviteInput = z.input<typeof InviteRequest>;
export type InviteResult = z.infer<typeof InviteResponse>;
export type InvitationStart = z.infer<typeof InvitationStartResponse>;

export const staffKeys = {
  all: ['staff'] as const,
  list: ['staff', 'list'] as const,
  invitations: ['staff', 'invitations'] as const,
  outbox: ['staff', 'outbox'] as const,
};

/** The built-in roles offered by the invite form (roles are data: the server decides which exist). */
export const INVITABLE_ROLES = [
  { name: 'support_junior', label: 'Support (junior)', privileged: false },
  { name: 'support_senior', label: 'Support (senior)', privileged: false },
  { name: 'marketing', label: 'Marketing', privileged: false },
  { name: 'compliance_officer', label: 'Compliance officer', privileged: false },
  { name: 'compliance_senior', label: 'Compliance (senior)', privileged: true },
  { name: 'security_officer', label: 'Security officer', privileged: true },
  { name: 'admin', label: 'Administrator', privileged: true },
  { name: 'auditor', label: 'Auditor (read-only)', privileged: false },
] as const;

/**
 * The roles an invitation can name, with their privileged flag, from the role table (roles are data) when the
 * member may read it, else the built-in list. Shares the roles page's cache key.
 */
export function useInvitableRoles(canReadRoles: boolean): { name: string; label: string; privileged: boolean }[] {
  const q = useQuery({
    queryKey: ['roles'],
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/roles', { schema: RolesResponse, signal }),
    enabled: canReadRoles,
  });
  if (!q.data) return INVITABLE_ROLES.map((r) => ({ ...r }));
  const labels = new Map<string, string>(INVITABLE_ROLES.map((r) => [r.name, r.label]));
  return q.data.roles.map((r) => ({ name: r.name, label: labels.get(r.name) ?? r.name, privileged: r.privileged }));
}

export function useStaffList() {
  return useQuery({
    queryKey: staffKeys.list,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/staff', { schema: StaffListResponse, signal }),
  });
}

export function useInvitations(enabled = true) {
  return useQuery({
    queryKey: staffKeys.invitations,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/staff/invitations', { schema: InvitationListResponse, signal }),
    enabled,
  });
}

export function useInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: InviteInput) => apiRequest('POST', '/api/v1/staff/invitations', { body: input, schema: InviteResponse }),
    onSuccess: () => qc.invalidateQueries({ queryKey: staffKeys.invitations }),
  });
}

export function useRevokeInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/api/v1/staff/invitations/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: staffKeys.invitations }),
  });
}

export type MemberAction = 'disable' | 'enable' | 'unlock' | 'unfreeze';

/** Disable, enable, unlock or unfreeze a member (each needs a reason). */
export function useMemberAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: MemberAction; reason: string }) =>
      apiRequest('POST', `/api/v1/staff/${encodeURIComponent(id)}/${action}`, { body: { reason } }),
    onSettled: () => qc.invalidateQueries({ queryKey: staffKeys.all }),
  });
}

/** E-mails the member a reset link; the answer says where (masked), never the link. */
export function useIssueReset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      apiRequest('POST', `/api/v1/staff/${encodeURIComponent(id)}/reset`, { body: reason ? { reason } : {}, schema: ResetIssuedResponse }),
    onSettled: () => qc.invalidateQueries({ queryKey: staffKeys.outbox }),
  });
}

export function useSetAllowedNetworks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, cidrs, reason }: { id: string; cidrs: string[]; reason: string }) =>
      apiRequest('PUT', `/api/v1/staff/${encodeURIComponent(id)}/allowed-networks`, { body: reason ? { cidrs, reason } : { cidrs }, schema: AllowedNetworksResponse }),
    onSettled: () => qc.invalidateQueries({ queryKey: staffKeys.list }),
  });
}

export function useEndMemberSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      apiRequest('DELETE', `/api/v1/staff/${encodeURIComponent(id)}/sessions`, { body: reason ? { reason } : {}, schema: SessionsEndedResponse }),
    onSettled: () => qc.invalidateQueries({ queryKey: staffKeys.list }),
  });
}

export function useOutbox() {
  return useQuery({
    queryKey: staffKeys.outbox,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/dev/outbox', { schema: OutboxResponse, signal }),
  });
}

/**
 * Opens an invitation link: the server checks it and proposes a TOTP secret. Run once per token — never
 * refetched — because a second call would propose a different secret than the QR code shows.
 */
export function useInvitationStart(token: string | null) {
  return useQuery({
    queryKey: ['invitation', 'start', token],
    queryFn: () => apiRequest('POST', '/api/v1/invitations/start', { body: { token }, schema: InvitationStartResponse }),
    enabled: token !== null,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: false,
  });
}

export function useInvitationComplete() {
  return useMutation({
    meta: { authCall: true },
    mutationFn: (input: { token: string; password: string; totpCode: string }) =>
      apiRequest('POST', '/api/v1/invitations/complete', { body: input, schema: InvitationCompleteResponse }),
  });
}

export function useResetStart(token: string | null) {
  return useQuery({
    queryKey: ['password-reset', 'start', token],
    queryFn: () => apiRequest('POST', '/api/v1/password-reset/start', { body: { token }, schema: ResetStartResponse }),
    enabled: token !== null,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
  });
}

export function useResetComplete() {
  return useMutation({
    meta: { authCall: true },
    mutationFn: (input: { token: string; password: string }) => apiRequest('POST', '/api/v1/password-reset/complete', { body: input, schema: ResetCompleteResponse }),
  });
}
