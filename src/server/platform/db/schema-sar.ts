// Table types of suspicious-activity reports (migrations/2026-11-21T16-30-00_sar.ts), merged into DB (schema.ts).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the SAR work
export interface SarTables {}
