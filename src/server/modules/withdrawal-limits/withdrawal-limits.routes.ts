// /api/v1/withdrawal-limits/* (the requests: list, one, approve, reject, retry), /api/v1/traders/:id/withdrawal-limits
// (a trader's limits now, an increase request, a decrease now) and the exchange's signed request on a trader's
// behalf, /api/v1/exchange/inbound/withdrawal-limit-requests. Thin: validate, call one service function.
import { z } from 'zod';
import {
  InboundWithdrawalLimitAnswer,
  InboundWithdrawalLimitRequest,
  TraderWithdrawalLimits,
  WithdrawalLimitChange,
  WithdrawalLimitDecision,
  WithdrawalLimitList,
  WithdrawalLimitListQuery,
  WithdrawalLimitRequestView,
} from '../../../contracts/withdrawal-limits.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { signedWebhookHooks } from '../support/index.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(100) });
const INBOUND_BODY_LIMIT = 16 * 1024;

/** Registers the withdrawal-limit routes. */
export function registerWithdrawalLimitRoutes(t: TypedApp, c: Container): void {
  const tags = ['withdrawal-limits'];
  const s = c.withdrawalLimits;

  t.get(
    '/api/v1/withdrawal-limits',
    {
      // Everyone who may file a request sees the list; reasons only for compliance and the member who wrote them.
      config: { permission: 'withdrawal_limit.request' },
      schema: { tags, summary: 'Withdrawal-limit requests, newest first (filters: status, source, trader; keyset pages)', querystring: WithdrawalLimitListQuery, response: { 200: WithdrawalLimitList } },
    },
    async (req) => s.list(req.actor, memberOf(req), req.query),
  );
  t.get(
    '/api/v1/withdrawal-limits/:id',
    { config: { permission: 'withdrawal_limit.request' }, schema: { tags, summary: 'One withdrawal-limit request', params: IdParams, response: { 200: WithdrawalLimitRequestView } } },
    async (req) => s.get(req.actor, memberOf(req), req.params.id),
  );

  // Deciding: only withdrawal_limit.approve (compliance_senior), with a second factor from the last 5 minutes.
  const decide = { config: { permission: 'withdrawal_limit.approve' as const, stepUp: true } };
  t.post(
    '/api/v1/withdrawal-limits/:id/approve',
    {
      ...decide,
      schema: {
        tags,
        summary: "Approve an increase another member (or the trader) asked for; the limit is set at the exchange at once (status applied, or failed with the exchange's error code)",
        params: IdParams,
        body: WithdrawalLimitDecision,
        response: { 200: WithdrawalLimitRequestView },
      },
    },
    async (req) => s.approve(req.actor, memberOf(req), req.params.id, req.body.reason),
  );
  t.post(
    '/api/v1/withdrawal-limits/:id/reject',
    { ...decide, schema: { tags, summary: 'Reject a pending increase (or close a failed one)', params: IdParams, body: WithdrawalLimitDecision, response: { 200: WithdrawalLimitRequestView } } },
    async (req) => s.reject(req.actor, memberOf(req), req.params.id, req.body.reason),
  );
  t.post(
    '/api/v1/withdrawal-limits/:id/retry',
    { ...decide, schema: { tags, summary: 'Set an approved increase whose application at the exchange failed, again', params: IdParams, response: { 200: WithdrawalLimitRequestView } } },
    async (req) => s.retry(req.actor, memberOf(req), req.params.id),
  );

  t.get(
    '/api/v1/traders/:id/withdrawal-limits',
    {
      config: { permission: 'withdrawal_limit.request' },
      schema: { tags, summary: "The trader's daily withdrawal limits at the exchange now, and the requests about them", params: IdParams, response: { 200: TraderWithdrawalLimits } },
    },
    async (req) => s.forTrader(req.actor, memberOf(req), req.params.id),
  );
  t.post(
    '/api/v1/traders/:id/withdrawal-limits/requests',
    {
      config: { permission: 'withdrawal_limit.request' },
      schema: {
        tags,
        summary: 'Request a higher daily withdrawal limit (with a reason): nothing changes at the exchange until a compliance senior approves',
        params: IdParams,
        body: WithdrawalLimitChange,
        response: { 201: WithdrawalLimitRequestView },
      },
    },
    async (req, reply) => reply.code(201).send(await s.requestIncrease(req.actor, memberOf(req), req.params.id, req.body)),
  );
  t.post(
    '/api/v1/traders/:id/withdrawal-limits/decrease',
    {
      config: { permission: 'withdrawal_limit.decrease' },
      schema: {
        tags,
        summary: 'Lower a daily withdrawal limit at once for a risk reason (reason required; only below the current limit)',
        params: IdParams,
        body: WithdrawalLimitChange,
        response: { 201: WithdrawalLimitRequestView },
      },
    },
    async (req, reply) => reply.code(201).send(await s.decrease(req.actor, memberOf(req), req.params.id, req.body)),
  );

  // The exchange, on a trader's behalf: HMAC-signed (EXCHANGE_WEBHOOK_SECRET), timestamp within ±5 minutes, each
  // signature accepted once; the signature is checked over the raw bytes before the body is even validated.
  t.post(
    '/api/v1/exchange/inbound/withdrawal-limit-requests',
    {
      config: { public: true, rateLimit: { max: 300, timeWindow: '1 minute' } },
      ...signedWebhookHooks({
        bodyLimit: INBOUND_BODY_LIMIT,
        secret: () => s.webhookSecret,
        notConfigured: 'Requests from the exchange are not configured (EXCHANGE_WEBHOOK_SECRET)',
        now: () => c.clock.now(),
        onRejected: (req, reason) => s.rejectInbound(req.actor, reason),
      }),
      schema: {
        tags,
        summary: "A trader's request for a higher withdrawal limit, sent by the exchange (signed; the exchange's request id is the idempotency key)",
        body: InboundWithdrawalLimitRequest,
        response: { 202: InboundWithdrawalLimitAnswer },
      },
    },
    async (req, reply) => reply.code(202).send(await s.inbound(req.actor, req.inboundSignature!, req.body)),
  );
}
