// Contracts of the support desk: tickets, the chat (trader messages, replies, internal notes), attachments,
// canned replies and the inbound webhooks. Shared by the server (route schemas, the last filter of every answer)
// and the web UI.
import { z } from 'zod';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const MESSAGE_KINDS = ['trader', 'reply', 'internal'] as const;
export const TicketStatus = z.enum(TICKET_STATUSES);
export const TicketPriority = z.enum(TICKET_PRIORITIES);
export type TicketStatus = z.infer<typeof TicketStatus>;
export type TicketPriority = z.infer<typeof TicketPriority>;

const Queue = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (max 40)');
const Tag = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _ (max 32)');
/** Free text of a message: bounded so one request cannot fill the database (attachments carry files). */
const Body = z.string().trim().min(1, 'must not be empty').max(20_000);
const Subject = z.string().trim().min(1, 'must not be empty').max(200);

/** An attachment as it arrives in a JSON body: a file name and the content in base64. */
export const AttachmentUpload = z.object({
  filename: z.string().min(1).max(255),
  contentBase64: z.string().min(1),
});
export type AttachmentUpload = z.infer<typeof AttachmentUpload>;
const Attachments = z.array(AttachmentUpload).max(4).optional();

export const SlaClock = z.object({
  dueAt: z.string(),
  /** When it was met (first reply sent; ticket solved), or null. */
  metAt: z.string().nullable(),
  /** Milliseconds left (negative once breached); null once met. */
  remainingMs: z.number().nullable(),
  breached: z.boolean(),
});
export const Sla = z.object({ firstResponse: SlaClock, resolution: SlaClock });
export type Sla = z.infer<typeof Sla>;

export const TicketSummary = z.object({
  id: z.string(),
  number: z.number(),
  traderId: z.string(),
  accountRef: z.string(),
  subject: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  queue: z.string(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  tags: z.array(z.string()),
  channel: z.enum(['api', 'email', 'staff']),
  createdAt: z.string(),
  updatedAt: z.string(),
  sla: Sla,
});
export type TicketSummary = z.infer<typeof TicketSummary>;

export const TicketPage = z.object({ tickets: z.array(TicketSummary), nextCursor: z.string().nullable() });
export type TicketPage = z.infer<typeof TicketPage>;

export const TicketListQuery = z.object({
  status: TicketStatus.optional(),
  queue: Queue.optional(),
  priority: TicketPriority.optional(),
  assignee: z.enum(['me', 'unassigned', 'anyone']).default('anyone'),
  tag: Tag.optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;

export const AttachmentMeta = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  /** Images and PDFs are shown inline (sandboxed); everything else is a download. */
  inline: z.boolean(),
});
export type AttachmentMeta = z.infer<typeof AttachmentMeta>;

export const TicketMessage = z.object({
  id: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  authorName: z.string().nullable(),
  body: z.string(),
  /** Kinds of secrets removed from this message before it was stored. */
  redactions: z.array(z.string()),
  createdAt: z.string(),
  attachments: z.array(AttachmentMeta),
});
export type TicketMessage = z.infer<typeof TicketMessage>;

/** The trader as a ticket shows them: contact fields per the member's field policy (masked for junior support). */
export const TicketContact = z
  .object({ accountRef: z.string(), displayName: z.string(), email: z.string(), phone: z.string() })
  .partial();
export type TicketContact = z.infer<typeof TicketContact>;

export const TicketView = z.object({
  ticket: TicketSummary,
  contact: TicketContact,
  /** Contact fields shown masked. */
  masked: z.array(z.string()),
  messages: z.array(TicketMessage),
  /** Whether this member may open attachment contents. */
  canOpenAttachments: z.boolean(),
});
export type TicketView = z.infer<typeof TicketView>;

export const CreateTicketRequest = z.object({
  traderId: z.string().max(64),
  subject: Subject,
  body: Body,
  priority: TicketPriority.default('normal'),
  queue: Queue.default('general'),
  tags: z.array(Tag).max(10).default([]),
});
export type CreateTicketRequest = z.infer<typeof CreateTicketRequest>;

export const ReplyRequest = z
  .object({
    /** The reply; when absent, the canned reply's text (with {{displayName}} filled in) is sent as it is. */
    body: Body.optional(),
    cannedReplyId: z.uuid().optional(),
    /** Status after the reply; by default a new or open ticket becomes pending (waiting for the trader). */
    status: TicketStatus.optional(),
  })
  .refine((r) => r.body !== undefined || r.cannedReplyId !== undefined, { message: 'give a body or a canned reply', path: ['body'] });
export type ReplyRequest = z.infer<typeof ReplyRequest>;

export const NoteRequest = z.object({ body: Body });

export const UpdateTicketRequest = z
  .object({
    status: TicketStatus.optional(),
    priority: TicketPriority.optional(),
    queue: Queue.optional(),
    assigneeId: z.uuid().nullable().optional(),
    tags: z.array(Tag).max(10).optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), { message: 'change at least one thing' });
export type UpdateTicketRequest = z.infer<typeof UpdateTicketRequest>;

/** The answer to anything that saved free text: the ticket, and the kinds of secrets removed before storage. */
export const SavedMessage = z.object({
  ticketId: z.string(),
  ticketNumber: z.number(),
  messageId: z.string(),
  redacted: z.array(z.string()),
});
export type SavedMessage = z.infer<typeof SavedMessage>;

export const CannedReply = z.object({ id: z.string(), name: z.string(), body: z.string(), updatedAt: z.string() });
export type CannedReply = z.infer<typeof CannedReply>;
export const CannedReplyList = z.object({ cannedReplies: z.array(CannedReply) });
export const CannedReplyInput = z.object({ name: z.string().trim().min(1).max(80), body: z.string().trim().min(1).max(5000) });
export type CannedReplyInput = z.infer<typeof CannedReplyInput>;
export const CannedReplySaved = z.object({ cannedReply: CannedReply, redacted: z.array(z.string()) });
export const RenderedCannedReply = z.object({ body: z.string() });

export const TraderTickets = z.object({ tickets: z.array(TicketSummary) });

/** POST /api/v1/support/inbound/messages: the exchange's backend forwards a trader's message. */
export const InboundMessage = z.object({
  accountRef: z.string().min(1).max(64),
  ticketNumber: z.number().int().positive().optional(),
  subject: Subject.optional(),
  body: Body,
  attachments: Attachments,
});
export type InboundMessage = z.infer<typeof InboundMessage>;

/** POST /api/v1/support/inbound/email: the mail gateway forwards an e-mail to the support address. */
export const InboundEmail = z.object({
  /**
   * The gateway's DMARC verdict for the From domain (every inbound mail service reports one). Anything but `pass`
   * is dropped: a From header alone proves nothing, and a forged one would land in that trader's ticket.
   */
  dmarc: z.enum(['pass', 'fail', 'none', 'temperror', 'permerror']),
  from: z.string().min(3).max(320),
  subject: z.string().max(998).default(''),
  text: Body,
  attachments: Attachments,
});
export type InboundEmail = z.infer<typeof InboundEmail>;

/** Always the same answer, whether the sender is a trader or not (an address is never confirmed). */
export const InboundAccepted = z.object({ accepted: z.literal(true) });
