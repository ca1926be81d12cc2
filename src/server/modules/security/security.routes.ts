// Security alerts over HTTP: list (security.alert.read), acknowledge and resolve with a note.
import { z } from 'zod';
import { AlertListResponse, AlertNoteBody, SecurityAlert } from '../../../contracts/staff.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

/** Registers /api/v1/security/alerts*. */
export function registerSecurityRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/security/alerts',
    {
      config: { permission: 'security.alert.read' },
      schema: {
        tags: ['security'],
        summary: 'Security alerts (unresolved by default)',
        querystring: z.object({
          status: z.enum(['unresolved', 'open', 'acknowledged', 'resolved']).default('unresolved'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: AlertListResponse },
      },
    },
    async (req) => ({ alerts: await c.security.list(req.actor, req.query) }),
  );

  for (const action of ['acknowledge', 'resolve'] as const) {
    t.post(
      `/api/v1/security/alerts/:id/${action}`,
      {
        config: { permission: 'security.alert.manage' },
        schema: { tags: ['security'], summary: action === 'acknowledge' ? 'Acknowledge an alert (with a note)' : 'Resolve an alert (with a note)', params: z.object({ id: z.uuid() }), body: AlertNoteBody, response: { 200: SecurityAlert } },
      },
      async (req) => (action === 'acknowledge' ? c.security.acknowledge(req.actor, req.params.id, req.body.note) : c.security.resolve(req.actor, req.params.id, req.body.note)),
    );
  }
}
