// The trading-engine connector: what Bulwark may ask of the exchange. Reads of one account (by the trader's
// account reference) and four containment writes; nothing here trades or withdraws, and the method list is
// one const array the interface is derived from, so a method added without being listed does not compile and
// a test pins the list (exchange.connector.test.ts).
//
// The same table names the HTTP route of every method, so the adapter (exchange.http.ts) and the simulator
// (simulator.ts) cannot drift apart; docs/integrations/exchange-api.md documents it for real exchanges.
import { z } from 'zod';
import {
  ExchangeApiKey,
  ExchangeBalance,
  ExchangeOrder,
  ExchangeSecurityEvent,
  ExchangeSecuritySettings,
  ExchangeTrade,
  ExchangeTransfer,
  ExchangeWithdrawalLimit,
} from '../../../contracts/exchange.js';

export const READ_METHODS = [
  'balances',
  'openOrders',
  'recentTrades',
  'deposits',
  'withdrawals',
  'securityEvents',
  'securitySettings',
  'apiKeys',
  'antiPhishingCode',
  'dailyLimits',
] as const;

/** Containment only: each is audited with a reason; the withdrawal limit is set by the withdrawal-limits module (an approved increase, or a decrease). */
export const CONTAINMENT_METHODS = ['freezeAccount', 'unfreezeAccount', 'revokeApiKey', 'endSessions', 'setWithdrawalLimit'] as const;

/** Every method of the connector. There is no method that places orders, trades, withdraws or moves funds. */
export const CONNECTOR_METHODS = [...READ_METHODS, ...CONTAINMENT_METHODS] as const;
export type ConnectorMethod = (typeof CONNECTOR_METHODS)[number];

// Answers as the exchange sends them (envelopes). z.object strips unknown keys: an allow-list.
const max = <T extends z.ZodType>(item: T) => z.array(item).max(1000);
export const WIRE = {
  balances: z.object({ balances: max(ExchangeBalance) }),
  openOrders: z.object({ orders: max(ExchangeOrder) }),
  recentTrades: z.object({ trades: max(ExchangeTrade) }),
  deposits: z.object({ deposits: max(ExchangeTransfer) }),
  withdrawals: z.object({ withdrawals: max(ExchangeTransfer) }),
  securityEvents: z.object({ events: max(ExchangeSecurityEvent) }),
  securitySettings: ExchangeSecuritySettings,
  apiKeys: z.object({ apiKeys: max(ExchangeApiKey) }),
  antiPhishingCode: z.object({ code: z.string().min(1).max(64).nullable() }),
  dailyLimits: z.object({ limits: max(ExchangeWithdrawalLimit) }),
  freezeAccount: z.object({ frozen: z.literal(true) }),
  unfreezeAccount: z.object({ frozen: z.literal(false) }),
  revokeApiKey: z.object({ revoked: z.literal(true) }),
  endSessions: z.object({ ended: z.number().int().min(0) }),
  setWithdrawalLimit: z.object({ asset: z.string(), dailyLimit: z.string() }),
} as const satisfies { [M in ConnectorMethod]: z.ZodType };

export interface Signatures {
  balances(accountRef: string): Promise<ExchangeBalance[]>;
  openOrders(accountRef: string): Promise<ExchangeOrder[]>;
  recentTrades(accountRef: string): Promise<ExchangeTrade[]>;
  deposits(accountRef: string): Promise<ExchangeTransfer[]>;
  withdrawals(accountRef: string): Promise<ExchangeTransfer[]>;
  securityEvents(accountRef: string): Promise<ExchangeSecurityEvent[]>;
  securitySettings(accountRef: string): Promise<ExchangeSecuritySettings>;
  apiKeys(accountRef: string): Promise<ExchangeApiKey[]>;
  /** Class secret: only for stamping outgoing e-mail; stored encrypted, never shown to staff. */
  antiPhishingCode(accountRef: string): Promise<string | null>;
  /** The account's daily withdrawal limit per asset, as the exchange enforces it now. */
  dailyLimits(accountRef: string): Promise<ExchangeWithdrawalLimit[]>;
  freezeAccount(accountRef: string): Promise<void>;
  unfreezeAccount(accountRef: string): Promise<void>;
  revokeApiKey(accountRef: string, keyId: string): Promise<void>;
  /** Ends every session of the account at the exchange; returns how many were ended. */
  endSessions(accountRef: string): Promise<number>;
  setWithdrawalLimit(accountRef: string, limit: { asset: string; dailyLimit: string }): Promise<void>;
}

// Both ways: a signature without a listed method, or a listed method without a signature, fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const exact: Exactly<keyof Signatures, ConnectorMethod> = true;
void exact;

/** The connector: exactly the listed methods. */
export type ExchangeConnector = { readonly [M in ConnectorMethod]: Signatures[M] };

/** The HTTP route of each method; `:ref` and `:keyId` are URL-encoded path segments. */
export const ROUTES: { readonly [M in ConnectorMethod]: { method: 'GET' | 'POST' | 'PUT'; path: string } } = {
  balances: { method: 'GET', path: '/v1/accounts/:ref/balances' },
  openOrders: { method: 'GET', path: '/v1/accounts/:ref/orders/open' },
  recentTrades: { method: 'GET', path: '/v1/accounts/:ref/trades' },
  deposits: { method: 'GET', path: '/v1/accounts/:ref/deposits' },
  withdrawals: { method: 'GET', path: '/v1/accounts/:ref/withdrawals' },
  securityEvents: { method: 'GET', path: '/v1/accounts/:ref/security-events' },
  securitySettings: { method: 'GET', path: '/v1/accounts/:ref/security-settings' },
  apiKeys: { method: 'GET', path: '/v1/accounts/:ref/api-keys' },
  antiPhishingCode: { method: 'GET', path: '/v1/accounts/:ref/anti-phishing-code' },
  dailyLimits: { method: 'GET', path: '/v1/accounts/:ref/withdrawal-limits' },
  freezeAccount: { method: 'POST', path: '/v1/accounts/:ref/freeze' },
  unfreezeAccount: { method: 'POST', path: '/v1/accounts/:ref/unfreeze' },
  revokeApiKey: { method: 'POST', path: '/v1/accounts/:ref/api-keys/:keyId/revoke' },
  endSessions: { method: 'POST', path: '/v1/accounts/:ref/sessions/end' },
  setWithdrawalLimit: { method: 'PUT', path: '/v1/accounts/:ref/withdrawal-limit' },
};

/** The concrete path of a route for an account (and key id). */
export function routePath(m: ConnectorMethod, accountRef: string, keyId?: string): string {
  // A segment of "." or ".." would be rewritten by the HTTP client after signing (and could address another
  // route): refused outright, whatever the exchange would make of it.
  for (const seg of [accountRef, keyId ?? 'x']) {
    if (seg === '' || seg === '.' || seg === '..') throw new ExchangeError('not_found', 'not a valid path segment');
  }
  return ROUTES[m].path.replace(':ref', encodeURIComponent(accountRef)).replace(':keyId', encodeURIComponent(keyId ?? ''));
}

/** Why a connector call failed, in terms the service maps to problem codes. */
export type ExchangeErrorKind = 'unavailable' | 'rejected' | 'not_found' | 'invalid_response';

/** A failed connector call. Never carries the exchange's body (it could hold personal data). */
export class ExchangeError extends Error {
  override name = 'ExchangeError';
  constructor(
    readonly kind: ExchangeErrorKind,
    message: string,
    /** The exchange's status and stable code, when it answered. */
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}
