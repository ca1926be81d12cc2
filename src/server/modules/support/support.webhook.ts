// Signed inbound webhooks. The sender (the exchange's backend, the mail gateway) signs each request:
//   X-Bulwark-Timestamp: <unix seconds>
//   X-Bulwark-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// The signature covers the exact bytes received (verified before the JSON is even validated), the timestamp must
// be within ±5 minutes of our clock, and a signature is accepted once (support_inbound_nonce), so a captured
// request cannot be replayed. Comparison is constant-time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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
