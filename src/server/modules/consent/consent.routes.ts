// Consent over HTTP: a trader's consents (the profile's 'consents' section), recording a change on the trader's
// behalf, the public unsubscribe link, and marketing segments with their audience. Thin: validate, call one
// service function, present.
import { z } from 'zod';
import {
  AudiencePage,
  AudienceQuery,
  RecordConsentRequest,
  Segment,
  SegmentInput,
  SegmentList,
  SegmentPatch,
  TraderConsents,
  UnsubscribeInfo,
  UnsubscribeQuery,
  UnsubscribeRequest,
  UnsubscribeResult,
} from '../../../contracts/consent.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing record (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(100) });

/** Registers /api/v1/traders/:id/consents, /api/v1/public/unsubscribe and /api/v1/marketing/segments/*. */
export function registerConsentRoutes(t: TypedApp, c: Container): void {
  // A public link is a guessing target: a tight per-address limit on top of the global one, as for the
  // other one-time links.
  const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };

  t.get(
    '/api/v1/traders/:id/consents',
    {
      config: { permission: 'consent.read' },
      schema: { tags: ['consent'], summary: "A trader's consent per category and its history", params: IdParams, response: { 200: TraderConsents } },
    },
    async (req) => c.consent.view(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/traders/:id/consents',
    {
      config: { permission: 'consent.manage' },
      schema: {
        tags: ['consent'],
        summary: "Record a trader's consent or opt-out on their behalf (source support; wording version and reason required)",
        params: IdParams,
        body: RecordConsentRequest,
        response: { 201: TraderConsents },
      },
    },
    async (req, reply) => reply.code(201).send(await c.consent.record(req.actor, memberOf(req), req.params.id, req.body)),
  );

  // POST, not GET with a query string: the token is a bearer credential for the opt-out and must never reach
  // access logs or a proxy's URL log (the page reads it from the link's fragment).
  t.post(
    '/api/v1/public/unsubscribe/lookup',
    {
      config: { public: true, ...strict },
      schema: { tags: ['consent'], summary: 'What an unsubscribe link is about (its category only)', body: UnsubscribeQuery, response: { 200: UnsubscribeInfo } },
    },
    async (req) => c.consent.openUnsubscribe(req.actor, req.body.token),
  );

  t.post(
    '/api/v1/public/unsubscribe',
    {
      config: { public: true, ...strict },
      schema: { tags: ['consent'], summary: 'Opt out through a signed link (idempotent)', body: UnsubscribeRequest, response: { 200: UnsubscribeResult } },
    },
    async (req) => c.consent.unsubscribe(req.actor, req.body.token),
  );

  t.get(
    '/api/v1/marketing/segments',
    { config: { permission: 'marketing.audience.read' }, schema: { tags: ['marketing'], summary: 'Marketing segments', response: { 200: SegmentList } } },
    async (req) => ({ segments: await c.marketing.list(req.actor) }),
  );

  t.post(
    '/api/v1/marketing/segments',
    {
      config: { permission: 'marketing.segment.manage' },
      schema: { tags: ['marketing'], summary: 'Create a segment', body: SegmentInput, response: { 201: Segment } },
    },
    async (req, reply) => reply.code(201).send(await c.marketing.create(req.actor, memberOf(req), req.body)),
  );

  t.patch(
    '/api/v1/marketing/segments/:id',
    {
      config: { permission: 'marketing.segment.manage' },
      schema: { tags: ['marketing'], summary: "Change a segment's definition", params: IdParams, body: SegmentPatch, response: { 200: Segment } },
    },
    async (req) => c.marketing.update(req.actor, req.params.id, req.body),
  );

  t.delete(
    '/api/v1/marketing/segments/:id',
    {
      config: { permission: 'marketing.segment.manage' },
      schema: { tags: ['marketing'], summary: 'Delete a segment', params: IdParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await c.marketing.remove(req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );

  t.get(
    '/api/v1/marketing/segments/:id/audience',
    {
      config: { permission: 'marketing.audience.read' },
      schema: {
        tags: ['marketing'],
        summary: 'The consenting traders of a segment: display name and e-mail only, with the count; keyset-paginated',
        params: IdParams,
        querystring: AudienceQuery,
        response: { 200: AudiencePage },
      },
    },
    async (req) => c.marketing.audience(req.actor, memberOf(req), req.params.id, req.query),
  );
}
