// Server state of suspicious-activity reports: the deadline list, one report, a case's reports, the actions
// (draft, save, ready, file, withdraw) and the download links. Every answer is validated with the shared contracts.
// Only components that already know the member holds sar.read call these (tipping-off: no SAR request otherwise).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { SarList, SarSettingsView, SarView, type SarSettings, type UpdateSarRequest } from '../../../contracts/sar.js';
import { apiRequest } from '../../api.js';
import { useMyAccess } from '../roles/roles.api.js';

const enc = encodeURIComponent;

export interface SarFilters {
  status: string;
  overdue?: 'true' | undefined;
}

export function useSarList(f: SarFilters) {
  const q = new URLSearchParams({ status: f.status });
  if (f.overdue) q.set('overdue', 'true');
  return useQuery({ queryKey: ['sar', 'list', f], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/sars?${q.toString()}`, { schema: SarList, signal }) });
}

/** Whether the member holds sar.read: undefined while the grants are loading. */
export function useSarAccess(): { known: boolean; read: boolean; manage: boolean; file: boolean } {
  const access = useMyAccess();
  const has = (p: string) => access.data?.permissions.includes(p) ?? false;
  return { known: Boolean(access.data), read: has('sar.read'), manage: has('sar.manage'), file: has('sar.file') };
}

export function useSar(id: string, enabled: boolean) {
  return useQuery({ queryKey: ['sar', 'one', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/sars/${enc(id)}`, { schema: SarView, signal }), enabled });
}

/** A case's reports; `enabled` false (no sar.read) makes no request at all. */
export function useCaseSars(caseId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['sar', 'case', caseId],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/cases/${enc(caseId)}/sars`, { schema: SarList, signal }),
    enabled,
  });
}

export function useSarSettings(enabled: boolean) {
  return useQuery({ queryKey: ['sar', 'settings'], queryFn: ({ signal }) => apiRequest('GET', '/api/v1/sars/settings', { schema: SarSettingsView, signal }), enabled });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['sar'] });
}

export function useCreateSar(caseId: string) {
  const done = useInvalidate();
  return useMutation({ mutationFn: () => apiRequest('POST', `/api/v1/cases/${enc(caseId)}/sars`, { body: {}, schema: SarView }), onSettled: done });
}

/** One mutation per report action; all refresh the SAR queries when settled. */
export function useSarActions(id: string) {
  const done = useInvalidate();
  const url = (p = '') => `/api/v1/sars/${enc(id)}${p}`;
  return {
    save: useMutation({ mutationFn: (body: UpdateSarRequest) => apiRequest('PATCH', url(), { body, schema: SarView }), onSettled: done }),
    ready: useMutation({ mutationFn: (version: number) => apiRequest('POST', url('/ready'), { body: { version }, schema: SarView }), onSettled: done }),
    file: useMutation({ mutationFn: (body: { version: number; fiuReference: string }) => apiRequest('POST', url('/file'), { body, schema: SarView }), onSettled: done }),
    withdraw: useMutation({ mutationFn: (body: { version: number; reason: string }) => apiRequest('POST', url('/withdraw'), { body, schema: SarView }), onSettled: done }),
  };
}

export function useSaveSarSettings() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: { settings: SarSettings; baseVersion: number }) => apiRequest('PUT', '/api/v1/sars/settings', { body, schema: SarSettingsView }), onSettled: done });
}

/** Download links (GET, attachment, no-store; each download is audited by the server). */
export const goamlUrl = (id: string) => `/api/v1/sars/${enc(id)}/goaml`;
export const pdfUrl = (id: string) => `/api/v1/sars/${enc(id)}/pdf`;
