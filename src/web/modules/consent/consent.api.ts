// Server state of a trader's consents (the profile's Consents section) and of the public unsubscribe link.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TraderConsents, UnsubscribeInfo, UnsubscribeResult, type RecordConsentRequest } from '../../../contracts/consent.js';
import { apiRequest } from '../../api.js';

const consentsKey = (traderId: string) => ['traders', traderId, 'consents'] as const;

export function useTraderConsents(traderId: string) {
  return useQuery({
    queryKey: consentsKey(traderId),
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${encodeURIComponent(traderId)}/consents`, { schema: TraderConsents, signal }),
  });
}

/** Records a change on the trader's behalf (source support); the answer is the new state and history. */
export function useRecordConsent(traderId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordConsentRequest) => apiRequest('POST', `/api/v1/traders/${encodeURIComponent(traderId)}/consents`, { body, schema: TraderConsents }),
    onSuccess: (data) => qc.setQueryData(consentsKey(traderId), data),
  });
}

/** What a link is about (its category); public, no session. */
export function useUnsubscribeInfo(token: string | null) {
  return useQuery({
    queryKey: ['unsubscribe', token],
    enabled: token !== null,
    retry: false,
    // POST: the token never goes into a URL (see the route).
    queryFn: ({ signal }) => apiRequest('POST', '/api/v1/public/unsubscribe/lookup', { body: { token }, schema: UnsubscribeInfo, signal }),
  });
}

export function useUnsubscribe() {
  return useMutation({
    mutationFn: (token: string) => apiRequest('POST', '/api/v1/public/unsubscribe', { body: { token }, schema: UnsubscribeResult }),
  });
}
