// The events table: filters (kept in the address so a view can be shared and Back works), a dense table
// newest first, a row opening to the full event with its hashes, and "Load older" keyset pagination.
import { Fragment, useId, useState, type FormEvent, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { formatUtc, plural } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { FILTER_KEYS, FILTER_VALUE, useAuditEvents, type AuditEvent, type AuditFilters } from './audit.api.js';

const FILTER_LABELS: Record<keyof AuditFilters, { label: string; placeholder: string }> = {
  action: { label: 'Action', placeholder: 'e.g. auth.login' },
  actorId: { label: 'Actor ID', placeholder: 'staff ID' },
  targetType: { label: 'Target type', placeholder: 'e.g. staff' },
  targetId: { label: 'Target ID', placeholder: 'record ID' },
};

const COLUMNS = 9;

/** Reads the filters from the address (?action=…&actorId=…). */
function useFilterParams(): [AuditFilters, (f: AuditFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = { action: '', actorId: '', targetType: '', targetId: '' };
  for (const k of FILTER_KEYS) filters[k] = params.get(k) ?? '';
  const set = (f: AuditFilters) => {
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) next.set(k, f[k]);
    setParams(next);
  };
  return [filters, set];
}

export function AuditEventsPanel() {
  const [filters, setFilters] = useFilterParams();
  const events = useAuditEvents(filters);
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  const filtered = FILTER_KEYS.some((k) => filters[k]);

  return (
    <section className="panel" aria-labelledby="audit-events">
      <div className="panel-head">
        <h2 id="audit-events" className="panel-title">
          Events
        </h2>
        <button type="button" className="button button-small" onClick={() => void events.refetch()} disabled={events.isFetching}>
          {events.isFetching && !events.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {/* Re-mounted when the address changes (Back/Forward), so the fields show the filters in force. */}
      <FilterForm key={FILTER_KEYS.map((k) => filters[k]).join('\u0000')} filters={filters} onApply={setFilters} />
      {events.error && !events.isFetchingNextPage ? <ProblemAlert error={isApiError(events.error) ? events.error : null} /> : null}
      <p className="muted small table-summary" role="status" data-testid="events-summary">
        {events.isPending
          ? 'Loading events…'
          : `${plural(rows.length, 'event')} shown, newest first${filtered ? ', filtered' : ''}${events.hasNextPage ? '; older ones can be loaded below' : ''}.`}
      </p>
      <div className="table-scroll">
        <table className="table table-dense" data-testid="audit-table">
          <caption className="visually-hidden">Audit events, newest first. Select a sequence number to see the whole event.</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Seq
              </th>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Actor</th>
              <th scope="col">IP</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
              <th scope="col">Fields</th>
              <th scope="col">Reason / error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <EventRow key={e.seq} event={e} onFilter={(f) => setFilters({ ...filters, ...f })} />
            ))}
            {!events.isPending && rows.length === 0 && !events.error ? (
              <tr>
                <td colSpan={COLUMNS} className="table-empty">
                  {filtered ? 'No events match these filters.' : 'The audit log is empty.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="table-footer">
        {events.hasNextPage ? (
          <button type="button" className="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
            {events.isFetchingNextPage ? 'Loading older events…' : 'Load older'}
          </button>
        ) : rows.length > 0 ? (
          <span className="muted small">{filtered ? 'No older matching events.' : 'Start of the log reached.'}</span>
        ) : null}
        {events.isFetchNextPageError ? <ProblemAlert error={isApiError(events.error) ? events.error : null} /> : null}
      </div>
    </section>
  );
}

function FilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (f: AuditFilters) => void }) {
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const [errors, setErrors] = useState<Partial<Record<keyof AuditFilters, string>>>({});
  const baseId = useId();

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const next = { ...draft };
    const errs: Partial<Record<keyof AuditFilters, string>> = {};
    for (const k of FILTER_KEYS) {
      next[k] = next[k].trim();
      if (next[k] && !FILTER_VALUE.test(next[k])) errs[k] = 'Letters, digits and . : @ / - _ only (up to 200).';
    }
    setErrors(errs);
    if (Object.keys(errs).length === 0) onApply(next);
  };

  const onClear = () => {
    const empty: AuditFilters = { action: '', actorId: '', targetType: '', targetId: '' };
    setDraft(empty);
    setErrors({});
    onApply(empty);
  };

  return (
    <form className="filter-form" role="search" aria-label="Filter events" noValidate onSubmit={onSubmit}>
      {FILTER_KEYS.map((k) => {
        const id = `${baseId}-${k}`;
        return (
          <div key={k} className={errors[k] ? 'field field-invalid' : 'field'}>
            <label htmlFor={id} className="field-label">
              {FILTER_LABELS[k].label}
            </label>
            <input
              id={id}
              name={k}
              className="input input-small"
              placeholder={FILTER_LABELS[k].placeholder}
              autoComplete="off"
              spellCheck={false}
              maxLength={200}
              value={draft[k]}
              aria-invalid={errors[k] ? true : undefined}
              aria-describedby={errors[k] ? `${id}-error` : undefined}
              onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
            />
            {errors[k] ? (
              <p id={`${id}-error`} className="field-error">
                {errors[k]}
              </p>
            ) : null}
          </div>
        );
      })}
      <div className="filter-actions">
        <button type="submit" className="button button-primary button-small">
          Apply filters
        </button>
        <button type="button" className="button button-small" onClick={onClear}>
          Clear
        </button>
      </div>
    </form>
  );
}

function OutcomeBadge({ outcome }: { outcome: string }) {
  const known = outcome === 'ok' || outcome === 'denied' || outcome === 'error';
  return <span className={known ? `badge badge-${outcome}` : 'badge'}>{outcome}</span>;
}

function Dash() {
  return <span className="muted">—</span>;
}

function EventRow({ event: e, onFilter }: { event: AuditEvent; onFilter: (f: Partial<AuditFilters>) => void }) {
  const [open, setOpen] = useState(false);
  const detailId = useId();

  // The whole row toggles, except when the click ends a text selection (copying an ID) or hits a control.
  const onRowClick = (ev: MouseEvent<HTMLTableRowElement>) => {
    if ((ev.target as HTMLElement).closest('button, a')) return;
    if (window.getSelection()?.toString()) return;
    setOpen((o) => !o);
  };

  return (
    <Fragment>
      <tr className={open ? 'event-row event-row-open' : 'event-row'} onClick={onRowClick} data-testid="audit-row" data-action={e.action}>
        <td className="num">
          <button
            type="button"
            className="link-button mono"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            aria-label={`Event ${e.seq}: ${open ? 'hide' : 'show'} details`}
            onClick={() => setOpen((o) => !o)}
          >
            <span aria-hidden="true" className="disclosure">
              {open ? '▾' : '▸'}
            </span>
            {e.seq}
          </button>
        </td>
        <td className="nowrap">{formatUtc(e.time)}</td>
        <td>
          <span className="cell-main truncate" title={e.actorName ?? e.actorId ?? undefined}>
            {e.actorName ?? e.actorId ?? <Dash />}
          </span>
          <span className="cell-sub">{e.actorType}</span>
        </td>
        <td className="mono">
          {e.actorIp ? (
            <span className="cell-main truncate" title={e.actorIp}>
              {e.actorIp}
            </span>
          ) : (
            <Dash />
          )}
        </td>
        <td className="mono">{e.action}</td>
        <td>
          {e.targetType ?? <Dash />}
          {e.targetId ? (
            <span className="cell-sub mono truncate" title={e.targetId}>
              {e.targetId}
            </span>
          ) : null}
        </td>
        <td>
          <OutcomeBadge outcome={e.outcome} />
        </td>
        <td className="mono small">{e.fields.length > 0 ? e.fields.join(', ') : <Dash />}</td>
        <td className="small">
          {e.reason ?? null}
          {e.errorCode ? <span className={e.reason ? 'cell-sub mono' : 'mono'}>{e.errorCode}</span> : null}
          {!e.reason && !e.errorCode ? <Dash /> : null}
        </td>
      </tr>
      {open ? (
        <tr className="event-detail" id={detailId}>
          <td colSpan={COLUMNS}>
            <EventDetail event={e} onFilter={onFilter} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function EventDetail({ event: e, onFilter }: { event: AuditEvent; onFilter: (f: Partial<AuditFilters>) => void }) {
  // Offered only for values the server accepts as a filter.
  const usable = (v: string | null): v is string => v !== null && FILTER_VALUE.test(v);
  const value = (v: string | null, mono = true) => (v === null || v === '' ? <Dash /> : mono ? <code>{v}</code> : v);
  return (
    <div className="event-detail-body" data-testid="audit-event-detail">
      <dl className="facts facts-compact">
        <dt>Sequence</dt>
        <dd>{e.seq}</dd>
        <dt>Time</dt>
        <dd>
          <code>{e.time}</code>
        </dd>
        <dt>Actor</dt>
        <dd>
          {value(e.actorName, false)} <span className="muted">({e.actorType})</span>
        </dd>
        <dt>Actor ID</dt>
        <dd>{value(e.actorId)}</dd>
        <dt>IP address</dt>
        <dd>{value(e.actorIp)}</dd>
        <dt>Session (hash)</dt>
        <dd>{value(e.sessionIdHash)}</dd>
        <dt>Request ID</dt>
        <dd>{value(e.requestId)}</dd>
        <dt>Action</dt>
        <dd>{value(e.action)}</dd>
        <dt>Target</dt>
        <dd>
          {value(e.targetType)} {e.targetId ? <code>{e.targetId}</code> : null}
        </dd>
        <dt>Outcome</dt>
        <dd>
          <OutcomeBadge outcome={e.outcome} />
        </dd>
        <dt>Fields</dt>
        <dd>
          {e.fields.length > 0 ? (
            <span className="code-list">
              {e.fields.map((f) => (
                <code key={f}>{f}</code>
              ))}
            </span>
          ) : (
            <Dash />
          )}
        </dd>
        <dt>Reason</dt>
        <dd>{value(e.reason, false)}</dd>
        <dt>Error code</dt>
        <dd>{value(e.errorCode)}</dd>
        <dt>Previous hash</dt>
        <dd>
          <code className="hash">{e.prevHash}</code>
        </dd>
        <dt>Hash</dt>
        <dd>
          <code className="hash">{e.hash}</code>
        </dd>
      </dl>
      <div className="detail-actions">
        {usable(e.actorId) ? (
          <button type="button" className="button button-small" onClick={() => onFilter({ actorId: e.actorId ?? '' })}>
            Only this actor
          </button>
        ) : null}
        {usable(e.targetType) && (e.targetId === null || usable(e.targetId)) ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => onFilter({ targetType: e.targetType ?? '', targetId: e.targetId ?? '' })}
          >
            Only this target
          </button>
        ) : null}
        {usable(e.action) ? (
          <button type="button" className="button button-small" onClick={() => onFilter({ action: e.action })}>
            Only this action
          </button>
        ) : null}
      </div>
    </div>
  );
}
