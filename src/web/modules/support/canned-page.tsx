// /support/canned — canned replies. Everyone who reads tickets sees them; members holding ticket.canned.manage
// create, edit and delete them. {{displayName}} is filled in with the trader's first name when used.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { CannedReply } from '../../../contracts/support.js';
import { isApiError } from '../../api.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useCannedReplies, useDeleteCanned, useSaveCanned } from './support.api.js';

export function CannedRepliesPage() {
  usePageTitle('Canned replies');
  const canned = useCannedReplies();
  const canManage = useCan('ticket.canned.manage');
  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null);
  const remove = useDeleteCanned();
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/support">Support</Link> / Canned replies
      </p>
      <div className="page-header">
        <h1 className="page-title">Canned replies</h1>
        {canManage ? (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            New canned reply
          </button>
        ) : null}
      </div>
      <p className="muted prose-width">Write {'{{displayName}}'} where the trader&apos;s first name goes. Text is scanned for secrets like every message.</p>
      {editing ? <CannedForm canned={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      <section className="panel" aria-labelledby="canned-title">
        <h2 id="canned-title" className="panel-title">
          Replies
        </h2>
        {!canned.data ? (
          <QueryFallback query={canned} />
        ) : (
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Text</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {canned.data.cannedReplies.length === 0 ? (
                <tr>
                  <td colSpan={3} className="table-empty">
                    No canned reply yet.
                  </td>
                </tr>
              ) : (
                canned.data.cannedReplies.map((c) => (
                  <tr key={c.id} data-canned={c.name}>
                    <td className="cell-main">{c.name}</td>
                    <td className="truncate">{c.body}</td>
                    <td className="row-actions">
                      {canManage ? (
                        <>
                          <button type="button" className="button button-small" onClick={() => setEditing(c)}>
                            Edit
                          </button>{' '}
                          <button type="button" className="button button-small" disabled={remove.isPending} onClick={() => remove.mutate(c.id)}>
                            Delete
                          </button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
        <ProblemAlert error={isApiError(remove.error) ? remove.error : null} />
      </section>
    </div>
  );
}

function CannedForm({ canned, onDone }: { canned: CannedReply | null; onDone: () => void }) {
  const save = useSaveCanned();
  const [name, setName] = useState(canned?.name ?? '');
  const [body, setBody] = useState(canned?.body ?? '');
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ id: canned?.id ?? null, body: { name, body } }, { onSuccess: onDone });
  };
  return (
    <section className="panel" aria-label={canned ? 'Edit canned reply' : 'New canned reply'}>
      <form className="form" onSubmit={onSubmit}>
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
        </label>
        <label className="field">
          <span className="field-label">Text</span>
          <textarea className="input textarea" value={body} onChange={(e) => setBody(e.target.value)} maxLength={5000} required />
        </label>
        <ProblemAlert error={isApiError(save.error) ? save.error : null} />
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
