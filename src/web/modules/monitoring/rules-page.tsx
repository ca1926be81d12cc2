// /monitoring/rules — every monitoring rule: name, severity, condition type, status, active and latest version
// (a draft or a version waiting for a second member's approval shows next to it). Members holding
// monitoring.rules.manage see "New rule". Without sanctions lists the counterparty rule cannot fire: said plainly.
import { Link } from 'react-router-dom';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { CONDITION_LABELS, SEVERITY_BADGES, STATE_BADGES, STATE_LABELS } from './rule-labels.js';
import { useRules } from './rules.api.js';

export function RulesPage() {
  usePageTitle('Monitoring rules');
  const q = useRules();
  const canManage = useCan('monitoring.rules.manage');
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/monitoring">Monitoring</Link> / Rules
      </p>
      <div className="page-header">
        <h1 className="page-title">Monitoring rules</h1>
        {canManage ? (
          <Link className="button button-primary" to="/monitoring/rules/new">
            New rule
          </Link>
        ) : null}
      </div>
      <p className="small muted">
        Every new exchange event is evaluated against the active version of each rule. A draft changes nothing until a second member approves its activation in{' '}
        <Link to="/approvals">Approvals</Link>.
      </p>
      {q.data && !q.data.sanctionsListsLoaded ? (
        <div className="alert alert-warning" role="alert">
          <p className="alert-title">No sanctions list loaded</p>
          <p className="alert-detail">The sanctioned-counterparty rule cannot fire until a list is imported or synced.</p>
        </div>
      ) : null}
      {!q.data ? (
        <QueryFallback query={q} />
      ) : (
        <section className="panel" aria-label="Rules">
          <div className="table-scroll">
            <table className="table table-dense" data-testid="rules-table">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Severity</th>
                  <th>Type</th>
                  <th>Status</th>
                  <th>Version</th>
                  <th>Changed</th>
                </tr>
              </thead>
              <tbody>
                {q.data.rules.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="table-empty">
                      No rule yet.
                    </td>
                  </tr>
                ) : (
                  q.data.rules.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link className="cell-main" to={`/monitoring/rules/${encodeURIComponent(r.id)}`}>
                          {r.name}
                        </Link>
                        <div className="cell-sub mono">
                          {r.id}
                          {r.installed ? ' · installed' : ''}
                        </div>
                      </td>
                      <td>
                        <span className={SEVERITY_BADGES[r.severity]}>{r.severity}</span>
                      </td>
                      <td>{CONDITION_LABELS[r.conditionType]}</td>
                      <td>
                        <span className={r.status === 'active' ? 'badge badge-ok' : 'badge badge-neutral'}>{r.status}</span>
                        {r.pendingDeactivation ? <span className="badge badge-warning"> deactivation waiting for approval</span> : null}
                      </td>
                      <td>
                        {r.activeVersion ? `v${r.activeVersion}` : '—'}
                        {r.latestVersion !== r.activeVersion ? (
                          <>
                            {' '}
                            <span className={STATE_BADGES[r.latestState]}>
                              v{r.latestVersion} {STATE_LABELS[r.latestState]}
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td className="nowrap">{formatUtc(r.changedAt)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
