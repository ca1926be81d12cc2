// /screening — the review queue: open hits oldest first (filter by status, list and minimum score), with a
// one-line explanation per hit, and the state of screening (lists loaded, versions, the last re-screening).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { HIT_STATUSES } from '../../../contracts/screening.js';
import { formatUtc } from '../../components/format.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { HitTable } from './hit-table.js';
import { useHitQueue, useScreeningStatus, type QueueFilters } from './screening.api.js';
import { HIT_STATUS_LABELS, LIST_LABELS, listLabel } from './screening-labels.js';

function StatusLine() {
  const status = useScreeningStatus();
  if (!status.data) return <QueryFallback query={status} />;
  const s = status.data;
  return (
    <section className="panel" aria-labelledby="screening-status-title" data-testid="screening-status">
      <h2 id="screening-status-title" className="panel-title">
        Lists and re-screening
      </h2>
      {!s.listsLoaded ? (
        <div className="alert alert-error" role="status">
          <p className="alert-title">No lists loaded: nobody is screened as clear.</p>
          <p className="alert-detail">Import or sync the sanctions lists (Screening → Lists, or bulwark lists import).</p>
        </div>
      ) : null}
      <dl className="facts">
        <dt>Active lists</dt>
        <dd>{s.versions.length ? s.versions.map((v) => `${listLabel(v.source)} v${v.version}`).join(', ') : '—'}</dd>
        <dt>Entities indexed</dt>
        <dd>{s.entityCount.toLocaleString('en')}</dd>
        <dt>Algorithm</dt>
        <dd className="mono">
          {s.algorithmVersion}, threshold {s.threshold}
        </dd>
        <dt>Open hits</dt>
        <dd>{s.openHits}</dd>
        <dt>Last re-screening</dt>
        <dd>
          {s.lastBatch
            ? `${formatUtc(s.lastBatch.startedAt)} UTC — ${s.lastBatch.status}, ${s.lastBatch.tradersScreened.toLocaleString('en')} traders, ${s.lastBatch.tradersWithHits} with candidates (+${s.lastBatch.deltaAdded} added, ${s.lastBatch.deltaChanged} changed entities)`
            : '—'}
        </dd>
      </dl>
    </section>
  );
}

export function ScreeningQueuePage() {
  usePageTitle('Screening');
  const [filters, setFilters] = useState<QueueFilters>({ status: 'open' });
  const pages = useCursorStack();
  const queue = useHitQueue(filters, pages.cursor);
  const canManageLists = useCan('screening.lists.manage');

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setFilters({ status: (v('status') ?? 'open') as QueueFilters['status'], source: v('source'), minScore: v('minScore') });
    pages.reset();
  };

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Screening</h1>
        <Link className="button" to="/screening/lists">
          {canManageLists ? 'Manage lists' : 'Lists'}
        </Link>
      </div>
      <StatusLine />
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter hits">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="open">
            {HIT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {HIT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">List</span>
          <select className="input" name="source" defaultValue="">
            <option value="">Any</option>
            {Object.entries(LIST_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Minimum score</span>
          <input className="input input-small" name="minScore" type="number" min="0" max="1" step="0.01" placeholder="0.80" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="queue-title">
        <h2 id="queue-title" className="panel-title">
          Review queue (oldest first)
        </h2>
        {!queue.data ? (
          <QueryFallback query={queue} />
        ) : (
          <>
            <HitTable hits={queue.data.hits} showTrader />
            <CursorPager stack={pages} nextCursor={queue.data.nextCursor} previousLabel="Previous" nextLabel="Next" />
          </>
        )}
      </section>
    </div>
  );
}
