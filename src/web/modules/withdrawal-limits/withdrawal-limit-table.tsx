// The table of withdrawal-limit requests (the page and the trader panel) and the decision dialog: approve or reject
// with a reason, or retry a failed application. Approvers see the buttons; the maker of a request never does.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError, type ApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { isStepUpRequired } from '../approvals/approvals.api.js';
import { useDecideLimit, type WithdrawalLimitRequestView } from './withdrawal-limits.api.js';

export const STATUS_LABELS: Record<WithdrawalLimitRequestView['status'], string> = {
  pending: 'Pending',
  applied: 'Applied',
  rejected: 'Rejected',
  failed: 'Failed',
  expired: 'Expired',
};
const STATUS_BADGES: Record<WithdrawalLimitRequestView['status'], string> = {
  pending: 'badge badge-warning',
  applied: 'badge badge-ok',
  rejected: 'badge badge-neutral',
  failed: 'badge badge-error',
  expired: 'badge badge-neutral',
};
export const SOURCE_LABELS: Record<WithdrawalLimitRequestView['source'], string> = { staff: 'Staff', trader: 'Trader via exchange' };

/** "35 min", "5 h", "3 d": how long ago, for the age column. */
export function age(iso: string, now = Date.now()): string {
  const m = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h`;
  return `${Math.floor(m / 1440)} d`;
}

type Action = 'approve' | 'reject' | 'retry';

export function WithdrawalLimitTable({ requests, me, canDecide, showTrader = true }: { requests: WithdrawalLimitRequestView[]; me: string; canDecide: boolean; showTrader?: boolean }) {
  const [acting, setActing] = useState<{ request: WithdrawalLimitRequestView; action: Action } | null>(null);
  // The dialog outlives its row: once decided, a request leaves the pending list while its result is still shown.
  const dialog = acting ? <DecisionDialog key={`${acting.request.id}/${acting.action}`} {...acting} onClose={() => setActing(null)} /> : null;
  if (requests.length === 0) {
    return (
      <>
        <p className="empty-state">No requests.</p>
        {dialog}
      </>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table" data-testid="withdrawal-limit-table">
          <thead>
            <tr>
              {showTrader ? <th scope="col">Trader</th> : null}
              <th scope="col">Asset</th>
              <th scope="col">Daily limit: current → requested</th>
              <th scope="col">Source</th>
              <th scope="col">Reason</th>
              <th scope="col">Requested by</th>
              <th scope="col">Age</th>
              <th scope="col">Status</th>
              {canDecide ? (
                <th scope="col">
                  <span className="visually-hidden">Decision</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => {
              const mine = r.requestedBy === me;
              return (
                <tr key={r.id} data-request={r.id} data-status={r.status}>
                  {showTrader ? (
                    <td>
                      <Link className="mono" to={`/traders/${r.traderId}`}>
                        {r.accountRef}
                      </Link>
                    </td>
                  ) : null}
                  <td className="mono">{r.asset}</td>
                  <td className="mono nowrap">
                    {r.currentLimit} → {r.requestedLimit}
                    <span className="cell-sub">{r.direction}</span>
                  </td>
                  <td>{SOURCE_LABELS[r.source]}</td>
                  <td className="small">{r.reason ?? <span className="muted">not shown to your roles</span>}</td>
                  <td>
                    {r.source === 'trader' ? <span className="muted">the trader</span> : (r.requestedByName ?? <span className="mono">{r.requestedBy?.slice(0, 8)}</span>)}
                    {mine ? <span className="cell-sub">you</span> : null}
                  </td>
                  <td className="nowrap" title={`${formatUtc(r.createdAt)} UTC`}>
                    {age(r.createdAt)}
                  </td>
                  <td>
                    <span className={STATUS_BADGES[r.status]} data-testid="withdrawal-limit-status">
                      {STATUS_LABELS[r.status]}
                    </span>
                    {r.errorCode ? <span className="cell-sub mono">{r.errorCode}</span> : null}
                    {r.decidedByName ? <span className="cell-sub">by {r.decidedByName}</span> : null}
                    {r.decisionReason ? <span className="cell-sub">{r.decisionReason}</span> : null}
                  </td>
                  {canDecide ? (
                    <td className="nowrap">
                      {(r.status === 'pending' || r.status === 'failed') && mine ? <span className="muted small">another member decides</span> : null}
                      {r.status === 'pending' && !mine ? (
                        <>
                          <button type="button" className="button button-small button-primary" onClick={() => setActing({ request: r, action: 'approve' })}>
                            Approve…
                          </button>{' '}
                          <button type="button" className="button button-small" onClick={() => setActing({ request: r, action: 'reject' })}>
                            Reject…
                          </button>
                        </>
                      ) : null}
                      {r.status === 'failed' && !mine ? (
                        <>
                          <button type="button" className="button button-small button-primary" onClick={() => setActing({ request: r, action: 'retry' })}>
                            Retry…
                          </button>{' '}
                          <button type="button" className="button button-small" onClick={() => setActing({ request: r, action: 'reject' })}>
                            Close…
                          </button>
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialog}
    </>
  );
}

const TITLES: Record<Action, string> = { approve: 'Approve this increase?', reject: 'Reject this request?', retry: 'Apply this approved increase again?' };
const CONFIRM: Record<Action, string> = { approve: 'Approve and apply', reject: 'Reject', retry: 'Retry' };

function DecisionDialog({ request, action, onClose }: { request: WithdrawalLimitRequestView; action: Action; onClose: () => void }) {
  const decide = useDecideLimit();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<WithdrawalLimitRequestView | null>(null);

  const onConfirm = () => {
    if (action !== 'retry' && reason.trim().length < 5) {
      setError('Give a reason (at least 5 characters): it is kept with the decision.');
      return;
    }
    setError(undefined);
    decide.mutate({ id: request.id, action, reason: reason.trim() }, { onSuccess: (r) => setDone(r) });
  };

  const failure: ApiError | null = isApiError(decide.error) ? decide.error : null;
  if (done) {
    const text =
      done.status === 'applied'
        ? `Applied: the daily ${done.asset} limit is now ${done.requestedLimit} at the exchange.`
        : done.status === 'failed'
          ? `Approved, but the exchange did not apply it (${done.errorCode ?? 'error'}). Nothing changed there; retry when it is back.`
          : 'Rejected. Nothing changed at the exchange.';
    return (
      <ConfirmDialog open title={STATUS_LABELS[done.status]} confirmLabel="Close" onConfirm={onClose} onCancel={onClose}>
        <p data-testid="withdrawal-limit-result" data-status={done.status}>
          {text}
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      open
      title={TITLES[action]}
      confirmLabel={CONFIRM[action]}
      busyLabel="Working…"
      busy={decide.isPending}
      onConfirm={onConfirm}
      onCancel={onClose}
      footer={
        isStepUpRequired(failure) ? (
          <div className="alert alert-warning" role="alert" data-testid="step-up-required">
            <p className="alert-title">Confirm it is you</p>
            <p className="alert-detail">Deciding a withdrawal-limit increase needs a second factor used in the last 5 minutes. Confirm it, then try again.</p>
          </div>
        ) : (
          <ProblemAlert error={failure} title="Not done" />
        )
      }
    >
      <p>
        <strong>
          Daily {request.asset} limit of <span className="mono">{request.accountRef}</span>: {request.currentLimit} → {request.requestedLimit}
        </strong>
      </p>
      <p className="small">
        {request.source === 'trader' ? 'Asked by the trader through the exchange' : `Asked by ${request.requestedByName ?? request.requestedBy ?? 'a member'}`}
        {request.reason ? `: “${request.reason}”` : '.'}
      </p>
      {action === 'retry' ? (
        <p className="small">The increase was approved; setting it at the exchange failed ({request.errorCode}). Retrying sets it again.</p>
      ) : (
        <FormField label="Your reason" name="decision-reason" value={reason} onChange={(e) => setReason(e.target.value)} error={error} maxLength={1000} hint="Kept with the decision, encrypted under the trader's key." />
      )}
    </ConfirmDialog>
  );
}
