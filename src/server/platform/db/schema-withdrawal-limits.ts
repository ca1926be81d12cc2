// Table types of withdrawal-limit changes (migrations/2026-11-21T16-40-00_withdrawal_limits.ts), merged into DB.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export type WithdrawalLimitStatus = 'pending' | 'applied' | 'rejected' | 'failed' | 'expired';

export interface WithdrawalLimitRequestTable {
  id: string;
  trader_id: string;
  asset: string;
  current_limit: string;
  requested_limit: string;
  direction: 'increase' | 'decrease';
  source: 'staff' | 'trader';
  requested_by: string | null;
  external_id: string | null;
  reason_ct: Bytes;
  status: WithdrawalLimitStatus;
  decided_by: string | null;
  decision_reason_ct: Bytes | null;
  decided_at: Timestamp | null;
  applied_at: Timestamp | null;
  error_code: string | null;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface WithdrawalLimitInboundNonceTable {
  signature_sha256: string;
  received_at: Timestamp;
}

export interface WithdrawalLimitTables {
  withdrawal_limit_request: WithdrawalLimitRequestTable;
  withdrawal_limit_inbound_nonce: WithdrawalLimitInboundNonceTable;
}
