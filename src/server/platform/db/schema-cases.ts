// Table types of alerts and cases (migrations/2026-11-21T16-20-00_cases.ts), merged into DB (schema.ts).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface MonitoringAlertTable {
  id: string;
  trader_id: string;
  rule_id: string;
  rule_version: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: 'open' | 'closed' | 'escalated';
  dedup_key: string;
  explanation_ct: Bytes;
  event_ids: string[];
  event_at: Timestamp;
  detected_at: Timestamp;
  case_id: string | null;
  closed_by: string | null;
  closed_at: Timestamp | null;
  close_reason_ct: Bytes | null;
}

export interface AmlCaseTable {
  id: string;
  reference: string;
  status: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  queue: string;
  assignee_id: string | null;
  subject_trader_id: string;
  title_ct: Bytes;
  opened_by: string | null;
  opened_at: Timestamp;
  due_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface AmlCaseLinkTable {
  case_id: string;
  kind: 'trader' | 'alert' | 'event' | 'screening_hit';
  ref: string;
  added_by: string | null;
  added_at: Timestamp;
}

export interface CasesTables {
  monitoring_alert: MonitoringAlertTable;
  aml_case: AmlCaseTable;
  aml_case_link: AmlCaseLinkTable;
}
