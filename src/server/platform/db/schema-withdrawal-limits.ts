// Table types of withdrawal-limit changes (migrations/2026-11-21T16-40-00_withdrawal_limits.ts), merged into DB.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the withdrawal-limit work
export interface WithdrawalLimitTables {}
