// Sessions over HTTP: one's own (list, end any), a member's (session.manage), everyone's (session.manage,
// reason, step-up). Ids in URLs are opaque public ids, never tokens or token hashes.
import { z } from 'zod';
import { OptionalReasonBody, ReasonBody, SessionListResponse, SessionsEndedResponse } from '../../../contracts/staff.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const PublicId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a session id');

/** Registers /api/v1/sessions/* and /api/v1/staff/:id/sessions. */
export function registerSessionRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/sessions/mine',
    { config: { signedIn: true }, schema: { tags: ['sessions'], summary: 'My active sessions', response: { 200: SessionListResponse } } },
    async (req) => ({ sessions: await c.sessions.listMine(req.actor, { id: req.staff!.id, sessionIdHash: req.staff!.sessionIdHash }) }),
  );

  t.delete(
    '/api/v1/sessions/mine/:id',
    { config: { signedIn: true }, schema: { tags: ['sessions'], summary: 'End one of my sessions', params: z.object({ id: PublicId }), response: { 204: z.null() } } },
    async (req, reply) => {
      await c.sessions.endMine(req.actor, { id: req.staff!.id }, req.params.id);
      return reply.code(204).send(null);
    },
  );

  t.get(
    '/api/v1/staff/:id/sessions',
    { config: { permission: 'session.manage' }, schema: { tags: ['sessions'], summary: "A member's active sessions", params: z.object({ id: z.uuid() }), response: { 200: SessionListResponse } } },
    async (req) => ({ sessions: await c.sessions.listOf(req.actor, req.params.id) }),
  );

  t.delete(
    '/api/v1/staff/:id/sessions',
    {
      config: { permission: 'session.manage' },
      schema: { tags: ['sessions'], summary: "End every session of a member", params: z.object({ id: z.uuid() }), body: OptionalReasonBody, response: { 200: SessionsEndedResponse } },
    },
    async (req) => ({ ended: await c.sessions.endAllOf(req.actor, req.params.id, req.body?.reason) }),
  );

  t.post(
    '/api/v1/sessions/end-all',
    {
      config: { permission: 'session.manage', stepUp: true },
      schema: { tags: ['sessions'], summary: "End everyone's sessions except yours (incident response)", body: ReasonBody, response: { 200: SessionsEndedResponse } },
    },
    async (req) => ({ ended: await c.sessions.endEveryone(req.actor, req.body.reason) }),
  );
}
