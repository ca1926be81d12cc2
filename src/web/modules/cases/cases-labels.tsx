// Words and badges of alerts and cases: a severity, status or SLA is shown as its word in a coloured badge (never
// colour alone).
import { formatUtc } from '../../components/format.js';

const SEVERITY_BADGES: Record<string, string> = { low: 'badge badge-neutral', medium: 'badge badge-denied', high: 'badge badge-warning', critical: 'badge badge-error' };
const ALERT_STATUS_BADGES: Record<string, string> = { open: 'badge badge-denied', closed: 'badge badge-neutral', escalated: 'badge badge-ok' };
const CASE_STATUS_BADGES: Record<string, string> = {
  open: 'badge badge-denied',
  investigating: 'badge badge-warning',
  pending_decision: 'badge badge-warning',
  closed_no_action: 'badge badge-neutral',
  closed_sar_filed: 'badge badge-ok',
  closed_other: 'badge badge-neutral',
};

export const CASE_STATUS_LABELS: Record<string, string> = {
  open: 'open',
  investigating: 'investigating',
  pending_decision: 'pending decision',
  closed_no_action: 'closed — no action',
  closed_sar_filed: 'closed — SAR filed',
  closed_other: 'closed — other',
};

export const EVENT_LABELS: Record<string, string> = {
  opened: 'Case opened',
  status_changed: 'Status changed',
  decision: 'Decision',
  assigned: 'Assigned',
  unassigned: 'Unassigned',
  priority_changed: 'Priority changed',
  queue_changed: 'Queue changed',
  note_added: 'Note added',
  attachment_added: 'Attachment added',
  link_added: 'Linked',
};

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={SEVERITY_BADGES[severity] ?? 'badge'}>{severity}</span>;
}

export function AlertStatusBadge({ status }: { status: string }) {
  return <span className={ALERT_STATUS_BADGES[status] ?? 'badge'}>{status}</span>;
}

export function CaseStatusBadge({ status }: { status: string }) {
  return <span className={CASE_STATUS_BADGES[status] ?? 'badge'}>{CASE_STATUS_LABELS[status] ?? status}</span>;
}

/** Due time and whether it passed. */
export function DueCell({ dueAt, overdue }: { dueAt: string | null; overdue: boolean }) {
  if (!dueAt) return <span className="muted">—</span>;
  return (
    <span className="nowrap">
      {formatUtc(dueAt)} {overdue ? <span className="badge badge-error">overdue</span> : null}
    </span>
  );
}
