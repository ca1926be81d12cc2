// Table types of the database, for Kysely. One interface per table; snake_case as in SQL.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Int8 = ColumnType<string | number | bigint, number | bigint | string, number | bigint | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface AuditEventTable {
  seq: Int8;
  time: Timestamp;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_ip: string | null;
  session_id_hash: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  fields: string[];
  reason: string | null;
  error_code: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointTable {
  tree_size: Int8;
  root_hash: string;
  note: string;
  created_at: Timestamp;
}

export interface CryptoKeyTable {
  purpose: string;
  version: number;
  wrapped: Bytes;
  status: string;
  provider_id: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export interface SubjectKeyTable {
  subject_id: string;
  version: number;
  ring_version: number;
  wrapped: Bytes | null;
  created_at: Timestamp;
  destroyed_at: Timestamp | null;
}

export interface StaffTable {
  id: string;
  email_ct: Bytes;
  email_bidx: Bytes;
  display_name: string;
  password_hash: string;
  totp_secret_ct: Bytes | null;
  totp_last_step: Int8 | null;
  roles: string[];
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StaffSessionTable {
  token_hash: string;
  staff_id: string;
  csrf_hash: string;
  ip: string;
  user_agent: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface BootstrapTokenTable {
  id: Generated<number>;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  pending_totp_ct: Bytes | null;
  created_at: Timestamp;
}

export interface TraderTable {
  id: string;
  account_ref: string;
  kind: string;
  status: string;
  country: string;
  legal_name_ct: Bytes;
  name_bidx: Bytes;
  email_ct: Bytes;
  email_bidx: Bytes;
  phone_ct: Bytes;
  phone_bidx: Bytes;
  date_of_birth_ct: Bytes | null;
  bank_account_ct: Bytes | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TraderWalletTable {
  id: string;
  trader_id: string;
  chain: string;
  address_ct: Bytes;
  address_bidx: Bytes;
  created_at: Timestamp;
}

export interface TraderBalanceTable {
  trader_id: string;
  asset: string;
  amount_ct: Bytes;
  updated_at: Timestamp;
}

export interface DB {
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  crypto_key: CryptoKeyTable;
  subject_key: SubjectKeyTable;
  staff: StaffTable;
  staff_session: StaffSessionTable;
  bootstrap_token: BootstrapTokenTable;
  trader: TraderTable;
  trader_wallet: TraderWalletTable;
  trader_balance: TraderBalanceTable;
}
