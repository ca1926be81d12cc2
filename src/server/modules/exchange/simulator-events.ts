// The exchange simulator's event feed (issue 6): scenario generators that produce the trading engine's event
// envelopes (contracts/monitoring-events.ts) for an account, and the two ways a real exchange delivers them to
// Bulwark: the signed webhook (emitWebhook) and NATS JetStream (publishNats, one event per message, Nats-Msg-Id =
// event id). Scenarios are synthetic: amounts, addresses and IPs are made up, except the sanctioned counterparty,
// which is a real OFAC-listed address (public data) so the screening lists can match it.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { EventBatchResult, ExchangeEvent } from '../../../contracts/monitoring-events.js';
import { MAX_EVENTS_PER_REQUEST } from '../../../contracts/monitoring-events.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../support/index.js';

export const SCENARIOS = ['normal', 'structuring', 'rapid_in_out', 'sanctioned_counterparty', 'dormant_reactivated', 'high_risk_country', 'large_single'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  /** The time the scenario ends at (epoch ms); default now. */
  now?: number;
  /** The reporting threshold the structuring and large scenarios play around (USD). */
  thresholdUsd?: number;
  /** The counterparty of `sanctioned_counterparty` (default: an address from the OFAC list in ../shared/data). */
  sanctionedAddress?: string;
  /** The country of `high_risk_country` (default VE, on KYC's default high-risk list). */
  country?: string;
  /** How many background events `normal` makes. */
  count?: number;
}

// A real OFAC SDN-listed Ethereum address (public data), used when ../shared/data is not there.
const FALLBACK_SANCTIONED = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';

/** The first address of the OFAC ETH wallet list in ../shared/data, or a known listed address. */
export function defaultSanctionedAddress(): string {
  const dir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'sanctions', 'ofac_digital_currency_addresses');
  for (const version of ['2025-05-30', '2024-05-02']) {
    const f = join(dir, version, 'sanctioned_addresses_ETH.txt');
    if (existsSync(f)) {
      const first = readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).find(Boolean);
      if (first) return first;
    }
  }
  return FALLBACK_SANCTIONED;
}

const HEX = '0123456789abcdef';
const hex = (n: number) => Array.from(randomBytes(n), (b) => HEX[b & 15]).join('');
const evmAddress = () => `0x${hex(40)}`;
const txHash = () => `0x${hex(64)}`;
const ip = (first = 81) => `${first}.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 254)}`;
const usd = (x: number) => Math.round(x * 100) / 100;
// Amounts in ETH at a fixed synthetic price: the rules read valueUsd, the amount only has to be consistent.
const ETH_USD = 3000;
const eth = (valueUsd: number) => (valueUsd / ETH_USD).toFixed(8);

/** The events of one scenario for one account, oldest first. */
export function scenarioEvents(scenario: Scenario, accountRef: string, o: ScenarioOptions = {}): ExchangeEvent[] {
  const now = o.now ?? Date.now();
  const threshold = o.thresholdUsd ?? 10_000;
  const run = randomUUID().slice(0, 8);
  let i = 0;
  const base = (type: ExchangeEvent['type'], at: number) => ({ eventId: `sim-${scenario}-${run}-${++i}`, accountRef, type, occurredAt: new Date(at).toISOString() });
  const deposit = (at: number, valueUsd: number, address = evmAddress()): ExchangeEvent => ({ ...base('deposit', at), type: 'deposit', asset: 'ETH', amount: eth(valueUsd), valueUsd: usd(valueUsd), address, chain: 'ethereum', txHash: txHash() });
  const withdrawal = (at: number, valueUsd: number, address = evmAddress(), country?: string): ExchangeEvent => ({ ...base('withdrawal', at), type: 'withdrawal', asset: 'ETH', amount: eth(valueUsd), valueUsd: usd(valueUsd), address, chain: 'ethereum', txHash: txHash(), ...(country ? { country } : {}) });
  const login = (at: number, country = 'DE', first = 81): ExchangeEvent => ({ ...base('login', at), type: 'login', ip: ip(first), country, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) ExchangeApp/4.2' });
  const trade = (at: number, valueUsd: number): ExchangeEvent => ({ ...base('trade', at), type: 'trade', asset: 'ETH', quote: 'EUR', side: Math.random() < 0.5 ? 'buy' : 'sell', amount: eth(valueUsd), valueUsd: usd(valueUsd) });
  const min = 60_000;
  const hour = 60 * min;

  switch (scenario) {
    case 'normal': {
      const n = o.count ?? 20;
      return Array.from({ length: n }, (_, k) => {
        const at = now - (n - k) * 7 * min;
        const pick = k % 5;
        if (pick === 0) return login(at);
        if (pick === 1) return deposit(at, 50 + Math.random() * 1500);
        if (pick === 4) return withdrawal(at, 20 + Math.random() * 800);
        return trade(at, 20 + Math.random() * 2000);
      });
    }
    case 'structuring':
      // Many deposits just under the threshold within 24 hours: 8 of 90–99 % of it, a few hours apart.
      return [login(now - 20 * hour), ...Array.from({ length: 8 }, (_, k) => deposit(now - (7 - k) * 2.5 * hour, threshold * (0.9 + Math.random() * 0.09)))];
    case 'rapid_in_out': {
      const inUsd = threshold * 2.5;
      return [deposit(now - 50 * min, inUsd), withdrawal(now - 10 * min, inUsd * 0.92)];
    }
    case 'sanctioned_counterparty':
      return [login(now - 30 * min), withdrawal(now - 5 * min, 2_500, o.sanctionedAddress ?? defaultSanctionedAddress())];
    case 'dormant_reactivated':
      // Last seen 400 days ago, then a login and most of the balance out.
      return [deposit(now - 400 * 24 * hour, 12_000), login(now - 20 * min, 'DE'), withdrawal(now - 5 * min, 11_500)];
    case 'high_risk_country': {
      const c = o.country ?? 'VE';
      return [login(now - 15 * min, c, 190), withdrawal(now - 5 * min, 3_000, evmAddress(), c)];
    }
    case 'large_single':
      return [withdrawal(now - 2 * min, threshold * (1.5 + Math.random()))];
  }
}

/**
 * Sends events to Bulwark's webhook as the exchange does: batches of at most 1000, each signed
 * (`X-Bulwark-Timestamp`, `X-Bulwark-Signature`) with its own Idempotency-Key. Answers the merged per-event results.
 */
export async function emitWebhook(url: string, secret: string, events: readonly ExchangeEvent[], o: { batchSize?: number; now?: () => number } = {}): Promise<EventBatchResult> {
  const size = Math.min(o.batchSize ?? 500, MAX_EVENTS_PER_REQUEST);
  const out: EventBatchResult = { stored: 0, duplicate: 0, rejected: 0, late: 0, results: [] };
  const endpoint = new URL('/api/v1/monitoring/events', url).toString();
  for (let i = 0; i < events.length; i += size) {
    const body = JSON.stringify({ events: events.slice(i, i + size) });
    const ts = Math.floor((o.now?.() ?? Date.now()) / 1000);
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: signInbound(secret, ts, body),
        // Derived from the body: a retry of the same batch carries the same key.
        'idempotency-key': createHash('sha256').update(body).digest('hex').slice(0, 48),
      },
      body,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const r = (await res.json()) as EventBatchResult;
    out.stored += r.stored;
    out.duplicate += r.duplicate;
    out.rejected += r.rejected;
    out.late += r.late;
    out.results.push(...r.results);
  }
  return out;
}

/**
 * Publishes events to JetStream, one message per event on `<prefix>.<type>` with `Nats-Msg-Id` = the event id (the
 * stream drops a re-publish within its duplicate window). Creates the stream when missing (Bulwark's consumer would
 * create the same one). Answers how many the stream took and how many it recognised as duplicates.
 */
export async function publishNats(natsUrl: string, events: readonly ExchangeEvent[], o: { stream?: string; subjectPrefix?: string; inFlight?: number } = {}): Promise<{ published: number; duplicates: number }> {
  const stream = o.stream ?? 'BULWARK_EXCHANGE_EVENTS';
  const prefix = o.subjectPrefix ?? 'exchange.events';
  const nc = await connect({ servers: natsUrl, name: 'bulwark-exchange-simulator' });
  try {
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], storage: StorageType.File, duplicate_window: 10 * 60_000 * 1_000_000 });
    }
    const js = jetstream(nc);
    let published = 0;
    let duplicates = 0;
    const inFlight = o.inFlight ?? 1000;
    for (let i = 0; i < events.length; i += inFlight) {
      const acks = await Promise.all(events.slice(i, i + inFlight).map((e) => js.publish(`${prefix}.${e.type}`, JSON.stringify(e), { msgID: e.eventId })));
      for (const a of acks) {
        if (a.duplicate) duplicates++;
        else published++;
      }
    }
    return { published, duplicates };
  } finally {
    await nc.drain();
  }
}
