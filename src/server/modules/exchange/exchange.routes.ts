// /api/v1/traders/:id/exchange/* (read-only sections, containment) and
// /api/v1/exchange/connection. Thin: validate, call one service function.
import { z } from 'zod';
import {
  ConnectionStatus,
  ConnectionUpdate,
  ContainmentRequest,
  ContainmentResult,
  EXCHANGE_SECTIONS,
  SECTION_ANSWERS,
  SECTION_PATHS,
} from '../../../contracts/exchange.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing trader (404), never 400 or 500.
const TraderParams = z.object({ id: z.string() });
const KeyParams = z.object({ id: z.string(), keyId: z.string().max(200) });

/** Registers the exchange routes. */
export function registerExchangeRoutes(t: TypedApp, c: Container): void {
  const tags = ['exchange'];
  for (const section of EXCHANGE_SECTIONS) {
    t.get(
      `/api/v1/traders/:id/exchange/${SECTION_PATHS[section]}`,
      {
        // trader.read on the route; the section rule (openSection) adds exchange.read and the field class.
        config: { permission: 'trader.read' },
        schema: {
          tags,
          summary: `The trader's ${section} at the exchange, masked per your roles; stale (with its time) when the exchange is down`,
          params: TraderParams,
          response: { 200: SECTION_ANSWERS[section] },
        },
      },
      async (req) => c.exchange.view(req.actor, memberOf(req), req.params.id, section),
    );
  }

  const containment = { config: { permission: 'incident.manage' as const, stepUp: true } };
  t.post(
    '/api/v1/traders/:id/exchange/freeze',
    { ...containment, schema: { tags, summary: 'Freeze the account at the exchange (containment; reason and step-up)', params: TraderParams, body: ContainmentRequest, response: { 200: ContainmentResult } } },
    async (req) => c.exchange.freeze(req.actor, memberOf(req), req.params.id, req.body.reason),
  );
  t.post(
    '/api/v1/traders/:id/exchange/unfreeze',
    { ...containment, schema: { tags, summary: 'Unfreeze the account at the exchange (reason and step-up)', params: TraderParams, body: ContainmentRequest, response: { 200: ContainmentResult } } },
    async (req) => c.exchange.unfreeze(req.actor, memberOf(req), req.params.id, req.body.reason),
  );
  t.post(
    '/api/v1/traders/:id/exchange/end-sessions',
    { ...containment, schema: { tags, summary: "End every session of the trader's account at the exchange", params: TraderParams, body: ContainmentRequest, response: { 200: ContainmentResult } } },
    async (req) => c.exchange.endSessions(req.actor, memberOf(req), req.params.id, req.body.reason),
  );
  t.post(
    '/api/v1/traders/:id/exchange/api-keys/:keyId/revoke',
    { ...containment, schema: { tags, summary: 'Revoke one of the trader\'s API keys at the exchange', params: KeyParams, body: ContainmentRequest, response: { 200: ContainmentResult } } },
    async (req) => c.exchange.revokeApiKey(req.actor, memberOf(req), req.params.id, req.params.keyId, req.body.reason),
  );

  t.get(
    '/api/v1/exchange/connection',
    {
      config: { permission: 'exchange.configure' },
      schema: { tags, summary: 'The exchange connection: URL, key id, when and by whom it was set, breaker state (never the secret)', response: { 200: ConnectionStatus } },
    },
    async (req) => c.exchange.connection(req.actor),
  );
  t.put(
    '/api/v1/exchange/connection',
    {
      config: { permission: 'exchange.configure', stepUp: true },
      schema: { tags, summary: 'Set the exchange connection; the secret is write-only (stored encrypted, never shown again)', body: ConnectionUpdate, response: { 200: ConnectionStatus } },
    },
    async (req) => c.exchange.setConnection(req.actor, req.body, memberOf(req).id, { requireReason: true }),
  );
}
