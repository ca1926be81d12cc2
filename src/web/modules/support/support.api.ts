// Server state of the support desk: the inbox, one ticket with its chat, replies, notes, updates and canned
// replies. Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CannedReplyList,
  CannedReplySaved,
  RenderedCannedReply,
  SavedMessage,
  TicketPage,
  TicketSummary,
  TicketView,
  TraderTickets,
  type CannedReplyInput,
  type ReplyRequest,
  type UpdateTicketRequest,
} from '../../../contracts/support.js';
import { apiRequest } from '../../api.js';

export interface InboxFilters {
  status?: string;
  queue?: string;
  priority?: string;
  assignee: 'me' | 'unassigned' | 'anyone';
  tag?: string;
}

function inboxUrl(f: InboxFilters, cursor: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return `/api/v1/support/tickets?${q.toString()}`;
}

export function useInbox(f: InboxFilters, cursor: string | null) {
  return useQuery({ queryKey: ['support', 'inbox', f, cursor], queryFn: ({ signal }) => apiRequest('GET', inboxUrl(f, cursor), { schema: TicketPage, signal }) });
}

export function useTicket(id: string) {
  return useQuery({ queryKey: ['support', 'ticket', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/support/tickets/${encodeURIComponent(id)}`, { schema: TicketView, signal }) });
}

export function useTraderTickets(traderId: string) {
  return useQuery({
    queryKey: ['support', 'trader', traderId],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${encodeURIComponent(traderId)}/tickets`, { schema: TraderTickets, signal }),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['support'] });
}

export function useReply(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: ReplyRequest) => apiRequest('POST', `/api/v1/support/tickets/${encodeURIComponent(id)}/replies`, { body, schema: SavedMessage }),
    onSettled: done,
  });
}

export function useAddNote(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: string) => apiRequest('POST', `/api/v1/support/tickets/${encodeURIComponent(id)}/notes`, { body: { body }, schema: SavedMessage }),
    onSettled: done,
  });
}

export function useUpdateTicket(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: UpdateTicketRequest) => apiRequest('PATCH', `/api/v1/support/tickets/${encodeURIComponent(id)}`, { body, schema: TicketSummary }),
    onSettled: done,
  });
}

export function useCannedReplies() {
  return useQuery({ queryKey: ['support', 'canned'], queryFn: ({ signal }) => apiRequest('GET', '/api/v1/support/canned-replies', { schema: CannedReplyList, signal }) });
}

/** A canned reply with the ticket's trader's name filled in (the server does it: the page never sees more). */
export function renderCanned(ticketId: string, cannedId: string) {
  return apiRequest('GET', `/api/v1/support/tickets/${encodeURIComponent(ticketId)}/canned-replies/${encodeURIComponent(cannedId)}`, { schema: RenderedCannedReply });
}

export function useSaveCanned() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: CannedReplyInput }) =>
      id === null
        ? apiRequest('POST', '/api/v1/support/canned-replies', { body, schema: CannedReplySaved })
        : apiRequest('PUT', `/api/v1/support/canned-replies/${encodeURIComponent(id)}`, { body, schema: CannedReplySaved }),
    onSettled: done,
  });
}

export function useDeleteCanned() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (id: string) => apiRequest('DELETE', `/api/v1/support/canned-replies/${encodeURIComponent(id)}`), onSettled: done });
}
