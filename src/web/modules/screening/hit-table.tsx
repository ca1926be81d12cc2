// A table of screening hits (the review queue, and a trader's screening panel): age, trader, screened subject,
// list entity, score, a one-line explanation, and the link to review it.
import { Link } from 'react-router-dom';
import type { HitView } from '../../../contracts/screening.js';
import { formatUtc } from '../../components/format.js';
import { ExplanationSummary } from './explanation.js';
import { HIT_STATUS_BADGES, HIT_STATUS_LABELS, listLabel, scorePct, SUBJECT_LABELS } from './screening-labels.js';

export function HitTable({ hits, showTrader }: { hits: HitView[]; showTrader?: boolean }) {
  return (
    <table className="table table-dense" data-testid="hit-table">
      <thead>
        <tr>
          <th scope="col">Opened (UTC)</th>
          {showTrader ? <th scope="col">Account</th> : null}
          <th scope="col">Subject</th>
          <th scope="col">List entry</th>
          <th scope="col">Score</th>
          <th scope="col">Why</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {hits.length === 0 ? (
          <tr>
            <td colSpan={showTrader ? 7 : 6} className="table-empty">
              No hits.
            </td>
          </tr>
        ) : (
          hits.map((h) => (
            <tr key={h.id} data-hit={h.id}>
              <td className="nowrap">{formatUtc(h.openedAt)}</td>
              {showTrader ? (
                <td className="mono">
                  <Link to={`/traders/${h.traderId}`}>{h.accountRef}</Link>
                </td>
              ) : null}
              <td>{SUBJECT_LABELS[h.subjectKind] ?? h.subjectKind}</td>
              <td className="cell-main">
                <Link to={`/screening/hits/${h.id}`}>{h.entityName}</Link>
                <span className="cell-sub">
                  {' '}
                  {listLabel(h.source)} {h.entityId}
                  {h.entityTopics.includes('role.pep') ? ' · PEP' : ''}
                </span>
              </td>
              <td>{scorePct(h.score)}</td>
              <td className="cell-sub">
                <ExplanationSummary e={h.explanation} />
              </td>
              <td>
                <span className={HIT_STATUS_BADGES[h.status] ?? 'badge'}>{HIT_STATUS_LABELS[h.status] ?? h.status}</span>
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
