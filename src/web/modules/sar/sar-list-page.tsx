// /sars — suspicious-activity reports by filing deadline (open ones by default), overdue flagged. For sar.read
// holders only: for anyone else the page says so and makes no request (tipping-off).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { SAR_STATUSES } from '../../../contracts/sar.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan, useMyAccess } from '../roles/roles.api.js';
import { useSarList, type SarFilters } from './sar.api.js';
import { Deadline, SAR_STATUS_LABELS, SarStatusBadge } from './sar-labels.js';

function SarTable({ filters }: { filters: SarFilters }) {
  const list = useSarList(filters);
  if (!list.data) return <QueryFallback query={list} />;
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid="sars">
        <thead>
          <tr>
            <th scope="col">Reference</th>
            <th scope="col">Case</th>
            <th scope="col">Status</th>
            <th scope="col">Detected (UTC)</th>
            <th scope="col">Deadline</th>
            <th scope="col">Filed</th>
          </tr>
        </thead>
        <tbody>
          {list.data.sars.length === 0 ? (
            <tr>
              <td colSpan={6} className="table-empty">
                No reports.
              </td>
            </tr>
          ) : (
            list.data.sars.map((s) => (
              <tr key={s.id} data-sar={s.id}>
                <td className="mono nowrap">
                  <Link to={`/sars/${s.id}`}>{s.reference}</Link>
                </td>
                <td className="mono nowrap">
                  <Link to={`/cases/${s.caseId}`}>{s.caseReference}</Link>
                </td>
                <td>
                  <SarStatusBadge status={s.status} />
                </td>
                <td className="nowrap">{formatUtc(s.detectedAt)}</td>
                <td>
                  <Deadline dueAt={s.dueAt} daysLeft={s.daysLeft} overdue={s.overdue} />
                </td>
                <td className="nowrap">{s.filedAt ? `${formatUtc(s.filedAt)} (${s.fiuReference ?? ''})` : <span className="muted">—</span>}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function SarListPage() {
  usePageTitle('Suspicious-activity reports');
  const access = useMyAccess();
  const canRead = useCan('sar.read');
  const [filters, setFilters] = useState<SarFilters>({ status: 'open' });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setFilters({ status: String(f.get('status') ?? 'open'), overdue: f.get('overdue') ? 'true' : undefined });
  };
  if (!access.data) return <QueryFallback query={access} />;
  if (!canRead) {
    return (
      <div className="page">
        <h1 className="page-title">Not available</h1>
        <p className="muted">Your roles do not include this page.</p>
      </div>
    );
  }
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Suspicious-activity reports</h1>
        <Link className="button" to="/sars/settings">
          Reporting entity
        </Link>
      </div>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter reports">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="open">
            <option value="open">Open (draft or ready)</option>
            <option value="all">All</option>
            {SAR_STATUSES.map((s) => (
              <option key={s} value={s}>
                {SAR_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Overdue only</span>
          <input type="checkbox" name="overdue" value="true" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button">
            Filter
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="sars-title">
        <h2 id="sars-title" className="panel-title">
          Reports by deadline
        </h2>
        <SarTable filters={filters} />
      </section>
    </div>
  );
}
