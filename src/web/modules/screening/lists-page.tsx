// /screening/lists — the sanctions, PEP and wallet lists: per source the active version (published date, import
// time, SHA-256, entity count, age, stale warning, last failed attempt), the version history with diff counts, and
// for members holding screening.lists.manage an upload import and "sync now" (both confirmed with a fresh second
// factor). With no list loaded the page says so plainly: screening then never reports anyone clear.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { LIST_SOURCE_LABELS } from '../../../contracts/screening-lists.js';
import { isApiError } from '../../api.js';
import { formatBytes, formatCount, formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { fileToBase64, useImportList, useListsOverview, useSyncLists } from './lists.api.js';

export function ListsPage() {
  usePageTitle('Sanctions lists');
  const o = useListsOverview();
  const canManage = useCan('screening.lists.manage');
  if (!o.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={o} />
      </div>
    );
  }
  const d = o.data;
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/screening">Screening</Link> / Lists
      </p>
      <div className="page-header">
        <h1 className="page-title">Sanctions, PEP and wallet lists</h1>
      </div>
      {d.lists === 'none' ? (
        <div className="alert alert-warning" role="alert" data-testid="no-lists">
          <p className="alert-title">No list loaded</p>
          <p className="alert-detail">Screening reports “no lists loaded” and never clears anyone until a list is imported or synced.</p>
        </div>
      ) : null}
      <section className="panel" aria-label="Sources">
        <div className="table-scroll">
          <table className="table table-dense" data-testid="list-sources">
            <thead>
              <tr>
                <th>List</th>
                <th>Active version</th>
                <th className="num">Entities</th>
                <th>Published</th>
                <th>Imported</th>
                <th>Age</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {d.sources.map((s) => (
                <tr key={s.source}>
                  <td>{s.label}</td>
                  <td>{s.active ? <Link to={`/screening/lists/${s.active.id}`}>v{s.active.version}</Link> : <span className="muted">not loaded</span>}</td>
                  <td className="num">{s.active ? formatCount(s.active.entityCount) : ''}</td>
                  <td>{s.active?.publishedAt ? s.active.publishedAt.slice(0, 10) : s.active ? <span className="muted">not stated</span> : ''}</td>
                  <td>{s.active ? `${formatUtc(s.active.importedAt)} (${s.active.origin})` : ''}</td>
                  <td>
                    {s.ageDays === null ? '' : `${s.ageDays} d`}{' '}
                    {s.stale ? <span className="badge badge-warning" title={`Not confirmed current for ${d.staleDays} days or more`}>stale</span> : null}
                    {s.lastFailureAt && (!s.lastCheckedAt || s.lastFailureAt > s.lastCheckedAt) ? (
                      <span className="badge badge-error" title={s.lastError ?? ''}>
                        last attempt failed
                      </span>
                    ) : null}
                  </td>
                  <td>{s.active ? <code className="small" title={s.active.sha256}>{`${s.active.sha256.slice(0, 16)}…`}</code> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {d.sources.some((s) => s.lastError && s.lastFailureAt && (!s.lastCheckedAt || s.lastFailureAt > s.lastCheckedAt)) ? (
          <ul className="small">
            {d.sources
              .filter((s) => s.lastError && s.lastFailureAt && (!s.lastCheckedAt || s.lastFailureAt > s.lastCheckedAt))
              .map((s) => (
                <li key={s.source}>
                  {s.label}, {formatUtc(s.lastFailureAt!)}: {s.lastError} — the previous version stays active.
                </li>
              ))}
          </ul>
        ) : null}
      </section>
      {canManage ? <ManagePanel maxUploadBytes={d.maxUploadBytes} maxShrinkPercent={d.maxShrinkPercent} /> : null}
      <section className="panel" aria-label="Versions">
        <h2 className="panel-title">Versions</h2>
        <div className="table-scroll">
          <table className="table table-dense" data-testid="list-versions">
            <thead>
              <tr>
                <th>List</th>
                <th>Version</th>
                <th>Imported</th>
                <th>By</th>
                <th className="num">Entities</th>
                <th className="num">Added</th>
                <th className="num">Removed</th>
                <th className="num">Changed</th>
                <th>Files</th>
              </tr>
            </thead>
            <tbody>
              {d.versions.length === 0 ? (
                <tr>
                  <td colSpan={9} className="table-empty">
                    No version imported yet.
                  </td>
                </tr>
              ) : (
                d.versions.map((v) => (
                  <tr key={v.id}>
                    <td>{LIST_SOURCE_LABELS[v.source]}</td>
                    <td>
                      <Link to={`/screening/lists/${v.id}`}>v{v.version}</Link>
                    </td>
                    <td>{formatUtc(v.importedAt)}</td>
                    <td>{v.importedBy ?? ''}</td>
                    <td className="num">{formatCount(v.entityCount)}</td>
                    <td className="num">{formatCount(v.added)}</td>
                    <td className="num">{formatCount(v.removed)}</td>
                    <td className="num">{formatCount(v.changed)}</td>
                    <td className="small">
                      {v.fileNames.join(', ')} ({formatBytes(v.byteSize)})
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function ManagePanel({ maxUploadBytes, maxShrinkPercent }: { maxUploadBytes: number; maxShrinkPercent: number }) {
  const upload = useImportList();
  const sync = useSyncLists();
  const [files, setFiles] = useState<File[]>([]);
  const [allowShrink, setAllowShrink] = useState(false);
  const [tooBig, setTooBig] = useState(false);
  const onImport = async (e: FormEvent) => {
    e.preventDefault();
    const total = files.reduce((n, f) => n + f.size, 0);
    setTooBig(total > maxUploadBytes);
    if (total > maxUploadBytes || files.length === 0) return;
    const body = { files: await Promise.all(files.map(async (f) => ({ name: f.name, contentBase64: await fileToBase64(f) }))), allowShrink };
    upload.mutate(body);
  };
  return (
    <section className="panel" aria-label="Import and sync">
      <h2 className="panel-title">Import and sync</h2>
      <form className="form" onSubmit={onImport} aria-label="Import a list">
        <label className="field">
          <span className="field-label">List file(s): one XML/JSON file, or every file of an OFAC CSV set</span>
          <input className="input" type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} data-testid="list-files" />
        </label>
        <label className="small">
          <input type="checkbox" checked={allowShrink} onChange={(e) => setAllowShrink(e.target.checked)} /> Accept more than {maxShrinkPercent} % fewer entities than the active version (a
          deliberate mass de-listing)
        </label>
        <p className="small muted">Up to {formatBytes(maxUploadBytes)} here; larger lists with <code>bulwark lists import PATH</code>. The format is detected from the content.</p>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={upload.isPending || files.length === 0}>
            {upload.isPending ? 'Importing…' : 'Import'}
          </button>
          <button type="button" className="button" disabled={sync.isPending} onClick={() => sync.mutate({ allowShrink })}>
            {sync.isPending ? 'Syncing…' : 'Sync now from the publishers'}
          </button>
        </div>
      </form>
      {tooBig ? <p className="alert alert-error">The files are larger than {formatBytes(maxUploadBytes)}: use bulwark lists import.</p> : null}
      {upload.isSuccess ? (
        <p className="alert alert-success" role="status" data-testid="import-result">
          {upload.data.status === 'unchanged'
            ? `${LIST_SOURCE_LABELS[upload.data.version.source]}: unchanged (identical to version ${upload.data.version.version}).`
            : `${LIST_SOURCE_LABELS[upload.data.version.source]} version ${upload.data.version.version} is active: ${formatCount(upload.data.version.entityCount)} entities, ${upload.data.version.added} added, ${upload.data.version.removed} removed, ${upload.data.version.changed} changed.`}
        </p>
      ) : null}
      <ProblemAlert error={isApiError(upload.error) ? upload.error : null} />
      {sync.data ? (
        <ul className="small" role="status">
          {sync.data.results.map((r) => (
            <li key={r.source}>
              {LIST_SOURCE_LABELS[r.source]}: {r.status}
              {r.version ? ` (v${r.version.version})` : ''}
              {r.error ? ` — ${r.error}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <ProblemAlert error={isApiError(sync.error) ? sync.error : null} />
    </section>
  );
}
