// Table types of alerts and cases (migrations/2026-11-21T16-20-00_cases.ts), merged into DB (schema.ts).
import type { ColumnType, Generated } from 'kysely';

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
  updated_at: Timestamp | null;
}

export const CASE_STATUSES = ['open', 'investigating', 'pending_decision', 'closed_no_action', 'closed_sar_filed', 'closed_other'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface AmlCaseTable {
  id: string;
  reference: string;
  status: CaseStatus;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  queue: string;
  assignee_id: string | null;
  subject_trader_id: string;
  title_ct: Bytes;
  opened_by: string | null;
  opened_at: Timestamp;
  due_at: Timestamp | null;
  closed_at: Timestamp | null;
  updated_at: Timestamp | null;
  decision: 'no_action' | 'sar_filed' | 'other' | null;
  decision_reason_ct: Bytes | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface AmlCaseLinkTable {
  case_id: string;
  kind: 'trader' | 'alert' | 'event' | 'screening_hit';
  ref: string;
  added_by: string | null;
  added_at: Timestamp;
}

export interface AmlCaseEventTable {
  id: string;
  seq: Generated<string>;
  case_id: string;
  trader_id: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string | null;
  detail_ct: Bytes | null;
  restricted: 'sar' | null;
  created_at: Timestamp;
}

export interface AmlCaseNoteTable {
  id: string;
  case_id: string;
  author_id: string | null;
  body_ct: Bytes;
  created_at: Timestamp;
}

export interface AmlCaseAttachmentTable {
  id: string;
  case_id: string;
  filename_ct: Bytes;
  content_type: string;
  size: number;
  sha256: string;
  content_ct: Bytes;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface CasesTables {
  monitoring_alert: MonitoringAlertTable;
  aml_case: AmlCaseTable;
  aml_case_link: AmlCaseLinkTable;
  aml_case_event: AmlCaseEventTable;
  aml_case_note: AmlCaseNoteTable;
  aml_case_attachment: AmlCaseAttachmentTable;
}
