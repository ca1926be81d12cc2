// /kyc — the review queue: cases by due time with state, risk, assignee and SLA (overdue marked), filters for
// state, assignee, purpose (onboarding, periodic refresh, change) and overdue only.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { CASE_PURPOSES, CASE_STATES, type CaseSummary } from '../../../contracts/kyc.js';
import { AssigneeFilter } from '../../components/assignee-filter.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { RiskBadge, SlaCell, StateBadge, STATE_LABELS } from './kyc-labels.js';
import { useQueue, type QueueFilters } from './kyc.api.js';

export function KycQueuePage() {
  usePageTitle('KYC');
  const [filters, setFilters] = useState<QueueFilters>({ state: 'open', assignee: 'anyone' });
  const queue = useQueue(filters);
  const canRead = useCan('kyc.read');

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim();
    setFilters({
      state: v('state') || 'open',
      assignee: (v('assignee') || 'anyone') as QueueFilters['assignee'],
      ...(v('purpose') ? { purpose: v('purpose') } : {}),
      ...(f.get('overdue') ? { overdue: 'true' as const } : {}),
    });
  };

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">KYC / KYB reviews</h1>
        {canRead ? (
          <Link className="button" to="/kyc/settings">
            Jurisdictions and risk settings
          </Link>
        ) : null}
      </div>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter cases">
        <label className="field">
          <span className="field-label">State</span>
          <select className="input" name="state" defaultValue="open">
            <option value="open">Open (not decided)</option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <AssigneeFilter />
        <label className="field">
          <span className="field-label">Purpose</span>
          <select className="input" name="purpose" defaultValue="">
            <option value="">Any</option>
            {CASE_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {p === 'refresh' ? 'periodic refresh' : p}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Overdue</span>
          <input type="checkbox" name="overdue" value="true" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="queue-title">
        <h2 id="queue-title" className="panel-title">
          Cases
        </h2>
        {!queue.data ? <QueryFallback query={queue} /> : <CaseTable cases={queue.data.cases} showTrader />}
      </section>
    </div>
  );
}

/** A table of cases (the queue, and a trader's KYC panel), each row linking to the review screen. */
export function CaseTable({ cases, showTrader }: { cases: CaseSummary[]; showTrader?: boolean }) {
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid="kyc-cases">
        <thead>
          <tr>
            <th scope="col">Case</th>
            {showTrader ? <th scope="col">Account</th> : null}
            <th scope="col">Kind</th>
            <th scope="col">Purpose</th>
            <th scope="col">State</th>
            <th scope="col">Priority</th>
            <th scope="col">Risk</th>
            <th scope="col">Assignee</th>
            <th scope="col">Due (UTC)</th>
            <th scope="col">Opened (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {cases.length === 0 ? (
            <tr>
              <td colSpan={showTrader ? 10 : 9} className="table-empty">
                No cases.
              </td>
            </tr>
          ) : (
            cases.map((c) => (
              <tr key={c.id} data-case={c.id}>
                <td className="mono">
                  <Link to={`/kyc/cases/${c.id}`}>{c.id.slice(0, 8)}</Link>
                </td>
                {showTrader ? <td className="mono">{c.accountRef}</td> : null}
                <td>{c.kind === 'business' ? 'KYB' : 'KYC'}</td>
                <td>{c.purpose === 'refresh' ? 'periodic refresh' : c.purpose}</td>
                <td>
                  <StateBadge state={c.state} />
                </td>
                <td>{c.priority}</td>
                <td>
                  <RiskBadge risk={c.risk} />
                </td>
                <td>{c.assigneeName ?? <span className="muted">Unassigned</span>}</td>
                <td>
                  <SlaCell c={c} />
                </td>
                <td className="nowrap">{formatUtc(c.createdAt)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
