// /staff/approvals — the four-eyes inbox: requests another member made (role grants to privileged roles,
// changes to privileged roles, invitations, and later withdrawal limits, exports…), what each would do, who
// asked and why, and when it expires. Approving or rejecting asks for a reason and needs a recent second
// factor; a member can never decide their own request.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError, type ApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useSignedIn } from '../auth/require-session.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { useCan } from '../roles/roles.api.js';
import { SectionFrame } from '../staff/section-frame.js';
import { APPROVAL_STATUSES, isStepUpRequired, useApprovals, useDecide, type Approval, type ApprovalFilter } from './approvals.api.js';

const STATUS_LABELS: Record<ApprovalFilter, string> = {
  pending: 'Pending',
  executed: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  failed: 'Failed',
};

export function ApprovalsPage() {
  usePageTitle('Approvals');
  const [status, setStatus] = useState<ApprovalFilter>('pending');
  const list = useApprovals(status);
  const canDecide = useCan('approval.decide');
  const me = useSignedIn();
  const [deciding, setDeciding] = useState<{ request: Approval; decision: 'approve' | 'reject' } | null>(null);

  const aside = <span className="muted small">Times in UTC</span>;
  if (isApiError(list.error) && list.error.status === 403) {
    return (
      <SectionFrame aside={aside}>
        <ForbiddenPanel />
      </SectionFrame>
    );
  }

  return (
    <SectionFrame aside={aside}>
      <section className="panel" aria-labelledby="approvals-list">
        <div className="panel-head">
          <h2 id="approvals-list" className="panel-title">
            Four-eyes requests
          </h2>
          <div className="panel-head-actions" role="group" aria-label="Show requests">
            {APPROVAL_STATUSES.map((s) => (
              <button key={s} type="button" className={s === status ? 'button button-small button-primary' : 'button button-small'} aria-pressed={s === status} onClick={() => setStatus(s)}>
                {STATUS_LABELS[s]}
              </button>
            ))}
          </div>
        </div>
        <p className="prose-width muted small">
          What matters is never done by one person alone: each request here was made by one member and waits for another who
          holds the approving permission. You cannot decide a request you made.
        </p>
        <p className="prose-width small">
          Withdrawal-limit increases (asked for by staff or by traders through the exchange) are decided on the{' '}
          <Link to="/withdrawal-limits">Withdrawal limits</Link> page.
        </p>
        {list.error ? <SectionErrorPanel error={list.error} onRetry={() => void list.refetch()} /> : null}
        {!list.data && !list.error ? (
          <p className="muted" role="status">
            Loading requests…
          </p>
        ) : null}
        {list.data && list.data.requests.length === 0 ? (
          <p className="empty-state" data-testid="approvals-empty">
            No {STATUS_LABELS[status].toLowerCase()} requests.
          </p>
        ) : null}
        {list.data && list.data.requests.length > 0 ? (
          <div className="table-scroll">
            <table className="table" data-testid="approvals-table">
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Asked by</th>
                  <th scope="col">Reason</th>
                  <th scope="col">{status === 'pending' ? 'Expires' : 'Decided'}</th>
                  {status === 'pending' && canDecide ? (
                    <th scope="col">
                      <span className="visually-hidden">Decision</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {list.data.requests.map((r) => {
                  const mine = r.makerId === me.staffId;
                  return (
                    <tr key={r.id} data-approval={r.id} data-kind={r.kind}>
                      <td>
                        <span className="cell-main" data-testid="approval-summary">
                          {r.summary}
                        </span>
                        <span className="cell-sub mono">{r.kind}</span>
                      </td>
                      <td>
                        {r.makerName ?? <span className="mono">{r.makerId.slice(0, 8)}</span>}
                        {mine ? <span className="cell-sub">you</span> : null}
                        <span className="cell-sub mono nowrap">{formatUtc(r.createdAt)}</span>
                      </td>
                      <td className="small">{r.reason}</td>
                      <td className="mono nowrap small">
                        {status === 'pending' ? (
                          formatUtc(r.expiresAt)
                        ) : (
                          <>
                            {r.decidedAt ? formatUtc(r.decidedAt) : '—'}
                            {r.checkerName ? <span className="cell-sub">by {r.checkerName}</span> : null}
                            {r.decisionReason ? <span className="cell-sub">{r.decisionReason}</span> : null}
                          </>
                        )}
                      </td>
                      {status === 'pending' && canDecide ? (
                        <td className="nowrap">
                          {mine ? (
                            <span className="muted small">another member decides</span>
                          ) : (
                            <>
                              <button type="button" className="button button-small button-primary" onClick={() => setDeciding({ request: r, decision: 'approve' })}>
                                Approve…
                              </button>{' '}
                              <button type="button" className="button button-small" onClick={() => setDeciding({ request: r, decision: 'reject' })}>
                                Reject…
                              </button>
                            </>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {deciding ? <DecisionDialog key={`${deciding.request.id}/${deciding.decision}`} {...deciding} onClose={() => setDeciding(null)} /> : null}
    </SectionFrame>
  );
}

function DecisionDialog({ request, decision, onClose }: { request: Approval; decision: 'approve' | 'reject'; onClose: () => void }) {
  const decide = useDecide();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<Approval | null>(null);

  const onConfirm = () => {
    if (reason.trim().length < 5) {
      setError('Give a reason (at least 5 characters): it is recorded in the audit log.');
      return;
    }
    setError(undefined);
    decide.mutate({ id: request.id, decision, reason: reason.trim() }, { onSuccess: (a) => setDone(a) });
  };

  const failure: ApiError | null = isApiError(decide.error) ? decide.error : null;
  if (done) {
    return (
      <ConfirmDialog open title={decision === 'approve' ? 'Request approved' : 'Request rejected'} confirmLabel="Close" onConfirm={onClose} onCancel={onClose}>
        <p data-testid="decision-result" data-status={done.status}>
          {done.status === 'executed' ? 'Approved and carried out.' : done.status === 'expired' ? 'The request had expired: it must be made again.' : 'Rejected.'}
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      open
      title={decision === 'approve' ? 'Approve this request?' : 'Reject this request?'}
      confirmLabel={decision === 'approve' ? 'Approve' : 'Reject'}
      busyLabel={decision === 'approve' ? 'Approving…' : 'Rejecting…'}
      busy={decide.isPending}
      onConfirm={onConfirm}
      onCancel={onClose}
      footer={
        isStepUpRequired(failure) ? (
          <div className="alert alert-warning" role="alert" data-testid="step-up-required">
            <p className="alert-title">Confirm it is you</p>
            <p className="alert-detail">
              Deciding a four-eyes request needs a second factor used in the last 5 minutes. Confirm with your authenticator or
              security key, then try again.
            </p>
          </div>
        ) : (
          <ProblemAlert error={failure} title={decision === 'approve' ? 'Not approved' : 'Not rejected'} />
        )
      }
    >
      <p>
        <strong>{request.summary}</strong>
      </p>
      <p className="small">
        Asked by {request.makerName ?? request.makerId} because: “{request.reason}”
      </p>
      <FormField label="Your reason" name="decision-reason" value={reason} onChange={(e) => setReason(e.target.value)} error={error} maxLength={1000} hint="Recorded in the audit log with your decision." />
    </ConfirmDialog>
  );
}
