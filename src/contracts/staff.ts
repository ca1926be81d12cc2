// Contracts of staff accounts (invitations, resets, administration), sessions, security alerts and the
// development outbox, shared by the server routes and the web UI.
import { z } from 'zod';
import { DisplayName, Email, TotpCode } from './bootstrap.js';

/** A one-time link's token (256 bits, base64url). It travels in the URL fragment, never in a query string. */
export const OneTimeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed link token');

/** Any characters, 12 to 128 of them (counted as characters, not bytes); the server checks the rest. */
export const NewPassword = z.string().min(1).max(1024);

export const RoleName = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'a role name');

export const Reason = z.string().trim().min(5, 'give a reason (at least 5 characters)').max(1000);
export const ReasonBody = z.object({ reason: Reason });
export const OptionalReasonBody = z.object({ reason: Reason.optional() }).optional();

export const StaffStatus = z.enum(['active', 'disabled', 'locked', 'frozen']);

export const StaffMember = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Full for members who may invite staff; masked (j***@d***.com) for everyone else. */
  email: z.string(),
  emailMasked: z.boolean(),
  roles: z.array(z.string()),
  status: StaffStatus,
  frozenReason: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  failedSignIns: z.number().int(),
  /** Counts only: never a secret, never a credential id. */
  factors: z.object({ totp: z.number().int(), securityKeys: z.number().int(), recoveryCodes: z.number().int() }),
  allowedNetworks: z.array(z.string()),
  lastSignInAt: z.string().nullable(),
  activeSessions: z.number().int(),
  createdAt: z.string(),
});
export type StaffMember = z.infer<typeof StaffMember>;
export const StaffListResponse = z.object({ members: z.array(StaffMember) });

export const InvitationStatus = z.enum(['awaiting_approval', 'pending', 'used', 'revoked', 'expired']);
export const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  status: InvitationStatus,
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationListResponse = z.object({ invitations: z.array(Invitation) });

export const InviteRequest = z.object({
  email: Email,
  displayName: DisplayName,
  roles: z.array(RoleName).min(1).max(10),
  /** Required when a role is privileged (the request goes to a second member for approval). */
  reason: Reason.optional(),
});
export const InviteResponse = z.object({
  status: z.enum(['issued', 'awaiting_approval']),
  invitation: Invitation,
  /** The one-time link, shown once, only for invitations issued at once (never for privileged ones). */
  link: z.string().nullable(),
  approvalId: z.string().nullable(),
});

export const TokenRequest = z.object({ token: OneTimeToken });
export const InvitationStartResponse = z.object({
  totpSecret: z.string(),
  otpauthUri: z.string(),
  email: z.string(),
  displayName: z.string(),
  expiresAt: z.string(),
});
export const InvitationCompleteRequest = z.object({ token: OneTimeToken, password: NewPassword, totpCode: TotpCode });
export const InvitationCompleteResponse = z.object({ staffId: z.string(), email: z.string() });

export const ResetStartResponse = z.object({ displayName: z.string(), email: z.string(), expiresAt: z.string() });
export const ResetCompleteRequest = z.object({ token: OneTimeToken, password: NewPassword });
export const ResetCompleteResponse = z.object({ email: z.string() });
export const ResetIssuedResponse = z.object({ sentTo: z.string(), expiresAt: z.string() });

export const AllowedNetworksRequest = z.object({ cidrs: z.array(z.string().trim().min(1).max(64)).max(50), reason: Reason.optional() });
export const AllowedNetworksResponse = z.object({ allowedNetworks: z.array(z.string()) });

export const SessionView = z.object({
  /** Opaque public id (never the token or its hash). */
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  ip: z.string(),
  country: z.string().nullable(),
  userAgent: z.string(),
  current: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;
export const SessionListResponse = z.object({ sessions: z.array(SessionView) });
export const SessionsEndedResponse = z.object({ ended: z.number().int() });

export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved']);
export const SecurityAlert = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  staffId: z.string().nullable(),
  staffName: z.string().nullable(),
  summary: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  status: AlertStatus,
  createdAt: z.string(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type SecurityAlert = z.infer<typeof SecurityAlert>;
export const AlertListResponse = z.object({ alerts: z.array(SecurityAlert) });
export const AlertNoteBody = z.object({ note: Reason });

export const OutboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
export const OutboxResponse = z.object({ delivers: z.boolean(), messages: z.array(OutboxMessage) });

export { TotpCode };
