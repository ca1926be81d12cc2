// Words and badges of KYC: a state or risk is shown as its word in a coloured badge (never colour alone).
import type { CaseSummary } from '../../../contracts/kyc.js';
import { formatUtc } from '../../components/format.js';

export const STATE_LABELS: Record<string, string> = {
  draft: 'draft',
  submitted: 'submitted',
  in_review: 'in review',
  approved: 'approved',
  rejected: 'rejected',
  more_info_needed: 'more information needed',
};

const STATE_BADGES: Record<string, string> = {
  draft: 'badge badge-neutral',
  submitted: 'badge badge-denied',
  in_review: 'badge badge-denied',
  more_info_needed: 'badge badge-warning',
  approved: 'badge badge-ok',
  rejected: 'badge badge-error',
};

const RISK_BADGES: Record<string, string> = { low: 'badge badge-ok', medium: 'badge badge-denied', high: 'badge badge-error' };

export const DOC_LABELS: Record<string, string> = {
  government_id: 'Government photo ID',
  proof_of_address: 'Proof of address',
  selfie: 'Selfie',
  incorporation: 'Incorporation documents',
  registry_extract: 'Registry extract',
  ubo_declaration: 'UBO declaration',
  director_id: "Director's ID",
  source_of_funds: 'Source of funds',
  source_of_wealth: 'Source of wealth',
  other: 'Other',
};

export function StateBadge({ state }: { state: string }) {
  return <span className={STATE_BADGES[state] ?? 'badge'}>{STATE_LABELS[state] ?? state}</span>;
}

export function RiskBadge({ risk }: { risk: string | null }) {
  if (!risk) return <span className="muted">not rated</span>;
  return <span className={RISK_BADGES[risk] ?? 'badge'}>{risk}</span>;
}

/** Due time and whether it passed. */
export function SlaCell({ c }: { c: Pick<CaseSummary, 'dueAt' | 'overdue'> }) {
  if (!c.dueAt) return <span className="muted">—</span>;
  return (
    <span className="nowrap">
      {formatUtc(c.dueAt)} {c.overdue ? <span className="badge badge-error">overdue</span> : null}
    </span>
  );
}
