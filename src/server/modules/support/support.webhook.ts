// Signed inbound webhooks. The sender (the exchange's backend, the mail gateway) signs each request:
//   X-Bulwark-Timestamp: <unix seconds>
//   X-Bulwark-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// The signature covers the exact bytes received (verified before the JSON is even validated), the timestamp must
// be within ±5 minutes of our clock, and a signature is accepted once (support_inbound_nonce), so a captured
// request cannot be replayed. Comparison is constant-time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../../contracts/errors.js';
import { AppError } from '../../platform/http/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a signed inbound request (set by signed-webhook routes only). */
    inboundRaw?: Buffer;
    inboundSignature?: string;
  }
}

export const TIMESTAMP_HEADER = 'x-bulwark-timestamp';
export const SIGNATURE_HEADER = 'x-bulwark-signature';
/** How far a request's timestamp may be from our clock (either way). */
export const MAX_SKEW_MS = 5 * 60_000;

/** The signature header value for a body at a timestamp (senders and tests use this). */
export function signInbound(secret: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

export type VerifyResult = { ok: true; signatureSha256: string } | { ok: false; reason: 'missing' | 'timestamp' | 'signature' };

/** Verifies the headers of one request against the raw body; see the file comment. */
export function verifyInbound(secret: string, headers: Record<string, unknown>, raw: Buffer, now: Date): VerifyResult {
  const ts = headers[TIMESTAMP_HEADER];
  const sig = headers[SIGNATURE_HEADER];
  if (typeof ts !== 'string' || typeof sig !== 'string') return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) * 1000 - now.getTime()) > MAX_SKEW_MS) return { ok: false, reason: 'timestamp' };
  const m = /^sha256=([0-9a-f]{64})$/.exec(sig.trim());
  if (!m) return { ok: false, reason: 'signature' };
  const expected = Buffer.from(signInbound(secret, ts, raw).slice(7), 'hex');
  const given = Buffer.from(m[1]!, 'hex');
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
  return { ok: true, signatureSha256: createHash('sha256').update(m[1]!).digest('hex') };
}

/**
 * Route hooks of a signed webhook: the raw body is kept (preParsing, at most `bodyLimit` bytes) so the signature is
 * checked over the exact bytes, before validation (preValidation): an unsigned request learns nothing about the
 * schema. Sets req.inboundSignature (the SHA-256 of the signature, for replay protection). Used by the support
 * inbound routes and the KYC provider webhook.
 */
export function signedWebhookHooks(o: {
  bodyLimit: number;
  secret: () => string | undefined;
  /** The 503 message when no secret is configured (names the setting). */
  notConfigured: string;
  now: () => Date;
  /** Records the refusal (a security event) before the 401. */
  onRejected: (req: FastifyRequest, reason: string) => Promise<void>;
}) {
  return {
    bodyLimit: o.bodyLimit,
    preParsing: async (req: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > o.bodyLimit) throw new AppError(ErrorCode.payloadTooLarge, 413, 'The request is too large');
        chunks.push(chunk);
      }
      req.inboundRaw = Buffer.concat(chunks);
      return Readable.from([req.inboundRaw]);
    },
    preValidation: async (req: FastifyRequest) => {
      const secret = o.secret();
      if (!secret) throw new AppError(ErrorCode.inboundNotConfigured, 503, o.notConfigured);
      const v = verifyInbound(secret, req.headers, req.inboundRaw ?? Buffer.alloc(0), o.now());
      if (!v.ok) {
        await o.onRejected(req, v.reason);
        throw new AppError(ErrorCode.webhookSignatureInvalid, 401, 'The request signature is missing, stale or wrong');
      }
      req.inboundSignature = v.signatureSha256;
    },
  };
}
