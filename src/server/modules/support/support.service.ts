// The support desk: tickets with the whole chat (trader messages, replies, internal notes), SLA clocks, canned
// replies, attachments, and the signed inbound channels (the exchange's API and an e-mail gateway).
//
// Security decisions:
// - Every read and write is one audited transaction; every per-ticket call first opens the ticket's trader for the
//   `tickets` section (traders.openSection), so a member who may not see a trader's tickets gets the same 404/403
//   there as on the profile, and a ticket id that is malformed, missing or of an unopenable trader is a 404.
// - Subjects, bodies, file names and contents are encrypted under the trader's own data key, bound to (table,
//   column, row id). Free text is scanned for secrets (seed phrases, private keys, API secrets, card numbers) and
//   redacted BEFORE encryption; the kinds are stored, returned to the agent and audited (never the values).
// - A reply goes out by e-mail only with the trader's anti-phishing code on its first line; without a code the
//   reply is refused (422) and nothing is stored or queued. The e-mail subject (stored in clear by the outbox)
//   carries only the ticket number, never the ticket's subject, which may hold personal data.
// - Inbound requests are authenticated by signature (support.webhook.ts); an unknown sender gets the same 202 as a
//   known one (an address is never confirmed) and the drop is audited.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type {
  CannedReply,
  CannedReplyInput,
  CreateTicketRequest,
  InboundEmail,
  InboundMessage,
  ReplyRequest,
  SavedMessage,
  TicketListQuery,
  TicketMessage,
  TicketPage,
  TicketSummary,
  TicketView,
  UpdateTicketRequest,
} from '../../../contracts/support.js';
import type { Audited, AuditedTx, AuditSpec } from '../../platform/audit/writer.js';
import type { AuditOutcome } from '../../platform/audit/canonical.js';
import { presentFields } from '../../platform/authz/field-policy.js';
import type { Clock } from '../../platform/clock.js';
import { decryptForSubject, type SubjectKey } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { subjectKeyCache } from '../../platform/crypto/subject-key-cache.js';
import { findingKinds, scanSecrets, SECRET_KINDS, type SecretKind } from '../../platform/dlp/secret-scanner.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { EmailService } from '../email/email.service.js';
import type { Member, TradersService } from '../traders/index.js';
import { checkAttachments, isInlineType, type CheckedAttachment } from './support.attachments.js';
import { TICKET_CONTACT_FIELDS, type TicketContactRecord } from './support.fields.js';
import * as repo from './support.repository.js';
import { dueTimes, slaOf } from './support.sla.js';
import { MAX_SKEW_MS } from './support.webhook.js';
import { isUuid } from '../../platform/ids.js';

export interface SupportDeps {
  audited: Audited;
  /** Records an event without a transaction (rejected webhooks, redaction notices after the commit). */
  record: (ctx: ActorContext, spec: AuditSpec, outcome: AuditOutcome, errorCode?: string | null) => Promise<void>;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'antiPhishingCode' | 'idsByEmail' | 'idByAccountRef' | 'contactOf'>;
  email: Pick<EmailService, 'enqueueIn'>;
  /** HMAC secret of the inbound webhooks; undefined: inbound is not configured. */
  webhookSecret: string | undefined;
}

export type SupportService = ReturnType<typeof createSupportService>;

const MAX_MESSAGES = 500;

const ticketNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such ticket', { denial: true });

/** The subject-key binding of one column of one row. */
const at = (table: string, column: string, rowId: string) => ({ table, column, rowId });

/** Fills {{displayName}} (the only placeholder) in a canned reply. */
export function renderCanned(body: string, vars: { displayName: string }): string {
  // A function replacement: a `$&` or `$'` in a trader's name is text, not a replacement pattern.
  return body.replace(/\{\{\s*displayName\s*\}\}/g, () => vars.displayName);
}

/** The address in a From header ("Ada <ada@x.test>" or "ada@x.test"), or null. */
export function addressOf(from: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(from);
  return m ? m[1]!.trim() : null;
}

/** The ticket number in an e-mail subject ("Re: [#123] …"), or undefined. */
export function ticketNumberIn(subject: string): number | undefined {
  const m = /\[#(\d{1,15})\]/.exec(subject);
  return m ? Number(m[1]) : undefined;
}

/** Creates the support desk service. */
export function createSupportService(d: SupportDeps) {
  const iso = (v: Date | string) => new Date(v).toISOString();

  /** Each trader's key once per transaction; null when the trader was crypto-shredded. */
  const keyCache = (tx: AuditedTx) => subjectKeyCache(d.vault, tx);

  function summary(row: repo.TicketRow, subject: string): TicketSummary {
    return {
      id: row.id,
      number: Number(row.number),
      traderId: row.trader_id,
      accountRef: row.account_ref,
      subject,
      status: row.status,
      priority: row.priority,
      queue: row.queue,
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_name ?? null,
      tags: row.tags,
      channel: row.channel,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      sla: slaOf(row, d.clock.now()),
    };
  }

  function subjectOf(key: SubjectKey | null, row: repo.TicketRow): string {
    return key ? d.vault.decryptForSubject(key, at('ticket', 'subject_ct', row.id), row.subject_ct) : '[erased]';
  }

  /** The ticket and its trader opened for the `tickets` section; 404 for a bad/missing id or an unopenable trader. */
  async function openTicket(tx: AuditedTx, member: Member, id: string) {
    if (!isUuid(id)) throw ticketNotFound();
    const row = await repo.findTicket(tx, id.toLowerCase());
    if (!row) throw ticketNotFound();
    const trader = await d.traders.openSection(tx, member, row.trader_id, 'tickets');
    return { row, trader };
  }

  /** The trader's contact values (decrypted only as far as the policy shows them) and the display name. */
  async function contactOf(tx: AuditedTx, traderId: string, needContact: boolean): Promise<TicketContactRecord> {
    // Read through the trader module: it owns the trader's columns and their encryption bindings.
    const c = await d.traders.contactOf(tx, traderId, needContact);
    if (!c) throw ticketNotFound();
    return c as TicketContactRecord;
  }

  /** Messages of one ticket keep their order even when written in the same millisecond. */
  async function nextMessageTime(tx: AuditedTx, ticketId: string): Promise<Date> {
    const now = d.clock.now();
    const last = await tx.selectFrom('ticket_message').select((eb) => eb.fn.max('created_at').as('at')).where('ticket_id', '=', ticketId).executeTakeFirst();
    const lastMs = last?.at ? new Date(last.at).getTime() : 0;
    return new Date(Math.max(now.getTime(), lastMs + 1));
  }

  /** Stores one message (already redacted) and its attachments under the trader's key; returns the message id. */
  async function storeMessage(
    tx: AuditedTx,
    key: SubjectKey,
    m: { ticketId: string; traderId: string; kind: 'trader' | 'reply' | 'internal'; authorId: string | null; text: string; redactions: SecretKind[]; emailId?: string | null; attachments?: CheckedAttachment[] },
  ): Promise<string> {
    const id = randomUUID();
    const createdAt = await nextMessageTime(tx, m.ticketId);
    await repo.insertMessage(tx, {
      id,
      ticket_id: m.ticketId,
      trader_id: m.traderId,
      kind: m.kind,
      author_staff_id: m.authorId,
      body_ct: d.vault.encryptForSubject(key, at('ticket_message', 'body_ct', id), m.text),
      redactions: m.redactions,
      email_id: m.emailId ?? null,
      created_at: createdAt,
    });
    await repo.insertAttachments(
      tx,
      (m.attachments ?? []).map((a) => {
        const aid = randomUUID();
        return {
          id: aid,
          ticket_id: m.ticketId,
          message_id: id,
          trader_id: m.traderId,
          filename_ct: d.vault.encryptForSubject(key, at('ticket_attachment', 'filename_ct', aid), a.filename),
          content_type: a.contentType,
          size: a.content.length,
          sha256: a.sha256,
          content_ct: d.vault.encryptForSubject(key, at('ticket_attachment', 'content_ct', aid), a.content),
          created_at: createdAt,
        };
      }),
    );
    return id;
  }

  /** Creates a ticket row; returns its id and number. */
  async function newTicket(
    tx: AuditedTx,
    key: SubjectKey,
    t: { traderId: string; subject: string; priority: TicketSummary['priority']; queue: string; tags: string[]; channel: TicketSummary['channel']; status: TicketSummary['status']; respondedNow: boolean },
  ): Promise<{ id: string; number: number }> {
    const id = randomUUID();
    const now = d.clock.now();
    const due = dueTimes(t.priority, now);
    const number = await repo.insertTicket(tx, {
      id,
      trader_id: t.traderId,
      subject_ct: d.vault.encryptForSubject(key, at('ticket', 'subject_ct', id), t.subject),
      status: t.status,
      priority: t.priority,
      queue: t.queue,
      assignee_id: null,
      tags: [...new Set(t.tags)],
      channel: t.channel,
      first_response_due_at: due.firstResponseDueAt,
      resolution_due_at: due.resolutionDueAt,
      first_responded_at: t.respondedNow ? now : null,
      solved_at: t.status === 'solved' || t.status === 'closed' ? now : null,
      created_at: now,
      updated_at: now,
    });
    return { id, number };
  }

  /** The e-mail of a reply: the anti-phishing code first, then the text; the subject names only the ticket number. */
  function replyEmail(to: string, code: string, number: number, text: string) {
    return {
      to,
      subject: `[#${number}] Reply from support`,
      text: `Your anti-phishing code: ${code}\n\n${text}\n\n--\nTo answer, reply to this e-mail and keep [#${number}] in the subject.\nWe will never ask for your password, 2FA codes, seed phrase or private keys.`,
    };
  }

  /** The anti-phishing code, or the 422 that tells the agent what to do. */
  async function requireAntiPhishingCode(tx: AuditedTx, traderId: string): Promise<string> {
    const code = await d.traders.antiPhishingCode(tx, traderId);
    if (!code) {
      throw new AppError(
        ErrorCode.antiPhishingCodeMissing,
        422,
        'This trader has no anti-phishing code, so no e-mail can be sent: ask the trader to set one in their account security settings first',
      );
    }
    return code;
  }

  /** A notice that secrets were redacted, after the commit (audited() cannot nest); names kinds only. */
  async function noticeRedaction(ctx: ActorContext, ticketId: string, kinds: readonly string[]): Promise<void> {
    if (!kinds.length) return;
    await d.record(ctx, { action: 'ticket.secret_redacted', target: { type: 'ticket', id: ticketId }, fields: kinds.map((k) => `redacted.${k}`) }, 'ok');
  }

  /** Scans a subject and a body together; the kinds found in either. */
  function scanBoth(subject: string | undefined, body: string) {
    const s = subject === undefined ? undefined : scanSecrets(subject);
    const b = scanSecrets(body);
    const kinds = findingKinds([...(s?.findings ?? []), ...b.findings]);
    return { subject: s?.text, body: b.text, kinds };
  }

  function redactedFields(kinds: readonly string[]): string[] {
    return kinds.map((k) => `redacted.${k}`);
  }

  /** Stores an inbound trader message on the trader's open ticket with that number, or on a new ticket. */
  async function receive(
    tx: AuditedTx,
    ev: { setTarget(type: string, id: string): void; addFields(...f: string[]): void },
    m: { traderId: string; ticketNumber: number | undefined; subject: string | undefined; body: string; channel: 'api' | 'email'; attachments: CheckedAttachment[] },
  ): Promise<{ ticketId: string; number: number; kinds: SecretKind[] }> {
    const key = await d.vault.subjectKey(tx, m.traderId, { create: false });
    const scan = scanBoth(m.subject, m.body);
    const found = new Set<SecretKind>([...scan.kinds, ...m.attachments.flatMap((a) => a.redactions)]);
    const kinds = SECRET_KINDS.filter((k) => found.has(k));
    ev.addFields(...redactedFields(kinds));
    const existing = m.ticketNumber !== undefined ? await repo.findTicketOfTrader(tx, m.ticketNumber, m.traderId) : undefined;
    let ticket: { id: string; number: number };
    // A closed ticket stays closed: a late answer to it opens a new one.
    if (existing && existing.status !== 'closed') {
      ticket = { id: existing.id, number: Number(existing.number) };
      const reopen = existing.status === 'pending' || existing.status === 'solved';
      await repo.updateTicket(tx, existing.id, { updated_at: d.clock.now(), ...(reopen ? { status: 'open', solved_at: null } : {}) });
      ev.addFields('result.appended');
    } else {
      ticket = await newTicket(tx, key, {
        traderId: m.traderId,
        subject: scan.subject?.trim() || '(no subject)',
        priority: 'normal',
        queue: 'general',
        tags: [],
        channel: m.channel,
        status: 'new',
        respondedNow: false,
      });
      ev.addFields('result.new_ticket');
    }
    ev.setTarget('ticket', ticket.id);
    await storeMessage(tx, key, { ticketId: ticket.id, traderId: m.traderId, kind: 'trader', authorId: null, text: scan.body, redactions: kinds, attachments: m.attachments });
    if (m.attachments.length) ev.addFields('attachment');
    return { ticketId: ticket.id, number: ticket.number, kinds };
  }

  return {
    /** Whether the inbound webhooks are configured (a secret is set). */
    inboundConfigured: Boolean(d.webhookSecret),
    webhookSecret: d.webhookSecret,

    /** Records a refused inbound request (bad or missing signature, stale timestamp): a security event. */
    async rejectInbound(ctx: ActorContext, channel: 'api' | 'email', reason: string): Promise<void> {
      await d.record(ctx, { action: 'ticket.inbound_rejected', target: { type: 'inbound', id: channel }, fields: [`reason.${reason}`] }, 'denied', ErrorCode.webhookSignatureInvalid);
    },

    /** A trader message from the exchange's backend (signature already verified); replays are refused. */
    async inboundMessage(ctx: ActorContext, signatureSha256: string, msg: InboundMessage): Promise<{ ticketNumber?: number }> {
      const attachments = await checkAttachments(msg.attachments);
      const out = await d.audited(ctx, { action: 'ticket.inbound', target: { type: 'inbound', id: 'api' } }, async (tx, ev) => {
        await rememberOrRefuse(tx, signatureSha256);
        const traderId = await d.traders.idByAccountRef(tx, msg.accountRef);
        if (!traderId) {
          ev.addFields('result.dropped_unknown_sender');
          return undefined;
        }
        return receive(tx, ev, { traderId, ticketNumber: msg.ticketNumber, subject: msg.subject, body: msg.body, channel: 'api', attachments });
      });
      if (!out) return {};
      await noticeRedaction(ctx, out.ticketId, out.kinds);
      return { ticketNumber: out.number };
    },

    /** A trader's e-mail from the mail gateway (signature already verified); unknown senders are dropped silently. */
    async inboundEmail(ctx: ActorContext, signatureSha256: string, mail: InboundEmail): Promise<void> {
      const attachments = await checkAttachments(mail.attachments);
      const out = await d.audited(ctx, { action: 'ticket.inbound', target: { type: 'inbound', id: 'email' } }, async (tx, ev) => {
        await rememberOrRefuse(tx, signatureSha256);
        // The From header is only as good as the gateway's authentication of it (SPF/DKIM aligned: DMARC pass).
        if (mail.dmarc !== 'pass') {
          ev.addFields('result.dropped_unauthenticated_sender');
          return undefined;
        }
        const address = addressOf(mail.from);
        const ids = address ? await d.traders.idsByEmail(tx, address) : [];
        // Two traders sharing one address cannot be told apart: dropped like an unknown sender, never guessed.
        if (ids.length !== 1) {
          ev.addFields(ids.length > 1 ? 'result.dropped_ambiguous_sender' : 'result.dropped_unknown_sender');
          return undefined;
        }
        return receive(tx, ev, { traderId: ids[0]!, ticketNumber: ticketNumberIn(mail.subject), subject: mail.subject, body: mail.text, channel: 'email', attachments });
      });
      if (out) await noticeRedaction(ctx, out.ticketId, out.kinds);
    },

    /** The inbox: filtered, newest first, cursor-paginated, with SLA clocks; audited `ticket.list`. */
    async list(ctx: ActorContext, member: Member, q: TicketListQuery): Promise<TicketPage> {
      const filters = (['status', 'queue', 'priority', 'tag'] as const).filter((k) => q[k] !== undefined);
      return d.audited(ctx, { action: 'ticket.list', target: { type: 'ticket' }, fields: [...filters.map((f) => `filter.${f}`), `filter.assignee.${q.assignee}`] }, async (tx) => {
        let before: number | undefined;
        if (q.cursor !== undefined) {
          before = /^\d{1,15}$/.test(q.cursor) ? Number(q.cursor) : NaN;
          if (!Number.isSafeInteger(before)) throw new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });
        }
        const assignee = q.assignee === 'me' ? { kind: 'me' as const, id: member.id } : { kind: q.assignee };
        const rows = await repo.listTickets(tx, { status: q.status, queue: q.queue, priority: q.priority, tag: q.tag, assignee }, before, q.limit + 1);
        const page = rows.slice(0, q.limit);
        const keyOf = keyCache(tx);
        const tickets: TicketSummary[] = [];
        for (const r of page) tickets.push(summary(r, subjectOf(await keyOf(r.trader_id), r)));
        return { tickets, nextCursor: rows.length > q.limit ? String(page.at(-1)!.number) : null };
      });
    },

    /** The tickets of one trader (profile section `tickets`); audited `trader.tickets_view`. */
    async ofTrader(ctx: ActorContext, member: Member, traderId: string): Promise<TicketSummary[]> {
      return d.audited(ctx, { action: 'trader.tickets_view', target: { type: 'trader', id: traderId } }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'tickets');
        const rows = await repo.ticketsOfTrader(tx, t.id, 200);
        if (!rows.length) return [];
        const key = await keyCache(tx)(t.id);
        return rows.map((r) => summary(r, subjectOf(key, r)));
      });
    },

    /** One ticket with the whole chat and the trader's contact per the member's field policy; audited `ticket.view`. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<TicketView> {
      return d.audited(ctx, { action: 'ticket.view', target: { type: 'ticket', id } }, async (tx, ev) => {
        const { row, trader } = await openTicket(tx, member, id);
        const key = await trader.subjectKey();
        const contact = await contactOf(tx, trader.id, trader.policy.contact !== 'hidden');
        const shown = presentFields(TICKET_CONTACT_FIELDS, contact, trader.policy);
        const messages = await repo.messagesOf(tx, row.id, MAX_MESSAGES);
        const files = await repo.attachmentsOf(tx, row.id);
        const chat: TicketMessage[] = messages.map((m) => ({
          id: m.id,
          kind: m.kind,
          authorName: m.author_name ?? null,
          body: d.vault.decryptForSubject(key, at('ticket_message', 'body_ct', m.id), m.body_ct),
          redactions: m.redactions,
          createdAt: iso(m.created_at),
          attachments: files
            .filter((f) => f.message_id === m.id)
            .map((f) => ({
              id: f.id,
              filename: d.vault.decryptForSubject(key, at('ticket_attachment', 'filename_ct', f.id), f.filename_ct),
              contentType: f.content_type,
              size: f.size,
              inline: isInlineType(f.content_type),
            })),
        }));
        ev.addFields(
          'ticket.subject',
          'message.body',
          ...Object.entries(shown.shown)
            .filter(([, s]) => s !== 'hidden')
            .map(([f, s]) => `contact.${f}${s === 'masked' ? ':masked' : ''}`),
        );
        return {
          ticket: summary(row, subjectOf(key, row)),
          contact: shown.fields as TicketView['contact'],
          masked: shown.masked,
          messages: chat,
          canOpenAttachments: member.permissions.has('ticket.attachment.read'),
        };
      });
    },

    /** Opens a ticket for a trader from the staff side: the first message is a reply e-mailed to the trader. */
    async create(ctx: ActorContext, member: Member, req: CreateTicketRequest): Promise<SavedMessage> {
      const scan = scanBoth(req.subject, req.body);
      const out = await d.audited(ctx, { action: 'ticket.create', target: { type: 'trader', id: req.traderId }, fields: ['ticket.subject', 'message.body', ...redactedFields(scan.kinds)] }, async (tx, ev) => {
        const trader = await d.traders.openSection(tx, member, req.traderId, 'tickets');
        const code = await requireAntiPhishingCode(tx, trader.id);
        const key = await trader.subjectKey();
        const ticket = await newTicket(tx, key, {
          traderId: trader.id,
          subject: scan.subject!,
          priority: req.priority,
          queue: req.queue,
          tags: req.tags,
          channel: 'staff',
          status: 'pending',
          respondedNow: true,
        });
        ev.setTarget('ticket', ticket.id);
        const contact = await contactOf(tx, trader.id, true);
        const emailId = await d.email.enqueueIn(tx, replyEmail(contact.email, code, ticket.number, scan.body));
        const messageId = await storeMessage(tx, key, { ticketId: ticket.id, traderId: trader.id, kind: 'reply', authorId: member.id, text: scan.body, redactions: scan.kinds, emailId });
        return { ticketId: ticket.id, ticketNumber: ticket.number, messageId, redacted: scan.kinds };
      });
      await noticeRedaction(ctx, out.ticketId, out.redacted);
      return out;
    },

    /** Replies to the trader by e-mail (with the anti-phishing code); audited `ticket.reply`. */
    async reply(ctx: ActorContext, member: Member, id: string, req: ReplyRequest): Promise<SavedMessage> {
      const out = await d.audited(ctx, { action: 'ticket.reply', target: { type: 'ticket', id }, fields: ['message.body'] }, async (tx, ev) => {
        const { row, trader } = await openTicket(tx, member, id);
        if (row.status === 'closed') throw new AppError(ErrorCode.conflict, 409, 'The ticket is closed; open a new one to write to the trader');
        const code = await requireAntiPhishingCode(tx, trader.id);
        const key = await trader.subjectKey();
        const contact = await contactOf(tx, trader.id, true);
        let text = req.body;
        if (text === undefined) {
          const canned = req.cannedReplyId ? await repo.findCanned(tx, req.cannedReplyId) : undefined;
          if (!canned) throw new AppError(ErrorCode.validation, 400, 'No such canned reply', { fieldErrors: [{ path: 'body.cannedReplyId', message: 'not found' }] });
          text = renderCanned(canned.body, { displayName: contact.displayName });
          ev.addFields('canned_reply');
        }
        const scan = scanSecrets(text);
        const kinds = findingKinds(scan.findings);
        ev.addFields(...redactedFields(kinds));
        const number = Number(row.number);
        const emailId = await d.email.enqueueIn(tx, replyEmail(contact.email, code, number, scan.text));
        const messageId = await storeMessage(tx, key, { ticketId: row.id, traderId: trader.id, kind: 'reply', authorId: member.id, text: scan.text, redactions: kinds, emailId });
        const now = d.clock.now();
        const status = req.status ?? (row.status === 'new' || row.status === 'open' ? 'pending' : row.status);
        await repo.updateTicket(tx, row.id, {
          status,
          updated_at: now,
          ...(row.first_responded_at ? {} : { first_responded_at: now }),
          ...(status === 'solved' || status === 'closed' ? { solved_at: row.solved_at ?? now } : { solved_at: null }),
        });
        return { ticketId: row.id, ticketNumber: number, messageId, redacted: kinds };
      });
      await noticeRedaction(ctx, out.ticketId, out.redacted);
      return out;
    },

    /** Adds an internal note (never sent to the trader); audited `ticket.note_add`. */
    async addNote(ctx: ActorContext, member: Member, id: string, body: string): Promise<SavedMessage> {
      const scan = scanSecrets(body);
      const kinds = findingKinds(scan.findings);
      const out = await d.audited(ctx, { action: 'ticket.note_add', target: { type: 'ticket', id }, fields: ['message.body', ...redactedFields(kinds)] }, async (tx) => {
        const { row, trader } = await openTicket(tx, member, id);
        const key = await trader.subjectKey();
        const messageId = await storeMessage(tx, key, { ticketId: row.id, traderId: trader.id, kind: 'internal', authorId: member.id, text: scan.text, redactions: kinds });
        await repo.updateTicket(tx, row.id, { updated_at: d.clock.now() });
        return { ticketId: row.id, ticketNumber: Number(row.number), messageId, redacted: kinds };
      });
      await noticeRedaction(ctx, out.ticketId, out.redacted);
      return out;
    },

    /** Changes status, priority (due times follow), queue, assignee or tags; audited `ticket.update` naming them. */
    async update(ctx: ActorContext, member: Member, id: string, req: UpdateTicketRequest): Promise<TicketSummary> {
      const changed = (Object.keys(req) as (keyof UpdateTicketRequest)[]).filter((k) => req[k] !== undefined);
      return d.audited(ctx, { action: 'ticket.update', target: { type: 'ticket', id }, fields: changed.map((k) => `ticket.${k}`) }, async (tx) => {
        const { row, trader } = await openTicket(tx, member, id);
        if (req.assigneeId && !(await repo.isActiveStaff(tx, req.assigneeId))) {
          throw new AppError(ErrorCode.validation, 400, 'No such active staff member', { fieldErrors: [{ path: 'body.assigneeId', message: 'not an active staff member' }] });
        }
        const now = d.clock.now();
        const set: Parameters<typeof repo.updateTicket>[2] = { updated_at: now };
        if (req.status) {
          set.status = req.status;
          set.solved_at = req.status === 'solved' || req.status === 'closed' ? (row.solved_at ?? now) : null;
        }
        if (req.priority && req.priority !== row.priority) {
          set.priority = req.priority;
          const due = dueTimes(req.priority, new Date(row.created_at));
          set.first_response_due_at = due.firstResponseDueAt;
          set.resolution_due_at = due.resolutionDueAt;
        }
        if (req.queue) set.queue = req.queue;
        if (req.assigneeId !== undefined) set.assignee_id = req.assigneeId;
        if (req.tags) set.tags = [...new Set(req.tags)];
        await repo.updateTicket(tx, row.id, set);
        const fresh = (await repo.findTicket(tx, row.id))!;
        return summary(fresh, subjectOf(await trader.subjectKey(), fresh));
      });
    },

    /** One attachment's content for download/inline view; audited `ticket.attachment_open`. */
    async attachment(ctx: ActorContext, member: Member, ticketId: string, attachmentId: string): Promise<{ filename: string; contentType: string; content: Buffer; inline: boolean }> {
      return d.audited(ctx, { action: 'ticket.attachment_open', target: { type: 'ticket', id: ticketId }, fields: ['attachment.content'] }, async (tx, ev) => {
        const { row, trader } = await openTicket(tx, member, ticketId);
        if (!isUuid(attachmentId)) throw new AppError(ErrorCode.notFound, 404, 'No such attachment', { denial: true });
        const a = await repo.findAttachment(tx, row.id, attachmentId.toLowerCase());
        if (!a) throw new AppError(ErrorCode.notFound, 404, 'No such attachment', { denial: true });
        ev.setTarget('ticket_attachment', a.id);
        const key = await trader.subjectKey();
        return {
          filename: d.vault.decryptForSubject(key, at('ticket_attachment', 'filename_ct', a.id), a.filename_ct),
          contentType: a.content_type,
          content: decryptForSubject(key, at('ticket_attachment', 'content_ct', a.id), a.content_ct),
          inline: isInlineType(a.content_type),
        };
      });
    },

    /** Canned replies by name; audited `canned_reply.list`. */
    async listCanned(ctx: ActorContext): Promise<CannedReply[]> {
      return d.audited(ctx, { action: 'canned_reply.list', target: { type: 'canned_reply' } }, async (tx) => (await repo.listCanned(tx)).map(cannedView));
    },

    /** A canned reply with {{displayName}} filled in for the ticket's trader; audited `canned_reply.render`. */
    async renderCannedFor(ctx: ActorContext, member: Member, ticketId: string, cannedId: string): Promise<string> {
      return d.audited(ctx, { action: 'canned_reply.render', target: { type: 'ticket', id: ticketId } }, async (tx) => {
        const { trader } = await openTicket(tx, member, ticketId);
        const canned = isUuid(cannedId) ? await repo.findCanned(tx, cannedId.toLowerCase()) : undefined;
        if (!canned) throw new AppError(ErrorCode.notFound, 404, 'No such canned reply');
        const contact = await contactOf(tx, trader.id, false);
        return renderCanned(canned.body, { displayName: contact.displayName });
      });
    },

    /** Creates (id undefined) or changes a canned reply; its text is scanned like any other; audited. */
    async saveCanned(ctx: ActorContext, member: Member, id: string | undefined, input: CannedReplyInput): Promise<{ cannedReply: CannedReply; redacted: SecretKind[] }> {
      const scan = scanSecrets(input.body);
      const kinds = findingKinds(scan.findings);
      const action = id ? 'canned_reply.update' : 'canned_reply.create';
      return d.audited(ctx, { action, target: { type: 'canned_reply', id: id ?? null }, fields: ['name', 'body', ...redactedFields(kinds)] }, async (tx, ev) => {
        if (id !== undefined && !isUuid(id)) throw new AppError(ErrorCode.notFound, 404, 'No such canned reply');
        if (await repo.cannedNameTaken(tx, input.name, id)) throw new AppError(ErrorCode.conflict, 409, 'A canned reply with this name exists');
        const now = d.clock.now();
        const rowId = id?.toLowerCase() ?? randomUUID();
        if (id === undefined) await repo.insertCanned(tx, { id: rowId, name: input.name, body: scan.text, created_by: member.id, now });
        else if (!(await repo.updateCanned(tx, rowId, { name: input.name, body: scan.text, updated_at: now }))) throw new AppError(ErrorCode.notFound, 404, 'No such canned reply');
        ev.setTarget('canned_reply', rowId);
        return { cannedReply: cannedView((await repo.findCanned(tx, rowId))!), redacted: kinds };
      });
    },

    /** Deletes a canned reply; audited `canned_reply.delete`. */
    async deleteCanned(ctx: ActorContext, id: string): Promise<void> {
      await d.audited(ctx, { action: 'canned_reply.delete', target: { type: 'canned_reply', id } }, async (tx) => {
        if (!isUuid(id) || !(await repo.deleteCanned(tx, id.toLowerCase()))) throw new AppError(ErrorCode.notFound, 404, 'No such canned reply');
      });
    },

    /** Demo data: a few tickets with chat history (synthetic text) for the given traders; returns how many. */
    async seedDemo(ctx: ActorContext, traderIds: string[]): Promise<number> {
      let made = 0;
      for (const [i, traderId] of traderIds.entries()) {
        const script = DEMO_TICKETS[i % DEMO_TICKETS.length]!;
        await d.audited(ctx, { action: 'ticket.demo_seed', target: { type: 'trader', id: traderId } }, async (tx, ev) => {
          const key = await d.vault.subjectKey(tx, traderId, { create: false });
          // Staff messages need an author: the first active member signs them; without staff only the trader speaks.
          const author = await repo.anyActiveStaff(tx);
          const messages = script.messages.filter((m) => m.kind === 'trader' || author);
          const scan = scanBoth(script.subject, script.messages[0]!.text);
          const ticket = await newTicket(tx, key, {
            traderId,
            subject: scan.subject!,
            priority: script.priority,
            queue: script.queue,
            tags: script.tags,
            channel: script.channel,
            status: script.status,
            respondedNow: messages.some((m) => m.kind === 'reply'),
          });
          ev.setTarget('ticket', ticket.id);
          for (const m of messages) {
            const s = scanSecrets(m.text);
            await storeMessage(tx, key, { ticketId: ticket.id, traderId, kind: m.kind, authorId: m.kind === 'trader' ? null : author!, text: s.text, redactions: findingKinds(s.findings) });
          }
        });
        made++;
      }
      return made;
    },
  };

  async function rememberOrRefuse(tx: AuditedTx, signatureSha256: string): Promise<void> {
    const now = d.clock.now();
    // A signature can verify for 2 × the allowed skew (timestamp from -5 to +5 minutes around our clock).
    const fresh = await repo.rememberSignature(tx, signatureSha256, now, new Date(now.getTime() - 2 * MAX_SKEW_MS - 60_000));
    if (!fresh) throw new AppError(ErrorCode.webhookReplayed, 409, 'This request was already received', { denial: true });
  }
}

function cannedView(r: { id: string; name: string; body: string; updated_at: Date | string }): CannedReply {
  return { id: r.id, name: r.name, body: r.body, updatedAt: new Date(r.updated_at).toISOString() };
}

type DemoMessage = { kind: 'trader' | 'reply' | 'internal'; text: string };
type DemoTicket = {
  subject: string;
  priority: TicketSummary['priority'];
  queue: string;
  tags: string[];
  channel: 'api' | 'email';
  status: TicketSummary['status'];
  messages: DemoMessage[];
};

// Synthetic conversations. The second one deliberately contains a (synthetic) seed phrase so the demo shows a redaction.
const DEMO_TICKETS: DemoTicket[] = [
  {
    subject: 'Withdrawal pending for two hours',
    priority: 'high',
    queue: 'withdrawals',
    tags: ['withdrawal'],
    channel: 'email',
    status: 'open',
    messages: [
      { kind: 'trader', text: 'Hello, my BTC withdrawal has been pending for two hours. Can you check what is going on?' },
      { kind: 'internal', text: 'Checked the hot wallet queue: the batch is waiting for the next broadcast window.' },
      { kind: 'reply', text: 'Thank you for waiting. Your withdrawal is in the next batch and should confirm within 30 minutes.' },
      { kind: 'trader', text: 'Great, thanks for the quick answer.' },
    ],
  },
  {
    subject: 'Help restoring my wallet',
    priority: 'urgent',
    queue: 'security',
    tags: ['wallet', 'security'],
    channel: 'api',
    status: 'new',
    messages: [
      {
        kind: 'trader',
        text: 'I lost my phone. My words are: 1. legal 2. winner 3. thank 4. year 5. wave 6. sausage 7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow. Please restore my account.',
      },
    ],
  },
  {
    subject: 'Two-factor authentication reset',
    priority: 'normal',
    queue: 'general',
    tags: ['2fa'],
    channel: 'email',
    status: 'pending',
    messages: [
      { kind: 'trader', text: 'I changed my phone and cannot log in with my authenticator any more.' },
      { kind: 'reply', text: 'We can help. Please start the 2FA reset from the login page; it asks for a selfie with your ID document.' },
    ],
  },
  {
    subject: 'Question about trading fees',
    priority: 'low',
    queue: 'general',
    tags: ['fees'],
    channel: 'api',
    status: 'solved',
    messages: [
      { kind: 'trader', text: 'What is the maker fee for the BTC/EUR market at my volume tier?' },
      { kind: 'reply', text: 'At your tier the maker fee is 0.08 % and the taker fee 0.10 %.' },
    ],
  },
];
