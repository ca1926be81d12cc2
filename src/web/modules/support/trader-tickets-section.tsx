// The Tickets section of a trader's profile: a titled panel listing the trader's tickets with links to each chat.
// The server opens the trader for the `tickets` section first (404/403 as on the profile).
import { QueryFallback } from '../consent/query-fallback.js';
import { useTraderTickets } from './support.api.js';
import { TicketTable } from './ticket-table.js';

export function TraderTicketsSection({ traderId }: { traderId: string }) {
  const tickets = useTraderTickets(traderId);
  return (
    <section className="panel" aria-labelledby="trader-tickets-title" data-testid="trader-tickets">
      <h2 id="trader-tickets-title" className="panel-title">
        Tickets
      </h2>
      {!tickets.data ? <QueryFallback query={tickets} /> : <TicketTable tickets={tickets.data.tickets} />}
    </section>
  );
}
