// The development outbox: every message Bulwark queued, readable in the UI when no real mail relay is used
// (or outside production). In production with SMTP_URL set the route answers 404.
import { z } from 'zod';
import { OutboxResponse } from '../../../contracts/staff.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

/** Registers /api/v1/dev/outbox. */
export function registerEmailRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/dev/outbox',
    {
      config: { permission: 'staff.read' },
      schema: {
        tags: ['email'],
        summary: 'Messages in the outbox (only without a mail relay, or outside production)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: OutboxResponse },
      },
    },
    async (req) => {
      if (!c.email.outboxAvailable) throw new AppError(ErrorCode.notFound, 404, 'Not found');
      return { delivers: c.email.delivers, messages: await c.email.listOutbox(req.actor, req.query.limit) };
    },
  );
}
