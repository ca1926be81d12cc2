// Server state of security alerts: list (unresolved by default), acknowledge and resolve with a note.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertListResponse, SecurityAlert } from '../../../contracts/staff.js';
import { apiRequest } from '../../api.js';

export type { SecurityAlert };
export type AlertFilter = 'unresolved' | 'resolved';

export function useAlerts(status: AlertFilter) {
  return useQuery({
    queryKey: ['security', 'alerts', status],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/security/alerts?status=${status}`, { schema: AlertListResponse, signal }),
  });
}

export function useAlertAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note }: { id: string; action: 'acknowledge' | 'resolve'; note: string }) =>
      apiRequest('POST', `/api/v1/security/alerts/${encodeURIComponent(id)}/${action}`, { body: { note }, schema: SecurityAlert }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['security', 'alerts'] }),
  });
}
