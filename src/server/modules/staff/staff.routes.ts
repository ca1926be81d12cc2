// Staff accounts over HTTP: the list, invitations (and their acceptance), password resets, disable/enable,
// unlock/unfreeze and allowed networks. Thin: validate, call one service function, present.
import { z } from 'zod';
import {
  AllowedNetworksRequest,
  AllowedNetworksResponse,
  InvitationCompleteRequest,
  InvitationCompleteResponse,
  InvitationListResponse,
  InvitationStartResponse,
  InviteRequest,
  InviteResponse,
  ReasonBody,
  ResetCompleteRequest,
  ResetCompleteResponse,
  ResetIssuedResponse,
  ResetStartResponse,
  StaffListResponse,
  TokenRequest,
  OptionalReasonBody,
} from '../../../contracts/staff.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const IdParams = z.object({ id: z.uuid() });
const Ok = z.object({ ok: z.literal(true) });

/** Registers /api/v1/staff/*, /api/v1/invitations/* and /api/v1/password-reset/*. */
export function registerStaffRoutes(t: TypedApp, c: Container): void {
  const svc = c.staff;
  // One-time links are brute-force targets like sign-in: a tight per-address limit on top of the global one.
  const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };

  t.get(
    '/api/v1/staff',
    { config: { permission: 'staff.read' }, schema: { tags: ['staff'], summary: 'Staff members: roles, status, factors (counts), last sign-in', response: { 200: StaffListResponse } } },
    async (req) => ({ members: await svc.list(req.actor, { id: req.staff!.id, permissions: req.staff!.permissions ?? new Set() }) }),
  );

  t.get(
    '/api/v1/staff/invitations',
    { config: { permission: 'staff.invite' }, schema: { tags: ['staff'], summary: 'Invitations and their state', response: { 200: InvitationListResponse } } },
    async (req) => ({ invitations: await svc.listInvitations(req.actor) }),
  );

  t.post(
    '/api/v1/staff/invitations',
    {
      config: { permission: 'staff.invite' },
      schema: {
        tags: ['staff'],
        summary: 'Invite a member (privileged roles go to a second member for approval)',
        description: 'For non-privileged roles the one-time link is returned once (and e-mailed). For privileged roles a four-eyes request is filed; once approved, the link is e-mailed to the invitee only.',
        body: InviteRequest,
        response: { 201: InviteResponse, 202: InviteResponse },
      },
    },
    async (req, reply) => {
      const r = await svc.invite(req.actor, { id: req.staff!.id }, req.body);
      return reply.code(r.status === 'issued' ? 201 : 202).send({ status: r.status, invitation: r.invitation, link: r.link, approvalId: r.approvalId });
    },
  );

  t.delete(
    '/api/v1/staff/invitations/:id',
    { config: { permission: 'staff.invite' }, schema: { tags: ['staff'], summary: 'Revoke an open invitation', params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await svc.revokeInvitation(req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );

  t.post(
    '/api/v1/invitations/start',
    { config: { public: true, ...strict }, schema: { tags: ['invitations'], summary: 'Open an invitation link: proposes a TOTP secret', body: TokenRequest, response: { 200: InvitationStartResponse } } },
    async (req) => svc.startInvitation(req.actor, req.body.token),
  );

  t.post(
    '/api/v1/invitations/complete',
    {
      config: { public: true, ...strict },
      schema: { tags: ['invitations'], summary: 'Accept an invitation: password and TOTP code', body: InvitationCompleteRequest, response: { 201: InvitationCompleteResponse } },
    },
    async (req, reply) => reply.code(201).send(await svc.completeInvitation(req.actor, req.body)),
  );

  t.post(
    '/api/v1/password-reset/start',
    { config: { public: true, ...strict }, schema: { tags: ['invitations'], summary: 'Open a password-reset link', body: TokenRequest, response: { 200: ResetStartResponse } } },
    async (req) => svc.startReset(req.actor, req.body.token),
  );

  t.post(
    '/api/v1/password-reset/complete',
    {
      config: { public: true, ...strict },
      schema: { tags: ['invitations'], summary: 'Choose a new password (the second factor is still needed to sign in)', body: ResetCompleteRequest, response: { 200: ResetCompleteResponse } },
    },
    async (req) => svc.completeReset(req.actor, req.body),
  );

  t.post(
    '/api/v1/staff/:id/reset',
    {
      config: { permission: 'staff.reset' },
      schema: { tags: ['staff'], summary: "E-mail the member a password-reset link (you never see it)", params: IdParams, body: OptionalReasonBody, response: { 202: ResetIssuedResponse } },
    },
    async (req, reply) => reply.code(202).send(await svc.issueReset(req.actor, req.params.id, req.body?.reason)),
  );

  for (const [path, permission, summary, run] of [
    ['disable', 'staff.disable', 'Disable an account (its sessions end at once)', (ctx, id, reason) => svc.disable(ctx, id, reason)],
    ['enable', 'staff.disable', 'Re-enable a disabled account', (ctx, id, reason) => svc.enable(ctx, id, reason)],
    ['unlock', 'security.unfreeze', 'Lift a sign-in lock (reason required)', (ctx, id, reason) => svc.unlock(ctx, id, reason)],
    ['unfreeze', 'security.unfreeze', 'Unfreeze an account frozen by a sign-in from a new place (reason required)', (ctx, id, reason) => svc.unfreeze(ctx, id, reason)],
  ] as const satisfies readonly (readonly [string, 'staff.disable' | 'security.unfreeze', string, (ctx: Parameters<typeof svc.disable>[0], id: string, reason: string) => Promise<void>])[]) {
    t.post(
      `/api/v1/staff/:id/${path}`,
      { config: { permission }, schema: { tags: ['staff'], summary, params: IdParams, body: ReasonBody, response: { 200: Ok } } },
      async (req) => {
        await run(req.actor, req.params.id, req.body.reason);
        return { ok: true as const };
      },
    );
  }

  t.put(
    '/api/v1/staff/:id/allowed-networks',
    {
      config: { permission: 'staff.networks.edit' },
      schema: { tags: ['staff'], summary: "Replace a member's allowed IP ranges (empty: no restriction)", params: IdParams, body: AllowedNetworksRequest, response: { 200: AllowedNetworksResponse } },
    },
    async (req) => ({ allowedNetworks: await svc.setAllowedNetworks(req.actor, req.params.id, req.body.cidrs, req.body.reason) }),
  );
}
