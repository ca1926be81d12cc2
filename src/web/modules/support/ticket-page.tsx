// /support/tickets/:id — one ticket: the trader's contact (as the member's field policy shows it), the chat
// (trader messages on the left, replies on the right, internal notes in yellow, marked "not sent"), attachments
// (inline only for roles that may open them), the reply box with a canned-reply picker, the note box, and the
// ticket's status, priority and assignee. When the server redacted a secret before saving, the agent is told.
import { useState, type CSSProperties } from 'react';
import { Link, useParams } from 'react-router-dom';
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketMessage, type TicketView } from '../../../contracts/support.js';
import { isApiError } from '../../api.js';
import { formatBytes, formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useMe } from '../auth/session.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { Options } from './options.js';
import { SlaBadge } from './sla-badge.js';
import { renderCanned, useAddNote, useCannedReplies, useReply, useTicket, useUpdateTicket } from './support.api.js';

const KIND_LABELS: Record<string, string> = { seed_phrase: 'a seed phrase', private_key: 'a private key', api_secret: 'an API secret', card_number: 'a card number' };

/** "a seed phrase and a card number". */
function describeKinds(kinds: readonly string[]): string {
  const names = kinds.map((k) => KIND_LABELS[k] ?? k);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

export function TicketPage() {
  const { id = '' } = useParams();
  const ticket = useTicket(id);
  usePageTitle(ticket.data ? `#${ticket.data.ticket.number} · Support` : 'Support');
  if (!ticket.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={ticket} />
      </div>
    );
  }
  return <TicketDetail view={ticket.data} />;
}

function TicketDetail({ view }: { view: TicketView }) {
  const t = view.ticket;
  const canReply = useCan('ticket.reply');
  return (
    <div className="page-wide" data-testid="ticket-page">
      <p className="breadcrumb">
        <Link to="/support">Support</Link> / #{t.number}
      </p>
      <div className="page-header">
        <h1 className="page-title">
          #{t.number} {t.subject}
        </h1>
        <SlaBadge sla={t.sla} closed={t.status === 'solved' || t.status === 'closed'} />
      </div>
      <section className="panel" aria-labelledby="contact-title" data-testid="ticket-contact">
        <h2 id="contact-title" className="panel-title">
          Trader
        </h2>
        <dl className="facts facts-inline">
          <dt>Name</dt>
          <dd>{view.contact.displayName ?? '—'}</dd>
          <dt>Account</dt>
          <dd className="mono">{view.contact.accountRef ?? '—'}</dd>
          {view.contact.email !== undefined ? (
            <>
              <dt>E-mail</dt>
              <dd data-field="email">
                {view.contact.email}
                {view.masked.includes('email') ? <span className="muted small"> (masked)</span> : null}
              </dd>
            </>
          ) : null}
          {view.contact.phone !== undefined ? (
            <>
              <dt>Phone</dt>
              <dd data-field="phone">
                {view.contact.phone}
                {view.masked.includes('phone') ? <span className="muted small"> (masked)</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
        <p className="small muted">
          Channel: {t.channel} · Opened {formatUtc(t.createdAt)} UTC · <Link to={`/traders/${t.traderId}`}>Trader profile</Link>
        </p>
      </section>
      {canReply ? <TicketControls view={view} /> : null}
      <section className="panel" aria-labelledby="chat-title">
        <h2 id="chat-title" className="panel-title">
          Conversation
        </h2>
        <ol className="chat" aria-label="Messages" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {view.messages.map((m) => (
            <ChatMessage key={m.id} m={m} ticketId={t.id} canOpen={view.canOpenAttachments} />
          ))}
        </ol>
      </section>
      {canReply && t.status !== 'closed' ? <Composer view={view} /> : null}
    </div>
  );
}

const bubble: Record<TicketMessage['kind'], CSSProperties> = {
  trader: { marginRight: '20%', background: 'var(--c-surface, #f4f5f7)', border: '1px solid #d0d4da' },
  reply: { marginLeft: '20%', background: '#e8f1fb', border: '1px solid #9cc0e8' },
  internal: { marginLeft: '10%', marginRight: '10%' },
};

function ChatMessage({ m, ticketId, canOpen }: { m: TicketMessage; ticketId: string; canOpen: boolean }) {
  const who = m.kind === 'trader' ? 'Trader' : m.kind === 'reply' ? `Reply by ${m.authorName ?? 'staff'}` : `by ${m.authorName ?? 'staff'}`;
  return (
    <li
      data-kind={m.kind}
      className={m.kind === 'internal' ? 'alert alert-warning' : undefined}
      style={{ ...bubble[m.kind], padding: '0.6rem 0.8rem', borderRadius: 8, marginBottom: '0.75rem' }}
    >
      <p className="small" style={{ margin: 0, fontWeight: 600 }}>
        {m.kind === 'internal' ? 'Internal note — not sent · ' : null}
        {who} · <span className="muted">{formatUtc(m.createdAt)} UTC</span>
      </p>
      <p style={{ whiteSpace: 'pre-wrap', margin: '0.35rem 0 0' }}>{m.body}</p>
      {m.redactions.length ? <p className="small muted">Redacted before saving: {describeKinds(m.redactions)}.</p> : null}
      {m.attachments.length ? (
        <ul className="small" aria-label="Attachments">
          {m.attachments.map((a) => {
            const url = `/api/v1/support/tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(a.id)}`;
            if (!canOpen) {
              return (
                <li key={a.id}>
                  {a.filename} ({formatBytes(a.size)}) <span className="muted">— your role cannot open attachments</span>
                </li>
              );
            }
            return (
              <li key={a.id}>
                {a.inline && a.contentType.startsWith('image/') ? (
                  <img src={url} alt={a.filename} style={{ maxWidth: '320px', maxHeight: '240px', display: 'block' }} />
                ) : null}
                <a href={url} target="_blank" rel="noopener noreferrer">
                  {a.filename}
                </a>{' '}
                ({formatBytes(a.size)}, {a.inline ? 'opens inline' : 'download'})
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
}

function TicketControls({ view }: { view: TicketView }) {
  const t = view.ticket;
  const me = useMe();
  const update = useUpdateTicket(t.id);
  const myId = me.data?.staffId;
  return (
    <section className="panel" aria-label="Ticket controls">
      <div className="inline-form">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" value={t.status} onChange={(e) => update.mutate({ status: e.target.value as typeof t.status })}>
            <Options values={TICKET_STATUSES} />
          </select>
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="input" value={t.priority} onChange={(e) => update.mutate({ priority: e.target.value as typeof t.priority })}>
            <Options values={TICKET_PRIORITIES} />
          </select>
        </label>
        <p className="small">
          Assignee: <strong data-testid="assignee">{t.assigneeName ?? 'unassigned'}</strong>{' '}
          {myId && t.assigneeId !== myId ? (
            <button type="button" className="button button-small" onClick={() => update.mutate({ assigneeId: myId })}>
              Assign to me
            </button>
          ) : null}
          {t.assigneeId ? (
            <button type="button" className="button button-small" onClick={() => update.mutate({ assigneeId: null })}>
              Unassign
            </button>
          ) : null}
        </p>
        <p className="small muted">
          Queue: {t.queue}
          {t.tags.length ? ` · Tags: ${t.tags.join(', ')}` : ''}
        </p>
      </div>
      <ProblemAlert error={isApiError(update.error) ? update.error : null} />
    </section>
  );
}

function Composer({ view }: { view: TicketView }) {
  const t = view.ticket;
  const reply = useReply(t.id);
  const note = useAddNote(t.id);
  const canned = useCannedReplies();
  const [text, setText] = useState('');
  const [noteText, setNoteText] = useState('');
  const [warning, setWarning] = useState<string[]>([]);
  const [cannedError, setCannedError] = useState<string | null>(null);

  const pickCanned = async (cannedId: string) => {
    if (!cannedId) return;
    setCannedError(null);
    try {
      setText((await renderCanned(t.id, cannedId)).body);
    } catch {
      setCannedError('The canned reply could not be loaded.');
    }
  };

  return (
    <>
      {warning.length ? (
        <div className="alert alert-warning" role="status" data-testid="redaction-warning">
          <p className="alert-title">Removed before saving: {describeKinds(warning)}.</p>
          <p className="alert-detail">Traders must never share these, and we never store them. Remind the trader not to send them to anyone.</p>
        </div>
      ) : null}
      <section className="panel" aria-labelledby="reply-title">
        <h2 id="reply-title" className="panel-title">
          Reply to the trader
        </h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            reply.mutate(
              { body: text },
              {
                onSuccess: (r) => {
                  setText('');
                  setWarning(r.redacted);
                },
              },
            );
          }}
        >
          {canned.data?.cannedReplies.length ? (
            <label className="field">
              <span className="field-label">Start from a canned reply</span>
              <select className="input" defaultValue="" onChange={(e) => void pickCanned(e.target.value)} aria-label="Canned reply">
                <option value="">—</option>
                {canned.data.cannedReplies.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {cannedError ? <p className="field-error">{cannedError}</p> : null}
          <label className="field">
            <span className="field-label">Message (sent by e-mail with the trader&apos;s anti-phishing code)</span>
            <textarea className="input textarea" name="reply" value={text} onChange={(e) => setText(e.target.value)} maxLength={20000} required />
          </label>
          <ProblemAlert error={isApiError(reply.error) ? reply.error : null} />
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={reply.isPending || !text.trim()}>
              {reply.isPending ? 'Sending…' : 'Send reply'}
            </button>
          </div>
        </form>
      </section>
      <section className="panel" aria-labelledby="note-title">
        <h2 id="note-title" className="panel-title">
          Internal note
        </h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            note.mutate(noteText, {
              onSuccess: (r) => {
                setNoteText('');
                setWarning(r.redacted);
              },
            });
          }}
        >
          <label className="field">
            <span className="field-label">Note for staff (never sent to the trader)</span>
            <textarea className="input textarea" name="note" value={noteText} onChange={(e) => setNoteText(e.target.value)} maxLength={20000} required />
          </label>
          <ProblemAlert error={isApiError(note.error) ? note.error : null} />
          <div className="actions">
            <button type="submit" className="button" disabled={note.isPending || !noteText.trim()}>
              {note.isPending ? 'Saving…' : 'Add internal note'}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
