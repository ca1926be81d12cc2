// Contracts of the four-eyes inbox, shared by the server's routes and the web UI.
import { z } from 'zod';

export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'executed', 'failed']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const Approval = z.object({
  id: z.string(),
  kind: z.string(),
  /** What will happen if approved (no personal data values). */
  summary: z.string(),
  reason: z.string(),
  makerId: z.string(),
  makerName: z.string().nullable(),
  status: z.string(),
  checkerId: z.string().nullable(),
  checkerName: z.string().nullable(),
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type Approval = z.infer<typeof Approval>;

export const ApprovalList = z.object({ requests: z.array(Approval) });
export type ApprovalList = z.infer<typeof ApprovalList>;

export const DecisionRequest = z.object({ reason: z.string().trim().min(5).max(1000) });
