// Table types of the monitoring events (migrations/2026-11-21T16-00-00_monitoring_events.ts) and rules
// (16-10-00_monitoring_rules.ts), merged into DB (schema.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface MonitoringEventTable {
  seq: Generated<string>;
  event_id: string;
  trader_id: string;
  type: 'deposit' | 'withdrawal' | 'trade' | 'transfer' | 'login' | 'security';
  occurred_at: Timestamp;
  received_at: Timestamp;
  asset: string | null;
  /** numeric: read as a decimal string. */
  amount: string | null;
  amount_usd: number | null;
  country: string | null;
  counterparty_bidx: Bytes | null;
  detail: string | null;
  source_seq: string | null;
  late: Generated<boolean>;
  payload_ct: Bytes;
}

export interface MonitoringWebhookNonceTable {
  signature_sha256: string;
  received_at: Timestamp;
}

export interface MonitoringIdempotencyTable {
  key_sha256: string;
  body_sha256: string;
  /** The stored EventBatchResult, as JSON text. */
  response: string;
  created_at: Timestamp;
}

// Rules part (16-10-00): tables are added below by the rules work.

export interface MonitoringTables {
  monitoring_event: MonitoringEventTable;
  monitoring_webhook_nonce: MonitoringWebhookNonceTable;
  monitoring_idempotency: MonitoringIdempotencyTable;
}
