// A table of tickets (the inbox, and the Tickets section of a trader's profile), each row linking to the chat.
import { Link } from 'react-router-dom';
import type { TicketSummary } from '../../../contracts/support.js';
import { formatUtc } from '../../components/format.js';
import { SlaBadge } from './sla-badge.js';

export function TicketTable({ tickets, showTrader }: { tickets: TicketSummary[]; showTrader?: boolean }) {
  return (
    <table className="table table-dense">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Subject</th>
          {showTrader ? <th scope="col">Account</th> : null}
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          <th scope="col">Queue</th>
          <th scope="col">Assignee</th>
          <th scope="col">SLA</th>
          <th scope="col">Updated (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {tickets.length === 0 ? (
          <tr>
            <td colSpan={showTrader ? 9 : 8} className="table-empty">
              No tickets.
            </td>
          </tr>
        ) : (
          tickets.map((t) => (
            <tr key={t.id} data-ticket={t.number}>
              <td className="mono">{t.number}</td>
              <td className="cell-main">
                <Link to={`/support/tickets/${t.id}`}>{t.subject}</Link>
                {t.tags.length ? <span className="cell-sub"> {t.tags.map((x) => `#${x}`).join(' ')}</span> : null}
              </td>
              {showTrader ? <td className="mono">{t.accountRef}</td> : null}
              <td>{t.status}</td>
              <td>{t.priority}</td>
              <td>{t.queue}</td>
              <td>{t.assigneeName ?? <span className="muted">Unassigned</span>}</td>
              <td>
                <SlaBadge sla={t.sla} closed={t.status === 'solved' || t.status === 'closed'} />
              </td>
              <td className="nowrap">{formatUtc(t.updatedAt)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
