// Server state of the exchange view: one query per trader section, containment mutations, the connection.
// Shapes are the shared contracts (src/contracts/exchange.ts), checked with Zod.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api.js';
import {
  ConnectionStatus,
  ContainmentResult,
  SECTION_ANSWERS,
  SECTION_PATHS,
  type ConnectionUpdate,
  type ExchangeSection,
  type SectionAnswer,
} from '../../../contracts/exchange.js';

export const sectionKey = (traderId: string, section: ExchangeSection) => ['exchange', traderId, section] as const;

/** One exchange section of a trader (masked by the server per the member's roles). */
export function useExchangeSection<S extends ExchangeSection>(traderId: string, section: S) {
  return useQuery({
    queryKey: sectionKey(traderId, section),
    queryFn: ({ signal }) =>
      apiRequest('GET', `/api/v1/traders/${encodeURIComponent(traderId)}/exchange/${SECTION_PATHS[section]}`, { schema: SECTION_ANSWERS[section], signal }) as Promise<SectionAnswer<S>>,
    retry: false,
  });
}

export type ContainmentAction = 'freeze' | 'unfreeze' | 'end-sessions' | { revoke: string };

/** A containment action (reason required; the server asks for step-up, which the step-up dialog answers). */
export function useContainment(traderId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, reason }: { action: ContainmentAction; reason: string }) => {
      const base = `/api/v1/traders/${encodeURIComponent(traderId)}/exchange`;
      const path = typeof action === 'string' ? `${base}/${action}` : `${base}/api-keys/${encodeURIComponent(action.revoke)}/revoke`;
      return apiRequest('POST', path, { body: { reason }, schema: ContainmentResult });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['exchange', traderId] }),
  });
}

export const connectionKey = ['exchange', 'connection'] as const;

/** The exchange connection (never the secret). */
export function useConnection() {
  return useQuery({ queryKey: connectionKey, queryFn: ({ signal }) => apiRequest('GET', '/api/v1/exchange/connection', { schema: ConnectionStatus, signal }), retry: false });
}

/** Sets the connection (step-up and a reason; the secret is write-only). */
export function useSetConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ConnectionUpdate) => apiRequest('PUT', '/api/v1/exchange/connection', { body, schema: ConnectionStatus }),
    onSuccess: (data) => qc.setQueryData(connectionKey, data),
  });
}
