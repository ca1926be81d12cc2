// Investigation cases: opened manually for a trader, from alerts (escalation) or from a confirmed screening match;
// a reference (CASE-YYYY-NNNNNN), a queue, a priority and its SLA, an assignee, a status workflow, notes,
// attachments, links (traders, alerts, events, screening hits), a timeline and the closing decision.
//
// Security decisions:
// - Case data is for compliance only (tipping-off): reads need case.read, writes case.manage; every case opens its
//   subject trader for the `risk` section (traders.openSection) inside the audited transaction, so a malformed,
//   unknown or unopenable case id is the same 404, and a role that does not see traders' risk cannot read cases.
// - Free text (title, reasons, notes, attachment names and contents, timeline details) is encrypted under the
//   subject trader's key, bound to table/column/row: erasing the trader (crypto-shredding) erases it too. Audit
//   events name the fields, never their values.
// - SAR steps recorded on a case's timeline (by the SAR module, through addTimelineEventIn) carry
//   restricted = 'sar' and are shown only to sar.read holders, in the case view and in the trader timeline alike.
//   Closing a case as "SAR filed" needs sar.read too.
// - A linked record must exist and be openable by the member (404 otherwise, like any other id); linking an alert,
//   an event or a screening hit links its trader as well, so the case lists everyone it concerns.
// - Assignment only to an active member who holds case.manage.
// - Four eyes on every closing decision: all closings go through pending_decision, and the member who moved the case
//   there cannot take the decision (403, audited as a denial). One person alone cannot bury an investigation.
import { randomUUID } from 'node:crypto';
import {
  CLOSED_STATUSES,
  MIN_REASON,
  type CaseListQuery,
  type CasePage,
  type CasePriority,
  type CaseQueue,
  type CaseStatus,
  type CaseSummary,
  type CaseView,
  type CaseAttachmentView,
  type CaseNoteView,
  type LinkKind,
} from '../../../contracts/cases.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { decryptForSubject, isCryptoError, type SubjectKey } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import type { Member, TradersService } from '../traders/index.js';
import { checkAttachment, MAX_ATTACHMENTS_PER_CASE } from './cases.attachments.js';
import * as repo from './cases.repository.js';

/** SLA: hours from opening to the due time, by priority (docs/cases.md). */
export const CASE_SLA_HOURS: Record<CasePriority, number> = { urgent: 24, high: 72, normal: 240, low: 720 };

/**
 * Legal transitions (docs/cases.md). Every closing goes through pending_decision, where a second member decides
 * (four eyes; see transition). Closed is final: a reopened matter is a new case linking the old one's records.
 */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['investigating'],
  investigating: ['pending_decision'],
  pending_decision: ['investigating', 'closed_no_action', 'closed_sar_filed', 'closed_other'],
  closed_no_action: [],
  closed_sar_filed: [],
  closed_other: [],
};

const DECISION_OF: Partial<Record<CaseStatus, 'no_action' | 'sar_filed' | 'other'>> = {
  closed_no_action: 'no_action',
  closed_sar_filed: 'sar_filed',
  closed_other: 'other',
};

export interface CasesDeps {
  audited: Audited;
  /** Read-only audited transactions (AuditWriter.auditedRead); defaults to audited. */
  auditedRead?: Audited | undefined;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection'>;
}

/** Uploaded file as the route read it (in memory, size-limited). */
export interface UploadedFile {
  filename: string;
  mimetype: string | undefined;
  content: Buffer;
}

/** What the SAR module reads of a case (caseFileIn). */
export interface CaseFile {
  id: string;
  reference: string;
  status: CaseStatus;
  title: string | null;
  subjectTraderId: string;
  /** The subject and every linked trader, subject first. */
  traderIds: string[];
  /** Events linked to the case directly. */
  eventIds: string[];
  alertIds: string[];
  /** The events behind the linked alerts (not repeated in eventIds). */
  alertEventIds: string[];
  screeningHitIds: string[];
  openedAt: Date;
}

/** A case-timeline entry another module adds (the SAR steps). */
export interface CaseTimelineInput {
  /** `sar.drafted`, `sar.filed`, …: lower case, dots and underscores. */
  kind: string;
  actorId: string | null;
  /** Free text, encrypted under the subject's key; no values that are not already on the case. */
  detail?: string | null;
  /** 'sar': shown only to sar.read holders. */
  restricted?: 'sar' | null;
}

export type CasesService = ReturnType<typeof createCasesService>;

const caseNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such case', { denial: true });
const conflict = (message: string) => new AppError(ErrorCode.conflict, 409, message);
const at = (table: string, column: string, rowId: string) => ({ table, column, rowId });
const iso = (v: Date | string) => new Date(v).toISOString();
const isClosed = (s: CaseStatus) => CLOSED_STATUSES.includes(s);

/** Refuses a missing or short reason (inside the audited transaction, so the refusal is audited). */
export function requireReason(reason: string | undefined, forWhat: string): string {
  const r = reason?.trim() ?? '';
  if (r.length < MIN_REASON) {
    throw new AppError(ErrorCode.validation, 400, `Give a reason ${forWhat} (at least ${MIN_REASON} characters)`, { fieldErrors: [{ path: 'body.reason', message: `at least ${MIN_REASON} characters` }] });
  }
  return r;
}

function encodeCursor(atV: Date | string, id: string): string {
  return Buffer.from(`${iso(atV)}|${id}`, 'utf8').toString('base64url');
}

/** Decodes a keyset cursor `iso|uuid`; a cursor that is not ours is a 400. */
export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [a, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!a || !id || !isUuid(id) || Number.isNaN(Date.parse(a))) {
    throw new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });
  }
  return { at: new Date(a), id: id.toLowerCase() };
}

export { encodeCursor };

/** Creates the cases service. */
export function createCasesService(d: CasesDeps) {
  const now = () => d.clock.now();
  const read: Audited = d.auditedRead ?? d.audited;

  /** The subject's key, or null once the trader was erased (their case text is gone for good). */
  async function keyOrNull(tx: AuditedTx, traderId: string): Promise<SubjectKey | null> {
    try {
      return await d.vault.subjectKey(tx, traderId, { create: false });
    } catch (err) {
      if (isCryptoError(err, 'key_destroyed')) return null;
      throw err;
    }
  }

  function needKey(key: SubjectKey | null): SubjectKey {
    if (!key) throw conflict("This case's subject trader was erased: the case can no longer change");
    return key;
  }

  /** Opens a case for a member: 404 for a malformed or unknown id or a subject the member may not open. */
  async function openCase(tx: AuditedTx, member: Member, id: string, opts: { lock?: boolean } = {}) {
    if (!isUuid(id)) throw caseNotFound();
    const row = await repo.findCase(tx, id.toLowerCase(), opts);
    if (!row) throw caseNotFound();
    await d.traders.openSection(tx, member, row.subject_trader_id, 'risk');
    return { row, key: await keyOrNull(tx, row.subject_trader_id) };
  }

  function overdue(row: { due_at: Date | string | null; closed_at: Date | string | null }): boolean {
    return Boolean(row.due_at && !row.closed_at && new Date(row.due_at).getTime() < now().getTime());
  }

  function decrypt(key: SubjectKey | null, table: string, column: string, id: string, ct: Uint8Array | null): string | null {
    if (!key || !ct) return null;
    return d.vault.decryptForSubject(key, at(table, column, id), ct);
  }

  /**
   * Tipping-off: to a member without sar.read, a case closed because a SAR was filed reads as closed for another
   * reason — in lists, the case view, its timeline and its decision — so case access alone never reveals a report.
   */
  function statusFor(member: Member, status: CaseStatus): CaseStatus {
    return status === 'closed_sar_filed' && !member.permissions.has('sar.read') ? 'closed_other' : status;
  }

  function summary(row: repo.CaseRow, key: SubjectKey | null, member: Member): CaseSummary {
    return {
      id: row.id,
      reference: row.reference,
      status: statusFor(member, row.status),
      priority: row.priority,
      queue: row.queue,
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_name ?? null,
      subjectTraderId: row.subject_trader_id,
      subjectAccountRef: row.account_ref,
      title: decrypt(key, 'aml_case', 'title_ct', row.id, row.title_ct),
      openedAt: iso(row.opened_at),
      openedByName: row.opened_by_name ?? null,
      dueAt: row.due_at ? iso(row.due_at) : null,
      overdue: overdue(row),
      closedAt: row.closed_at ? iso(row.closed_at) : null,
    };
  }

  /** Appends a timeline event (detail encrypted under the subject's key). */
  async function event(
    tx: AuditedTx,
    key: SubjectKey | null,
    row: { id: string; subject_trader_id: string },
    e: { kind: string; from?: string | null; to?: string | null; actorId: string | null; detail?: string | null; restricted?: 'sar' | null },
  ): Promise<void> {
    const id = randomUUID();
    await repo.insertEvent(tx, {
      id,
      case_id: row.id,
      trader_id: row.subject_trader_id,
      kind: e.kind,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      actor_id: e.actorId,
      detail_ct: e.detail && key ? d.vault.encryptForSubject(key, at('aml_case_event', 'detail_ct', id), e.detail) : null,
      restricted: e.restricted ?? null,
      created_at: now(),
    });
  }

  function transitionsFor(member: Member, status: CaseStatus, requester: string | null): CaseStatus[] {
    if (!member.permissions.has('case.manage')) return [];
    return CASE_TRANSITIONS[status].filter(
      (s) =>
        // Closing as "SAR filed" would tell a member without sar.read that a SAR exists; only sar.read holders may.
        (s !== 'closed_sar_filed' || member.permissions.has('sar.read')) &&
        // The member who asked for the decision does not take it.
        (!isClosed(s) || requester !== member.id),
    );
  }

  /** Who moved the case to pending_decision last (the decision's requester), from its events. */
  async function requesterOf(tx: AuditedTx, caseId: string): Promise<string | null> {
    const r = await tx
      .selectFrom('aml_case_event')
      .select('actor_id')
      .where('case_id', '=', caseId)
      .where('to_status', '=', 'pending_decision')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.actor_id ?? null;
  }

  async function view(tx: AuditedTx, member: Member, row: repo.CaseRow, key: SubjectKey | null): Promise<CaseView> {
    const withSar = member.permissions.has('sar.read');
    const [links, notes, attachments, events] = await Promise.all([repo.linksOf(tx, row.id), repo.notesOf(tx, row.id), repo.attachmentsOf(tx, row.id), repo.eventsOf(tx, row.id, withSar)]);
    const labels = await repo.linkLabels(tx, links);
    return {
      case: summary(row, key, member),
      decision:
        row.decision && row.decided_at
          ? { decision: withSar || row.decision !== 'sar_filed' ? row.decision : 'other', reason: decrypt(key, 'aml_case', 'decision_reason_ct', row.id, row.decision_reason_ct), byName: row.decided_by_name ?? null, at: iso(row.decided_at) }
          : null,
      links: links.map((l) => ({ kind: l.kind, ref: l.ref, label: labels.get(`${l.kind}:${l.ref}`) ?? '(no longer stored)', addedByName: l.added_by_name ?? null, addedAt: iso(l.added_at) })),
      notes: notes.map(
        (n): CaseNoteView => ({ id: n.id, body: decrypt(key, 'aml_case_note', 'body_ct', n.id, n.body_ct) ?? '(erased)', authorName: n.author_name ?? null, createdAt: iso(n.created_at) }),
      ),
      attachments: attachments.map(
        (x): CaseAttachmentView => ({
          id: x.id,
          filename: decrypt(key, 'aml_case_attachment', 'filename_ct', x.id, x.filename_ct) ?? '(erased)',
          contentType: x.content_type,
          size: x.size,
          sha256: x.sha256,
          uploadedByName: x.uploaded_by_name ?? null,
          createdAt: iso(x.created_at),
        }),
      ),
      timeline: events.map((e) => ({
        id: e.id,
        kind: e.kind,
        fromStatus: e.from_status === null ? null : statusFor(member, e.from_status as CaseStatus),
        toStatus: e.to_status === null ? null : statusFor(member, e.to_status as CaseStatus),
        actorName: e.actor_name ?? null,
        detail: decrypt(key, 'aml_case_event', 'detail_ct', e.id, e.detail_ct),
        at: iso(e.created_at),
      })),
      can: {
        manage: member.permissions.has('case.manage') && !isClosed(row.status),
        transitions: transitionsFor(member, row.status, row.status === 'pending_decision' ? await requesterOf(tx, row.id) : null),
      },
    };
  }

  async function reload(tx: AuditedTx, member: Member, id: string): Promise<CaseView> {
    const row = (await repo.findCase(tx, id))!;
    return view(tx, member, row, await keyOrNull(tx, row.subject_trader_id));
  }

  /**
   * Creates a case in the caller's transaction (manual opening, escalation, confirmed screening match): reference,
   * SLA due time, the subject linked, the opening on the timeline. The caller checked the member may open the trader.
   */
  async function createIn(
    tx: AuditedTx,
    actorId: string | null,
    input: { traderId: string; title: string; queue: CaseQueue; priority: CasePriority; origin: string },
  ): Promise<{ id: string; reference: string }> {
    const key = await d.vault.subjectKey(tx, input.traderId, { create: true });
    const id = randomUUID();
    const t = now();
    const reference = `CASE-${t.getUTCFullYear()}-${String(await repo.nextReferenceNumber(tx)).padStart(6, '0')}`;
    await repo.insertCase(tx, {
      id,
      reference,
      status: 'open',
      priority: input.priority,
      queue: input.queue,
      assignee_id: null,
      subject_trader_id: input.traderId,
      title_ct: d.vault.encryptForSubject(key, at('aml_case', 'title_ct', id), input.title),
      opened_by: actorId,
      opened_at: t,
      due_at: new Date(t.getTime() + CASE_SLA_HOURS[input.priority] * 3_600_000),
      closed_at: null,
      updated_at: t,
    });
    await repo.insertLink(tx, { case_id: id, kind: 'trader', ref: input.traderId, added_by: actorId, added_at: t });
    await event(tx, key, { id, subject_trader_id: input.traderId }, { kind: 'opened', to: 'open', actorId, detail: input.origin });
    return { id, reference };
  }

  /** Links a record (already checked to exist and be openable) and its trader; a repeated link changes nothing. */
  async function linkIn(tx: AuditedTx, key: SubjectKey | null, row: { id: string; subject_trader_id: string }, kind: LinkKind, ref: string, traderId: string, actorId: string | null): Promise<boolean> {
    const t = now();
    if (traderId !== row.subject_trader_id && (await repo.insertLink(tx, { case_id: row.id, kind: 'trader', ref: traderId, added_by: actorId, added_at: t }))) {
      await event(tx, key, row, { kind: 'link_added', actorId, detail: `trader ${traderId}` });
    }
    const added = await repo.insertLink(tx, { case_id: row.id, kind, ref, added_by: actorId, added_at: t });
    if (added) await event(tx, key, row, { kind: 'link_added', actorId, detail: `${kind.replace('_', ' ')} ${ref}` });
    await repo.updateCase(tx, row.id, { updated_at: t });
    return added;
  }

  /** The trader a link points to, after checking the record exists and the member may open its trader (404 otherwise). */
  async function linkedTrader(tx: AuditedTx, member: Member, kind: LinkKind, ref: string): Promise<{ ref: string; traderId: string }> {
    const missing = () => new AppError(ErrorCode.notFound, 404, `No such ${kind.replace('_', ' ')}`, { denial: true });
    let traderId: string | undefined;
    let norm = ref;
    if (kind === 'event') {
      traderId = await repo.eventTrader(tx, ref);
    } else {
      if (!isUuid(ref)) throw missing();
      norm = ref.toLowerCase();
      if (kind === 'trader') traderId = (await repo.traderExists(tx, norm)) ? norm : undefined;
      else if (kind === 'alert') traderId = (await tx.selectFrom('monitoring_alert').select('trader_id').where('id', '=', norm).executeTakeFirst())?.trader_id;
      else traderId = await repo.hitTrader(tx, norm);
    }
    if (!traderId) throw missing();
    // Alerts and events are monitoring data: linking one needs monitoring.read as well.
    if ((kind === 'alert' || kind === 'event') && !member.permissions.has('monitoring.read')) throw missing();
    if (kind === 'screening_hit' && !member.permissions.has('screening.read')) throw missing();
    await d.traders.openSection(tx, member, traderId, 'risk').catch((err: unknown) => {
      // Whatever the reason the trader cannot be opened, the linked record is as good as missing.
      if (err instanceof AppError) throw missing();
      throw err;
    });
    return { ref: norm, traderId };
  }

  return {
    /** The case list (active by default), newest first, filtered; audited `case.list`. */
    async list(ctx: ActorContext, member: Member, q: CaseListQuery): Promise<CasePage> {
      const filters = (['queue', 'priority', 'overdue', 'trader'] as const).filter((k) => q[k] !== undefined).map((k) => `filter.${k}`);
      return read(ctx, { action: 'case.list', target: { type: 'aml_case' }, fields: [`filter.status.${q.status}`, `filter.assignee.${q.assignee}`, ...filters, 'case.title'] }, async (tx) => {
        const after = decodeCursor(q.cursor);
        if (q.trader !== undefined && !isUuid(q.trader)) return { cases: [], nextCursor: null };
        const assignee = q.assignee === 'me' ? { kind: 'me' as const, id: member.id } : { kind: q.assignee };
        const rows = await repo.listCases(tx, {
          // Without sar.read, "SAR filed" and "other" are one closing (tipping-off): either filter finds both.
          status: !member.permissions.has('sar.read') && (q.status === 'closed_other' || q.status === 'closed_sar_filed') ? ['closed_other', 'closed_sar_filed'] : q.status,
          queue: q.queue,
          priority: q.priority,
          assignee,
          overdueAt: q.overdue === 'true' ? now() : undefined,
          traderId: q.trader?.toLowerCase(),
          after,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const keys = new Map<string, SubjectKey | null>();
        const out: CaseSummary[] = [];
        for (const r of page) {
          if (!keys.has(r.subject_trader_id)) keys.set(r.subject_trader_id, await keyOrNull(tx, r.subject_trader_id));
          out.push(summary(r, keys.get(r.subject_trader_id)!, member));
        }
        const last = page.at(-1);
        return { cases: out, nextCursor: rows.length > q.limit && last ? encodeCursor(last.opened_at, last.id) : null };
      });
    },

    /** A trader's cases (as subject or linked), for the profile; audited `case.trader_cases` (target the trader). */
    async ofTrader(ctx: ActorContext, member: Member, traderId: string): Promise<CaseSummary[]> {
      return read(ctx, { action: 'case.trader_cases', target: { type: 'trader', id: traderId }, fields: ['case.title'] }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'risk');
        const rows = await repo.listCases(tx, { status: 'all', assignee: { kind: 'anyone' }, traderId: t.id, limit: 100 });
        const out: CaseSummary[] = [];
        for (const r of rows) out.push(summary(r, await keyOrNull(tx, r.subject_trader_id), member));
        return out;
      });
    },

    /** One case with links, notes, attachments (not their content), timeline and decision; audited `case.view`. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<CaseView> {
      const fields = ['case.title', 'case.notes', 'case.attachment.filename', 'case.timeline.detail', 'case.decision.reason'];
      return read(ctx, { action: 'case.view', target: { type: 'aml_case', id }, fields }, async (tx) => {
        const { row, key } = await openCase(tx, member, id);
        return view(tx, member, row, key);
      });
    },

    /** Members a case may be assigned to (active, holding case.manage); audited `case.assignees`. */
    async assignees(ctx: ActorContext): Promise<{ id: string; name: string }[]> {
      return read(ctx, { action: 'case.assignees', target: { type: 'staff' } }, (tx) => repo.caseManagers(tx));
    },

    /** Opens a case for a trader by hand; audited `case.open`. */
    async open(ctx: ActorContext, member: Member, input: { traderId: string; title: string; queue: CaseQueue; priority: CasePriority }): Promise<CaseView> {
      return d.audited(ctx, { action: 'case.open', target: { type: 'trader', id: input.traderId }, fields: ['case.title'] }, async (tx, ev) => {
        const t = await d.traders.openSection(tx, member, input.traderId, 'risk');
        const c = await createIn(tx, member.id, { traderId: t.id, title: input.title, queue: input.queue, priority: input.priority, origin: 'Opened by hand' });
        ev.setTarget('aml_case', c.id);
        return reload(tx, member, c.id);
      });
    },

    /** Changes the priority (the SLA due time follows, from the opening) or the queue; audited `case.update`. */
    async update(ctx: ActorContext, member: Member, id: string, input: { priority?: CasePriority | undefined; queue?: CaseQueue | undefined }): Promise<CaseView> {
      const fields = [...(input.priority ? ['case.priority'] : []), ...(input.queue ? ['case.queue'] : [])];
      return d.audited(ctx, { action: 'case.update', target: { type: 'aml_case', id }, fields }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (isClosed(row.status)) throw conflict(`The case is ${row.status.replaceAll('_', ' ')}`);
        const set: Parameters<typeof repo.updateCase>[2] = { updated_at: now() };
        if (input.priority && input.priority !== row.priority) {
          set.priority = input.priority;
          set.due_at = new Date(new Date(row.opened_at).getTime() + CASE_SLA_HOURS[input.priority] * 3_600_000);
          await event(tx, key, row, { kind: 'priority_changed', actorId: member.id, detail: `${row.priority} → ${input.priority}` });
        }
        if (input.queue && input.queue !== row.queue) {
          set.queue = input.queue;
          await event(tx, key, row, { kind: 'queue_changed', actorId: member.id, detail: `${row.queue} → ${input.queue}` });
        }
        await repo.updateCase(tx, row.id, set);
        return reload(tx, member, row.id);
      });
    },

    /** Assigns the case to a member holding case.manage (or unassigns it); audited `case.assign`. */
    async assign(ctx: ActorContext, member: Member, id: string, assigneeId: string | null): Promise<CaseView> {
      return d.audited(ctx, { action: 'case.assign', target: { type: 'aml_case', id }, fields: ['case.assignee'] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (isClosed(row.status)) throw conflict(`The case is ${row.status.replaceAll('_', ' ')}`);
        let name: string | null = null;
        if (assigneeId !== null) {
          if (!isUuid(assigneeId) || !(await repo.mayManageCases(tx, assigneeId.toLowerCase()))) {
            throw new AppError(ErrorCode.validation, 400, 'A case can only be assigned to an active member who may manage cases', {
              fieldErrors: [{ path: 'body.assigneeId', message: 'not a member who may manage cases' }],
            });
          }
          name = (await tx.selectFrom('staff').select('display_name').where('id', '=', assigneeId.toLowerCase()).executeTakeFirst())?.display_name ?? null;
        }
        const next = assigneeId?.toLowerCase() ?? null;
        if (next !== row.assignee_id) {
          await repo.updateCase(tx, row.id, { assignee_id: next, updated_at: now() });
          await event(tx, key, row, { kind: next ? 'assigned' : 'unassigned', actorId: member.id, detail: name ? `Assigned to ${name}` : 'Unassigned' });
        }
        return reload(tx, member, row.id);
      });
    },

    /**
     * Moves the case along its workflow (CASE_TRANSITIONS; anything else is a 409). Closing is the decision: it
     * needs a reason, which is kept (encrypted) as the decision's reason; "SAR filed" needs sar.read. Audited
     * `case.transition` naming the target status.
     */
    async transition(ctx: ActorContext, member: Member, id: string, input: { to: CaseStatus; reason?: string | undefined }): Promise<CaseView> {
      return d.audited(ctx, { action: 'case.transition', target: { type: 'aml_case', id }, fields: [`status.${input.to}`, 'case.timeline.detail'] }, async (tx, ev) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (input.to === 'closed_sar_filed' && !member.permissions.has('sar.read')) throw new AppError(ErrorCode.forbidden, 403, 'Closing a case as "SAR filed" needs the SAR permission', { denial: true });
        if (!CASE_TRANSITIONS[row.status].includes(input.to)) throw conflict(`A case that is ${row.status.replaceAll('_', ' ')} cannot move to ${input.to.replaceAll('_', ' ')}`);
        const closing = isClosed(input.to);
        // Four eyes: the member who asked for the decision does not take it (a closing decision ends an
        // investigation; one person alone could bury it).
        if (closing && (await requesterOf(tx, row.id)) === member.id) {
          throw new AppError(ErrorCode.forbidden, 403, 'You asked for this decision: another member must take it', { denial: true });
        }
        const reason = closing || (input.to === 'investigating' && row.status === 'pending_decision') ? requireReason(input.reason, 'for this decision') : input.reason?.trim() || null;
        const k = needKey(key);
        const t = now();
        const decision = DECISION_OF[input.to];
        await repo.updateCase(tx, row.id, {
          status: input.to,
          updated_at: t,
          ...(closing && decision
            ? { closed_at: t, decision, decided_by: member.id, decided_at: t, decision_reason_ct: d.vault.encryptForSubject(k, at('aml_case', 'decision_reason_ct', row.id), reason!) }
            : {}),
        });
        await event(tx, k, row, { kind: closing ? 'decision' : 'status_changed', from: row.status, to: input.to, actorId: member.id, detail: reason });
        if (closing) ev.addFields('case.decision.reason');
        return reload(tx, member, row.id);
      });
    },

    /** Adds a note (encrypted under the subject's key); audited `case.note_add`. */
    async addNote(ctx: ActorContext, member: Member, id: string, body: string): Promise<CaseNoteView> {
      return d.audited(ctx, { action: 'case.note_add', target: { type: 'aml_case', id }, fields: ['case.notes'] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (isClosed(row.status)) throw conflict(`The case is ${row.status.replaceAll('_', ' ')}`);
        const k = needKey(key);
        const noteId = randomUUID();
        const t = now();
        await repo.insertNote(tx, { id: noteId, case_id: row.id, author_id: member.id, body_ct: d.vault.encryptForSubject(k, at('aml_case_note', 'body_ct', noteId), body), created_at: t });
        await event(tx, k, row, { kind: 'note_added', actorId: member.id });
        await repo.updateCase(tx, row.id, { updated_at: t });
        return { id: noteId, body, authorName: member.displayName ?? null, createdAt: t.toISOString() };
      });
    },

    /** Links a trader, an alert, an event or a screening hit (and its trader); audited `case.link_add`. */
    async addLink(ctx: ActorContext, member: Member, id: string, input: { kind: LinkKind; ref: string }): Promise<CaseView> {
      return d.audited(ctx, { action: 'case.link_add', target: { type: 'aml_case', id }, fields: [`link.${input.kind}`] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (isClosed(row.status)) throw conflict(`The case is ${row.status.replaceAll('_', ' ')}`);
        const { ref, traderId } = await linkedTrader(tx, member, input.kind, input.ref);
        await linkIn(tx, needKey(key), row, input.kind, ref, traderId, member.id);
        return reload(tx, member, row.id);
      });
    },

    /** Stores an attachment (checked by content, encrypted); audited `case.attachment_upload`. */
    async upload(ctx: ActorContext, member: Member, id: string, file: UploadedFile): Promise<CaseAttachmentView> {
      // Checked before the transaction: the check must not hold a connection or an audit lane.
      let checked;
      try {
        checked = await checkAttachment({ filename: file.filename, declaredType: file.mimetype, content: file.content });
      } catch (err) {
        // The refusal is audited by naming the rule (the error code), never the content, inside the failed job.
        return d.audited(ctx, { action: 'case.attachment_upload', target: { type: 'aml_case', id }, fields: ['attachment.refused'] }, () => Promise.reject(err));
      }
      return d.audited(ctx, { action: 'case.attachment_upload', target: { type: 'aml_case', id }, fields: ['case.attachment.content', 'case.attachment.filename'] }, async (tx, ev) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (isClosed(row.status)) throw conflict(`The case is ${row.status.replaceAll('_', ' ')}`);
        if ((await repo.countAttachments(tx, row.id)) >= MAX_ATTACHMENTS_PER_CASE) throw new AppError(ErrorCode.payloadTooLarge, 413, `A case may hold at most ${MAX_ATTACHMENTS_PER_CASE} attachments`);
        const k = needKey(key);
        const attId = randomUUID();
        const t = now();
        await repo.insertAttachment(tx, {
          id: attId,
          case_id: row.id,
          filename_ct: d.vault.encryptForSubject(k, at('aml_case_attachment', 'filename_ct', attId), checked.filename),
          content_type: checked.contentType,
          size: checked.content.length,
          sha256: checked.sha256,
          content_ct: d.vault.encryptForSubject(k, at('aml_case_attachment', 'content_ct', attId), checked.content),
          uploaded_by: member.id,
          created_at: t,
        });
        ev.addFields(`attachment.${attId}`);
        await event(tx, k, row, { kind: 'attachment_added', actorId: member.id, detail: `${checked.contentType}, ${checked.content.length} bytes, SHA-256 ${checked.sha256.slice(0, 16)}…` });
        await repo.updateCase(tx, row.id, { updated_at: t });
        return { id: attId, filename: checked.filename, contentType: checked.contentType, size: checked.content.length, sha256: checked.sha256, uploadedByName: member.displayName ?? null, createdAt: t.toISOString() };
      });
    },

    /** An attachment's content (looked up within its case only); audited `case.attachment_download`. */
    async download(ctx: ActorContext, member: Member, id: string, attId: string): Promise<{ filename: string; contentType: string; content: Buffer }> {
      return read(ctx, { action: 'case.attachment_download', target: { type: 'aml_case', id }, fields: ['case.attachment.content', 'case.attachment.filename'] }, async (tx, ev) => {
        const { row, key } = await openCase(tx, member, id);
        const x = isUuid(attId) ? await repo.findAttachment(tx, row.id, attId.toLowerCase()) : undefined;
        if (!x) throw new AppError(ErrorCode.notFound, 404, 'No such attachment', { denial: true });
        ev.setTarget('aml_case_attachment', x.id);
        if (!key) throw conflict("This case's subject trader was erased: the attachment is gone");
        return {
          filename: d.vault.decryptForSubject(key, at('aml_case_attachment', 'filename_ct', x.id), x.filename_ct),
          contentType: x.content_type,
          content: decryptForSubject(key, at('aml_case_attachment', 'content_ct', x.id), x.content_ct),
        };
      });
    },

    // ── For other modules (in the caller's transaction) ──────────────────────────────────────────────────

    createIn,

    /**
     * Opens (or reuses) a case for an alert being escalated by a member, or adds it to an existing case: the
     * alert and its trader are linked. Returns the case id and reference. Called by the alerts service.
     */
    async escalateIn(
      tx: AuditedTx,
      member: Member,
      alert: { id: string; traderId: string; title: string; defaultPriority: CasePriority },
      target: { target: 'new'; title?: string | undefined; queue: CaseQueue; priority?: CasePriority | undefined } | { target: 'existing'; caseId: string },
    ): Promise<{ id: string; reference: string }> {
      if (target.target === 'new') {
        const c = await createIn(tx, member.id, { traderId: alert.traderId, title: target.title ?? alert.title, queue: target.queue, priority: target.priority ?? alert.defaultPriority, origin: `Opened from alert ${alert.id}` });
        const row = (await repo.findCase(tx, c.id))!;
        await linkIn(tx, await keyOrNull(tx, row.subject_trader_id), row, 'alert', alert.id, alert.traderId, member.id);
        return c;
      }
      const { row, key } = await openCase(tx, member, target.caseId, { lock: true });
      if (isClosed(row.status)) throw conflict(`Case ${row.reference} is ${row.status.replaceAll('_', ' ')}: open a new case instead`);
      await linkIn(tx, needKey(key), row, 'alert', alert.id, alert.traderId, member.id);
      return { id: row.id, reference: row.reference };
    },

    /**
     * A screening hit confirmed as a true match (the screening module's hook, in the confirmation's transaction):
     * links it to the trader's active sanctions case, or opens one (high priority). Returns the case id.
     */
    async onScreeningConfirmedIn(tx: AuditedTx, hit: { id: string; traderId: string; source: string; entityId: string; entityName: string }, actorId: string | null): Promise<string> {
      const active = (await repo.listCases(tx, { status: 'active', queue: 'sanctions', assignee: { kind: 'anyone' }, traderId: hit.traderId, limit: 10 })).find((c) => c.subject_trader_id === hit.traderId);
      const caseId = active
        ? active.id
        : (await createIn(tx, actorId, { traderId: hit.traderId, title: `Confirmed sanctions match: ${hit.source} ${hit.entityName}`, queue: 'sanctions', priority: 'high', origin: `Opened from confirmed screening hit ${hit.id}` })).id;
      const row = (await repo.findCase(tx, caseId))!;
      await linkIn(tx, await keyOrNull(tx, row.subject_trader_id), row, 'screening_hit', hit.id, hit.traderId, actorId);
      return caseId;
    },

    /** What the SAR module needs of a case (no permission check: the caller did its own); undefined when missing. */
    async caseFileIn(tx: AuditedTx, caseId: string): Promise<CaseFile | undefined> {
      if (!isUuid(caseId)) return undefined;
      const row = await repo.findCase(tx, caseId.toLowerCase());
      if (!row) return undefined;
      const links = await repo.linksOf(tx, row.id);
      const refs = (k: string) => links.filter((l) => l.kind === k).map((l) => l.ref);
      const alertIds = refs('alert');
      const eventIds = refs('event');
      const alertEvents = alertIds.length ? await tx.selectFrom('monitoring_alert').select('event_ids').where('id', 'in', alertIds).execute() : [];
      const direct = new Set(eventIds);
      const alertEventIds = [...new Set(alertEvents.flatMap((a) => a.event_ids))].filter((e) => !direct.has(e));
      const key = await keyOrNull(tx, row.subject_trader_id);
      return {
        id: row.id,
        reference: row.reference,
        status: row.status,
        title: decrypt(key, 'aml_case', 'title_ct', row.id, row.title_ct),
        subjectTraderId: row.subject_trader_id,
        traderIds: [row.subject_trader_id, ...refs('trader').filter((t) => t !== row.subject_trader_id)],
        eventIds,
        alertIds,
        alertEventIds,
        screeningHitIds: refs('screening_hit'),
        openedAt: new Date(row.opened_at),
      };
    },

    /** Adds an entry to a case's timeline for another module (SAR steps: restricted 'sar'); false when the case is missing. */
    async addTimelineEventIn(tx: AuditedTx, caseId: string, e: CaseTimelineInput): Promise<boolean> {
      if (!isUuid(caseId) || !/^[a-z_.]{1,60}$/.test(e.kind)) return false;
      const row = await repo.findCase(tx, caseId.toLowerCase());
      if (!row) return false;
      await event(tx, await keyOrNull(tx, row.subject_trader_id), row, { kind: e.kind, actorId: e.actorId, detail: e.detail ?? null, restricted: e.restricted ?? null });
      return true;
    },

    /** Counts by status and queue, and overdue (CLI). */
    async counts(ctx: ActorContext) {
      return read(ctx, { action: 'case.counts', target: { type: 'aml_case' } }, (tx) => repo.countCases(tx, now()));
    },
  };
}

