// Contracts of the read-only trading-engine view, shared by the server and the web UI.
//
// Two layers: the records the exchange reports (what the connector parses its answers into: allow-lists, so a
// field the exchange sends that is not named here — an API secret above all — is dropped at the door), and the
// answers staff get (the same records after the member's field policy: every field optional, because hidden
// fields are left out and masked ones replaced by their mask).
import { z } from 'zod';

// Bounds on what a hostile or broken exchange can push into Bulwark.
const id = z.string().min(1).max(128);
const text = z.string().max(256);
const decimal = z.string().regex(/^-?\d{1,30}(\.\d{1,18})?$/, 'a decimal number as a string');
const asset = z.string().regex(/^[A-Z0-9]{2,12}$/, 'an asset code');
const when = z.iso.datetime({ offset: true });
const list = <T extends z.ZodType>(item: T) => z.array(item).max(1000);

export const API_KEY_PERMISSIONS = ['read', 'trade', 'withdraw'] as const;

/** Security-event kinds the exchange reports (the trader timeline reads them from trader_security_event). */
export const SECURITY_EVENT_KINDS = [
  'two_factor.enabled', 'two_factor.disabled', 'password.changed', 'api_key.created', 'api_key.revoked',
  'withdrawal_address.added', 'login', 'account.frozen', 'account.unfrozen', 'sessions.ended', 'withdrawal_limit.changed',
] as const;

export const ExchangeBalance = z.object({ asset, available: decimal, locked: decimal });
/** A daily withdrawal limit at the exchange, in units of the asset. */
export const ExchangeWithdrawalLimit = z.object({ asset, dailyLimit: z.string().regex(/^\d{1,18}(\.\d{1,8})?$/) });
export const ExchangeOrder = z.object({
  orderId: id,
  market: text,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market', 'stop_limit']),
  price: decimal.nullable(),
  quantity: decimal,
  filled: decimal,
  status: z.enum(['open', 'partially_filled']),
  createdAt: when,
});
export const ExchangeTrade = z.object({
  tradeId: id,
  orderId: id,
  market: text,
  side: z.enum(['buy', 'sell']),
  price: decimal,
  quantity: decimal,
  fee: decimal,
  feeAsset: asset,
  executedAt: when,
});
export const ExchangeTransfer = z.object({
  transferId: id,
  asset,
  amount: decimal,
  network: text,
  address: text,
  txHash: text.nullable(),
  status: z.enum(['pending', 'completed', 'failed', 'cancelled']),
  at: when,
});
export const ExchangeSecurityEvent = z.object({
  eventId: id,
  kind: z.enum(SECURITY_EVENT_KINDS),
  occurredAt: when,
  ip: z.union([z.ipv4(), z.ipv6()]).nullable(),
  country: z.string().regex(/^[A-Z]{2}$/).nullable(),
  detail: z.string().max(500).nullable(),
});
export const ExchangeWhitelistEntry = z.object({ asset, network: text, address: text, label: text, addedAt: when });
export const ExchangeSecuritySettings = z.object({
  twoFactorEnabled: z.boolean(),
  antiPhishingCodeSet: z.boolean(),
  withdrawalWhitelistEnabled: z.boolean(),
  whitelist: list(ExchangeWhitelistEntry),
  frozen: z.boolean(),
});
/** An API key as the exchange reports it. There is deliberately no secret here (see the file comment). */
export const ExchangeApiKey = z.object({
  keyId: id,
  label: text,
  last4: z.string().regex(/^[A-Za-z0-9]{4}$/),
  permissions: z.array(z.enum(API_KEY_PERMISSIONS)).max(3),
  ipWhitelist: z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()])).max(100),
  createdAt: when,
  lastUsedAt: when.nullable(),
});

export type ExchangeBalance = z.infer<typeof ExchangeBalance>;
export type ExchangeWithdrawalLimit = z.infer<typeof ExchangeWithdrawalLimit>;
export type ExchangeOrder = z.infer<typeof ExchangeOrder>;
export type ExchangeTrade = z.infer<typeof ExchangeTrade>;
export type ExchangeTransfer = z.infer<typeof ExchangeTransfer>;
export type ExchangeSecurityEvent = z.infer<typeof ExchangeSecurityEvent>;
export type ExchangeSecuritySettings = z.infer<typeof ExchangeSecuritySettings>;
export type ExchangeApiKey = z.infer<typeof ExchangeApiKey>;

/** The exchange sections of the trader profile (a subset of the profile's sections). */
export const EXCHANGE_SECTIONS = ['security', 'apiKeys', 'balances', 'orders', 'trades', 'transfers'] as const;
export type ExchangeSection = (typeof EXCHANGE_SECTIONS)[number];
/** The URL segment of each section: /api/v1/traders/:id/exchange/<segment>. */
export const SECTION_PATHS: { readonly [S in ExchangeSection]: string } = {
  security: 'security',
  apiKeys: 'api-keys',
  balances: 'balances',
  orders: 'orders',
  trades: 'trades',
  transfers: 'transfers',
};

// What staff see: every field optional (the field policy leaves hidden ones out, masked ones are strings).
const masked = z.string();
const Freshness = {
  /** True when the exchange could not be reached and this is the last good answer, from `fetchedAt`. */
  stale: z.boolean(),
  fetchedAt: z.string(),
  /** Field names shown in masked form. */
  masked: z.array(z.string()),
};

export const BalanceView = z.object({ asset: z.string(), available: z.string(), locked: z.string() }).partial();
export const OrderView = ExchangeOrder.extend({ price: z.string().nullable(), quantity: masked, filled: masked }).partial();
export const TradeView = ExchangeTrade.extend({ price: masked, quantity: masked, fee: masked }).partial();
export const TransferView = ExchangeTransfer.extend({ direction: z.enum(['deposit', 'withdrawal']), amount: masked, address: masked, txHash: z.string().nullable() }).partial();
export const SecurityEventView = ExchangeSecurityEvent.extend({ kind: z.string(), ip: z.string().nullable(), detail: z.string().nullable() }).partial();
export const SecuritySettingsView = z
  .object({
    twoFactorEnabled: z.boolean(),
    antiPhishingCodeSet: z.boolean(),
    withdrawalWhitelistEnabled: z.boolean(),
    whitelist: z.array(z.object({ asset: z.string(), network: z.string(), address: z.string(), label: z.string(), addedAt: z.string() })),
    frozen: z.boolean(),
  })
  .partial();
export const ApiKeyView = z
  .object({
    keyId: z.string(),
    label: z.string(),
    last4: z.string(),
    permissions: z.array(z.string()),
    ipWhitelist: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .partial();

export const BalancesAnswer = z.object({ ...Freshness, rows: z.array(BalanceView) });
export const OrdersAnswer = z.object({ ...Freshness, rows: z.array(OrderView) });
export const TradesAnswer = z.object({ ...Freshness, rows: z.array(TradeView) });
export const TransfersAnswer = z.object({ ...Freshness, rows: z.array(TransferView) });
export const ApiKeysAnswer = z.object({ ...Freshness, rows: z.array(ApiKeyView) });
export const SecurityAnswer = z.object({ ...Freshness, settings: SecuritySettingsView, rows: z.array(SecurityEventView) });

/** One schema per section, for the routes and the web client. */
export const SECTION_ANSWERS = {
  balances: BalancesAnswer,
  orders: OrdersAnswer,
  trades: TradesAnswer,
  transfers: TransfersAnswer,
  apiKeys: ApiKeysAnswer,
  security: SecurityAnswer,
} as const satisfies { [S in ExchangeSection]: z.ZodType };
export type SectionAnswer<S extends ExchangeSection> = z.infer<(typeof SECTION_ANSWERS)[S]>;
export type AnySectionAnswer = SectionAnswer<ExchangeSection>;

// Containment. Reasons are checked by the service (so a missing one is refused and audited). Withdrawal-limit
// changes have their own contracts (withdrawal-limits.ts).
export const ContainmentRequest = z.object({ reason: z.string().max(1000).optional() });
export const ContainmentResult = z.object({ ok: z.literal(true), status: z.string().optional() });

// The connection to the exchange. The secret is write-only: no answer ever carries it.
export const BREAKER_STATES = ['closed', 'open', 'half_open', 'isolated'] as const;
export const ConnectionStatus = z.object({
  configured: z.boolean(),
  baseUrl: z.string().nullable(),
  keyId: z.string().nullable(),
  configuredAt: z.string().nullable(),
  configuredBy: z.string().nullable(),
  /** The circuit breaker of this server process (null until the connector is first used). */
  breaker: z.enum(BREAKER_STATES).nullable(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
export const ConnectionUpdate = z.object({
  baseUrl: z.string().min(1).max(500),
  keyId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1 to 64 letters, digits, dots, dashes or underscores'),
  secret: z.string().min(32, 'at least 32 characters').max(512),
  reason: z.string().max(1000).optional(),
});
export type ConnectionUpdate = z.infer<typeof ConnectionUpdate>;
