// SAR rows: pure Kysely over an audited transaction. Personal values arrive already encrypted.
//
// The case tables (aml_case, aml_case_link, monitoring_alert) and monitoring_event belong to the cases and
// monitoring modules: this file only reads them, to prefill a draft and to name a report's case.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { SarReportEventTable, SarReportTable, SarStatus } from '../../platform/db/schema-sar.js';

export type SarRow = NonNullable<Awaited<ReturnType<typeof findSar>>>;

const OPEN: SarStatus[] = ['draft', 'ready_for_review'];

function sarQuery(tx: AuditedTx) {
  return tx
    .selectFrom('sar_report as s')
    .innerJoin('aml_case as c', 'c.id', 's.case_id')
    .leftJoin('staff as cb', 'cb.id', 's.created_by')
    .leftJoin('staff as rb', 'rb.id', 's.ready_by')
    .leftJoin('staff as fb', 'fb.id', 's.filed_by')
    .selectAll('s')
    .select(['c.reference as case_reference', 'cb.display_name as created_by_name', 'rb.display_name as ready_by_name', 'fb.display_name as filed_by_name']);
}

/** One report with its case's reference and the names of who drafted, readied and filed it. */
export async function findSar(tx: AuditedTx, id: string, opts: { lock?: boolean } = {}) {
  if (opts.lock) await tx.selectFrom('sar_report').select('id').where('id', '=', id).forUpdate().execute();
  return sarQuery(tx).where('s.id', '=', id).executeTakeFirst();
}

/** A case's reports, newest first. */
export async function sarsOfCase(tx: AuditedTx, caseId: string) {
  return sarQuery(tx).where('s.case_id', '=', caseId).orderBy('s.created_at', 'desc').limit(100).execute();
}

export interface ListFilter {
  status: 'open' | 'all' | SarStatus;
  overdueAt?: Date | undefined;
  limit: number;
}

/** The deadline list: earliest deadline first. */
export async function listSars(tx: AuditedTx, f: ListFilter) {
  let q = sarQuery(tx);
  if (f.status === 'open') q = q.where('s.status', 'in', OPEN);
  else if (f.status !== 'all') q = q.where('s.status', '=', f.status);
  if (f.overdueAt) q = q.where('s.status', 'in', OPEN).where('s.due_at', '<', f.overdueAt);
  return q.orderBy('s.due_at', 'asc').orderBy('s.created_at', 'asc').limit(f.limit).execute();
}

/** The next report number (a sequence: never reused, even when a draft's transaction rolls back). */
export async function nextNumber(tx: AuditedTx): Promise<number> {
  const r = await sql<{ n: string }>`select nextval('sar_report_number_seq') as n`.execute(tx);
  return Number(r.rows[0]!.n);
}

export async function insertSar(tx: AuditedTx, row: Insertable<SarReportTable>): Promise<void> {
  await tx.insertInto('sar_report').values(row).execute();
}

/** Updates a report only if it is still at `version` (bumping it); false when someone changed it meanwhile. */
export async function updateSar(tx: AuditedTx, id: string, version: number, set: Updateable<SarReportTable>): Promise<boolean> {
  const r = await tx
    .updateTable('sar_report')
    .set({ ...set, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertEvent(tx: AuditedTx, row: Insertable<SarReportEventTable>): Promise<void> {
  await tx.insertInto('sar_report_event').values(row).execute();
}

export async function eventsOf(tx: AuditedTx, sarId: string) {
  return tx
    .selectFrom('sar_report_event as e')
    .leftJoin('staff as s', 's.id', 'e.actor_id')
    .selectAll('e')
    .select('s.display_name as actor_name')
    .where('e.sar_id', '=', sarId)
    .orderBy('e.seq')
    .execute();
}

// ── Read-only: the case and what it links ──

export async function findCase(tx: AuditedTx, id: string) {
  return tx.selectFrom('aml_case').select(['id', 'reference', 'status', 'subject_trader_id', 'opened_at']).where('id', '=', id).executeTakeFirst();
}

export async function caseLinks(tx: AuditedTx, caseId: string) {
  return tx.selectFrom('aml_case_link').select(['kind', 'ref']).where('case_id', '=', caseId).orderBy('added_at').execute();
}

/** Alerts by id (the case's linked alerts): their events and when they were detected. */
export async function alertsByIds(tx: AuditedTx, ids: string[]) {
  if (!ids.length) return [];
  return tx.selectFrom('monitoring_alert').select(['id', 'trader_id', 'event_ids', 'detected_at']).where('id', 'in', ids).execute();
}

/** Events by exchange event id, oldest first, with the trader's account reference. */
export async function eventsByIds(tx: AuditedTx, eventIds: string[]) {
  if (!eventIds.length) return [];
  return tx
    .selectFrom('monitoring_event as e')
    .innerJoin('trader as t', 't.id', 'e.trader_id')
    .select(['e.event_id', 'e.trader_id', 't.account_ref', 'e.type', 'e.occurred_at', 'e.asset', 'e.amount', 'e.amount_usd', 'e.country', 'e.detail', 'e.payload_ct'])
    .where('e.event_id', 'in', eventIds)
    .orderBy('e.occurred_at')
    .orderBy('e.seq')
    .execute();
}

// ── Settings (versioned) ──

export async function latestSettings(tx: AuditedTx) {
  return tx.selectFrom('sar_settings_version').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function insertSettings(tx: AuditedTx, row: { version: number; settings: string; changed_by: string | null; created_at: Date }): Promise<void> {
  await tx.insertInto('sar_settings_version').values(row).execute();
}
