// Contracts of withdrawal-limit changes (issue 6), shared by the server's routes and the web UI: requests to raise
// a trader's daily withdrawal limit (four eyes), decreases applied at once, and the exchange's signed request
// made on the trader's behalf.
import { z } from 'zod';

const asset = z.string().regex(/^[A-Z0-9]{2,12}$/, 'an asset code (2 to 12 capital letters or digits)');
/** A daily limit in units of the asset, as the exchange states it. */
export const LimitAmount = z.string().regex(/^\d{1,18}(\.\d{1,8})?$/, 'a non-negative decimal number (at most 8 decimals)');

export const WITHDRAWAL_LIMIT_STATUSES = ['pending', 'applied', 'rejected', 'failed', 'expired'] as const;
export const WithdrawalLimitStatus = z.enum(WITHDRAWAL_LIMIT_STATUSES);
export type WithdrawalLimitStatus = z.infer<typeof WithdrawalLimitStatus>;
export const WITHDRAWAL_LIMIT_SOURCES = ['staff', 'trader'] as const;
export const WithdrawalLimitSource = z.enum(WITHDRAWAL_LIMIT_SOURCES);

/** One request as the list and the detail show it. */
export const WithdrawalLimitRequestView = z.object({
  id: z.string(),
  traderId: z.string(),
  /** The trader's account reference at the exchange (what staff search by; not contact or identity data). */
  accountRef: z.string(),
  asset: z.string(),
  currentLimit: z.string(),
  requestedLimit: z.string(),
  direction: z.enum(['increase', 'decrease']),
  source: WithdrawalLimitSource,
  /** Null for a trader's own request (made through the exchange). */
  requestedBy: z.string().nullable(),
  requestedByName: z.string().nullable(),
  /** Null where the member's roles do not show reasons (only compliance, who decides or decreases, sees them). */
  reason: z.string().nullable(),
  status: WithdrawalLimitStatus,
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  appliedAt: z.string().nullable(),
  /** Why the last application at the exchange failed (a stable code); retry is possible. */
  errorCode: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type WithdrawalLimitRequestView = z.infer<typeof WithdrawalLimitRequestView>;

export const WithdrawalLimitList = z.object({ requests: z.array(WithdrawalLimitRequestView), nextCursor: z.string().nullable() });
export type WithdrawalLimitList = z.infer<typeof WithdrawalLimitList>;

export const WithdrawalLimitListQuery = z.object({
  status: WithdrawalLimitStatus.optional(),
  source: WithdrawalLimitSource.optional(),
  traderId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type WithdrawalLimitListQuery = z.infer<typeof WithdrawalLimitListQuery>;

/** An increase request (four eyes) or a decrease (applied at once): same shape. The reason is checked by the service. */
export const WithdrawalLimitChange = z.object({
  asset,
  dailyLimit: LimitAmount,
  reason: z.string().max(1000).optional(),
});
export type WithdrawalLimitChange = z.infer<typeof WithdrawalLimitChange>;

export const WithdrawalLimitDecision = z.object({ reason: z.string().trim().min(5, 'at least 5 characters').max(1000) });

/** A trader's limits at the exchange now, and the requests about them. */
export const TraderWithdrawalLimits = z.object({
  /** Empty when the exchange could not be asked (then exchangeError names why). */
  limits: z.array(z.object({ asset: z.string(), dailyLimit: z.string() })),
  exchangeError: z.string().nullable(),
  requests: z.array(WithdrawalLimitRequestView),
});
export type TraderWithdrawalLimits = z.infer<typeof TraderWithdrawalLimits>;

/**
 * The exchange's signed request on a trader's behalf (POST /api/v1/exchange/inbound/withdrawal-limit-requests).
 * `requestId` is the exchange's own id: the idempotency key (the same id answers the same request again). Strict:
 * the signature does not cover the path, so a body signed for another inbound endpoint must not parse here.
 */
export const InboundWithdrawalLimitRequest = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'the exchange request id'),
  accountRef: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  asset,
  dailyLimit: LimitAmount,
  /** The trader's own words (stored under the trader's key). */
  reason: z.string().trim().min(5).max(1000),
});
export type InboundWithdrawalLimitRequest = z.infer<typeof InboundWithdrawalLimitRequest>;

/** The same answer for the first delivery and every redelivery of one request id. */
export const InboundWithdrawalLimitAnswer = z.object({ id: z.string(), status: WithdrawalLimitStatus });
export type InboundWithdrawalLimitAnswer = z.infer<typeof InboundWithdrawalLimitAnswer>;
