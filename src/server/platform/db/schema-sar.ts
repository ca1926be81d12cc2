// Table types of suspicious-activity reports (migrations/2026-11-21T16-30-00_sar.ts), merged into DB (schema.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export type SarStatus = 'draft' | 'ready_for_review' | 'filed' | 'withdrawn';
export type SarEventKind = 'created' | 'edited' | 'ready' | 'reopened' | 'exported_goaml' | 'exported_pdf' | 'filed' | 'withdrawn';

export interface SarReportTable {
  id: string;
  case_id: string;
  subject_trader_id: string;
  reference: string;
  status: SarStatus;
  version: Generated<number>;
  detected_at: Timestamp;
  due_at: Timestamp;
  content_ct: Bytes;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
  ready_by: string | null;
  ready_at: Timestamp | null;
  filed_by: string | null;
  filed_at: Timestamp | null;
  fiu_reference: string | null;
  withdrawn_by: string | null;
  withdrawn_at: Timestamp | null;
}

export interface SarReportEventTable {
  id: string;
  seq: Generated<string>;
  sar_id: string;
  case_id: string;
  kind: SarEventKind;
  from_status: SarStatus | null;
  to_status: SarStatus | null;
  actor_id: string | null;
  fields: Generated<string[]>;
  reason_ct: Bytes | null;
  created_at: Timestamp;
}

export interface SarSettingsVersionTable {
  version: number;
  settings: ColumnType<unknown, string, string>;
  changed_by: string | null;
  created_at: Timestamp;
}

export interface SarTables {
  sar_report: SarReportTable;
  sar_report_event: SarReportEventTable;
  sar_settings_version: SarSettingsVersionTable;
}
