// /screening/hits/:id — one hit: the trader and subject screened, the list entry, the explanation, the decisions so
// far, and (for screening.review) the two decisions: false positive (rationale required; remembered until the
// subject or the list entry changes) or true match (reason required, a fresh second factor; files a four-eyes
// request to freeze the account, which another member approves under Staff & roles → Approvals).
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { Explanation } from './explanation.js';
import { useDecide, useHit } from './screening.api.js';
import { HIT_STATUS_BADGES, HIT_STATUS_LABELS, listLabel, SUBJECT_LABELS } from './screening-labels.js';

const DECISION_LABELS: Record<string, string> = { false_positive: 'Cleared as false positive', confirmed: 'Confirmed as true match', reopened: 'Re-opened' };

export function HitPage() {
  const { id = '' } = useParams();
  usePageTitle('Screening hit');
  const hit = useHit(id);
  const canReview = useCan('screening.review');
  const decide = useDecide(id);
  const [reason, setReason] = useState('');

  if (!hit.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={hit} />
      </div>
    );
  }
  const h = hit.data;
  const run = (decision: 'false-positive' | 'confirm') => decide.mutate({ decision, reason }, { onSuccess: () => setReason('') });
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">
          {h.entityName} <span className={HIT_STATUS_BADGES[h.status] ?? 'badge'}>{HIT_STATUS_LABELS[h.status] ?? h.status}</span>
        </h1>
        <Link className="button" to="/screening">
          Back to the queue
        </Link>
      </div>
      <section className="panel" aria-labelledby="hit-facts-title">
        <h2 id="hit-facts-title" className="panel-title">
          The hit
        </h2>
        <dl className="facts">
          <dt>Trader</dt>
          <dd className="mono">
            <Link to={`/traders/${h.traderId}`}>{h.accountRef}</Link>
          </dd>
          <dt>Screened</dt>
          <dd>
            {SUBJECT_LABELS[h.subjectKind] ?? h.subjectKind} <span className="muted mono">{h.subjectRef}</span>
          </dd>
          <dt>List entry</dt>
          <dd>
            {listLabel(h.source)} <span className="mono">{h.entityId}</span> — {h.entityName} ({h.entityKind}
            {h.entityTopics.length ? `; ${h.entityTopics.join(', ')}` : ''})
          </dd>
          <dt>Opened</dt>
          <dd>{formatUtc(h.openedAt)} UTC</dd>
          {h.freeze ? (
            <>
              <dt>Freeze request</dt>
              <dd>
                four eyes, <strong>{h.freeze.status}</strong> <span className="muted mono">{h.freeze.approvalId}</span>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="hit-why-title">
        <h2 id="hit-why-title" className="panel-title">
          Why it matched
        </h2>
        <Explanation e={h.explanation} score={h.score} />
      </section>
      <section className="panel" aria-labelledby="hit-decisions-title">
        <h2 id="hit-decisions-title" className="panel-title">
          Decisions
        </h2>
        {h.decisions.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ol className="decision-list" data-testid="decisions">
            {h.decisions.map((x) => (
              <li key={x.id}>
                <strong>{DECISION_LABELS[x.decision] ?? x.decision}</strong> — {formatUtc(x.at)} UTC, {x.reviewerName ?? (x.reviewerId ? x.reviewerId : 'Bulwark')}
                {x.reason ? <p className="decision-reason">{x.reason}</p> : null}
                {x.systemNote ? <p className="muted">{x.systemNote}</p> : null}
              </li>
            ))}
          </ol>
        )}
        {canReview && h.status === 'open' ? (
          <form
            className="form"
            aria-label="Decide"
            onSubmit={(e) => {
              e.preventDefault();
            }}
          >
            <label className="field">
              <span className="field-label">Reason (at least 10 characters; stored encrypted with the decision)</span>
              <textarea className="input textarea" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} required />
            </label>
            <ProblemAlert error={isApiError(decide.error) ? decide.error : null} />
            <div className="actions">
              <button type="button" className="button" disabled={decide.isPending} onClick={() => run('false-positive')}>
                False positive
              </button>{' '}
              <button type="button" className="button button-danger" disabled={decide.isPending} onClick={() => run('confirm')}>
                True match — request freeze
              </button>
            </div>
            {decide.data?.freezeApprovalId ? (
              <p role="status">A four-eyes request to freeze the account was filed; another member approves it under Staff &amp; roles → Approvals.</p>
            ) : null}
          </form>
        ) : null}
      </section>
    </div>
  );
}
