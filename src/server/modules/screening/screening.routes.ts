// Screening routes: /api/v1/screening/* (status, review queue, hits and decisions, a trader's screenings,
// counterparties, evidence). Thin: validate, call one service function. List versions are the lists part's routes.
//
// Permissions: reading is `screening.read`; screening a trader now, screening counterparties and deciding hits are
// `screening.review` (they write evidence and open or close hits: a compliance action, not KYC intake, so not
// `kyc.submit`, which second-line support holds); confirming a match also needs step-up, because it files the
// request to freeze the account.
import { z } from 'zod';
import { DecideRequest, DecideResult, EvidenceDocument, HitDetail, HitPage, HitQueueQuery, ScreeningStatus, ScreenResult, TraderScreening } from '../../../contracts/screening.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });

/** Registers /api/v1/screening/*. */
export function registerScreeningRoutes(t: TypedApp, c: Container): void {
  const tags = ['screening'];

  t.get(
    '/api/v1/screening/status',
    { config: { permission: 'screening.read' }, schema: { tags, summary: 'Lists loaded, their versions, algorithm, threshold, open hits, the last re-screening', response: { 200: ScreeningStatus } } },
    async (req) => c.screening.status(req.actor, memberOf(req)),
  );

  t.get(
    '/api/v1/screening/hits',
    { config: { permission: 'screening.read' }, schema: { tags, summary: 'The review queue: hits oldest first, by status, list and minimum score', querystring: HitQueueQuery, response: { 200: HitPage } } },
    async (req) => c.screening.queue(req.actor, memberOf(req), req.query),
  );

  t.get(
    '/api/v1/screening/hits/:id',
    { config: { permission: 'screening.read' }, schema: { tags, summary: 'One hit with its explanation and decisions', params: IdParams, response: { 200: HitDetail } } },
    async (req) => c.screening.hit(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/screening/hits/:id/false-positive',
    {
      config: { permission: 'screening.review' },
      schema: { tags, summary: 'Clear a hit as a false positive (rationale required; remembered until the subject or the list entry changes)', params: IdParams, body: DecideRequest, response: { 200: DecideResult } },
    },
    async (req) => c.screening.falsePositive(req.actor, memberOf(req), req.params.id, req.body.reason),
  );

  t.post(
    '/api/v1/screening/hits/:id/confirm',
    {
      config: { permission: 'screening.review', stepUp: true },
      schema: { tags, summary: 'Confirm a hit as a true match (reason required): files a four-eyes request to freeze the account', params: IdParams, body: DecideRequest, response: { 200: DecideResult } },
    },
    async (req) => c.screening.confirm(req.actor, memberOf(req), req.params.id, req.body.reason),
  );

  t.get(
    '/api/v1/screening/traders/:id',
    { config: { permission: 'screening.read' }, schema: { tags, summary: "A trader's screening: status, last screened, recent screenings, hits", params: IdParams, response: { 200: TraderScreening } } },
    async (req) => c.screening.ofTrader(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/screening/traders/:id/screen',
    { config: { permission: 'screening.review' }, schema: { tags, summary: 'Screen the trader, directors, UBOs and wallets now against the active lists', params: IdParams, response: { 200: ScreenResult } } },
    async (req) => c.screening.screenNow(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/screening/traders/:id/counterparties',
    {
      config: { permission: 'screening.review' },
      schema: { tags, summary: "Screen the addresses of the trader's deposits and withdrawals (read from the exchange)", params: IdParams, response: { 200: ScreenResult } },
    },
    async (req) => c.screening.screenCounterparties(req.actor, memberOf(req), req.params.id),
  );

  t.get(
    '/api/v1/screening/traders/:id/evidence',
    { config: { permission: 'screening.read' }, schema: { tags, summary: 'Every screening of a trader as one JSON document (proof that a check ran on a given date)', params: IdParams, response: { 200: EvidenceDocument } } },
    async (req, reply) => {
      const doc = await c.screening.evidence(req.actor, memberOf(req), req.params.id);
      return reply.header('content-disposition', `attachment; filename="screening-evidence-${doc.trader.id}.json"`).send(doc);
    },
  );
}
