// Table types of the sanctions-list part of issue 5 (migrations/2026-11-21T15-00-00_screening_lists.ts), merged
// into DB (schema.ts). snake_case as in SQL.
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Int8 = ColumnType<string | number | bigint, number | bigint | string, number | bigint | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ListVersionTable {
  id: string;
  source: string;
  version: number;
  format: string;
  sha256: string;
  file_names: string[];
  byte_size: Int8;
  published_at: Timestamp | null;
  imported_at: Timestamp;
  entity_count: number;
  added_count: number;
  removed_count: number;
  changed_count: number;
  previous_id: string | null;
  origin: 'upload' | 'file' | 'sync';
  origin_url: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  warnings: Json<string[]>;
  shrink_allowed: boolean;
}

export interface ListEntityTable {
  version_id: string;
  entity_id: string;
  kind: string;
  name: string;
  data: Json<unknown>;
}

export interface ListChangeTable {
  version_id: string;
  entity_id: string;
  change: 'added' | 'removed' | 'changed';
  name: string;
  fields: string[];
  before: Json<unknown> | null;
  after: Json<unknown> | null;
}

export interface ListCheckTable {
  id: string;
  source: string | null;
  outcome: 'imported' | 'unchanged' | 'failed';
  version_id: string | null;
  sha256: string | null;
  origin: 'upload' | 'file' | 'sync';
  origin_url: string | null;
  error: string | null;
  checked_at: Timestamp;
}

export interface ScreeningListsTables {
  list_check: ListCheckTable;
  list_version: ListVersionTable;
  list_entity: ListEntityTable;
  list_change: ListChangeTable;
}
