// /cases/:id — one case: summary (reference, subject, queue, priority, SLA, assignee), the status workflow with
// reasons (closing is the decision), notes, attachments (typed by content server-side, downloaded with no-store),
// links (traders, alerts, events, screening hits), the timeline, and the SAR panel (rendered by the SAR module, and
// only for members with sar.read: tipping-off).
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { CASE_PRIORITIES, CASE_QUEUES, CLOSED_STATUSES, LINK_KINDS, MIN_REASON, type CasePriority, type CaseQueue, type CaseStatus, type CaseView, type LinkKind } from '../../../contracts/cases.js';
import { isApiError } from '../../api.js';
import { formatBytes, formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { CaseSarPanel } from '../sar/case-sar-panel.js';
import { attachmentUrl, useAssignees, useCase, useCaseActions } from './cases.api.js';
import { CASE_STATUS_LABELS, CaseStatusBadge, DueCell, EVENT_LABELS } from './cases-labels.js';

const errorOf = (e: unknown) => (isApiError(e) ? e : null);

function linkTo(kind: string, ref: string): string | null {
  if (kind === 'trader') return `/traders/${ref}`;
  if (kind === 'alert') return `/monitoring/alerts/${ref}`;
  if (kind === 'screening_hit') return `/screening/hits/${ref}`;
  return null;
}

function Summary({ v, act, canManage }: { v: CaseView; act: ReturnType<typeof useCaseActions>; canManage: boolean }) {
  const c = v.case;
  const assignees = useAssignees(canManage);
  return (
    <section className="panel" aria-labelledby="case-summary-title">
      <h2 id="case-summary-title" className="panel-title">
        Summary
      </h2>
      <dl className="facts">
        <dt>Subject</dt>
        <dd className="mono">
          <Link to={`/traders/${c.subjectTraderId}`}>{c.subjectAccountRef}</Link>
        </dd>
        <dt>Opened</dt>
        <dd>
          {formatUtc(c.openedAt)} UTC{c.openedByName ? ` by ${c.openedByName}` : ' by Bulwark'}
        </dd>
        <dt>Due</dt>
        <dd>{c.closedAt ? <span className="muted">closed {formatUtc(c.closedAt)} UTC</span> : <DueCell dueAt={c.dueAt} overdue={c.overdue} />}</dd>
        <dt>Queue</dt>
        <dd>
          {canManage ? (
            <select className="input input-small" aria-label="Queue" value={c.queue} onChange={(e) => act.update.mutate({ queue: e.target.value as CaseQueue })}>
              {CASE_QUEUES.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          ) : (
            c.queue
          )}
        </dd>
        <dt>Priority</dt>
        <dd>
          {canManage ? (
            <select className="input input-small" aria-label="Priority" value={c.priority} onChange={(e) => act.update.mutate({ priority: e.target.value as CasePriority })}>
              {CASE_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          ) : (
            c.priority
          )}
        </dd>
        <dt>Assignee</dt>
        <dd>
          {canManage && assignees.data ? (
            <select className="input input-small" aria-label="Assignee" value={c.assigneeId ?? ''} onChange={(e) => act.assign.mutate(e.target.value || null)}>
              <option value="">Unassigned</option>
              {assignees.data.members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          ) : (
            (c.assigneeName ?? <span className="muted">Unassigned</span>)
          )}
        </dd>
      </dl>
      <ProblemAlert error={errorOf(act.update.error ?? act.assign.error)} />
    </section>
  );
}

function Workflow({ v, act }: { v: CaseView; act: ReturnType<typeof useCaseActions> }) {
  const [to, setTo] = useState<CaseStatus | ''>('');
  const [reason, setReason] = useState('');
  const closing = to !== '' && CLOSED_STATUSES.includes(to);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!to) return;
    act.transition.mutate({ to, ...(reason.trim() ? { reason } : {}) }, { onSuccess: () => (setTo(''), setReason('')) });
  };
  return (
    <section className="panel" aria-labelledby="case-workflow-title">
      <h2 id="case-workflow-title" className="panel-title">
        Status and decision
      </h2>
      {v.decision ? (
        <div data-testid="case-decision">
          <p>
            <strong>Decision: {v.decision.decision.replaceAll('_', ' ')}</strong> — {formatUtc(v.decision.at)} UTC, {v.decision.byName ?? 'unknown'}
          </p>
          {v.decision.reason ? <p className="decision-reason">{v.decision.reason}</p> : null}
        </div>
      ) : null}
      {v.case.status === 'pending_decision' && v.can.manage && !v.can.transitions.some((s) => CLOSED_STATUSES.includes(s)) ? (
        <p className="muted" data-testid="four-eyes-note">
          You asked for this decision: another member takes it (four eyes).
        </p>
      ) : null}
      {v.can.transitions.length ? (
        <form className="form" onSubmit={onSubmit} aria-label="Change the status">
          <label className="field">
            <span className="field-label">Move to</span>
            <select className="input" value={to} onChange={(e) => setTo(e.target.value as CaseStatus | '')} required>
              <option value="">Choose…</option>
              {v.can.transitions.map((s) => (
                <option key={s} value={s}>
                  {CASE_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{closing ? `Reason for the decision (at least ${MIN_REASON} characters; stored encrypted)` : 'Reason (optional)'}</span>
            <textarea className="input textarea" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} required={closing} minLength={closing ? MIN_REASON : undefined} />
          </label>
          <ProblemAlert error={errorOf(act.transition.error)} />
          <div className="actions">
            <button type="submit" className={closing ? 'button button-danger' : 'button button-primary'} disabled={act.transition.isPending}>
              {closing ? 'Close the case with this decision' : 'Change the status'}
            </button>
          </div>
        </form>
      ) : !v.decision ? (
        <p className="muted">Your roles do not change this case.</p>
      ) : null}
    </section>
  );
}

function Notes({ v, act }: { v: CaseView; act: ReturnType<typeof useCaseActions> }) {
  const [body, setBody] = useState('');
  return (
    <section className="panel" aria-labelledby="case-notes-title">
      <h2 id="case-notes-title" className="panel-title">
        Notes
      </h2>
      {v.notes.length === 0 ? <p className="muted">No notes.</p> : null}
      <ol className="decision-list" data-testid="case-notes">
        {v.notes.map((n) => (
          <li key={n.id}>
            <strong>{n.authorName ?? 'unknown'}</strong> — {formatUtc(n.createdAt)} UTC
            <p className="decision-reason">{n.body}</p>
          </li>
        ))}
      </ol>
      {v.can.manage ? (
        <form
          className="form"
          aria-label="Add a note"
          onSubmit={(e) => {
            e.preventDefault();
            act.note.mutate(body, { onSuccess: () => setBody('') });
          }}
        >
          <label className="field">
            <span className="field-label">Note (stored encrypted)</span>
            <textarea className="input textarea" value={body} onChange={(e) => setBody(e.target.value)} maxLength={10_000} required />
          </label>
          <ProblemAlert error={errorOf(act.note.error)} />
          <div className="actions">
            <button type="submit" className="button" disabled={act.note.isPending}>
              Add the note
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function Attachments({ v, act }: { v: CaseView; act: ReturnType<typeof useCaseActions> }) {
  return (
    <section className="panel" aria-labelledby="case-attachments-title">
      <h2 id="case-attachments-title" className="panel-title">
        Attachments
      </h2>
      {v.attachments.length === 0 ? (
        <p className="muted">No attachments.</p>
      ) : (
        <ul className="plain-list" data-testid="case-attachments">
          {v.attachments.map((x) => (
            <li key={x.id}>
              <a href={attachmentUrl(v.case.id, x.id)} download>
                {x.filename}
              </a>{' '}
              <span className="muted">
                {x.contentType}, {formatBytes(x.size)}, {x.uploadedByName ?? 'unknown'}, {formatUtc(x.createdAt)} UTC
              </span>
            </li>
          ))}
        </ul>
      )}
      {v.can.manage ? (
        <form
          className="form"
          aria-label="Upload an attachment"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            act.upload.mutate(new FormData(form), { onSuccess: () => form.reset() });
          }}
        >
          <label className="field">
            <span className="field-label">File (PDF, PNG, JPEG or CSV/plain text; 10 MB at most; stored encrypted)</span>
            <input className="input" type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.csv,.txt,application/pdf,image/png,image/jpeg,text/csv,text/plain" required />
          </label>
          <ProblemAlert error={errorOf(act.upload.error)} />
          <div className="actions">
            <button type="submit" className="button" disabled={act.upload.isPending}>
              Upload
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function Links({ v, act }: { v: CaseView; act: ReturnType<typeof useCaseActions> }) {
  const [kind, setKind] = useState<LinkKind>('event');
  const [ref, setRef] = useState('');
  return (
    <section className="panel" aria-labelledby="case-links-title">
      <h2 id="case-links-title" className="panel-title">
        Linked records
      </h2>
      <div className="table-scroll">
        <table className="table table-dense" data-testid="case-links">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Record</th>
              <th scope="col">Linked</th>
            </tr>
          </thead>
          <tbody>
            {v.links.map((l) => {
              const to = linkTo(l.kind, l.ref);
              return (
                <tr key={`${l.kind}:${l.ref}`}>
                  <td>{l.kind.replace('_', ' ')}</td>
                  <td>
                    {to ? <Link to={to}>{l.label}</Link> : l.label} <span className="muted mono">{l.ref}</span>
                  </td>
                  <td className="nowrap">
                    {formatUtc(l.addedAt)} {l.addedByName ? <span className="muted">{l.addedByName}</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {v.can.manage ? (
        <form
          className="form"
          aria-label="Link a record"
          onSubmit={(e) => {
            e.preventDefault();
            act.link.mutate({ kind, ref: ref.trim() }, { onSuccess: () => setRef('') });
          }}
        >
          <label className="field">
            <span className="field-label">Kind</span>
            <select className="input" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
              {LINK_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Id (trader, alert or hit id; the exchange's event id)</span>
            <input className="input mono" value={ref} onChange={(e) => setRef(e.target.value)} maxLength={128} required />
          </label>
          <ProblemAlert error={errorOf(act.link.error)} />
          <div className="actions">
            <button type="submit" className="button" disabled={act.link.isPending}>
              Link
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function Timeline({ v }: { v: CaseView }) {
  return (
    <section className="panel" aria-labelledby="case-timeline-title">
      <h2 id="case-timeline-title" className="panel-title">
        Timeline
      </h2>
      <ol className="decision-list" data-testid="case-timeline">
        {v.timeline.map((e) => (
          <li key={e.id}>
            <strong>{EVENT_LABELS[e.kind] ?? e.kind.replaceAll('_', ' ').replaceAll('.', ' ')}</strong>
            {e.toStatus ? ` → ${CASE_STATUS_LABELS[e.toStatus] ?? e.toStatus}` : ''} — {formatUtc(e.at)} UTC, {e.actorName ?? 'Bulwark'}
            {e.detail ? <p className="decision-reason">{e.detail}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function CasePage() {
  const { id = '' } = useParams();
  const view = useCase(id);
  const act = useCaseActions(id);
  usePageTitle(view.data ? view.data.case.reference : 'Case');
  if (!view.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={view} />
      </div>
    );
  }
  const v = view.data;
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">
          <span className="mono">{v.case.reference}</span> {v.case.title ?? ''} <CaseStatusBadge status={v.case.status} />
        </h1>
        <Link className="button" to="/cases">
          Back to the cases
        </Link>
      </div>
      <Summary v={v} act={act} canManage={v.can.manage} />
      <Workflow v={v} act={act} />
      <CaseSarPanel caseId={v.case.id} />
      <Links v={v} act={act} />
      <Notes v={v} act={act} />
      <Attachments v={v} act={act} />
      <Timeline v={v} />
    </div>
  );
}
