// /screening/lists/:id — one list version: its source, files, SHA-256, dates, warnings, and the diff against the
// previous version, page by page: added, removed, and changed entities with the fields that changed (before → after).
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { LIST_SOURCE_LABELS, type ListChange, type ListEntityView } from '../../../contracts/screening-lists.js';
import { formatBytes, formatCount, formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useListVersion } from './lists.api.js';

const PAGE = 50;

function show(e: ListEntityView | null, field: string): string {
  if (!e) return '';
  const v = (e as Record<string, unknown>)[field];
  if (v === undefined || v === null) return '—';
  if (field === 'wallets') return (v as ListEntityView['wallets']).map((w) => `${w.currency} ${w.address}`).join('; ') || '—';
  if (Array.isArray(v)) return v.join('; ') || '—';
  return String(v);
}

function Summary({ e }: { e: ListEntityView }) {
  const bits = [
    e.kind,
    e.aliases.length ? `${e.aliases.length} alias(es)` : '',
    e.birthDates.length ? `born ${e.birthDates.join(', ')}` : '',
    e.nationalities.length ? `nationality ${e.nationalities.join(', ')}` : '',
    e.countries.length ? `countries ${e.countries.join(', ')}` : '',
    e.programs.length ? e.programs.join(', ') : '',
    e.wallets.length ? `${e.wallets.length} wallet(s)` : '',
  ].filter(Boolean);
  return <span className="small muted">{bits.join(' · ')}</span>;
}

function ChangeRow({ c }: { c: ListChange }) {
  const badge = c.change === 'added' ? 'badge-ok' : c.change === 'removed' ? 'badge-error' : 'badge-warning';
  return (
    <tr>
      <td>
        <span className={`badge ${badge}`}>{c.change}</span>
      </td>
      <td>
        <code className="small">{c.entityId}</code>
      </td>
      <td>
        {c.name}
        <br />
        {c.change !== 'changed' && (c.after ?? c.before) ? <Summary e={(c.after ?? c.before)!} /> : null}
      </td>
      <td>
        {c.change === 'changed' ? (
          <dl className="small" data-testid="changed-fields">
            {c.fields.map((f) => (
              <div key={f}>
                <dt>{f}</dt>
                <dd>
                  <del>{show(c.before, f)}</del> → <ins>{show(c.after, f)}</ins>
                </dd>
              </div>
            ))}
          </dl>
        ) : null}
      </td>
    </tr>
  );
}

export function ListVersionPage() {
  const { id = '' } = useParams();
  const [change, setChange] = useState<'' | 'added' | 'removed' | 'changed'>('');
  const [offset, setOffset] = useState(0);
  const q = useListVersion(id, change, offset, PAGE);
  usePageTitle('List version');
  if (!q.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={q} />
      </div>
    );
  }
  const { version: v, changes, total } = q.data;
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/screening">Screening</Link> / <Link to="/screening/lists">Lists</Link> / {LIST_SOURCE_LABELS[v.source]} v{v.version}
      </p>
      <div className="page-header">
        <h1 className="page-title">
          {LIST_SOURCE_LABELS[v.source]} — version {v.version}
        </h1>
      </div>
      <section className="panel" aria-label="Version">
        <dl className="facts">
          <dt>Entities</dt>
          <dd>{formatCount(v.entityCount)}</dd>
          <dt>Diff against the previous version</dt>
          <dd>
            {v.previousId ? <Link to={`/screening/lists/${v.previousId}`}>previous version</Link> : 'first version'}: {formatCount(v.added)} added, {formatCount(v.removed)} removed,{' '}
            {formatCount(v.changed)} changed{v.shrinkAllowed ? ' (a shrink beyond the limit, allowed by the importer)' : ''}
          </dd>
          <dt>Published</dt>
          <dd>{v.publishedAt ? formatUtc(v.publishedAt) : 'not stated in the file'}</dd>
          <dt>Imported</dt>
          <dd>
            {formatUtc(v.importedAt)} by {v.importedBy ?? 'unknown'} ({v.origin}
            {v.originUrl ? `: ${v.originUrl}` : ''})
          </dd>
          <dt>Format and files</dt>
          <dd>
            {v.format}: {v.fileNames.join(', ')} ({formatBytes(v.byteSize)})
          </dd>
          <dt>SHA-256</dt>
          <dd>
            <code className="small">{v.sha256}</code>
          </dd>
        </dl>
        {v.warnings.length ? (
          <div className="alert alert-warning">
            <p className="alert-title">Parser warnings</p>
            <ul className="small">
              {v.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>
      <section className="panel" aria-label="Diff">
        <div className="inline-form">
          <label className="field">
            <span className="field-label">Show</span>
            <select
              className="input"
              value={change}
              onChange={(e) => {
                setChange(e.target.value as typeof change);
                setOffset(0);
              }}
            >
              <option value="">every change</option>
              <option value="added">added</option>
              <option value="removed">removed</option>
              <option value="changed">changed</option>
            </select>
          </label>
        </div>
        <div className="table-scroll">
          <table className="table table-dense" data-testid="list-diff">
            <thead>
              <tr>
                <th>Change</th>
                <th>Entity</th>
                <th>Name</th>
                <th>What changed</th>
              </tr>
            </thead>
            <tbody>
              {changes.length === 0 ? (
                <tr>
                  <td colSpan={4} className="table-empty">
                    No change of this kind.
                  </td>
                </tr>
              ) : (
                changes.map((c) => <ChangeRow key={`${c.change}:${c.entityId}`} c={c} />)
              )}
            </tbody>
          </table>
        </div>
        <div className="actions">
          <span className="small muted">
            {total === 0 ? '' : `${offset + 1}–${Math.min(offset + PAGE, total)} of ${formatCount(total)}`}
          </span>
          <button type="button" className="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <button type="button" className="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </div>
      </section>
    </div>
  );
}
