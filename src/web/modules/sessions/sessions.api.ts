// Server state of my own sessions: list and end one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { SessionListResponse, type SessionView } from '../../../contracts/staff.js';
import { apiRequest } from '../../api.js';

export type { SessionView };

export function useMySessions() {
  return useQuery({
    queryKey: ['sessions', 'mine'],
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/sessions/mine', { schema: SessionListResponse, signal }),
  });
}

export function useEndMySession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/api/v1/sessions/mine/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['sessions', 'mine'] }),
  });
}
