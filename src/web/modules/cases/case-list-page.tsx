// /cases — the case list: active cases by default, newest first, filtered by status, queue, priority, assignee and
// overdue (past the SLA of their priority); each row links to the case page. Members with case.manage can open a
// case for a trader by id here (cases are also opened from alerts and confirmed screening matches).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { CASE_PRIORITIES, CASE_QUEUES, CASE_STATUSES, type CasePriority, type CaseQueue } from '../../../contracts/cases.js';
import { isApiError } from '../../api.js';
import { AssigneeFilter } from '../../components/assignee-filter.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useCaseList, useOpenCase, type CaseFilters } from './cases.api.js';
import { CASE_STATUS_LABELS, CaseStatusBadge, DueCell } from './cases-labels.js';

function OpenCaseForm() {
  const open = useOpenCase();
  const navigate = useNavigate();
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim();
    open.mutate(
      { traderId: v('traderId'), title: v('title'), queue: v('queue') as CaseQueue, priority: v('priority') as CasePriority },
      { onSuccess: (c) => navigate(`/cases/${c.case.id}`) },
    );
  };
  return (
    <details className="panel">
      <summary className="panel-title">Open a case by hand</summary>
      <form className="form" onSubmit={onSubmit} aria-label="Open a case">
        <label className="field">
          <span className="field-label">Trader id</span>
          <input className="input mono" name="traderId" maxLength={64} required />
        </label>
        <label className="field">
          <span className="field-label">Title (stored encrypted)</span>
          <input className="input" name="title" minLength={3} maxLength={200} required />
        </label>
        <label className="field">
          <span className="field-label">Queue</span>
          <select className="input" name="queue" defaultValue="aml">
            {CASE_QUEUES.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="input" name="priority" defaultValue="normal">
            {CASE_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <ProblemAlert error={isApiError(open.error) ? open.error : null} />
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={open.isPending}>
            Open the case
          </button>
        </div>
      </form>
    </details>
  );
}

export function CaseListPage() {
  usePageTitle('Cases');
  const [filters, setFilters] = useState<CaseFilters>({ status: 'active', assignee: 'anyone' });
  const pages = useCursorStack();
  const list = useCaseList(filters, pages.cursor);
  const canManage = useCan('case.manage');

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setFilters({
      status: v('status') ?? 'active',
      queue: v('queue'),
      priority: v('priority'),
      assignee: (v('assignee') ?? 'anyone') as CaseFilters['assignee'],
      overdue: f.get('overdue') ? 'true' : undefined,
    });
    pages.reset();
  };

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Cases</h1>
        <Link className="button" to="/monitoring">
          Alert queue
        </Link>
      </div>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter cases">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="active">
            <option value="active">Active (not closed)</option>
            <option value="closed">Closed</option>
            <option value="all">All</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {CASE_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Queue</span>
          <select className="input" name="queue" defaultValue="">
            <option value="">Any</option>
            {CASE_QUEUES.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="input" name="priority" defaultValue="">
            <option value="">Any</option>
            {CASE_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <AssigneeFilter />
        <label className="field">
          <span className="field-label">Overdue</span>
          <input type="checkbox" name="overdue" value="true" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="cases-title">
        <h2 id="cases-title" className="panel-title">
          Cases (newest first)
        </h2>
        {!list.data ? (
          <QueryFallback query={list} />
        ) : (
          <>
            <div className="table-scroll">
              <table className="table table-dense" data-testid="cases">
                <thead>
                  <tr>
                    <th scope="col">Reference</th>
                    <th scope="col">Title</th>
                    <th scope="col">Account</th>
                    <th scope="col">Queue</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Status</th>
                    <th scope="col">Assignee</th>
                    <th scope="col">Due (UTC)</th>
                    <th scope="col">Opened (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.cases.length === 0 ? (
                    <tr>
                      <td colSpan={9} className="table-empty">
                        No cases.
                      </td>
                    </tr>
                  ) : (
                    list.data.cases.map((c) => (
                      <tr key={c.id} data-case={c.id}>
                        <td className="mono nowrap">
                          <Link to={`/cases/${c.id}`}>{c.reference}</Link>
                        </td>
                        <td>{c.title ?? <span className="muted">erased</span>}</td>
                        <td className="mono">{c.subjectAccountRef}</td>
                        <td>{c.queue}</td>
                        <td>{c.priority}</td>
                        <td>
                          <CaseStatusBadge status={c.status} />
                        </td>
                        <td>{c.assigneeName ?? <span className="muted">Unassigned</span>}</td>
                        <td>{c.closedAt ? <span className="muted">closed {formatUtc(c.closedAt)}</span> : <DueCell dueAt={c.dueAt} overdue={c.overdue} />}</td>
                        <td className="nowrap">{formatUtc(c.openedAt)}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
            <CursorPager stack={pages} nextCursor={list.data.nextCursor} previousLabel="Newer" nextLabel="Older" />
          </>
        )}
      </section>
      {canManage ? <OpenCaseForm /> : null}
    </div>
  );
}
