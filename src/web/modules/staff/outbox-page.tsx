// /staff/outbox — the development outbox: every message Bulwark queued (invitations, reset links, notices),
// readable here only when no real mail relay is configured or outside production. Reading it is audited.
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { useOutbox } from './staff.api.js';
import { SectionFrame } from './section-frame.js';

export function OutboxPage() {
  usePageTitle('Outbox');
  const box = useOutbox();
  const unavailable = isApiError(box.error) && box.error.status === 404;
  return (
    <SectionFrame aside={<span className="muted small">Times in UTC</span>}>
      {unavailable ? (
        <section className="panel empty-state">
          <h2 className="panel-title">Outbox not available</h2>
          <p>This deployment sends e-mail through a real mail relay, so messages are not shown here.</p>
        </section>
      ) : box.error ? (
        <SectionErrorPanel error={box.error} onRetry={() => void box.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="outbox-title">
          <div className="panel-head">
            <h2 id="outbox-title" className="panel-title">
              Outbox
            </h2>
            <button type="button" className="button button-small" onClick={() => void box.refetch()} disabled={box.isFetching}>
              {box.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          <div className="alert alert-warning">
            <p className="alert-title">For development and evaluation</p>
            <p className="alert-detail">
              {box.data?.delivers
                ? 'Messages are also delivered over SMTP.'
                : 'No mail relay is configured (SMTP_URL): messages are only kept here. They contain one-time links: treat this page as sensitive.'}
            </p>
          </div>
          {!box.data ? (
            <p className="muted">Loading…</p>
          ) : box.data.messages.length === 0 ? (
            <p className="table-empty">No messages.</p>
          ) : (
            <ul className="outbox-list" data-testid="outbox">
              {box.data.messages.map((m) => (
                <li key={m.id} className="outbox-item">
                  <details>
                    <summary>
                      <strong>{m.subject}</strong> <span className="muted">to {m.to}</span>{' '}
                      <span className="muted small">
                        {formatUtc(m.createdAt)} · {m.sentAt ? `sent ${formatUtc(m.sentAt)}` : m.error ? `failed (${m.error})` : 'not sent'}
                      </span>
                    </summary>
                    <pre className="code-block outbox-body">{m.body}</pre>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </SectionFrame>
  );
}
