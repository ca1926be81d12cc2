// The monitoring panel of a trader's profile (inside the Risk section): the trader's alerts for monitoring.read
// holders and their cases for case.read holders, each linking to its page. For everyone else it renders nothing
// and makes no request (tipping-off: support never learns a trader is being investigated).
import { Link } from 'react-router-dom';
import { formatUtc } from '../../components/format.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useTraderAlerts, useTraderCases } from './cases.api.js';
import { AlertStatusBadge, CaseStatusBadge, DueCell, SeverityBadge } from './cases-labels.js';

export function TraderAmlSection({ traderId }: { traderId: string }) {
  const alerts = useCan('monitoring.read');
  const cases = useCan('case.read');
  return (
    <>
      {alerts ? <Alerts traderId={traderId} /> : null}
      {cases ? <Cases traderId={traderId} /> : null}
    </>
  );
}

function Alerts({ traderId }: { traderId: string }) {
  const q = useTraderAlerts(traderId);
  return (
    <div data-testid="trader-alerts">
      <h3 className="subsection-title">Monitoring alerts</h3>
      {!q.data ? (
        <QueryFallback query={q} />
      ) : q.data.alerts.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Detected (UTC)</th>
                <th scope="col">Severity</th>
                <th scope="col">Rule</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {q.data.alerts.slice(0, 20).map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">
                    <Link to={`/monitoring/alerts/${a.id}`}>{formatUtc(a.detectedAt)}</Link>
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>{a.ruleName ?? a.ruleId}</td>
                  <td>
                    <AlertStatusBadge status={a.status} /> {a.caseReference ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Cases({ traderId }: { traderId: string }) {
  const q = useTraderCases(traderId);
  return (
    <div data-testid="trader-cases">
      <h3 className="subsection-title">Investigation cases</h3>
      {!q.data ? (
        <QueryFallback query={q} />
      ) : q.data.cases.length === 0 ? (
        <p className="muted">No cases.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Due (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {q.data.cases.map((c) => (
                <tr key={c.id}>
                  <td className="mono nowrap">
                    <Link to={`/cases/${c.id}`}>{c.reference}</Link>
                  </td>
                  <td>{c.title ?? <span className="muted">erased</span>}</td>
                  <td>
                    <CaseStatusBadge status={c.status} />
                  </td>
                  <td>{c.closedAt ? <span className="muted">closed</span> : <DueCell dueAt={c.dueAt} overdue={c.overdue} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
