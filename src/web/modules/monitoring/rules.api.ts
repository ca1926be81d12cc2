// Server state of the monitoring rules: the list, one rule with its versions, and the actions (validate, create,
// save a draft, backtest, request activation or deactivation). Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApprovalRequested, BacktestResult, RuleList, RuleView, ValidationResult, type BacktestRequest, type RuleSource } from '../../../contracts/monitoring-rules.js';
import { apiRequest } from '../../api.js';

const key = ['monitoring', 'rules'] as const;
const path = (id: string) => `/api/v1/monitoring/rules/${encodeURIComponent(id)}`;

export function useRules() {
  return useQuery({ queryKey: key, queryFn: ({ signal }) => apiRequest('GET', '/api/v1/monitoring/rules', { schema: RuleList, signal }) });
}

export function useRule(id: string) {
  return useQuery({ queryKey: [...key, id], queryFn: ({ signal }) => apiRequest('GET', path(id), { schema: RuleView, signal }) });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: key });
}

/** Parses a source on the server (the same parser that stores it): errors by path. */
export function useValidateRule() {
  return useMutation({ mutationFn: (src: RuleSource) => apiRequest('POST', '/api/v1/monitoring/rules/validate', { body: src, schema: ValidationResult }) });
}

/** Creates a rule as a draft. */
export function useCreateRule() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (src: RuleSource) => apiRequest('POST', '/api/v1/monitoring/rules', { body: src, schema: RuleView }), onSettled: done });
}

/** Saves the draft of an existing rule (rewrites the open draft or starts the next version). */
export function useSaveDraft(id: string) {
  const done = useInvalidate();
  return useMutation({ mutationFn: (src: RuleSource) => apiRequest('PUT', `${path(id)}/draft`, { body: src, schema: RuleView }), onSettled: done });
}

/** Asks a second member to activate a version (Approvals). */
export function useRequestActivation(id: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: ({ version, reason }: { version: number; reason: string }) => apiRequest('POST', `${path(id)}/versions/${version}/activate`, { body: { reason }, schema: ApprovalRequested }),
    onSettled: done,
  });
}

/** Asks a second member to deactivate the rule (Approvals). */
export function useRequestDeactivation(id: string) {
  const done = useInvalidate();
  return useMutation({ mutationFn: (reason: string) => apiRequest('POST', `${path(id)}/deactivate`, { body: { reason }, schema: ApprovalRequested }), onSettled: done });
}

/** Runs a stored version or an unsaved source over stored history. */
export function useBacktest() {
  return useMutation({ mutationFn: (req: Partial<BacktestRequest>) => apiRequest('POST', '/api/v1/monitoring/rules/backtest', { body: req, schema: BacktestResult }) });
}
