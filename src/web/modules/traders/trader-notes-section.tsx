// The Notes section of a trader's profile: staff notes, newest first, and (for members holding trader.note.write)
// a form to add one. The server scans every note for secrets a trader must never share (seed phrases, private
// keys, API secrets, card numbers) and removes them BEFORE it stores the note; when it did, the agent is told
// plainly, because the usual cause is an agent who asked for one.
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useAddTraderNote, useTraderNotes } from './traders.api.js';

const SECRET_NAMES: Record<string, string> = { seed_phrase: 'A seed phrase', private_key: 'A private key', api_secret: 'An API secret', card_number: 'A card number' };

/** "A seed phrase was removed before saving — never ask a trader for it" (one sentence per kind). */
export function redactionWarning(kind: string): string {
  return `${SECRET_NAMES[kind] ?? 'A secret'} was removed before saving — never ask a trader for it`;
}

export function TraderNotesSection({ traderId }: { traderId: string }) {
  const notes = useTraderNotes(traderId);
  const canWrite = useCan('trader.note.write');
  return (
    <section className="panel" aria-labelledby="trader-notes-title" data-testid="trader-notes">
      <h2 id="trader-notes-title" className="panel-title">
        Notes
      </h2>
      {canWrite ? <NoteForm traderId={traderId} /> : null}
      {!notes.data ? (
        <QueryFallback query={notes} />
      ) : notes.data.notes.length === 0 ? (
        <p className="muted">No notes yet.</p>
      ) : (
        <ol className="note-list" aria-label="Notes, newest first">
          {notes.data.notes.map((n) => (
            <li key={n.id} className="note-item" data-note={n.id}>
              <p className="small muted note-meta">
                {n.authorName ?? 'Staff'} · {formatUtc(n.createdAt)} UTC
              </p>
              <p className="note-body">{n.body}</p>
              {n.redactions.length ? <p className="small muted">Removed before saving: {n.redactions.map((k) => (SECRET_NAMES[k] ?? k).toLowerCase()).join(', ')}.</p> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function NoteForm({ traderId }: { traderId: string }) {
  const add = useAddTraderNote(traderId);
  const [body, setBody] = useState('');
  const [redacted, setRedacted] = useState<string[]>([]);
  const [invalid, setInvalid] = useState<string | undefined>();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!body.trim()) return setInvalid('Write the note first.');
    setRedacted([]);
    add.mutate(body, {
      onSuccess: (out) => {
        setBody('');
        setRedacted(out.redacted);
      },
    });
  };

  const error = add.error && isApiError(add.error) ? add.error : null;
  const fieldError = invalid ?? error?.fieldErrors()['body'];
  return (
    <form className="form note-form" onSubmit={submit} noValidate>
      {redacted.length ? (
        <div className="alert alert-warning" role="status" data-testid="note-redaction-warning">
          {redacted.map((k) => (
            <p key={k} className="alert-title">
              {redactionWarning(k)}.
            </p>
          ))}
          <p className="alert-detail">The rest of the note was saved. The removal is recorded in the audit log.</p>
        </div>
      ) : null}
      <div className={fieldError ? 'field field-invalid' : 'field'}>
        <label htmlFor={`note-${traderId}`} className="field-label">
          New note (visible to staff only)
        </label>
        <textarea
          id={`note-${traderId}`}
          className="input textarea"
          name="body"
          value={body}
          maxLength={5000}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `note-${traderId}-error` : undefined}
          onChange={(e) => {
            setBody(e.target.value);
            setInvalid(undefined);
          }}
        />
        {fieldError ? (
          <p id={`note-${traderId}-error`} className="field-error">
            {fieldError}
          </p>
        ) : null}
      </div>
      {error && !fieldError ? <ProblemAlert error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={add.isPending}>
          {add.isPending ? 'Saving…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
