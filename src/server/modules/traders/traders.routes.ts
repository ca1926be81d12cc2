// The minimal trader read path (the trader-profile issue builds the full profile on it): one trader, a page of
// traders, and revealing one masked field. Every answer is masked per the member's roles.
import { z } from 'zod';
import {
  NewTraderNote,
  NewTraderNoteResult,
  ProfileView,
  RevealRequest,
  RevealResponse,
  TimelinePage,
  TimelineQuery,
  TraderListQuery,
  TraderNotes,
  TraderPage,
  TraderSearchRequest,
  TraderUpdateRequest,
  TraderView,
} from '../../../contracts/traders.js';
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
      schema: {
        tags: ['traders'],
        summary: 'A page of traders (filters: status, country, risk, KYC state, VIP), masked per your roles',
        querystring: TraderListQuery,
        response: { 200: TraderPage },
      },
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

  t.patch(
    '/api/v1/traders/:id',
    {
      config: { permission: 'trader.update', stepUp: true },
      schema: {
        tags: ['traders'],
        summary: "Change a trader's legal name, e-mail, phone, country or date of birth (reason and step-up; screened fields re-run screening)",
        params: TraderParams,
        body: TraderUpdateRequest,
        response: { 200: TraderView },
      },
    },
    async (req) => {
      const { reason, ...patch } = req.body;
      return c.traders.update(req.actor, member(req), req.params.id, patch, reason);
    },
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

  t.post(
    '/api/v1/traders/search',
    {
      config: { permission: 'trader.search' },
      schema: {
        tags: ['traders'],
        summary: 'Exact-match search by email, phone, legal name, account reference or wallet address (blind indexes; the value is never logged)',
        body: TraderSearchRequest,
        response: { 200: TraderPage },
      },
    },
    async (req) => c.traders.search(req.actor, member(req), req.body.by, req.body.value),
  );

  t.get(
    '/api/v1/traders/:id/profile',
    {
      config: { permission: 'trader.read' },
      schema: { tags: ['traders'], summary: 'The profile page: the trader, the sections you may see, KYC state and risk where shown', params: TraderParams, response: { 200: ProfileView } },
    },
    async (req) => c.traders.profile(req.actor, member(req), req.params.id),
  );

  t.get(
    '/api/v1/traders/:id/notes',
    {
      config: { permission: 'trader.read' },
      schema: { tags: ['traders'], summary: 'Staff notes on a trader, newest first', params: TraderParams, response: { 200: TraderNotes } },
    },
    async (req) => ({ notes: await c.traders.notes(req.actor, member(req), req.params.id) }),
  );

  t.post(
    '/api/v1/traders/:id/notes',
    {
      config: { permission: 'trader.note.write' },
      schema: {
        tags: ['traders'],
        summary: 'Add a note; secrets (seed phrases, private keys, API secrets, card numbers) are redacted before storage and named in `redacted`',
        params: TraderParams,
        body: NewTraderNote,
        response: { 201: NewTraderNoteResult },
      },
    },
    async (req, reply) => {
      const out = await c.traders.addNote(req.actor, member(req), req.params.id, req.body.body);
      return reply.code(201).send(out);
    },
  );

  t.get(
    '/api/v1/traders/:id/timeline',
    {
      config: { permission: 'trader.timeline.read' },
      schema: {
        tags: ['traders'],
        summary: 'The trader timeline: exchange security events, staff actions from the audit log, tickets (newest first; filter by kinds)',
        params: TraderParams,
        querystring: TimelineQuery,
        response: { 200: TimelinePage },
      },
    },
    async (req) => c.traders.timeline(req.actor, member(req), req.params.id, req.query),
  );
}
