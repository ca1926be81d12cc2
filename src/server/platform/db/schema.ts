// Table types of the database, for Kysely. One interface per table; snake_case as in SQL.
import type { ColumnType, Generated } from 'kysely';
import type { CasesTables } from './schema-cases.js';
import type { KycTables } from './schema-kyc.js';
import type { MonitoringTables } from './schema-monitoring.js';
import type { SarTables } from './schema-sar.js';
import type { WithdrawalLimitTables } from './schema-withdrawal-limits.js';
import type { ScreeningTables } from './schema-screening.js';
import type { ScreeningListsTables } from './schema-screening-lists.js';

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
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  frozen_reason: string | null;
  allowed_cidrs: Generated<string[]>;
  password_changed_at: Timestamp | null;
  invited_by: string | null;
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
  mfa_at: Timestamp | null;
  mfa_method: string | null;
  idle_timeout_ms: Generated<number>;
  country: string | null;
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
  risk: Generated<string>;
  kyc_state: Generated<string>;
  vip: Generated<boolean>;
  activity_band: Generated<string>;
  registration_number_ct: Bytes | null;
  anti_phishing_code_ct: Bytes | null;
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

export interface RoleTable {
  name: string;
  description: Generated<string>;
  builtin: Generated<boolean>;
  privileged: Generated<boolean>;
  require_hardware_key: Generated<boolean>;
  idle_timeout_minutes: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RolePermissionTable {
  role: string;
  permission: string;
}

export interface RoleFieldPolicyTable {
  role: string;
  field_class: string;
  visibility: string;
}

export interface StaffInvitationTable {
  id: string;
  kind: string;
  token_hash: string;
  staff_id: string | null;
  email_ct: Bytes | null;
  email_bidx: Bytes | null;
  display_name: string | null;
  roles: Generated<string[]>;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  pending_totp_ct: Bytes | null;
}

export interface WebauthnCredentialTable {
  id: string;
  staff_id: string;
  name: string;
  public_key: Bytes;
  counter: Int8;
  transports: Generated<string[]>;
  aaguid: string | null;
  device_type: string | null;
  backed_up: Generated<boolean>;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface WebauthnChallengeTable {
  id: string;
  staff_id: string | null;
  session_hash: string | null;
  purpose: string;
  challenge: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface RecoveryCodeTable {
  staff_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: Generated<number>;
  last_failure_at: Timestamp | null;
  blocked_until: Timestamp | null;
}

export interface StaffKnownLocationTable {
  staff_id: string;
  kind: string;
  value: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface SecurityAlertTable {
  id: string;
  kind: string;
  severity: string;
  staff_id: string | null;
  summary: string;
  details: ColumnType<unknown, string, string>;
  status: Generated<string>;
  created_at: Timestamp;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  resolution: string | null;
}

export interface ApprovalRequestTable {
  id: string;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  reason: string;
  maker_id: string;
  status: string;
  checker_id: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface EmailOutboxTable {
  id: string;
  to_ct: Bytes;
  subject: string;
  body_ct: Bytes;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  error: string | null;
}

export interface TraderPersonTable {
  id: string;
  trader_id: string;
  role: 'director' | 'ubo';
  name_ct: Bytes;
  date_of_birth_ct: Bytes | null;
  nationality: string | null;
  /** numeric(5,2): arrives as a string from both drivers. */
  ownership_pct: ColumnType<string | null, string | number | null, string | number | null>;
  created_at: Timestamp;
}

export interface TraderNoteTable {
  id: string;
  trader_id: string;
  author_id: string;
  body_ct: Bytes;
  redactions: Generated<string[]>;
  created_at: Timestamp;
}

export interface TraderSecurityEventTable {
  id: string;
  trader_id: string;
  exchange_event_id: string;
  kind: string;
  occurred_at: Timestamp;
  ip_ct: Bytes | null;
  country: string | null;
  detail_ct: Bytes | null;
  received_at: Timestamp;
}

export interface ExchangeConnectionTable {
  id: 'default';
  base_url: string;
  key_id: string;
  secret_ct: Bytes;
  updated_at: Timestamp;
  updated_by: string;
}

export interface ExchangeSnapshotTable {
  trader_id: string;
  kind: string;
  payload_ct: Bytes;
  fetched_at: Timestamp;
}

export interface TicketTable {
  id: string;
  number: Generated<Int8>;
  trader_id: string;
  subject_ct: Bytes;
  status: 'new' | 'open' | 'pending' | 'solved' | 'closed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  queue: Generated<string>;
  assignee_id: string | null;
  tags: Generated<string[]>;
  channel: 'api' | 'email' | 'staff';
  first_response_due_at: Timestamp;
  resolution_due_at: Timestamp;
  first_responded_at: Timestamp | null;
  solved_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketMessageTable {
  id: string;
  ticket_id: string;
  trader_id: string;
  kind: 'trader' | 'reply' | 'internal';
  author_staff_id: string | null;
  body_ct: Bytes;
  redactions: Generated<string[]>;
  email_id: string | null;
  created_at: Timestamp;
}

export interface TicketAttachmentTable {
  id: string;
  ticket_id: string;
  message_id: string;
  trader_id: string;
  filename_ct: Bytes;
  content_type: string;
  size: number;
  sha256: string;
  content_ct: Bytes;
  created_at: Timestamp;
}

/** Signatures of accepted inbound support webhooks (replay protection). */
export interface SupportInboundNonceTable {
  signature_sha256: string;
  received_at: Timestamp;
}

export interface CannedReplyTable {
  id: string;
  name: string;
  body: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ConsentCategory = 'marketing_email' | 'product_news' | 'research';

export interface ConsentEventTable {
  id: string;
  trader_id: string;
  category: ConsentCategory;
  granted: boolean;
  source: 'signup' | 'settings' | 'support' | 'unsubscribe_link' | 'import';
  wording_version: string;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface ConsentCurrentTable {
  trader_id: string;
  category: ConsentCategory;
  granted: boolean;
  wording_version: string;
  updated_at: Timestamp;
}

export interface MarketingSegmentTable {
  id: string;
  name: string;
  category: ConsentCategory;
  countries: Generated<string[]>;
  activity_bands: Generated<string[]>;
  vip: boolean | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB
  extends ScreeningListsTables,
    ScreeningTables,
    KycTables,
    MonitoringTables,
    CasesTables,
    SarTables,
    WithdrawalLimitTables {
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
  role: RoleTable;
  role_permission: RolePermissionTable;
  role_field_policy: RoleFieldPolicyTable;
  staff_invitation: StaffInvitationTable;
  webauthn_credential: WebauthnCredentialTable;
  webauthn_challenge: WebauthnChallengeTable;
  recovery_code: RecoveryCodeTable;
  sign_in_throttle: SignInThrottleTable;
  staff_known_location: StaffKnownLocationTable;
  security_alert: SecurityAlertTable;
  approval_request: ApprovalRequestTable;
  email_outbox: EmailOutboxTable;
  trader_person: TraderPersonTable;
  trader_note: TraderNoteTable;
  trader_security_event: TraderSecurityEventTable;
  exchange_connection: ExchangeConnectionTable;
  exchange_snapshot: ExchangeSnapshotTable;
  ticket: TicketTable;
  ticket_message: TicketMessageTable;
  ticket_attachment: TicketAttachmentTable;
  canned_reply: CannedReplyTable;
  support_inbound_nonce: SupportInboundNonceTable;
  consent_event: ConsentEventTable;
  consent_current: ConsentCurrentTable;
  marketing_segment: MarketingSegmentTable;
}
