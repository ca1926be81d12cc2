// The HTTP adapter of the connector: signed requests (exchange.signing.ts), a timeout per attempt, retries with
// exponential backoff, and a circuit breaker, all from cockatiel.
//
// - Reads are retried on transient failures (network error, timeout, 429, 5xx); a 4xx answer is final.
// - Writes carry an Idempotency-Key, one per logical call and the same on every attempt: only because of it
//   are they retried (the exchange answers a repeated key with the first answer instead of acting twice).
// - The breaker counts transient failures only; once open, calls fail at once (no request leaves) until the
//   half-open probe succeeds. The service then shows the last good answer marked stale.
// - An answer is parsed with the method's allow-list schema (connector WIRE): unknown fields, such as an API
//   secret a careless exchange sends anyway, never get past this file. Bodies are size-limited.
import { randomUUID } from 'node:crypto';
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  noJitterGenerator,
  retry,
  wrap,
} from 'cockatiel';
import type { z } from 'zod';
import { BREAKER_STATES } from '../../../contracts/exchange.js';
import { ExchangeError, routePath, ROUTES, WIRE, type ConnectorMethod, type ExchangeConnector } from './exchange.connector.js';
import { HEADERS, signedHeaders } from './exchange.signing.js';

export interface HttpConnectorOptions {
  baseUrl: string;
  keyId: string;
  secret: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts in all (first try included). */
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Consecutive transient failures that open the breaker. */
  breakerThreshold?: number;
  halfOpenAfterMs?: number;
  now?: () => number;
  /** Called before each retry with the delay it waits (tests, metrics). */
  onRetry?: (delayMs: number, attempt: number) => void;
}

export const DEFAULTS = { timeoutMs: 3000, maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 2000, breakerThreshold: 5, halfOpenAfterMs: 30_000 } as const;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export type BreakerState = (typeof BREAKER_STATES)[number];

function transient(err: unknown): boolean {
  return err instanceof ExchangeError && err.kind === 'unavailable';
}

/** Builds the HTTP connector and a view of its breaker. */
export function createHttpConnector(o: HttpConnectorOptions): { connector: ExchangeConnector; breakerState(): BreakerState } {
  const opts = { ...DEFAULTS, ...o };
  const base = opts.baseUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;

  const breaker = circuitBreaker(handleWhen(transient), {
    halfOpenAfter: opts.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(opts.breakerThreshold),
  });
  const retrying = retry(handleWhen(transient), {
    maxAttempts: opts.maxAttempts - 1,
    backoff: new ExponentialBackoff({ generator: noJitterGenerator, initialDelay: opts.initialDelayMs, maxDelay: opts.maxDelayMs }),
  });
  if (opts.onRetry) retrying.onRetry((e) => opts.onRetry!(e.delay, e.attempt));
  // Retry outside, breaker inside: every attempt counts for the breaker, and an open breaker is not retried.
  const policy = wrap(retrying, breaker);

  async function attempt(method: string, path: string, body: string, idempotencyKey: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...signedHeaders(opts.secret, { method, path, keyId: opts.keyId, body }, now()),
    };
    if (body) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers[HEADERS.idempotencyKey] = idempotencyKey;
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body || null,
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
      throw new ExchangeError('unavailable', timedOut ? 'the exchange did not answer in time' : 'the exchange could not be reached');
    }
    const text = await readLimited(res);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) return json;
    const code = typeof (json as { code?: unknown })?.code === 'string' ? String((json as { code: string }).code).slice(0, 64) : undefined;
    if (res.status === 429 || res.status >= 500) throw new ExchangeError('unavailable', `the exchange answered ${res.status}`, res.status, code);
    if (res.status === 404) throw new ExchangeError('not_found', 'the exchange does not know this account or key', res.status, code);
    throw new ExchangeError('rejected', `the exchange refused the request (${res.status}${code ? ` ${code}` : ''})`, res.status, code);
  }

  async function call<M extends ConnectorMethod>(m: M, accountRef: string, opt: { keyId?: string; body?: unknown } = {}): Promise<z.infer<(typeof WIRE)[M]>> {
    const route = ROUTES[m];
    const path = routePath(m, accountRef, opt.keyId);
    const body = opt.body === undefined ? '' : JSON.stringify(opt.body);
    // One key per logical write, the same on every retry (see the file comment).
    const idempotencyKey = route.method === 'GET' ? undefined : randomUUID();
    let json: unknown;
    try {
      json = await policy.execute(() => attempt(route.method, path, body, idempotencyKey));
    } catch (err) {
      if (isBrokenCircuitError(err)) throw new ExchangeError('unavailable', 'the exchange is unavailable (circuit open)');
      throw err;
    }
    const parsed = WIRE[m].safeParse(json);
    if (!parsed.success) throw new ExchangeError('invalid_response', `the exchange's answer to ${m} does not follow the contract`);
    return parsed.data as z.infer<(typeof WIRE)[M]>;
  }

  const connector: ExchangeConnector = {
    balances: async (ref) => (await call('balances', ref)).balances,
    openOrders: async (ref) => (await call('openOrders', ref)).orders,
    recentTrades: async (ref) => (await call('recentTrades', ref)).trades,
    deposits: async (ref) => (await call('deposits', ref)).deposits,
    withdrawals: async (ref) => (await call('withdrawals', ref)).withdrawals,
    securityEvents: async (ref) => (await call('securityEvents', ref)).events,
    securitySettings: async (ref) => call('securitySettings', ref),
    apiKeys: async (ref) => (await call('apiKeys', ref)).apiKeys,
    antiPhishingCode: async (ref) => (await call('antiPhishingCode', ref)).code,
    dailyLimits: async (ref) => (await call('dailyLimits', ref)).limits,
    freezeAccount: async (ref) => void (await call('freezeAccount', ref, { body: {} })),
    unfreezeAccount: async (ref) => void (await call('unfreezeAccount', ref, { body: {} })),
    revokeApiKey: async (ref, keyId) => void (await call('revokeApiKey', ref, { keyId, body: {} })),
    endSessions: async (ref) => (await call('endSessions', ref, { body: {} })).ended,
    setWithdrawalLimit: async (ref, limit) => void (await call('setWithdrawalLimit', ref, { body: limit })),
  };

  const STATE_NAMES: Record<CircuitState, BreakerState> = {
    [CircuitState.Closed]: 'closed',
    [CircuitState.Open]: 'open',
    [CircuitState.HalfOpen]: 'half_open',
    [CircuitState.Isolated]: 'isolated',
  };
  return { connector, breakerState: () => STATE_NAMES[breaker.state] };
}

async function readLimited(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new ExchangeError('invalid_response', 'the exchange sent an answer larger than allowed');
  }
  // Read chunk by chunk and stop at the limit: an answer without Content-Length must not be buffered whole first.
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ExchangeError('invalid_response', 'the exchange sent an answer larger than allowed');
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks).toString('utf8');
}
