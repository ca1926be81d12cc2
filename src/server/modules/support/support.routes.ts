// Support desk routes: /api/v1/support/* (inbox, ticket, chat, canned replies, attachments, signed inbound
// webhooks) and the profile section /api/v1/traders/:id/tickets. Thin: validate, call one service function.
import { z } from 'zod';
import {
  CannedReplyInput,
  CannedReplyList,
  CannedReplySaved,
  CreateTicketRequest,
  InboundAccepted,
  InboundEmail,
  InboundMessage,
  NoteRequest,
  RenderedCannedReply,
  ReplyRequest,
  SavedMessage,
  TicketListQuery,
  TicketPage,
  TicketSummary,
  TicketView,
  TraderTickets,
  UpdateTicketRequest,
} from '../../../contracts/support.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';
import { ATTACHMENT_BODY_LIMIT, contentDisposition } from './support.attachments.js';
import { signedWebhookHooks } from './support.webhook.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });
const AttachmentParams = z.object({ id: z.string().max(64), attId: z.string().max(64) });
const CannedParams = z.object({ id: z.string().max(64), cannedId: z.string().max(64) });

/** Registers /api/v1/support/* and /api/v1/traders/:id/tickets. */
export function registerSupportRoutes(t: TypedApp, c: Container): void {
  const tags = ['support'];

  t.get(
    '/api/v1/support/tickets',
    { config: { permission: 'ticket.read' }, schema: { tags, summary: 'The inbox: filtered, newest first, with SLA clocks', querystring: TicketListQuery, response: { 200: TicketPage } } },
    async (req) => c.support.list(req.actor, memberOf(req), req.query),
  );

  t.post(
    '/api/v1/support/tickets',
    {
      config: { permission: 'ticket.reply' },
      schema: { tags, summary: "Open a ticket for a trader; the first message is e-mailed (needs the trader's anti-phishing code)", body: CreateTicketRequest, response: { 201: SavedMessage } },
    },
    async (req, reply) => reply.code(201).send(await c.support.create(req.actor, memberOf(req), req.body)),
  );

  t.get(
    '/api/v1/support/tickets/:id',
    { config: { permission: 'ticket.read' }, schema: { tags, summary: 'One ticket with the whole chat; contact per your field policy', params: IdParams, response: { 200: TicketView } } },
    async (req) => c.support.get(req.actor, memberOf(req), req.params.id),
  );

  t.patch(
    '/api/v1/support/tickets/:id',
    { config: { permission: 'ticket.reply' }, schema: { tags, summary: 'Change status, priority, queue, assignee or tags', params: IdParams, body: UpdateTicketRequest, response: { 200: TicketSummary } } },
    async (req) => c.support.update(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/support/tickets/:id/replies',
    {
      config: { permission: 'ticket.reply' },
      schema: { tags, summary: "Reply by e-mail (carries the trader's anti-phishing code; 422 without one)", params: IdParams, body: ReplyRequest, response: { 201: SavedMessage } },
    },
    async (req, reply) => reply.code(201).send(await c.support.reply(req.actor, memberOf(req), req.params.id, req.body)),
  );

  t.post(
    '/api/v1/support/tickets/:id/notes',
    { config: { permission: 'ticket.reply' }, schema: { tags, summary: 'Add an internal note (never sent)', params: IdParams, body: NoteRequest, response: { 201: SavedMessage } } },
    async (req, reply) => reply.code(201).send(await c.support.addNote(req.actor, memberOf(req), req.params.id, req.body.body)),
  );

  t.get(
    '/api/v1/support/tickets/:id/canned-replies/:cannedId',
    {
      config: { permission: 'ticket.read' },
      schema: { tags, summary: "A canned reply with the ticket's trader's display name filled in", params: CannedParams, response: { 200: RenderedCannedReply } },
    },
    async (req) => ({ body: await c.support.renderCannedFor(req.actor, memberOf(req), req.params.id, req.params.cannedId) }),
  );

  t.get(
    '/api/v1/support/tickets/:id/attachments/:attId',
    {
      config: { permission: 'ticket.attachment.read' },
      schema: { tags, summary: 'An attachment: images and PDFs inline (sandboxed), anything else as a download', params: AttachmentParams },
    },
    async (req, reply) => {
      const a = await c.support.attachment(req.actor, memberOf(req), req.params.id, req.params.attId);
      // nosniff + a sandbox CSP: even a file that slipped past the type check cannot run script in our origin.
      return reply
        .header('content-type', a.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : a.contentType)
        .header('content-disposition', contentDisposition(a.filename, a.inline))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'no-store')
        .send(a.content);
    },
  );

  t.get(
    '/api/v1/support/canned-replies',
    { config: { permission: 'ticket.read' }, schema: { tags, summary: 'Canned replies', response: { 200: CannedReplyList } } },
    async (req) => ({ cannedReplies: await c.support.listCanned(req.actor) }),
  );

  t.post(
    '/api/v1/support/canned-replies',
    { config: { permission: 'ticket.canned.manage' }, schema: { tags, summary: 'Create a canned reply ({{displayName}} is filled in)', body: CannedReplyInput, response: { 201: CannedReplySaved } } },
    async (req, reply) => reply.code(201).send(await c.support.saveCanned(req.actor, memberOf(req), undefined, req.body)),
  );

  t.put(
    '/api/v1/support/canned-replies/:id',
    { config: { permission: 'ticket.canned.manage' }, schema: { tags, summary: 'Change a canned reply', params: IdParams, body: CannedReplyInput, response: { 200: CannedReplySaved } } },
    async (req) => c.support.saveCanned(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.delete(
    '/api/v1/support/canned-replies/:id',
    { config: { permission: 'ticket.canned.manage' }, schema: { tags, summary: 'Delete a canned reply', params: IdParams } },
    async (req, reply) => {
      await c.support.deleteCanned(req.actor, req.params.id);
      return reply.code(204).send();
    },
  );

  t.get(
    '/api/v1/traders/:id/tickets',
    { config: { permission: 'ticket.read' }, schema: { tags: ['traders', 'support'], summary: "A trader's tickets (profile section)", params: IdParams, response: { 200: TraderTickets } } },
    async (req) => ({ tickets: await c.support.ofTrader(req.actor, memberOf(req), req.params.id) }),
  );

  // Signed inbound webhooks: signature over the exact bytes, checked before validation (support.webhook.ts).
  const inbound = (channel: 'api' | 'email') => ({
    config: { public: true, rateLimit: { max: 300, timeWindow: '1 minute' } },
    ...signedWebhookHooks({
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      secret: () => c.support.webhookSecret,
      notConfigured: 'Inbound messages are not configured (SUPPORT_WEBHOOK_SECRET)',
      now: () => c.clock.now(),
      onRejected: (req, reason) => c.support.rejectInbound(req.actor, channel, reason),
    }),
  });

  t.post(
    '/api/v1/support/inbound/messages',
    { ...inbound('api'), schema: { tags, summary: "A trader's message from the exchange's backend (HMAC-signed)", body: InboundMessage, response: { 202: InboundAccepted } } },
    async (req, reply) => {
      await c.support.inboundMessage(req.actor, req.inboundSignature!, req.body);
      return reply.code(202).send({ accepted: true as const });
    },
  );

  t.post(
    '/api/v1/support/inbound/email',
    { ...inbound('email'), schema: { tags, summary: 'An e-mail to the support address from the mail gateway (HMAC-signed)', body: InboundEmail, response: { 202: InboundAccepted } } },
    async (req, reply) => {
      await c.support.inboundEmail(req.actor, req.inboundSignature!, req.body);
      return reply.code(202).send({ accepted: true as const });
    },
  );
}
