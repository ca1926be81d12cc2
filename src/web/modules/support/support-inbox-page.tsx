// /support — the inbox: filters (status, queue, priority, assignee, tag), newest ticket first, SLA badges, and
// cursor pagination ("Older tickets"). The server decides what the member may see; this page renders it.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../contracts/support.js';
import { AssigneeFilter } from '../../components/assignee-filter.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { Options } from './options.js';
import { useInbox, type InboxFilters } from './support.api.js';
import { TicketTable } from './ticket-table.js';

export function SupportInboxPage() {
  usePageTitle('Support');
  const [filters, setFilters] = useState<InboxFilters>({ assignee: 'anyone' });
  const pages = useCursorStack();
  const inbox = useInbox(filters, pages.cursor);
  const canManageCanned = useCan('ticket.canned.manage');

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setFilters({ status: v('status'), priority: v('priority'), queue: v('queue'), tag: v('tag'), assignee: (v('assignee') ?? 'anyone') as InboxFilters['assignee'] });
    pages.reset();
  };

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Support</h1>
        <Link className="button" to="/support/canned">
          {canManageCanned ? 'Manage canned replies' : 'Canned replies'}
        </Link>
      </div>
      <form className="filter-form" onSubmit={onSubmit} aria-label="Filter tickets">
        <label className="field">
          <span className="field-label">Status</span>
          <select className="input" name="status" defaultValue="">
            <Options values={TICKET_STATUSES} any="Any" />
          </select>
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="input" name="priority" defaultValue="">
            <Options values={TICKET_PRIORITIES} any="Any" />
          </select>
        </label>
        <AssigneeFilter />
        <label className="field">
          <span className="field-label">Queue</span>
          <input className="input input-small" name="queue" placeholder="general" />
        </label>
        <label className="field">
          <span className="field-label">Tag</span>
          <input className="input input-small" name="tag" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="inbox-title">
        <h2 id="inbox-title" className="panel-title">
          Tickets
        </h2>
        {!inbox.data ? (
          <QueryFallback query={inbox} />
        ) : (
          <>
            <TicketTable tickets={inbox.data.tickets} showTrader />
            <CursorPager stack={pages} nextCursor={inbox.data.nextCursor} previousLabel="Newer tickets" nextLabel="Older tickets" />
          </>
        )}
      </section>
    </div>
  );
}


