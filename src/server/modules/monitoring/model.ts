// Shared types of transaction monitoring (issue 6): what ingestion stores and hands on, what the rules see, what a
// rule hit carries to the alert queue, and the narrow services the rules consult. Ingestion (ingest/), the rules
// (rules/) and alerts/cases (modules/cases) meet only here.
import type { AuditedTx } from '../../platform/audit/writer.js';

export const EVENT_TYPES = ['deposit', 'withdrawal', 'trade', 'transfer', 'login', 'security'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * One exchange event as stored and as the rules evaluate it. Decrypted values (counterparty, ip, txHash) live only in
 * memory; they are never logged and never leave the process except through an audited, permitted read.
 */
export interface MonitoringEvent {
  /** The exchange's event id: the idempotency key. */
  eventId: string;
  /** Bulwark's trader id (resolved from the exchange's account reference at ingestion). */
  traderId: string;
  type: EventType;
  /** Epoch milliseconds, the exchange's clock. */
  occurredAt: number;
  /** Epoch milliseconds, when Bulwark stored it. */
  receivedAt: number;
  asset: string | null;
  /** Decimal string in asset units. */
  amount: string | null;
  /** USD value at the time of the event, as the exchange reports it: the rules' common unit. */
  amountUsd: number | null;
  /** ISO 3166-1 alpha-2: login country, counterparty or bank jurisdiction. */
  country: string | null;
  /** Deposit source or withdrawal destination wallet address. */
  counterparty: string | null;
  /** Login and security events: the client IP. */
  ip: string | null;
  /** Security events: what happened (`2fa_disabled`, …); trades: `buy` / `sell`; transfers: `in` / `out`. */
  detail: string | null;
}

/** A rule that fired for one trader: becomes one alert (or joins an open one with the same dedup key). */
export interface RuleHit {
  ruleId: string;
  ruleVersion: number;
  ruleName: string;
  severity: Severity;
  traderId: string;
  /** The rule's explanation template rendered with the facts (amounts, counts, windows; no names). */
  explanation: string;
  /** The facts the explanation was rendered from, for the alert view. */
  facts: Record<string, string | number | boolean | null>;
  /** The events behind the hit (exchange event ids), oldest first. */
  eventIds: string[];
  /** occurredAt (epoch ms) of the event that completed the pattern. */
  eventAt: number;
  /** Epoch ms when the hit was detected (the evaluation's clock): event-to-alert latency is detectedAt − receivedAt. */
  detectedAt: number;
  /** Same rule, same trader, same window → same key: an open alert with this key absorbs the hit. */
  dedupKey: string;
}

/** Where rule hits go (modules/cases implements it): stores alerts in the caller's transaction. */
export interface AlertSink {
  raiseIn(tx: AuditedTx, hits: readonly RuleHit[]): Promise<{ raised: number; absorbed: number }>;
}

/** What ingestion calls, in the storing transaction, with the events that were new (not duplicates). */
export type StoredEventsListener = (tx: AuditedTx, events: readonly MonitoringEvent[]) => Promise<void>;

/** The screening module's wallet check (its in-memory index of the active lists). */
export interface WalletListing {
  source: string;
  entityId: string;
  name: string;
}
export type SanctionedWalletLookup = (address: string) => WalletListing[];

/** KYC's jurisdiction settings in force: is this country blocked or high risk? */
export type JurisdictionLookup = (country: string) => 'blocked' | 'high_risk' | null;
