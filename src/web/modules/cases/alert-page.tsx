// /monitoring/alerts/:id — one alert: the rule and its explanation, the facts it was rendered from, the events
// behind it (counterparty, hash and IP as the member's field policy shows them), and triage for case.manage holders:
// close with a reason, escalate to a new case, or add to an existing case (by its id, from the case page's address).
import { Fragment, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { CASE_QUEUES, MIN_REASON, type CaseQueue } from '../../../contracts/cases.js';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useAlert, useTriage } from './cases.api.js';
import { AlertStatusBadge, SeverityBadge } from './cases-labels.js';

const errorOf = (e: unknown) => (isApiError(e) ? e : null);

export function AlertPage() {
  const { id = '' } = useParams();
  usePageTitle('Alert');
  const alert = useAlert(id);
  const triage = useTriage(id);
  const navigate = useNavigate();
  const [reason, setReason] = useState('');
  const [queue, setQueue] = useState<CaseQueue>('aml');
  const [caseId, setCaseId] = useState('');

  if (!alert.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={alert} />
      </div>
    );
  }
  const a = alert.data;
  const escalated = (r: { caseId: string }) => navigate(`/cases/${r.caseId}`);
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">
          {a.ruleName ?? a.ruleId} <SeverityBadge severity={a.severity} /> <AlertStatusBadge status={a.status} />
        </h1>
        <Link className="button" to="/monitoring">
          Back to the queue
        </Link>
      </div>
      <section className="panel" aria-labelledby="alert-facts-title">
        <h2 id="alert-facts-title" className="panel-title">
          The alert
        </h2>
        <dl className="facts">
          <dt>Trader</dt>
          <dd className="mono">
            <Link to={`/traders/${a.traderId}`}>{a.accountRef}</Link>
          </dd>
          <dt>Rule</dt>
          <dd>
            <span className="mono">{a.ruleId}</span> version {a.ruleVersion}
          </dd>
          <dt>Explanation</dt>
          <dd data-testid="alert-explanation">{a.explanation ?? <span className="muted">erased with the trader's data</span>}</dd>
          <dt>Detected</dt>
          <dd>{formatUtc(a.detectedAt)} UTC (pattern completed {formatUtc(a.eventAt)} UTC)</dd>
          {Object.entries(a.facts).map(([k, v]) => (
            <Fragment key={k}>
              <dt className="mono">{k}</dt>
              <dd>{String(v)}</dd>
            </Fragment>
          ))}
          {a.caseId ? (
            <>
              <dt>Case</dt>
              <dd>
                <Link className="mono" to={`/cases/${a.caseId}`}>
                  {a.caseReference}
                </Link>
              </dd>
            </>
          ) : null}
          {a.closedAt ? (
            <>
              <dt>Closed</dt>
              <dd>
                {formatUtc(a.closedAt)} UTC by {a.closedByName ?? 'unknown'}
                {a.closeReason ? <p className="decision-reason">{a.closeReason}</p> : null}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="alert-events-title">
        <h2 id="alert-events-title" className="panel-title">
          Events behind the alert
        </h2>
        {a.missingEvents ? <p className="muted">{a.missingEvents} event(s) named by the alert are not stored (yet, or any more).</p> : null}
        <div className="table-scroll">
          <table className="table table-dense" data-testid="alert-events">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Type</th>
                <th scope="col">Amount</th>
                <th scope="col">USD</th>
                <th scope="col">Country</th>
                <th scope="col">Counterparty</th>
                <th scope="col">Tx hash / IP</th>
                <th scope="col">Event id</th>
              </tr>
            </thead>
            <tbody>
              {a.events.map((e) => (
                <tr key={e.eventId}>
                  <td className="nowrap">{formatUtc(e.occurredAt)}</td>
                  <td>
                    {e.type}
                    {e.detail ? <span className="muted"> ({e.detail})</span> : null}
                  </td>
                  <td className="mono">{e.amount !== null ? `${e.amount} ${e.asset ?? ''}` : '—'}</td>
                  <td>{e.amountUsd !== null ? Math.round(e.amountUsd).toLocaleString('en') : '—'}</td>
                  <td>{e.country ?? '—'}</td>
                  <td className="mono">
                    {e.counterparty ?? '—'}
                    {e.chain ? <span className="muted"> {e.chain}</span> : null}
                  </td>
                  <td className="mono">{e.txHash ?? e.ip ?? '—'}</td>
                  <td className="mono muted">{e.eventId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {a.can.triage ? (
        <section className="panel" aria-labelledby="alert-triage-title">
          <h2 id="alert-triage-title" className="panel-title">
            Triage
          </h2>
          <h3 className="subsection-title">Close: nothing to investigate</h3>
          <form
            className="form"
            aria-label="Close the alert"
            onSubmit={(e) => {
              e.preventDefault();
              triage.close.mutate(reason, { onSuccess: () => setReason('') });
            }}
          >
            <label className="field">
              <span className="field-label">Reason for closing (at least {MIN_REASON} characters; stored encrypted)</span>
              <textarea className="input textarea" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} required minLength={MIN_REASON} />
            </label>
            <ProblemAlert error={errorOf(triage.close.error)} />
            <div className="actions">
              <button type="submit" className="button" disabled={triage.close.isPending}>
                Close the alert
              </button>
            </div>
          </form>
          <h3 className="subsection-title">Escalate: investigate in a case</h3>
          <form
            className="form"
            aria-label="Escalate to a new case"
            onSubmit={(e) => {
              e.preventDefault();
              triage.escalate.mutate({ target: 'new', queue }, { onSuccess: escalated });
            }}
          >
            <label className="field">
              <span className="field-label">Queue</span>
              <select className="input" value={queue} onChange={(e) => setQueue(e.target.value as CaseQueue)}>
                {CASE_QUEUES.map((q) => (
                  <option key={q} value={q}>
                    {q}
                  </option>
                ))}
              </select>
            </label>
            <div className="actions">
              <button type="submit" className="button button-primary" disabled={triage.escalate.isPending}>
                Escalate to a new case
              </button>
            </div>
          </form>
          <form
            className="form"
            aria-label="Add to an existing case"
            onSubmit={(e) => {
              e.preventDefault();
              triage.escalate.mutate({ target: 'existing', caseId: caseId.trim() }, { onSuccess: escalated });
            }}
          >
            <label className="field">
              <span className="field-label">Existing case id</span>
              <input className="input mono" value={caseId} onChange={(e) => setCaseId(e.target.value)} maxLength={64} required />
            </label>
            <ProblemAlert error={errorOf(triage.escalate.error)} />
            <div className="actions">
              <button type="submit" className="button" disabled={triage.escalate.isPending}>
                Add to the case
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </div>
  );
}
