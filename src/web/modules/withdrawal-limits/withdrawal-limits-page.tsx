// /withdrawal-limits — requests to change traders' daily withdrawal limits: pending increases first (what waits for a
// compliance senior), then every request with its state (filter by status and source, keyset pages). Approving or
// rejecting needs a recent second factor; the member who asked never decides. Reasons are shown to compliance only
// (and to the member who wrote one): a risk decrease's reason may name a suspicion the trader must not learn of.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { WITHDRAWAL_LIMIT_STATUSES, type WithdrawalLimitStatus } from '../../../contracts/withdrawal-limits.js';
import { isApiError } from '../../api.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { usePageTitle } from '../../components/page-title.js';
import { useSignedIn } from '../auth/require-session.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { ForbiddenPanel } from '../errors/error-pages.js';
import { useCan } from '../roles/roles.api.js';
import { SOURCE_LABELS, STATUS_LABELS, WithdrawalLimitTable } from './withdrawal-limit-table.js';
import { useWithdrawalLimitRequests, type LimitFilters } from './withdrawal-limits.api.js';

export function WithdrawalLimitsPage() {
  usePageTitle('Withdrawal limits');
  const me = useSignedIn();
  const canDecide = useCan('withdrawal_limit.approve');
  const pending = useWithdrawalLimitRequests({ status: 'pending' }, null, 100);
  const [filters, setFilters] = useState<LimitFilters>({});
  const pages = useCursorStack();
  const all = useWithdrawalLimitRequests(filters, pages.cursor);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '') || undefined;
    setFilters({ status: v('status') as WithdrawalLimitStatus | undefined, source: v('source') as LimitFilters['source'] });
    pages.reset();
  };

  if (isApiError(pending.error) && pending.error.status === 403) {
    return (
      <div className="page-wide">
        <ForbiddenPanel />
      </div>
    );
  }

  return (
    <div className="page-wide" data-testid="withdrawal-limits-page">
      <div className="page-header">
        <h1 className="page-title">Withdrawal limits</h1>
        <Link className="button" to="/staff/approvals">
          Other four-eyes requests
        </Link>
      </div>
      <p className="prose-width muted small">
        A higher daily withdrawal limit is asked for by a support agent or compliance (on the trader&apos;s profile) or by the trader through the
        exchange, and set at the exchange only once a compliance senior who did not ask approves it. Compliance lowers a limit at once for a risk
        reason. Times are UTC.
      </p>
      <section className="panel" aria-labelledby="wl-pending-title">
        <h2 id="wl-pending-title" className="panel-title">
          Waiting for a decision
        </h2>
        {!pending.data ? <QueryFallback query={pending} /> : <WithdrawalLimitTable requests={pending.data.requests} me={me.staffId} canDecide={canDecide} />}
      </section>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter requests">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="">
            <option value="">Any</option>
            {WITHDRAWAL_LIMIT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Source</span>
          <select className="input" name="source" defaultValue="">
            <option value="">Any</option>
            {(['staff', 'trader'] as const).map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="wl-all-title">
        <h2 id="wl-all-title" className="panel-title">
          All requests (newest first)
        </h2>
        {!all.data ? (
          <QueryFallback query={all} />
        ) : (
          <>
            <WithdrawalLimitTable requests={all.data.requests} me={me.staffId} canDecide={canDecide} />
            <CursorPager stack={pages} nextCursor={all.data.nextCursor} previousLabel="Previous" nextLabel="Next" />
          </>
        )}
      </section>
    </div>
  );
}
