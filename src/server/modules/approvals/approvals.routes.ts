// The four-eyes inbox: list requests, approve or reject one (step-up).
import { z } from 'zod';
import { Approval, ApprovalList } from '../../../contracts/approvals.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

/** Registers /api/v1/approvals/*. */
export function registerApprovalRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/approvals',
    {
      config: { permission: 'approval.read' },
      schema: {
        tags: ['approvals'],
        summary: 'Four-eyes requests (pending by default)',
        querystring: z.object({
          status: z.enum(['pending', 'executed', 'rejected', 'expired', 'failed']).default('pending'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: ApprovalList },
      },
    },
    async (req) => ({ requests: await c.approvals.list(req.actor, req.query) }),
  );

  for (const decision of ['approve', 'reject'] as const) {
    t.post(
      `/api/v1/approvals/:id/${decision}`,
      {
        config: { permission: 'approval.decide', stepUp: true },
        schema: {
          tags: ['approvals'],
          summary: decision === 'approve' ? 'Approve (and carry out) a request made by another member' : 'Reject a request',
          params: z.object({ id: z.uuid() }),
          body: z.object({ reason: z.string().trim().min(5).max(1000) }),
          response: { 200: Approval },
        },
      },
      async (req) =>
        c.approvals.decide(req.actor, { id: req.staff!.id, permissions: req.staff!.permissions ?? new Set() }, req.params.id, decision, req.body.reason),
    );
  }
}
