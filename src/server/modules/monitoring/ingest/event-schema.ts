// How an exchange envelope (contracts/monitoring-events.ts) splits into what detection computes over (plain,
// pseudonymous columns of monitoring_event) and what identifies a person (one ciphertext under the trader's key).
// Kept apart from the service so the split is one reviewable table of decisions.
import { z } from 'zod';
import { ExchangeEvent } from '../../../../contracts/monitoring-events.js';
import { normaliseWallet } from '../../screening/engine/index.js';
import type { MonitoringEvent } from '../model.js';

/** Blind-index kind of wallet addresses: the same as the trader's own wallets, so "same address" finds both. */
export const WALLET_INDEX_KIND = 'wallet.address';

export type ParsedEvent = { ok: true; event: ExchangeEvent } | { ok: false; eventId: string | null; detail: string };

/** Validates one event; a refusal names the failing paths (never the values sent). */
export function parseEvent(raw: unknown): ParsedEvent {
  const r = ExchangeEvent.safeParse(raw);
  if (r.success) return { ok: true, event: r.data };
  const id = raw && typeof raw === 'object' ? (raw as { eventId?: unknown }).eventId : undefined;
  // The id is echoed only when it is itself well-formed: a malformed id is attacker text we do not reflect.
  const eventId = typeof id === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : null;
  const paths = [...new Set(r.error.issues.map((i) => (i.path.length ? i.path.join('.') : i.code === 'unrecognized_keys' ? `unknown:${(i as z.core.$ZodIssueUnrecognizedKeys).keys.join(',')}` : '(event)')))];
  return { ok: false, eventId, detail: `invalid: ${paths.join(', ')}`.slice(0, 500).replace(/[^\x20-\x7e]/g, '?') };
}

/** The identifying parts of an event: encrypted as one JSON document (payload_ct). */
export function secretPart(e: ExchangeEvent): Record<string, string> {
  switch (e.type) {
    case 'deposit':
    case 'withdrawal':
      return { address: e.address, chain: e.chain, ...(e.txHash ? { txHash: e.txHash } : {}) };
    case 'login':
      return { ip: e.ip, ...(e.userAgent ? { userAgent: e.userAgent } : {}) };
    case 'security':
      return e.ip ? { ip: e.ip } : {};
    case 'transfer':
      return e.counterpartAccount ? { counterpartAccount: e.counterpartAccount } : {};
    case 'trade':
      return { quote: e.quote };
  }
}

/** The detection view of an event (model.ts), decrypted values included; it stays in memory. */
export function toModel(e: ExchangeEvent, traderId: string, receivedAt: number): MonitoringEvent {
  const money = 'amount' in e ? { asset: e.asset, amount: e.amount, amountUsd: e.valueUsd } : { asset: null, amount: null, amountUsd: null };
  return {
    eventId: e.eventId,
    traderId,
    type: e.type,
    occurredAt: Date.parse(e.occurredAt),
    receivedAt,
    ...money,
    country: 'country' in e ? (e.country ?? null) : null,
    counterparty: e.type === 'deposit' || e.type === 'withdrawal' ? e.address : null,
    ip: e.type === 'login' || e.type === 'security' ? (e.ip ?? null) : null,
    detail: e.type === 'security' ? e.kind : e.type === 'trade' ? e.side : e.type === 'transfer' ? e.direction : null,
  };
}

/** The canonical form of a wallet address for its blind index (screening's rule), or null when it has none. */
export function canonicalWallet(address: string | null): string | null {
  if (!address) return null;
  return normaliseWallet(address) || null;
}
