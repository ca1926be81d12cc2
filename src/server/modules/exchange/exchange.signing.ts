// Request signing between Bulwark and the exchange: HMAC-SHA256 over a canonical string that names the key id,
// the time, a single-use nonce, the method, the path (with query) and the SHA-256 of the body, so a captured
// request cannot be replayed (nonce + ±30 s window), moved to another path or given another body.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'BULWARK-HMAC-SHA256-V1';

export const HEADERS = {
  keyId: 'x-bulwark-key-id',
  timestamp: 'x-bulwark-timestamp',
  nonce: 'x-bulwark-nonce',
  signature: 'x-bulwark-signature',
  idempotencyKey: 'idempotency-key',
} as const;

/** How far a request's timestamp may be from the receiver's clock. */
export const MAX_SKEW_MS = 30_000;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export interface SignedParts {
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/accounts/ACC-1/balances`. */
  path: string;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
  nonce: string;
  keyId: string;
  /** The raw body bytes ('' for none). */
  body: string | Uint8Array;
}

/** The canonical string both sides sign (one field per line; see docs/integrations/exchange-api.md). */
export function signingString(p: SignedParts): string {
  const bodyHash = createHash('sha256').update(p.body).digest('hex');
  return [SIGNATURE_VERSION, p.keyId, p.timestamp, p.nonce, p.method.toUpperCase(), p.path, bodyHash].join('\n');
}

/** The hex HMAC-SHA256 of the signing string under the shared secret. */
export function sign(secret: string, p: SignedParts): string {
  return createHmac('sha256', secret).update(signingString(p)).digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(secret: string, p: SignedParts, given: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(sign(secret, p), 'hex'), Buffer.from(given, 'hex'));
}

/** A fresh single-use nonce (128 bits). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** The headers of a signed request. */
export function signedHeaders(secret: string, p: Omit<SignedParts, 'timestamp' | 'nonce'>, nowMs: number): Record<string, string> {
  const parts = { ...p, timestamp: String(nowMs), nonce: newNonce() };
  return {
    [HEADERS.keyId]: p.keyId,
    [HEADERS.timestamp]: parts.timestamp,
    [HEADERS.nonce]: parts.nonce,
    [HEADERS.signature]: sign(secret, parts),
  };
}
