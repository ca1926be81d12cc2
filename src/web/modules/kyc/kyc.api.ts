// Server state of KYC/KYB: the queue, one case, its actions (questionnaire, uploads, submit, take, EDD, decision),
// a trader's cases and the jurisdiction settings. Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CaseList,
  CaseView,
  DecisionResult,
  SettingsView,
  TraderCases,
  UploadResult,
  type KycProfile,
  type KycSettings,
} from '../../../contracts/kyc.js';
import { apiRequest } from '../../api.js';

export interface QueueFilters {
  state: string;
  assignee: 'anyone' | 'me' | 'unassigned';
  purpose?: string;
  overdue?: 'true';
}

const enc = encodeURIComponent;

export function useQueue(f: QueueFilters) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  return useQuery({ queryKey: ['kyc', 'queue', f], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/kyc/cases?${q.toString()}`, { schema: CaseList, signal }) });
}

export function useCase(id: string) {
  return useQuery({ queryKey: ['kyc', 'case', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/kyc/cases/${enc(id)}`, { schema: CaseView, signal }) });
}

export function useTraderCases(traderId: string) {
  return useQuery({ queryKey: ['kyc', 'trader', traderId], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${enc(traderId)}/kyc`, { schema: TraderCases, signal }) });
}

export function useSettings() {
  return useQuery({ queryKey: ['kyc', 'settings'], queryFn: ({ signal }) => apiRequest('GET', '/api/v1/kyc/settings', { schema: SettingsView, signal }) });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['kyc'] });
}

/** One mutation per case action; all refresh the KYC queries when settled. */
export function useCaseAction(id: string) {
  const done = useInvalidate();
  const url = (p: string) => `/api/v1/kyc/cases/${enc(id)}${p}`;
  return {
    profile: useMutation({ mutationFn: (body: KycProfile) => apiRequest('PUT', url('/profile'), { body, schema: CaseView }), onSettled: done }),
    submit: useMutation({ mutationFn: () => apiRequest('POST', url('/submit'), { schema: CaseView }), onSettled: done }),
    take: useMutation({ mutationFn: () => apiRequest('POST', url('/take'), { schema: CaseView }), onSettled: done }),
    assign: useMutation({ mutationFn: (assigneeId: string | null) => apiRequest('POST', url('/assign'), { body: { assigneeId }, schema: CaseView }), onSettled: done }),
    edd: useMutation({ mutationFn: (body: { item: 'source_of_funds' | 'source_of_wealth'; done: boolean }) => apiRequest('POST', url('/edd'), { body, schema: CaseView }), onSettled: done }),
    decide: useMutation({
      mutationFn: (body: { decision: 'approve' | 'reject' | 'more_info'; reason: string }) => apiRequest('POST', url('/decision'), { body, schema: DecisionResult }),
      onSettled: done,
    }),
    upload: useMutation({ mutationFn: (form: FormData) => apiRequest('POST', url('/documents'), { body: form, schema: UploadResult }), onSettled: done }),
  };
}

export function useOpenCase() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (traderId: string) => apiRequest('POST', '/api/v1/kyc/cases', { body: { traderId, purpose: 'onboarding' }, schema: CaseView }), onSettled: done });
}

export function useSaveSettings() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: { settings: KycSettings; reason: string }) => apiRequest('PUT', '/api/v1/kyc/settings', { body, schema: SettingsView }), onSettled: done });
}

/** The URL of a document's watermarked view (a PDF rendered by the server for the signed-in viewer). */
export function viewUrl(caseId: string, docId: string): string {
  return `/api/v1/kyc/cases/${enc(caseId)}/documents/${enc(docId)}/view`;
}
