// /sessions — where I am signed in: when, from which address and country, in which browser. I can end any of
// my other sessions (signing out of this one is the header's "Sign out").
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { useEndMySession, useMySessions, type SessionView } from './sessions.api.js';

export function MySessionsPage() {
  usePageTitle('My sessions');
  const sessions = useMySessions();
  const end = useEndMySession();
  const [target, setTarget] = useState<SessionView | null>(null);
  return (
    <>
      <div className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/settings">Settings</Link>
            <span aria-hidden="true"> / </span>
          </nav>
          <h1 className="page-title">My sessions</h1>
        </div>
        <span className="muted small">Times in UTC</span>
      </div>
      {sessions.error ? (
        <SectionErrorPanel error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="sessions-title">
          <h2 id="sessions-title" className="panel-title">
            Where you are signed in
          </h2>
          <p className="prose-width">If you do not recognise a session, end it and tell your security officer.</p>
          {!sessions.data ? (
            <p className="muted">Loading…</p>
          ) : (
            <div className="table-scroll">
              <table className="table table-dense" data-testid="my-sessions">
                <thead>
                  <tr>
                    <th scope="col">Signed in</th>
                    <th scope="col">Last seen</th>
                    <th scope="col">Address</th>
                    <th scope="col">Country</th>
                    <th scope="col">Browser</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.data.sessions.map((s) => (
                    <tr key={s.id}>
                      <td className="small nowrap">
                        {formatUtc(s.createdAt)} {s.current ? <span className="badge badge-ok">this session</span> : null}
                      </td>
                      <td className="small nowrap">{formatUtc(s.lastSeenAt)}</td>
                      <td className="mono small">{s.ip}</td>
                      <td>{s.country === 'ZZ' ? 'private network' : (s.country ?? '—')}</td>
                      <td className="small">
                        <span className="truncate cell-main" title={s.userAgent}>
                          {s.userAgent || '—'}
                        </span>
                      </td>
                      <td>
                        {s.current ? null : (
                          <button type="button" className="button button-small" onClick={() => (end.reset(), setTarget(s))}>
                            End
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <ConfirmDialog
        open={target !== null}
        title="End this session?"
        confirmLabel="End session"
        busyLabel="Ending…"
        busy={end.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() => target && end.mutate(target.id, { onSuccess: () => setTarget(null) })}
        footer={<ProblemAlert error={isApiError(end.error) ? end.error : null} />}
      >
        <p>
          The browser signed in at {target ? formatUtc(target.createdAt) : ''} from {target?.ip} is signed out at once.
        </p>
      </ConfirmDialog>
    </>
  );
}
