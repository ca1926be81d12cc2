// KYC rows: pure Kysely over an audited transaction. Personal values arrive already encrypted.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { KycCaseEventTable, KycCaseTable, KycDocumentTable } from '../../platform/db/schema-kyc.js';

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

function caseQuery(tx: AuditedTx) {
  return tx
    .selectFrom('kyc_case')
    .innerJoin('trader', 'trader.id', 'kyc_case.trader_id')
    .leftJoin('staff', 'staff.id', 'kyc_case.assignee_id')
    .selectAll('kyc_case')
    .select(['trader.account_ref', 'trader.country', 'trader.kind as trader_kind', 'staff.display_name as assignee_name']);
}

/** One case with the trader's account reference and the assignee's name. */
export async function findCase(tx: AuditedTx, id: string, opts: { lock?: boolean } = {}) {
  if (opts.lock) await tx.selectFrom('kyc_case').select('id').where('id', '=', id).forUpdate().execute();
  return caseQuery(tx).where('kyc_case.id', '=', id).executeTakeFirst();
}

/** The trader's open case (not approved or rejected), if any. */
export async function openCaseOf(tx: AuditedTx, traderId: string) {
  return caseQuery(tx).where('kyc_case.trader_id', '=', traderId).where('kyc_case.state', 'not in', ['approved', 'rejected']).executeTakeFirst();
}

export async function casesOfTrader(tx: AuditedTx, traderId: string) {
  return caseQuery(tx).where('kyc_case.trader_id', '=', traderId).orderBy('kyc_case.created_at', 'desc').limit(100).execute();
}

export interface QueueFilter {
  state: string;
  assignee: { kind: 'me'; id: string } | { kind: 'unassigned' } | { kind: 'anyone' };
  purpose?: string | undefined;
  overdueAt?: Date | undefined;
  limit: number;
}

/** The queue: due first (no due time last), then oldest. */
export async function listCases(tx: AuditedTx, f: QueueFilter) {
  let q = caseQuery(tx);
  if (f.state === 'open') q = q.where('kyc_case.state', 'not in', ['approved', 'rejected']);
  else q = q.where('kyc_case.state', '=', f.state as KycCaseTable['state']);
  if (f.assignee.kind === 'me') q = q.where('kyc_case.assignee_id', '=', f.assignee.id);
  if (f.assignee.kind === 'unassigned') q = q.where('kyc_case.assignee_id', 'is', null);
  if (f.purpose) q = q.where('kyc_case.purpose', '=', f.purpose as KycCaseTable['purpose']);
  if (f.overdueAt) q = q.where('kyc_case.due_at', '<', f.overdueAt).where('kyc_case.state', 'not in', ['approved', 'rejected']);
  return q.orderBy(sql`kyc_case.due_at asc nulls last`).orderBy('kyc_case.created_at', 'asc').limit(f.limit).execute();
}

export async function insertCase(tx: AuditedTx, row: Insertable<KycCaseTable>): Promise<void> {
  await tx.insertInto('kyc_case').values(row).execute();
}

export async function updateCase(tx: AuditedTx, id: string, set: Updateable<KycCaseTable>): Promise<void> {
  await tx.updateTable('kyc_case').set(set).where('id', '=', id).execute();
}

export async function insertEvent(tx: AuditedTx, row: Insertable<KycCaseEventTable>): Promise<void> {
  await tx.insertInto('kyc_case_event').values(row).execute();
}

export async function eventsOf(tx: AuditedTx, caseId: string) {
  return tx
    .selectFrom('kyc_case_event')
    .leftJoin('staff', 'staff.id', 'kyc_case_event.actor_id')
    .selectAll('kyc_case_event')
    .select('staff.display_name as actor_name')
    .where('case_id', '=', caseId)
    .orderBy('kyc_case_event.created_at')
    .execute();
}

export async function insertDocument(tx: AuditedTx, row: Insertable<KycDocumentTable>): Promise<void> {
  await tx.insertInto('kyc_document').values(row).execute();
}

/** Documents of a case without their content. */
export async function documentsOf(tx: AuditedTx, caseId: string) {
  return tx
    .selectFrom('kyc_document')
    .select(['id', 'doc_type', 'person_id', 'filename_ct', 'content_type', 'size', 'pages', 'stripped', 'uploaded_by', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

/** One document of this case (a document of another case is not found), with its content. */
export async function findDocument(tx: AuditedTx, caseId: string, id: string) {
  return tx.selectFrom('kyc_document').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

export async function countDocuments(tx: AuditedTx, caseId: string): Promise<number> {
  const r = await tx.selectFrom('kyc_document').select((eb) => eb.fn.countAll<string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A business's directors and UBOs: ids, roles and ownership only (names stay with the trader module). */
export async function personsOf(tx: AuditedTx, traderId: string) {
  return tx.selectFrom('trader_person').select(['id', 'role', 'ownership_pct']).where('trader_id', '=', traderId).orderBy('created_at').execute();
}

export async function isActiveStaff(tx: AuditedTx, id: string): Promise<boolean> {
  return Boolean(await tx.selectFrom('staff').select('id').where('id', '=', id).where('status', '=', 'active').executeTakeFirst());
}

/** The status of a four-eyes request (approvals module's table; read only). */
export async function approvalStatus(tx: AuditedTx, id: string): Promise<string | undefined> {
  return (await tx.selectFrom('approval_request').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

/** Remembers a webhook signature; false when it was seen before (a replay). Old ones are deleted. */
export async function rememberSignature(tx: AuditedTx, sha256: string, now: Date, olderThan: Date): Promise<boolean> {
  await tx.deleteFrom('kyc_webhook_nonce').where('received_at', '<', olderThan).execute();
  const r = await tx.insertInto('kyc_webhook_nonce').values({ signature_sha256: sha256, received_at: now }).onConflict((oc) => oc.doNothing()).returning('signature_sha256').executeTakeFirst();
  return Boolean(r);
}

export async function latestSettings(tx: AuditedTx) {
  return tx
    .selectFrom('kyc_settings_version')
    .leftJoin('staff', 'staff.id', 'kyc_settings_version.changed_by')
    .selectAll('kyc_settings_version')
    .select('staff.display_name as changed_by_name')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertSettings(tx: AuditedTx, row: { version: number; settings: string; changed_by: string | null; reason: string; created_at: Date }): Promise<void> {
  await tx.insertInto('kyc_settings_version').values(row).execute();
}

/** Approved cases whose next review falls before `before`, of traders with no open case: refresh candidates. */
export async function dueForRefresh(tx: AuditedTx, before: Date, limit: number) {
  return tx
    .selectFrom('kyc_case as c')
    .select(['c.id', 'c.trader_id', 'c.kind', 'c.risk', 'c.next_review_at'])
    .where('c.state', '=', 'approved')
    .where('c.next_review_at', '<=', before)
    // Only the trader's latest approval counts (an older one was superseded by a refresh).
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('kyc_case as n').select('n.id').whereRef('n.trader_id', '=', 'c.trader_id').whereRef('n.created_at', '>', 'c.created_at'))),
    )
    .orderBy('c.next_review_at')
    .limit(limit)
    .execute();
}

/** Open refresh cases past their due time whose trader is still marked approved. */
export async function overdueRefreshes(tx: AuditedTx, now: Date) {
  return tx
    .selectFrom('kyc_case')
    .innerJoin('trader', 'trader.id', 'kyc_case.trader_id')
    .select(['kyc_case.id', 'kyc_case.trader_id'])
    .where('kyc_case.purpose', '=', 'refresh')
    .where('kyc_case.state', 'not in', ['approved', 'rejected'])
    .where('kyc_case.due_at', '<', now)
    .where('trader.kyc_state', '=', 'approved')
    .execute();
}
