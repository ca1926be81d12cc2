// Table types of the KYC part of issue 5 (migrations/2026-11-21T15-20-00_kyc.ts), merged into DB (schema.ts).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
/** jsonb: read as a parsed value, written as JSON text. */
type Json = ColumnType<unknown, string, string>;

export interface KycCaseTable {
  id: string;
  trader_id: string;
  kind: 'individual' | 'business';
  purpose: 'onboarding' | 'refresh' | 'change';
  state: 'draft' | 'submitted' | 'in_review' | 'approved' | 'rejected' | 'more_info_needed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  assignee_id: string | null;
  due_at: Timestamp | null;
  profile_ct: Bytes | null;
  risk: 'low' | 'medium' | 'high' | null;
  risk_factors_ct: Bytes | null;
  risk_rated_at: Timestamp | null;
  screening_status: 'clear' | 'hits' | 'no_lists' | 'unavailable' | null;
  edd_required: ColumnType<boolean, boolean | undefined, boolean>;
  edd: ColumnType<unknown, string | undefined, string>;
  approval_request_id: string | null;
  provider_ref_ct: Bytes | null;
  provider_result_ct: Bytes | null;
  provider_answer: 'green' | 'red' | 'pending' | null;
  provider_updated_at: Timestamp | null;
  next_review_at: Timestamp | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  submitted_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KycCaseEventTable {
  id: string;
  case_id: string;
  trader_id: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  actor_id: string | null;
  reason_ct: Bytes | null;
  created_at: Timestamp;
}

export interface KycDocumentTable {
  id: string;
  case_id: string;
  trader_id: string;
  doc_type: string;
  person_id: string | null;
  filename_ct: Bytes;
  content_type: 'image/jpeg' | 'image/png' | 'application/pdf';
  size: number;
  pages: number;
  sha256: string;
  stripped: ColumnType<string[], string[] | undefined, string[]>;
  content_ct: Bytes;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface KycWebhookNonceTable {
  signature_sha256: string;
  received_at: Timestamp;
}

export interface KycSettingsVersionTable {
  version: number;
  settings: Json;
  changed_by: string | null;
  reason: string;
  created_at: Timestamp;
}

export interface KycTables {
  kyc_case: KycCaseTable;
  kyc_case_event: KycCaseEventTable;
  kyc_document: KycDocumentTable;
  kyc_webhook_nonce: KycWebhookNonceTable;
  kyc_settings_version: KycSettingsVersionTable;
}
