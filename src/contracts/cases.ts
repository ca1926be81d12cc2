// Alerts and cases (issue 6): the alert queue and its triage, investigation cases (workflow, SLA, assignment, notes,
// attachments, links, timeline, decisions). Shared by the server (route schemas, OpenAPI) and the web UI.
//
// Tipping-off: nothing here says whether a case has a suspicious-activity report; the SAR module answers that to
// sar.read holders only, and the case timeline leaves out its SAR steps for everyone else.
import { z } from 'zod';

const iso = z.string();
/** Any string up to 64 characters: a malformed id is answered like a missing one (404), never 400 or 500. */
const anyId = z.string().max(64);

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ALERT_STATUSES = ['open', 'closed', 'escalated'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const CASE_STATUSES = ['open', 'investigating', 'pending_decision', 'closed_no_action', 'closed_sar_filed', 'closed_other'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CLOSED_STATUSES: readonly CaseStatus[] = ['closed_no_action', 'closed_sar_filed', 'closed_other'];
export const CASE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];
/** The investigation queues (a case is in exactly one; docs/cases.md says how to add one). */
export const CASE_QUEUES = ['aml', 'sanctions', 'fraud'] as const;
export type CaseQueue = (typeof CASE_QUEUES)[number];
export const LINK_KINDS = ['trader', 'alert', 'event', 'screening_hit'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** Reasons (closing an alert, changing a case's status, a decision) are checked by the service so a refusal is audited. */
export const MIN_REASON = 10;

// ── Alerts ─────────────────────────────────────────────────────────────────────────────────────────────────

export const AlertQueueQuery = z.object({
  /** `all`: every status. */
  status: z.enum([...ALERT_STATUSES, 'all']).default('open'),
  severity: z.enum(SEVERITIES).optional(),
  rule: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,80}$/)
    .optional(),
  trader: z.string().max(64).optional(),
  /** Detected at or after (ISO date or date-time). */
  from: z.iso.date().or(z.iso.datetime()).optional(),
  /** Detected before. */
  to: z.iso.date().or(z.iso.datetime()).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type AlertQueueQuery = z.infer<typeof AlertQueueQuery>;

export const AlertSummary = z.object({
  id: z.uuid(),
  traderId: z.uuid(),
  accountRef: z.string(),
  ruleId: z.string(),
  ruleVersion: z.number(),
  /** Null once the trader's data was erased (the explanation was under their key). */
  ruleName: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  explanation: z.string().nullable(),
  eventCount: z.number(),
  eventAt: iso,
  detectedAt: iso,
  caseId: z.string().nullable(),
  caseReference: z.string().nullable(),
});
export type AlertSummary = z.infer<typeof AlertSummary>;

export const AlertPage = z.object({ alerts: z.array(AlertSummary), nextCursor: z.string().nullable() });
export type AlertPage = z.infer<typeof AlertPage>;

/**
 * One event behind an alert. Amounts, asset, type and country are the plain columns; counterparty and transaction
 * hash follow the member's `financial` class (full, masked to the last 4 characters, or left out), the IP the
 * `security` class.
 */
export const AlertEvent = z.object({
  eventId: z.string(),
  type: z.string(),
  occurredAt: iso,
  asset: z.string().nullable(),
  amount: z.string().nullable(),
  amountUsd: z.number().nullable(),
  country: z.string().nullable(),
  detail: z.string().nullable(),
  chain: z.string().nullable(),
  counterparty: z.string().nullable(),
  txHash: z.string().nullable(),
  ip: z.string().nullable(),
  /** Field names shown masked (counterparty, txHash, ip). */
  masked: z.array(z.string()),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AlertDetail = AlertSummary.extend({
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  events: z.array(AlertEvent),
  /** Event ids named by the alert but not (yet, or no longer) stored. */
  missingEvents: z.number(),
  closeReason: z.string().nullable(),
  closedByName: z.string().nullable(),
  closedAt: iso.nullable(),
  can: z.object({ triage: z.boolean() }),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const CloseAlertRequest = z.object({ reason: z.string().max(2000).optional() });

export const EscalateRequest = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('new'),
    title: z.string().trim().min(3).max(200).optional(),
    queue: z.enum(CASE_QUEUES).default('aml'),
    priority: z.enum(CASE_PRIORITIES).optional(),
  }),
  z.object({ target: z.literal('existing'), caseId: anyId }),
]);
export type EscalateRequest = z.infer<typeof EscalateRequest>;

export const EscalateResult = z.object({ alert: AlertSummary, caseId: z.uuid(), caseReference: z.string() });

export const TraderAlerts = z.object({ alerts: z.array(AlertSummary) });

// ── Cases ──────────────────────────────────────────────────────────────────────────────────────────────────

export const CaseListQuery = z.object({
  /** `active`: not closed (default); `closed`: any closed status; `all`; or one status. */
  status: z.enum([...CASE_STATUSES, 'active', 'closed', 'all']).default('active'),
  queue: z.enum(CASE_QUEUES).optional(),
  priority: z.enum(CASE_PRIORITIES).optional(),
  assignee: z.enum(['anyone', 'me', 'unassigned']).default('anyone'),
  overdue: z.enum(['true']).optional(),
  trader: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const CaseSummary = z.object({
  id: z.uuid(),
  reference: z.string(),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(CASE_PRIORITIES),
  queue: z.string(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  subjectTraderId: z.uuid(),
  subjectAccountRef: z.string(),
  /** Null once the subject trader's data was erased. */
  title: z.string().nullable(),
  openedAt: iso,
  openedByName: z.string().nullable(),
  dueAt: iso.nullable(),
  overdue: z.boolean(),
  closedAt: iso.nullable(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CasePage = z.object({ cases: z.array(CaseSummary), nextCursor: z.string().nullable() });
export type CasePage = z.infer<typeof CasePage>;

export const CaseLinkView = z.object({
  kind: z.enum(LINK_KINDS),
  ref: z.string(),
  /** A short description from public columns (account reference, rule and severity, event type and amount, list entity). */
  label: z.string(),
  addedByName: z.string().nullable(),
  addedAt: iso,
});
export type CaseLinkView = z.infer<typeof CaseLinkView>;

export const CaseNoteView = z.object({ id: z.uuid(), body: z.string(), authorName: z.string().nullable(), createdAt: iso });
export type CaseNoteView = z.infer<typeof CaseNoteView>;

export const CaseAttachmentView = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  uploadedByName: z.string().nullable(),
  createdAt: iso,
});
export type CaseAttachmentView = z.infer<typeof CaseAttachmentView>;

export const CaseTimelineEntry = z.object({
  id: z.uuid(),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actorName: z.string().nullable(),
  /** What changed, in words (a reason, an assignee, a link); decrypted for the viewer. */
  detail: z.string().nullable(),
  at: iso,
});
export type CaseTimelineEntry = z.infer<typeof CaseTimelineEntry>;

export const CaseDecisionView = z.object({
  decision: z.enum(['no_action', 'sar_filed', 'other']),
  reason: z.string().nullable(),
  byName: z.string().nullable(),
  at: iso,
});

export const CaseView = z.object({
  case: CaseSummary,
  decision: CaseDecisionView.nullable(),
  links: z.array(CaseLinkView),
  notes: z.array(CaseNoteView),
  attachments: z.array(CaseAttachmentView),
  timeline: z.array(CaseTimelineEntry),
  can: z.object({ manage: z.boolean(), transitions: z.array(z.enum(CASE_STATUSES)) }),
});
export type CaseView = z.infer<typeof CaseView>;

export const OpenCaseRequest = z.object({
  traderId: anyId,
  title: z.string().trim().min(3).max(200),
  queue: z.enum(CASE_QUEUES).default('aml'),
  priority: z.enum(CASE_PRIORITIES).default('normal'),
});
export type OpenCaseRequest = z.infer<typeof OpenCaseRequest>;

export const UpdateCaseRequest = z
  .object({ priority: z.enum(CASE_PRIORITIES).optional(), queue: z.enum(CASE_QUEUES).optional() })
  .refine((v) => v.priority !== undefined || v.queue !== undefined, { message: 'name a priority or a queue' });

export const AssignCaseRequest = z.object({ assigneeId: anyId.nullable() });

export const TransitionRequest = z.object({ to: z.enum(CASE_STATUSES), reason: z.string().max(4000).optional() });

export const NoteRequest = z.object({ body: z.string().trim().min(1).max(10_000) });
export const NoteResult = z.object({ note: CaseNoteView });

export const LinkRequest = z.object({ kind: z.enum(LINK_KINDS), ref: z.string().min(1).max(128) });

export const AttachmentResult = z.object({ attachment: CaseAttachmentView });

export const Assignees = z.object({ members: z.array(z.object({ id: z.uuid(), name: z.string() })) });

export const TraderCases = z.object({ cases: z.array(CaseSummary) });
