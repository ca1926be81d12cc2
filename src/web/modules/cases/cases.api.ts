// Server state of alerts and cases: the alert queue, an alert and its triage, the case list, a case and its actions.
// Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AlertDetail,
  AlertPage,
  Assignees,
  AttachmentResult,
  CasePage,
  CaseView,
  EscalateResult,
  NoteResult,
  TraderAlerts,
  TraderCases,
  type CasePriority,
  type CaseQueue,
  type CaseStatus,
  type LinkKind,
} from '../../../contracts/cases.js';
import { apiRequest } from '../../api.js';

const enc = encodeURIComponent;

export interface AlertFilters {
  status: string;
  severity?: string | undefined;
  rule?: string | undefined;
  trader?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface CaseFilters {
  status: string;
  queue?: string | undefined;
  priority?: string | undefined;
  assignee: 'anyone' | 'me' | 'unassigned';
  overdue?: 'true' | undefined;
}

function query(f: object, cursor: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export function useAlertQueue(f: AlertFilters, cursor: string | null) {
  return useQuery({ queryKey: ['alerts', 'queue', f, cursor], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/monitoring/alerts?${query(f, cursor)}`, { schema: AlertPage, signal }) });
}

export function useAlert(id: string) {
  return useQuery({ queryKey: ['alerts', 'one', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/monitoring/alerts/${enc(id)}`, { schema: AlertDetail, signal }) });
}

export function useCaseList(f: CaseFilters, cursor: string | null) {
  return useQuery({ queryKey: ['cases', 'list', f, cursor], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/cases?${query(f, cursor)}`, { schema: CasePage, signal }) });
}

export function useCase(id: string) {
  return useQuery({ queryKey: ['cases', 'one', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/cases/${enc(id)}`, { schema: CaseView, signal }) });
}

export function useTraderAlerts(traderId: string) {
  return useQuery({ queryKey: ['alerts', 'trader', traderId], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${enc(traderId)}/alerts`, { schema: TraderAlerts, signal }) });
}

export function useTraderCases(traderId: string) {
  return useQuery({ queryKey: ['cases', 'trader', traderId], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/traders/${enc(traderId)}/cases`, { schema: TraderCases, signal }) });
}

export function useAssignees(enabled: boolean) {
  return useQuery({ queryKey: ['cases', 'assignees'], enabled, queryFn: ({ signal }) => apiRequest('GET', '/api/v1/cases/assignees', { schema: Assignees, signal }) });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: ['alerts'] }), qc.invalidateQueries({ queryKey: ['cases'] })]);
}

/** Triage of one alert: close with a reason, escalate to a new or an existing case. */
export function useTriage(id: string) {
  const done = useInvalidate();
  const url = (p: string) => `/api/v1/monitoring/alerts/${enc(id)}${p}`;
  return {
    close: useMutation({ mutationFn: (reason: string) => apiRequest('POST', url('/close'), { body: { reason }, schema: AlertDetail }), onSettled: done }),
    escalate: useMutation({
      mutationFn: (body: { target: 'new'; queue: CaseQueue; title?: string } | { target: 'existing'; caseId: string }) => apiRequest('POST', url('/escalate'), { body, schema: EscalateResult }),
      onSettled: done,
    }),
  };
}

/** One mutation per case action; all refresh the case queries when settled. */
export function useCaseActions(id: string) {
  const done = useInvalidate();
  const url = (p: string) => `/api/v1/cases/${enc(id)}${p}`;
  return {
    update: useMutation({ mutationFn: (body: { priority?: CasePriority; queue?: CaseQueue }) => apiRequest('PATCH', url(''), { body, schema: CaseView }), onSettled: done }),
    assign: useMutation({ mutationFn: (assigneeId: string | null) => apiRequest('POST', url('/assign'), { body: { assigneeId }, schema: CaseView }), onSettled: done }),
    transition: useMutation({ mutationFn: (body: { to: CaseStatus; reason?: string }) => apiRequest('POST', url('/transition'), { body, schema: CaseView }), onSettled: done }),
    note: useMutation({ mutationFn: (body: string) => apiRequest('POST', url('/notes'), { body: { body }, schema: NoteResult }), onSettled: done }),
    link: useMutation({ mutationFn: (body: { kind: LinkKind; ref: string }) => apiRequest('POST', url('/links'), { body, schema: CaseView }), onSettled: done }),
    upload: useMutation({ mutationFn: (form: FormData) => apiRequest('POST', url('/attachments'), { body: form, schema: AttachmentResult }), onSettled: done }),
  };
}

export function useOpenCase() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: { traderId: string; title: string; queue: CaseQueue; priority: CasePriority }) => apiRequest('POST', '/api/v1/cases', { body, schema: CaseView }),
    onSettled: done,
  });
}

/** The URL of an attachment (a download, served with no-store and a sandbox policy). */
export function attachmentUrl(caseId: string, attId: string): string {
  return `/api/v1/cases/${enc(caseId)}/attachments/${enc(attId)}`;
}
