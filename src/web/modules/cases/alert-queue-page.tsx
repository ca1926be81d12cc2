// /monitoring — the alert queue: newest detections first, filtered by status, severity, rule, trader and date, with
// a severity badge and the one-line explanation per alert; each alert links to its page (explanation, events,
// triage). The rules pages live under /monitoring/rules.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ALERT_STATUSES, SEVERITIES } from '../../../contracts/cases.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useAlertQueue, type AlertFilters } from './cases.api.js';
import { AlertStatusBadge, SeverityBadge } from './cases-labels.js';

export function AlertQueuePage() {
  usePageTitle('Monitoring');
  const [filters, setFilters] = useState<AlertFilters>({ status: 'open' });
  const pages = useCursorStack();
  const queue = useAlertQueue(filters, pages.cursor);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setFilters({ status: v('status') ?? 'open', severity: v('severity'), rule: v('rule'), trader: v('trader'), from: v('from'), to: v('to') });
    pages.reset();
  };

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Monitoring alerts</h1>
        <Link className="button" to="/monitoring/rules">
          Rules
        </Link>
      </div>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter alerts">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="open">
            {ALERT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="all">all</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Severity</span>
          <select className="input" name="severity" defaultValue="">
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Rule id</span>
          <input className="input" name="rule" pattern="[A-Za-z0-9._:\-]{1,80}" placeholder="structuring" />
        </label>
        <label className="field">
          <span className="field-label">Trader id</span>
          <input className="input" name="trader" maxLength={64} />
        </label>
        <label className="field">
          <span className="field-label">Detected from</span>
          <input className="input" type="date" name="from" />
        </label>
        <label className="field">
          <span className="field-label">before</span>
          <input className="input" type="date" name="to" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title" className="panel-title">
          Alerts (newest first)
        </h2>
        {!queue.data ? (
          <QueryFallback query={queue} />
        ) : (
          <>
            <div className="table-scroll">
              <table className="table table-dense" data-testid="alerts">
                <thead>
                  <tr>
                    <th scope="col">Detected (UTC)</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Account</th>
                    <th scope="col">Explanation</th>
                    <th scope="col">Events</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {queue.data.alerts.length === 0 ? (
                    <tr>
                      <td colSpan={7} className="table-empty">
                        No alerts.
                      </td>
                    </tr>
                  ) : (
                    queue.data.alerts.map((a) => (
                      <tr key={a.id} data-alert={a.id}>
                        <td className="nowrap">
                          <Link to={`/monitoring/alerts/${a.id}`}>{formatUtc(a.detectedAt)}</Link>
                        </td>
                        <td>
                          <SeverityBadge severity={a.severity} />
                        </td>
                        <td>
                          {a.ruleName ?? a.ruleId} <span className="muted mono">v{a.ruleVersion}</span>
                        </td>
                        <td className="mono">{a.accountRef}</td>
                        <td>{a.explanation ?? <span className="muted">erased</span>}</td>
                        <td>{a.eventCount}</td>
                        <td>
                          <AlertStatusBadge status={a.status} />
                          {a.caseReference && a.caseId ? (
                            <>
                              {' '}
                              <Link className="mono" to={`/cases/${a.caseId}`}>
                                {a.caseReference}
                              </Link>
                            </>
                          ) : null}
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
            <CursorPager stack={pages} nextCursor={queue.data.nextCursor} previousLabel="Newer" nextLabel="Older" />
          </>
        )}
      </section>
    </div>
  );
}
