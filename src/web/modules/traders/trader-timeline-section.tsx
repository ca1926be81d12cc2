// The trader timeline (the "who disabled my 2FA?" screen): exchange security events, staff actions on the trader
// from the audit log (who viewed, revealed or changed what, from which IP, with which reason), ticket events and,
// for compliance roles, KYC case events and AML screening events,
// newest first, filterable by kind, with "Load older". The server applies the security field policy to the
// trader's IPs (masked or left out); this panel shows what it gets.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { TIMELINE_KINDS, type TimelineEntry } from '../../../contracts/traders.js';
import { formatUtc } from '../../components/format.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useTraderTimeline, type TimelineKind } from './traders.api.js';

const KIND_LABELS: Record<TimelineKind, string> = { security: 'Security', staff: 'Staff action', ticket: 'Ticket', kyc: 'KYC', aml: 'AML screening' };
const KIND_BADGES: Record<TimelineKind, string> = { security: 'badge badge-error', staff: 'badge badge-neutral', ticket: 'badge', kyc: 'badge badge-ok', aml: 'badge badge-warning' };
// Outcomes worth a second look; an ordinary success is not badged.
const OUTCOME_BADGES: Record<string, string> = { denied: 'badge badge-denied', error: 'badge badge-error', failure: 'badge badge-error' };

/** The timeline panel of trader `traderId`; `linkToPage` adds a link to the full-width timeline page. */
export function TraderTimelineSection({ traderId, linkToPage = false }: { traderId: string; linkToPage?: boolean }) {
  // KYC and AML events are for compliance eyes (the server leaves them out for other roles whatever is asked).
  const canKyc = useCan('kyc.read');
  const canAml = useCan('screening.read');
  const offered = TIMELINE_KINDS.filter((k) => (k === 'kyc' ? canKyc : k === 'aml' ? canAml : true));
  // The kinds switched off (not the ones on): the member's permissions may arrive after the first render.
  const [off, setOff] = useState<TimelineKind[]>([]);
  const kinds = offered.filter((k) => !off.includes(k));
  const toggle = (k: TimelineKind, on: boolean) => setOff((cur) => (on ? cur.filter((x) => x !== k) : [...cur, k]));

  return (
    <section className="panel" aria-labelledby="trader-timeline-title" data-testid="trader-timeline">
      <div className="panel-head">
        <h2 id="trader-timeline-title" className="panel-title">
          Timeline
        </h2>
        {linkToPage ? (
          <Link className="button button-small" to={`/traders/${encodeURIComponent(traderId)}/timeline`}>
            Timeline only
          </Link>
        ) : null}
      </div>
      <fieldset className="timeline-kinds">
        <legend className="field-label">Show</legend>
        {offered.map((k) => (
          <label key={k} className="field-check">
            <input type="checkbox" checked={kinds.includes(k)} onChange={(e) => toggle(k, e.target.checked)} /> {KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      {kinds.length === 0 ? <p className="muted">Choose at least one kind of event.</p> : <TimelineEntries traderId={traderId} kinds={kinds} />}
    </section>
  );
}

function TimelineEntries({ traderId, kinds }: { traderId: string; kinds: TimelineKind[] }) {
  const q = useTraderTimeline(traderId, kinds);
  if (!q.data) return <QueryFallback query={q} />;
  const entries = q.data.pages.flatMap((p) => p.entries);
  const notYet = q.data.pages[0]?.notYetRecorded ?? [];
  return (
    <>
      {notYet.length ? <p className="small muted">Not recorded here yet: {notYet.join(', ')}.</p> : null}
      <div className="table-scroll">
        <table className="table table-dense">
          <caption className="visually-hidden">Events on this trader, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Kind</th>
              <th scope="col">Event</th>
              <th scope="col">Summary</th>
              <th scope="col">Actor</th>
              <th scope="col">IP</th>
              <th scope="col">Country</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr>
                <td colSpan={8} className="table-empty">
                  No events of these kinds.
                </td>
              </tr>
            ) : (
              entries.map((e) => <TimelineRow key={e.id} e={e} />)
            )}
          </tbody>
        </table>
      </div>
      <div className="table-footer">
        {q.hasNextPage ? (
          <button type="button" className="button button-small" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
            {q.isFetchingNextPage ? 'Loading…' : 'Load older'}
          </button>
        ) : entries.length > 0 ? (
          <span className="muted small">Start of the timeline.</span>
        ) : null}
        {q.isFetchNextPageError ? <QueryFallback query={q} /> : null}
      </div>
    </>
  );
}

const dash = <span className="muted">—</span>;

function TimelineRow({ e }: { e: TimelineEntry }) {
  const outcomeBadge = e.outcome ? OUTCOME_BADGES[e.outcome] : undefined;
  return (
    <tr data-entry={e.id} data-kind={e.kind} data-event={e.event}>
      <td className="mono nowrap">{formatUtc(e.at)}</td>
      <td>
        <span className={KIND_BADGES[e.kind]}>{KIND_LABELS[e.kind]}</span>
      </td>
      <td className="mono">
        {e.event}
        {outcomeBadge ? (
          <>
            {' '}
            <span className={outcomeBadge}>{e.outcome}</span>
          </>
        ) : null}
      </td>
      {/* The server's summary names the fields (shortened); the full list is one hover away. */}
      <td title={e.fields.length ? `Fields: ${e.fields.join(', ')}` : undefined}>{e.summary}</td>
      <td>{e.actor ?? dash}</td>
      <td className="mono nowrap">{e.ip ?? dash}</td>
      <td>{e.country ?? dash}</td>
      <td>{e.reason ?? dash}</td>
    </tr>
  );
}
