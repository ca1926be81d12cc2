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

export interface MonitoringRuleTable {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'inactive';
  active_version: number | null;
  deactivation_approval_id: string | null;
  /** null: installed with Bulwark (the default rule set). */
  created_by: string | null;
  created_at: Timestamp;
  changed_at: Timestamp;
  revision: Generated<number>;
}

export interface MonitoringRuleVersionTable {
  rule_id: string;
  version: number;
  state: 'draft' | 'pending_activation' | 'active' | 'retired';
  /** jsonb: the validated RuleDefinition (not personal data). */
  definition: ColumnType<unknown, string, string>;
  source: string;
  source_format: 'yaml' | 'json';
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  approval_id: string | null;
  requested_by: string | null;
  approved_by: string | null;
  activated_at: Timestamp | null;
  retired_at: Timestamp | null;
}

export interface MonitoringTables {
  monitoring_event: MonitoringEventTable;
  monitoring_rule: MonitoringRuleTable;
  monitoring_rule_version: MonitoringRuleVersionTable;
  monitoring_webhook_nonce: MonitoringWebhookNonceTable;
  monitoring_idempotency: MonitoringIdempotencyTable;
}
