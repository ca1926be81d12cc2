// Server state of withdrawal-limit changes: the requests (list, filters, pages), a trader's limits now and requests,
// and the actions — request an increase, decrease now, approve / reject / retry (the server asks for a recent
// second factor on decisions; the api layer prompts and retries once). Answers are validated with the contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  TraderWithdrawalLimits,
  WithdrawalLimitList,
  WithdrawalLimitRequestView,
  type WithdrawalLimitChange,
  type WithdrawalLimitStatus,
} from '../../../contracts/withdrawal-limits.js';
import { apiRequest } from '../../api.js';

export type { WithdrawalLimitRequestView };

export interface LimitFilters {
  status?: WithdrawalLimitStatus | undefined;
  source?: 'staff' | 'trader' | undefined;
}

export function useWithdrawalLimitRequests(f: LimitFilters, cursor: string | null, limit = 50) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (f.status) q.set('status', f.status);
  if (f.source) q.set('source', f.source);
  if (cursor) q.set('cursor', cursor);
  return useQuery({
    queryKey: ['withdrawal-limits', 'list', f, cursor, limit],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/withdrawal-limits?${q.toString()}`, { schema: WithdrawalLimitList, signal }),
  });
}

export function useTraderWithdrawalLimits(traderId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['withdrawal-limits', 'trader', traderId],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${encodeURIComponent(traderId)}/withdrawal-limits`, { schema: TraderWithdrawalLimits, signal }),
    enabled,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['withdrawal-limits'] });
}

/** Files an increase request (`request`) or lowers the limit at once (`decrease`) for one trader. */
export function useChangeLimit(traderId: string, kind: 'request' | 'decrease') {
  const done = useInvalidate();
  const path = kind === 'request' ? 'requests' : 'decrease';
  return useMutation({
    mutationFn: (body: WithdrawalLimitChange) =>
      apiRequest('POST', `/api/v1/traders/${encodeURIComponent(traderId)}/withdrawal-limits/${path}`, { body, schema: WithdrawalLimitRequestView }),
    onSettled: done,
  });
}

/** Approves, rejects or retries a request (approvers only; step-up). */
export function useDecideLimit() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: 'approve' | 'reject' | 'retry'; reason?: string }) =>
      apiRequest('POST', `/api/v1/withdrawal-limits/${encodeURIComponent(id)}/${action}`, { body: action === 'retry' ? {} : { reason }, schema: WithdrawalLimitRequestView }),
    onSettled: done,
  });
}
