// The reference exchange simulator (`bulwark exchange simulate`): a small Fastify app, separate from Bulwark,
// that implements the connector's HTTP contract (exchange.connector.ts ROUTES, docs/integrations/exchange-api.md)
// the way a real exchange must: it verifies the HMAC signature, refuses timestamps more than ±30 s off and
// nonces it has seen, and honours idempotency keys on writes. Data is synthetic and deterministic per account
// reference (a PRNG seeded from the reference), so any account reference works, including the demo traders of
// `bulwark demo seed`. Containment state (frozen accounts, revoked keys, ended sessions, withdrawal limits)
// lives in memory only.
import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type {
  ExchangeApiKey,
  ExchangeBalance,
  ExchangeOrder,
  ExchangeSecurityEvent,
  ExchangeSecuritySettings,
  ExchangeTrade,
  ExchangeTransfer,
} from '../../../contracts/exchange.js';
import { ROUTES, type ConnectorMethod } from './exchange.connector.js';
import { HEADERS, MAX_SKEW_MS, NONCE_PATTERN, signatureMatches } from './exchange.signing.js';

export interface SimulatorOptions {
  keyId: string;
  secret: string;
  /** The simulator's clock (tests move it to send "old" requests). */
  now?: () => number;
  /** Test only: also send a `secret` with every API key, as a careless exchange might. */
  leakApiSecrets?: boolean;
}

export interface Simulator {
  app: FastifyInstance;
  /** Requests that reached a route handler, i.e. passed signature checks (per method). */
  hits: Map<ConnectorMethod, number>;
  /** Every request received, refused or not. */
  received(): number;
  /** Answer the next n requests with this status (an outage, a rate limit), before any check. */
  failNext(n: number, status?: number): void;
  /** The base URL once listening. */
  url(): string;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

interface AccountState {
  frozen: boolean;
  revoked: Set<string>;
  sessions: number;
  limits: Map<string, string>;
  events: ExchangeSecurityEvent[];
}

// mulberry32: a tiny seeded PRNG; the same account reference always gives the same data.
function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'EUR'];
/** The exchange's default daily withdrawal limit per asset (an account without its own limit has these). */
export const DEFAULT_LIMITS: Readonly<Record<string, string>> = { BTC: '2', ETH: '30', USDT: '50000', USDC: '50000', SOL: '500', EUR: '50000' };
const MARKETS = ['BTC-EUR', 'ETH-EUR', 'SOL-USDT', 'ETH-BTC', 'BTC-USDT'];
const COUNTRIES = ['DE', 'FR', 'NL', 'PT', 'GB', 'SG', 'BR'];
// Data is dated back from a fixed anchor so it is the same on every run.
const ANCHOR = Date.parse('2026-11-20T12:00:00.000Z');
const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** The synthetic data of one account (deterministic; containment state is applied on top). */
export function syntheticAccount(ref: string) {
  const r = prng(ref);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const str = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
  const amount = (scale: number, dp = 8) => (r() * scale).toFixed(dp);
  const ago = (maxDays: number) => new Date(ANCHOR - int(maxDays * 86_400_000)).toISOString();
  const ip = () => `${pick([81, 88, 93, 185, 203])}.${int(256)}.${int(256)}.${1 + int(254)}`;

  const balances: ExchangeBalance[] = ASSETS.filter(() => r() < 0.7).map((asset) => ({ asset, available: amount(50), locked: amount(2) }));
  const orders: ExchangeOrder[] = Array.from({ length: int(5) }, (_, i) => ({
    orderId: `ord-${str(HEX, 12)}-${i}`,
    market: pick(MARKETS),
    side: pick(['buy', 'sell'] as const),
    type: pick(['limit', 'stop_limit'] as const),
    price: amount(60_000, 2),
    quantity: amount(3),
    filled: '0.00000000',
    status: 'open' as const,
    createdAt: ago(10),
  }));
  const trades: ExchangeTrade[] = Array.from({ length: 3 + int(8) }, (_, i) => ({
    tradeId: `trd-${str(HEX, 12)}-${i}`,
    orderId: `ord-${str(HEX, 12)}`,
    market: pick(MARKETS),
    side: pick(['buy', 'sell'] as const),
    price: amount(60_000, 2),
    quantity: amount(2),
    fee: amount(0.01),
    feeAsset: pick(ASSETS),
    executedAt: ago(30),
  }));
  const transfer = (prefix: string, i: number): ExchangeTransfer => ({
    transferId: `${prefix}-${str(HEX, 12)}-${i}`,
    asset: pick(ASSETS.slice(0, 5)),
    amount: amount(10),
    network: pick(['bitcoin', 'ethereum', 'solana', 'tron']),
    address: `0x${str(HEX, 40)}`,
    txHash: `0x${str(HEX, 64)}`,
    status: pick(['completed', 'completed', 'pending'] as const),
    at: ago(60),
  });
  const deposits = Array.from({ length: 1 + int(4) }, (_, i) => transfer('dep', i));
  const withdrawals = Array.from({ length: int(4) }, (_, i) => transfer('wdr', i));
  const twoFactorEnabled = r() < 0.8;
  const whitelist = Array.from({ length: int(3) }, () => ({
    asset: pick(ASSETS.slice(0, 4)),
    network: pick(['bitcoin', 'ethereum']),
    address: `0x${str(HEX, 40)}`,
    label: pick(['cold wallet', 'hardware wallet', 'exchange B']),
    addedAt: ago(200),
  }));
  const apiKeys: ExchangeApiKey[] = Array.from({ length: int(4) }, (_, i) => ({
    keyId: `key-${str(HEX, 16)}`,
    label: pick(['trading bot', 'portfolio tracker', 'tax report', 'market maker']) + ` ${i + 1}`,
    last4: str(ALNUM, 4),
    permissions: pick([['read'], ['read', 'trade'], ['read', 'trade', 'withdraw']] as const).slice(),
    ipWhitelist: r() < 0.5 ? [ip()] : [],
    createdAt: ago(300),
    lastUsedAt: r() < 0.7 ? ago(5) : null,
  }));
  const kinds = ['login', 'login', 'login', 'two_factor.disabled', 'two_factor.enabled', 'password.changed', 'api_key.created', 'withdrawal_address.added'] as const;
  const events: ExchangeSecurityEvent[] = Array.from({ length: 4 + int(6) }, (_, i) => {
    const kind = pick(kinds);
    return {
      eventId: `evt-${str(HEX, 16)}-${i}`,
      kind,
      occurredAt: ago(90),
      ip: ip(),
      country: pick(COUNTRIES),
      detail: kind === 'login' ? pick(['web, Firefox on Linux', 'mobile app, iOS', 'web, Chrome on Windows']) : null,
    };
  }).sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  const antiPhishingCode = r() < 0.75 ? str(ALNUM, 8) : null;
  return { balances, orders, trades, deposits, withdrawals, twoFactorEnabled, whitelist, apiKeys, events, antiPhishingCode };
}

/** Builds the simulator app (not listening yet). */
export function createSimulator(o: SimulatorOptions): Simulator {
  const now = o.now ?? Date.now;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const hits = new Map<ConnectorMethod, number>();
  const accounts = new Map<string, AccountState>();
  // nonce → expiry (ms). A nonce is remembered for twice the skew window, after which its timestamp is refused anyway.
  const nonces = new Map<string, number>();
  // idempotency key → first answer (and the body it was for).
  const idempotent = new Map<string, { bodyHash: string; status: number; payload: unknown; at: number }>();
  let failures = { n: 0, status: 503 };
  let received = 0;
  let address = '';

  const state = (ref: string): AccountState => {
    let s = accounts.get(ref);
    if (!s) {
      s = { frozen: false, revoked: new Set(), sessions: 1 + (ref.length % 3), limits: new Map(), events: [] };
      accounts.set(ref, s);
    }
    return s;
  };
  const addEvent = (ref: string, kind: ExchangeSecurityEvent['kind'], detail: string | null) => {
    state(ref).events.unshift({ eventId: `evt-sim-${randomBytes(8).toString('hex')}`, kind, occurredAt: new Date(now()).toISOString(), ip: null, country: null, detail });
  };

  // Keep the raw body: the signature covers its exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body as Buffer;
    try {
      done(null, (body as Buffer).length ? JSON.parse((body as Buffer).toString('utf8')) : {});
    } catch {
      done(Object.assign(new Error('body is not JSON'), { statusCode: 400 }), undefined);
    }
  });

  const refuse = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ code, message });

  app.addHook('onRequest', async (_req, reply) => {
    received++;
    if (failures.n > 0) {
      failures.n--;
      return refuse(reply, failures.status, 'unavailable', 'simulated outage');
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const keyId = h(HEADERS.keyId);
    const ts = h(HEADERS.timestamp);
    const nonce = h(HEADERS.nonce);
    const signature = h(HEADERS.signature);
    if (!keyId || !ts || !nonce || !signature) return refuse(reply, 401, 'missing_signature', 'signed request headers are missing');
    if (keyId !== o.keyId) return refuse(reply, 401, 'unknown_key', 'unknown key id');
    if (!/^\d{1,16}$/.test(ts) || Math.abs(now() - Number(ts)) > MAX_SKEW_MS) return refuse(reply, 401, 'stale_timestamp', 'timestamp outside the allowed window');
    if (!NONCE_PATTERN.test(nonce)) return refuse(reply, 401, 'bad_nonce', 'nonce format');
    const body = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? '';
    if (!signatureMatches(o.secret, { method: req.method, path: req.url, timestamp: ts, nonce, keyId, body }, signature)) {
      return refuse(reply, 401, 'bad_signature', 'signature does not match');
    }
    // Only a correctly signed request uses up its nonce (a forger cannot burn someone else's).
    const t = now();
    for (const [n, exp] of nonces) if (exp < t) nonces.delete(n);
    if (nonces.has(nonce)) return refuse(reply, 401, 'replayed_nonce', 'nonce already used');
    nonces.set(nonce, t + 2 * MAX_SKEW_MS);
  });

  type Handler = (ref: string, req: FastifyRequest, reply: FastifyReply) => unknown;
  const REF = /^[A-Za-z0-9_.:-]{1,64}$/;
  const route = (m: ConnectorMethod, handler: Handler) => {
    const r = ROUTES[m];
    app.route({
      method: r.method,
      url: r.path,
      handler: async (req, reply) => {
        const { ref } = req.params as { ref: string };
        if (!REF.test(ref)) return refuse(reply, 404, 'account_not_found', 'no such account');
        hits.set(m, (hits.get(m) ?? 0) + 1);
        if (r.method === 'GET') return handler(ref, req, reply);
        // Writes: the same idempotency key gets the first answer again, and never acts twice.
        const key = req.headers[HEADERS.idempotencyKey];
        if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(key)) return refuse(reply, 400, 'idempotency_key_required', 'writes need an Idempotency-Key');
        const bodyHash = createHash('sha256').update((req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? '').digest('hex');
        const seen = idempotent.get(key);
        if (seen) {
          if (seen.bodyHash !== bodyHash) return refuse(reply, 409, 'idempotency_conflict', 'key reused with another body');
          return reply.code(seen.status).send(seen.payload);
        }
        const payload = await handler(ref, req, reply);
        if (reply.sent) return;
        idempotent.set(key, { bodyHash, status: reply.statusCode, payload, at: now() });
        return payload;
      },
    });
  };

  const data = (ref: string) => syntheticAccount(ref);
  route('balances', (ref) => ({ balances: data(ref).balances }));
  route('openOrders', (ref) => ({ orders: data(ref).orders }));
  route('recentTrades', (ref) => ({ trades: data(ref).trades }));
  route('deposits', (ref) => ({ deposits: data(ref).deposits }));
  route('withdrawals', (ref) => ({ withdrawals: data(ref).withdrawals }));
  route('securityEvents', (ref) => ({ events: [...state(ref).events, ...data(ref).events] }));
  route('securitySettings', (ref): ExchangeSecuritySettings => {
    const d = data(ref);
    return { twoFactorEnabled: d.twoFactorEnabled, antiPhishingCodeSet: d.antiPhishingCode !== null, withdrawalWhitelistEnabled: d.whitelist.length > 0, whitelist: d.whitelist, frozen: state(ref).frozen };
  });
  route('apiKeys', (ref) => {
    const revoked = state(ref).revoked;
    const keys = data(ref).apiKeys.filter((k) => !revoked.has(k.keyId));
    return { apiKeys: o.leakApiSecrets ? keys.map((k) => ({ ...k, secret: `sk_live_${createHash('sha256').update(k.keyId).digest('hex')}` })) : keys };
  });
  route('antiPhishingCode', (ref) => ({ code: data(ref).antiPhishingCode }));
  // Every asset has a daily limit: the account's own where the back office set one, else the exchange's default.
  route('dailyLimits', (ref) => ({ limits: ASSETS.map((asset) => ({ asset, dailyLimit: state(ref).limits.get(asset) ?? DEFAULT_LIMITS[asset]! })) }));
  route('freezeAccount', (ref) => {
    const s = state(ref);
    if (!s.frozen) addEvent(ref, 'account.frozen', 'frozen by the back office');
    s.frozen = true;
    s.sessions = 0;
    return { frozen: true };
  });
  route('unfreezeAccount', (ref) => {
    const s = state(ref);
    if (s.frozen) addEvent(ref, 'account.unfrozen', 'unfrozen by the back office');
    s.frozen = false;
    return { frozen: false };
  });
  route('revokeApiKey', (ref, req, reply) => {
    const { keyId } = req.params as { keyId: string };
    const s = state(ref);
    if (s.revoked.has(keyId) || !data(ref).apiKeys.some((k) => k.keyId === keyId)) return refuse(reply, 404, 'api_key_not_found', 'no such API key');
    s.revoked.add(keyId);
    addEvent(ref, 'api_key.revoked', `key ${keyId} revoked by the back office`);
    return { revoked: true };
  });
  route('endSessions', (ref) => {
    const s = state(ref);
    const ended = s.sessions;
    s.sessions = 0;
    addEvent(ref, 'sessions.ended', `${ended} session(s) ended by the back office`);
    return { ended };
  });
  route('setWithdrawalLimit', (ref, req, reply) => {
    const b = req.body as { asset?: unknown; dailyLimit?: unknown };
    if (typeof b?.asset !== 'string' || !/^[A-Z0-9]{2,12}$/.test(b.asset) || typeof b.dailyLimit !== 'string' || !/^\d{1,18}(\.\d{1,8})?$/.test(b.dailyLimit)) {
      return refuse(reply, 400, 'bad_request', 'asset and dailyLimit are required');
    }
    state(ref).limits.set(b.asset, b.dailyLimit);
    addEvent(ref, 'withdrawal_limit.changed', `daily ${b.asset} limit changed by the back office`);
    return { asset: b.asset, dailyLimit: b.dailyLimit };
  });

  app.setNotFoundHandler((_req, reply) => refuse(reply, 404, 'not_found', 'no such endpoint'));
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return refuse(reply, status, status === 500 ? 'internal' : 'bad_request', status === 500 ? 'internal error' : 'bad request');
  });

  return {
    app,
    hits,
    received: () => received,
    failNext(n, status = 503) {
      failures = { n, status };
    },
    url: () => address,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const a = app.server.address();
      address = typeof a === 'object' && a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
      return address;
    },
    close: () => app.close(),
  };
}

/** A new random shared secret (256 bits, base64url). */
export function newSimulatorSecret(): string {
  return randomBytes(32).toString('base64url');
}
