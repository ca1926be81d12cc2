// The audit log over the API: list (audited itself), status, verification and signed export.
import { z } from 'zod';
import { AuditEventsPage, AuditFilterValue, AuditStatus, AuditVerifyResult } from '../../../contracts/audit.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const ident = AuditFilterValue;

/** Registers /api/v1/audit/*. */
export function registerAuditRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/audit/events',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first (keyset pagination with `before`)',
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          action: ident.optional(),
          actorId: ident.optional(),
          targetType: ident.optional(),
          targetId: ident.optional(),
        }),
        response: { 200: AuditEventsPage },
      },
    },
    async (req) => c.audit.list(req.actor, req.query),
  );

  t.get(
    '/api/v1/audit/status',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Anchored tree size, latest signed checkpoint and the verifier key',
        response: { 200: AuditStatus },
      },
    },
    async () => c.audit.status(),
  );

  t.post(
    '/api/v1/audit/verify',
    { config: { permission: 'audit.read' }, schema: { tags: ['audit'], summary: 'Verify chain, tree and signatures now', response: { 200: AuditVerifyResult } } },
    async (req) => {
      const result = await c.audit.verify();
      await c.writer.record(req.actor, { action: 'audit.verify', target: { type: 'audit_log', id: String(result.treeSize) } }, result.ok ? 'ok' : 'error', result.ok ? null : 'audit_log_tampered');
      return result;
    },
  );

  t.get(
    '/api/v1/audit/export',
    {
      config: { permission: 'audit.export' },
      schema: {
        tags: ['audit'],
        summary: 'Signed audit bundle for a period (verify offline with `bulwark audit verify-export`)',
        querystring: z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() }),
      },
    },
    async (req, reply) => {
      const bundle = await c.audit.exportBundle(req.actor, {
        from: req.query.from ? new Date(req.query.from) : undefined,
        to: req.query.to ? new Date(req.query.to) : undefined,
      });
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="bulwark-audit-export.json"')
        .send(bundle);
    },
  );
}
