// The minimal trader read path (the trader-profile issue builds the full profile on it): one trader, a page of
// traders, and revealing one masked field. Every answer is masked per the member's roles.
import { z } from 'zod';
import { RevealRequest, RevealResponse, TraderListQuery, TraderPage, TraderView } from '../../../contracts/traders.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from './traders.member.js';

// Any string: a malformed id is answered like a missing trader (404), never 400 or 500.
const TraderParams = z.object({ id: z.string() });

/** Registers /api/v1/traders/*. */
export function registerTraderRoutes(t: TypedApp, c: Container): void {
  const member = memberOf;

  t.get(
    '/api/v1/traders',
    {
      config: { permission: 'trader.read' },
      schema: { tags: ['traders'], summary: 'A page of traders, masked per your roles', querystring: TraderListQuery, response: { 200: TraderPage } },
    },
    async (req) => c.traders.list(req.actor, member(req), req.query),
  );

  t.get(
    '/api/v1/traders/:id',
    {
      config: { permission: 'trader.read' },
      schema: { tags: ['traders'], summary: 'One trader, masked per your roles (404 for missing and forbidden alike)', params: TraderParams, response: { 200: TraderView } },
    },
    async (req) => c.traders.get(req.actor, member(req), req.params.id),
  );

  t.post(
    '/api/v1/traders/:id/reveal',
    {
      config: { permission: 'trader.reveal', stepUp: true },
      schema: {
        tags: ['traders'],
        summary: 'Reveal one masked field (a class your role holds as "reveal"); needs a reason and step-up; rate-limited',
        params: TraderParams,
        body: RevealRequest,
        response: { 200: RevealResponse },
      },
    },
    async (req) => c.traders.reveal(req.actor, member(req), req.params.id, req.body.field, req.body.reason),
  );
}
