// Alert routes: /api/v1/monitoring/alerts (queue, detail, close, escalate) and /api/v1/traders/:id/alerts.
// Thin: validate, call one service function, present. Reading needs monitoring.read; triage case.manage.
import { z } from 'zod';
import { AlertDetail, AlertPage, AlertQueueQuery, CloseAlertRequest, EscalateRequest, EscalateResult, TraderAlerts } from '../../../contracts/cases.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });

/** Registers the alert routes. */
export function registerAlertRoutes(t: TypedApp, c: Container): void {
  const tags = ['monitoring'];

  t.get(
    '/api/v1/monitoring/alerts',
    { config: { permission: 'monitoring.read' }, schema: { tags, summary: 'The alert queue: filters (status, severity, rule, trader, dates), newest first, cursor pages', querystring: AlertQueueQuery, response: { 200: AlertPage } } },
    async (req) => c.alerts.list(req.actor, memberOf(req), req.query),
  );

  t.get(
    '/api/v1/monitoring/alerts/:id',
    { config: { permission: 'monitoring.read' }, schema: { tags, summary: 'One alert: explanation, facts, the events behind it (identifying parts per your field policy)', params: IdParams, response: { 200: AlertDetail } } },
    async (req) => c.alerts.get(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/monitoring/alerts/:id/close',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Close an open alert with a reason (at least 10 characters)', params: IdParams, body: CloseAlertRequest, response: { 200: AlertDetail } } },
    async (req) => c.alerts.close(req.actor, memberOf(req), req.params.id, req.body.reason),
  );

  t.post(
    '/api/v1/monitoring/alerts/:id/escalate',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Escalate an open alert to a new case or to an existing open case', params: IdParams, body: EscalateRequest, response: { 200: EscalateResult } } },
    async (req) => c.alerts.escalate(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.get(
    '/api/v1/traders/:id/alerts',
    { config: { permission: 'monitoring.read' }, schema: { tags: ['traders', 'monitoring'], summary: "A trader's monitoring alerts (profile section)", params: IdParams, response: { 200: TraderAlerts } } },
    async (req) => ({ alerts: await c.alerts.ofTrader(req.actor, memberOf(req), req.params.id) }),
  );
}
