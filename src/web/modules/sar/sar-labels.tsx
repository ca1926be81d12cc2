// Labels and badges of SAR statuses and deadlines.
import { formatUtc } from '../../components/format.js';

export const SAR_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  ready_for_review: 'Ready for review',
  filed: 'Filed',
  withdrawn: 'Withdrawn',
};

const BADGES: Record<string, string> = {
  draft: 'badge badge-neutral',
  ready_for_review: 'badge badge-warning',
  filed: 'badge badge-ok',
  withdrawn: 'badge',
};

export function SarStatusBadge({ status }: { status: string }) {
  return <span className={BADGES[status] ?? 'badge'}>{SAR_STATUS_LABELS[status] ?? status}</span>;
}

/** The filing deadline and how far away it is (overdue flagged); nothing to count once filed or withdrawn. */
export function Deadline({ dueAt, daysLeft, overdue }: { dueAt: string; daysLeft: number | null; overdue: boolean }) {
  return (
    <span className="nowrap">
      {formatUtc(dueAt)} UTC{' '}
      {daysLeft === null ? null : overdue ? (
        <span className="badge badge-error">overdue by {-daysLeft} day(s)</span>
      ) : (
        <span className={daysLeft <= 5 ? 'badge badge-warning' : 'muted'}>{daysLeft} day(s) left</span>
      )}
    </span>
  );
}
