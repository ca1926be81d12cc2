// Server state of the four-eyes inbox: requests by status, and approving or rejecting one (which needs a
// recent second factor: the server answers 401 `step_up_required` otherwise).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, isApiError } from '../../api.js';
import { Approval, ApprovalList } from '../../../contracts/approvals.js';

export type { Approval };

export const APPROVAL_STATUSES = ['pending', 'executed', 'rejected', 'expired', 'failed'] as const;
export type ApprovalFilter = (typeof APPROVAL_STATUSES)[number];

export function useApprovals(status: ApprovalFilter) {
  return useQuery({
    queryKey: ['approvals', status],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/approvals?status=${status}&limit=100`, { schema: ApprovalList, signal }),
  });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, reason }: { id: string; decision: 'approve' | 'reject'; reason: string }) =>
      apiRequest('POST', `/api/v1/approvals/${encodeURIComponent(id)}/${decision}`, { body: { reason }, schema: Approval }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['approvals'] });
      void qc.invalidateQueries({ queryKey: ['roles'] });
    },
  });
}

/** True when the server asks for a fresh second factor before this action. */
export function isStepUpRequired(err: unknown): boolean {
  return isApiError(err) && (err.code === 'step_up_required' || err.code === 'reauth_required');
}
