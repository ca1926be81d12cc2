// Table types of the screening service (issue 5), merged into DB (schema.ts). snake_case as in SQL.
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** A list version as stored with a screening (public list data). */
export interface StoredListVersion {
  id: string;
  source: string;
  version: number;
  sha256: string;
  publishedAt: string | null;
}

export interface ScreeningBatchTable {
  id: string;
  trigger: 'list_change' | 'manual';
  list_version_id: string | null;
  previous_version_id: string | null;
  list_versions: Json<StoredListVersion[]>;
  delta_added: ColumnType<number, number | undefined, number>;
  delta_changed: ColumnType<number, number | undefined, number>;
  delta_removed: ColumnType<number, number | undefined, number>;
  delta_sha256: string | null;
  algorithm_version: string;
  threshold: number;
  status: 'running' | 'done' | 'failed';
  traders_screened: ColumnType<number, number | undefined, number>;
  subjects_screened: ColumnType<number, number | undefined, number>;
  traders_with_hits: ColumnType<number, number | undefined, number>;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ScreeningRunTable {
  id: string;
  trader_id: string;
  batch_id: string | null;
  trigger: string;
  scope: 'full' | 'delta' | 'counterparty';
  status: 'clear' | 'hits' | 'no_lists_loaded';
  actor_type: string;
  actor_id: string | null;
  list_versions: Json<StoredListVersion[]>;
  algorithm_version: string | null;
  threshold: number | null;
  subject_count: number;
  candidate_count: number;
  evidence_ct: Bytes;
  created_at: Timestamp;
}

export interface ScreeningHitTable {
  id: string;
  trader_id: string;
  subject_kind: 'trader' | 'director' | 'ubo' | 'wallet' | 'counterparty';
  subject_ref: string;
  subject_hash: Bytes;
  source: string;
  entity_id: string;
  entity_name: string;
  entity_kind: string;
  entity_topics: string[];
  entity_sha256: string;
  score: number;
  explanation_ct: Bytes;
  status: 'open' | 'false_positive' | 'confirmed';
  first_run_id: string;
  last_run_id: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  freeze_approval_id: string | null;
  case_id: string | null;
  opened_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScreeningDecisionTable {
  id: string;
  hit_id: string;
  trader_id: string;
  decision: 'false_positive' | 'confirmed' | 'reopened';
  reason_ct: Bytes | null;
  system_note: string | null;
  reviewer_id: string | null;
  subject_hash: Bytes;
  entity_sha256: string;
  approval_id: string | null;
  created_at: Timestamp;
}

export interface ScreeningTables {
  screening_batch: ScreeningBatchTable;
  screening_run: ScreeningRunTable;
  screening_hit: ScreeningHitTable;
  screening_decision: ScreeningDecisionTable;
}
