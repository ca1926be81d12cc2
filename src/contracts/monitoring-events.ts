// Contracts of the trading engine's event feed (issue 6, ingestion): the envelope the exchange sends on both paths
// (the signed webhook POST /api/v1/monitoring/events and the NATS JetStream subjects exchange.events.>), and the
// per-event answer. Strict: unknown fields are refused and every string is bounded, so a sender cannot smuggle
// data we would then have to protect (see docs/monitoring-ingestion.md).
import { z } from 'zod';

export const EVENT_TYPES = ['deposit', 'withdrawal', 'trade', 'transfer', 'login', 'security'] as const;

/** Security events the exchange reports (what happened to the account's protection). */
export const SECURITY_EVENT_KINDS = [
  '2fa_disabled',
  '2fa_enabled',
  'password_changed',
  'password_reset',
  'api_key_created',
  'api_key_revoked',
  'withdrawal_address_added',
  'withdrawal_address_removed',
  'anti_phishing_changed',
  'email_changed',
  'phone_changed',
  'device_added',
] as const;

/** Most events in one webhook request (and the NATS consumer's largest batch). */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Largest webhook body. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Largest single NATS message. */
export const MAX_EVENT_BYTES = 8 * 1024;

const EventId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');
const AccountRef = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');
const Asset = z.string().regex(/^[A-Z0-9]{2,12}$/, '2 to 12 capital letters or digits');
// A positive decimal in asset units; numeric(38, 18) in the table: at most 20 integer and 18 fractional digits.
const Amount = z.string().regex(/^(0|[1-9]\d{0,19})(\.\d{1,18})?$/, 'a non-negative decimal string, at most 18 decimals').refine((s) => Number(s) > 0, 'greater than zero');
const ValueUsd = z.number().finite().nonnegative().max(1e15);
const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case');
// The characters normaliseWallet (screening) accepts, at its length bounds: every stored address has a blind index.
const Address = z.string().min(20).max(128).regex(/^[0-9A-Za-z:]+$/, 'a wallet address');
const Chain = z.string().regex(/^[a-z0-9_-]{2,32}$/, 'a chain name (lower case)');
const TxHash = z.string().min(8).max(128).regex(/^[0-9A-Za-z:_-]+$/, 'a transaction hash');
const Ip = z.union([z.ipv4(), z.ipv6()]);
const UserAgent = z.string().min(1).max(512).regex(/^[\x20-\x7e]+$/, 'printable ASCII');

const base = {
  eventId: EventId,
  accountRef: AccountRef,
  occurredAt: z.iso.datetime({ offset: true }),
  /** The exchange's per-account counter, where it keeps one (a regression is reported as late). */
  sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
};

const money = { asset: Asset, amount: Amount, valueUsd: ValueUsd };

export const DepositEvent = z.strictObject({ ...base, type: z.literal('deposit'), ...money, address: Address, chain: Chain, country: Country.optional(), txHash: TxHash.optional() });
export const WithdrawalEvent = z.strictObject({ ...base, type: z.literal('withdrawal'), ...money, address: Address, chain: Chain, country: Country.optional(), txHash: TxHash.optional() });
export const TradeEvent = z.strictObject({ ...base, type: z.literal('trade'), ...money, quote: Asset, side: z.enum(['buy', 'sell']) });
export const TransferEvent = z.strictObject({ ...base, type: z.literal('transfer'), ...money, direction: z.enum(['in', 'out']), counterpartAccount: AccountRef.optional() });
export const LoginEvent = z.strictObject({ ...base, type: z.literal('login'), ip: Ip, country: Country, userAgent: UserAgent.optional() });
export const SecurityEvent = z.strictObject({ ...base, type: z.literal('security'), kind: z.enum(SECURITY_EVENT_KINDS), ip: Ip.optional(), country: Country.optional() });

/** One event from the trading engine. */
export const ExchangeEvent = z.discriminatedUnion('type', [DepositEvent, WithdrawalEvent, TradeEvent, TransferEvent, LoginEvent, SecurityEvent]);
export type ExchangeEvent = z.infer<typeof ExchangeEvent>;

/**
 * The webhook body. Events are validated one by one by the service (a malformed event is rejected with its reason,
 * the others are stored), so the envelope only bounds their number here.
 */
export const EventBatchRequest = z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_REQUEST) });
export type EventBatchRequest = z.infer<typeof EventBatchRequest>;

export const EVENT_STATUSES = ['stored', 'duplicate', 'rejected'] as const;

/** Why an event was not stored (stable codes; never the event's values). */
export const REJECT_REASONS = ['malformed', 'unknown_account', 'future_event', 'trader_erased'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const EventResult = z.object({
  /** The event id as sent (null when the event had none we could read). */
  eventId: z.string().max(128).nullable(),
  status: z.enum(EVENT_STATUSES),
  /** Stored, but older than the account's newest event beyond the tolerance, or its sequence went back. */
  late: z.boolean().optional(),
  reason: z.enum(REJECT_REASONS).optional(),
  /** For malformed events: which fields failed (paths only, never values). */
  detail: z.string().max(500).optional(),
});
export type EventResult = z.infer<typeof EventResult>;

export const EventBatchResult = z.object({
  stored: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  late: z.number().int(),
  results: z.array(EventResult),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;
