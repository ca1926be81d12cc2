// POST /api/v1/monitoring/events: the trading engine's signed event webhook. Public (no staff session), but every
// request must carry a fresh HMAC signature over its exact bytes (checked before the body is even parsed as our
// schema), a signature is accepted once, and an Idempotency-Key makes the sender's retries safe.
import { ErrorCode } from '../../../../contracts/errors.js';
import { EventBatchRequest, EventBatchResult, MAX_WEBHOOK_BYTES } from '../../../../contracts/monitoring-events.js';
import type { Container } from '../../../container.js';
import { AppError } from '../../../platform/http/errors.js';
import { systemContext } from '../../../platform/http/request-context.js';
import type { TypedApp } from '../../../platform/http/typed-app.js';
import { signedWebhookHooks } from '../../support/index.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** Registers the exchange's event webhook. */
export function registerIngestRoutes(t: TypedApp, c: Container): void {
  t.post(
    '/api/v1/monitoring/events',
    {
      // The exchange sends large batches, not many requests: this bounds a misbehaving sender, not the throughput.
      config: { public: true, rateLimit: { max: 1200, timeWindow: '1 minute' } },
      ...signedWebhookHooks({
        bodyLimit: MAX_WEBHOOK_BYTES,
        secret: () => c.monitoringIngest.webhookSecret,
        notConfigured: 'The exchange event webhook is not configured (EXCHANGE_WEBHOOK_SECRET)',
        now: () => c.clock.now(),
        onRejected: (req, reason) => c.monitoringIngest.rejectWebhook(req.actor, reason),
      }),
      schema: {
        tags: ['monitoring'],
        summary: "The trading engine's events (HMAC-signed, replay-protected, Idempotency-Key required; per-event results; see docs/monitoring-ingestion.md)",
        body: EventBatchRequest,
        response: { 200: EventBatchResult },
      },
    },
    async (req) => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw new AppError(ErrorCode.validation, 400, 'Send an Idempotency-Key header (1 to 128 letters, digits and . _ : -)', { fieldErrors: [{ path: 'headers.idempotency-key', message: 'required' }] });
      }
      // The events are the exchange's, relayed by this request: the actor is the exchange (with the caller's IP).
      const ctx = { ...systemContext('exchange:webhook'), ip: req.actor.ip, requestId: req.actor.requestId };
      const r = await c.monitoringIngest.ingestWebhook(ctx, { signatureSha256: req.inboundSignature!, idempotencyKey: key, body: req.inboundRaw!, events: req.body.events });
      const { storedAt: _storedAt, ...result } = r;
      return result;
    },
  );
}
