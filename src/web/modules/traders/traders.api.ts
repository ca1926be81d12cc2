// Server state of the traders section: the list (filters, cursor), exact-match search, one profile, its notes
// and its timeline, and revealing one masked field. Every answer is validated with the shared contracts
// (src/contracts/traders.ts); the server masks per the member's roles and this module never unmasks anything.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  NewTraderNoteResult,
  ProfileView,
  RevealResponse,
  TimelinePage,
  TraderNotes,
  TraderPage,
  TraderView,
  type KYC_STATES,
  type RISK_LEVELS,
  type SEARCH_KINDS,
  type TIMELINE_KINDS,
  type TRADER_STATUSES,
} from '../../../contracts/traders.js';
import { apiRequest } from '../../api.js';

export type SearchKind = (typeof SEARCH_KINDS)[number];
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** The list filters; every one optional. None of them is a personal value, so they may sit in the page URL. */
export interface TraderFilters {
  status?: (typeof TRADER_STATUSES)[number] | undefined;
  country?: string | undefined;
  risk?: (typeof RISK_LEVELS)[number] | undefined;
  kycState?: (typeof KYC_STATES)[number] | undefined;
  vip?: 'true' | 'false' | undefined;
}

const PAGE_SIZE = 25;
const tid = (id: string) => encodeURIComponent(id);

export const traderKeys = {
  all: ['traders'] as const,
  list: (f: TraderFilters, cursor: string | null) => ['traders', 'list', f, cursor] as const,
  profile: (id: string) => ['traders', id, 'profile'] as const,
  notes: (id: string) => ['traders', id, 'notes'] as const,
  timeline: (id: string, kinds: readonly TimelineKind[]) => ['traders', id, 'timeline', kinds] as const,
};

/** One page of the trader list (masked per the member's roles). */
export function useTraderList(filters: TraderFilters, cursor: string | null) {
  return useQuery({
    queryKey: traderKeys.list(filters, cursor),
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      for (const [k, v] of Object.entries(filters)) if (v) q.set(k, String(v));
      if (cursor) q.set('cursor', cursor);
      return apiRequest('GET', `/api/v1/traders?${q.toString()}`, { schema: TraderPage, signal });
    },
  });
}

/**
 * Exact-match search. A mutation on purpose: the value goes in a POST body (never a URL, never a query key), and
 * `gcTime: 0` drops the result from the cache as soon as the page stops showing it.
 */
export function useTraderSearch() {
  return useMutation({
    mutationFn: (body: { by: SearchKind; value: string }) => apiRequest('POST', '/api/v1/traders/search', { body, schema: TraderPage }),
    gcTime: 0,
  });
}

/** The profile page's data: the trader, the sections this member sees, KYC state and risk where shown. */
export function useTraderProfile(id: string) {
  return useQuery({
    queryKey: traderKeys.profile(id),
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${tid(id)}/profile`, { schema: ProfileView, signal }),
    // Each opening of the page is one audited profile view: read once while the page shows it (no background
    // re-reads), and forget it when the page goes (personal data does not outlive the page in memory).
    staleTime: Infinity,
    gcTime: 0,
  });
}

/** Staff notes on a trader, newest first. */
export function useTraderNotes(id: string) {
  return useQuery({
    queryKey: traderKeys.notes(id),
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${tid(id)}/notes`, { schema: TraderNotes, signal }),
    gcTime: 0,
  });
}

/** Adds a note; the answer names the kinds of secrets the server removed before storing it. */
export function useAddTraderNote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => apiRequest('POST', `/api/v1/traders/${tid(id)}/notes`, { body: { body }, schema: NewTraderNoteResult }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: traderKeys.notes(id) }), qc.invalidateQueries({ queryKey: ['traders', id, 'timeline'] })]),
  });
}

/** What the edit form sends: only the fields the agent filled in, and the reason. */
export type TraderEdit = Partial<Record<'legalName' | 'email' | 'phone' | 'country' | 'dateOfBirth', string>> & { reason: string };

/** Changes a trader's details (reason and step-up; the step-up dialog is shown by api.ts when needed). */
export function useUpdateTrader(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TraderEdit) => apiRequest('PATCH', `/api/v1/traders/${tid(id)}`, { body, schema: TraderView }),
    onSuccess: () => qc.invalidateQueries({ queryKey: traderKeys.profile(id) }),
  });
}

const TIMELINE_PAGE = 50;

/** The trader timeline, newest first; `fetchNextPage` loads older entries. */
export function useTraderTimeline(id: string, kinds: readonly TimelineKind[]) {
  return useInfiniteQuery({
    queryKey: traderKeys.timeline(id, kinds),
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: String(TIMELINE_PAGE), kinds: kinds.join(',') });
      if (pageParam) q.set('cursor', pageParam);
      return apiRequest('GET', `/api/v1/traders/${tid(id)}/timeline?${q.toString()}`, { schema: TimelinePage, signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    gcTime: 0,
  });
}

export type RevealedValue = z.infer<typeof RevealResponse>['value'];

/**
 * Reveals one masked field (reason required; the server asks for step-up, which the step-up dialog answers).
 * A plain call, not a query or mutation: the clear value must live only in the page's own state, never in the
 * react-query cache, so it is gone when the page is left or the session locks.
 */
export async function revealTraderField(id: string, field: string, reason: string): Promise<RevealedValue> {
  const res = await apiRequest('POST', `/api/v1/traders/${tid(id)}/reveal`, { body: { field, reason }, schema: RevealResponse });
  return res.value;
}
