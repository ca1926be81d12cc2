// Case rows: pure Kysely over an audited transaction. Titles, reasons, notes and attachments arrive encrypted.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { AmlCaseAttachmentTable, AmlCaseEventTable, AmlCaseNoteTable, AmlCaseTable, CaseStatus } from '../../platform/db/schema-cases.js';
import { closePermissions } from '../../platform/authz/permissions.js';

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

const CLOSED: CaseStatus[] = ['closed_no_action', 'closed_sar_filed', 'closed_other'];

function caseQuery(tx: AuditedTx) {
  return tx
    .selectFrom('aml_case as c')
    .innerJoin('trader as t', 't.id', 'c.subject_trader_id')
    .leftJoin('staff as a', 'a.id', 'c.assignee_id')
    .leftJoin('staff as o', 'o.id', 'c.opened_by')
    .leftJoin('staff as d', 'd.id', 'c.decided_by')
    .selectAll('c')
    .select(['t.account_ref', 'a.display_name as assignee_name', 'o.display_name as opened_by_name', 'd.display_name as decided_by_name']);
}

/** One case with the subject's account reference and the names of its assignee, opener and decider. */
export async function findCase(tx: AuditedTx, id: string, opts: { lock?: boolean } = {}) {
  if (opts.lock) await tx.selectFrom('aml_case').select('id').where('id', '=', id).forUpdate().execute();
  return caseQuery(tx).where('c.id', '=', id).executeTakeFirst();
}

export interface CaseFilter {
  status: string | readonly string[];
  queue?: string | undefined;
  priority?: AmlCaseTable['priority'] | undefined;
  assignee: { kind: 'me'; id: string } | { kind: 'unassigned' } | { kind: 'anyone' };
  overdueAt?: Date | undefined;
  traderId?: string | undefined;
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

/** Cases, newest first (keyset on opened_at, id). */
export async function listCases(tx: AuditedTx, f: CaseFilter) {
  let q = caseQuery(tx);
  if (f.status === 'active') q = q.where('c.status', 'not in', CLOSED);
  else if (f.status === 'closed') q = q.where('c.status', 'in', CLOSED);
  else if (Array.isArray(f.status)) q = q.where('c.status', 'in', f.status as CaseStatus[]);
  else if (f.status !== 'all') q = q.where('c.status', '=', f.status as CaseStatus);
  if (f.queue) q = q.where('c.queue', '=', f.queue);
  if (f.priority) q = q.where('c.priority', '=', f.priority);
  if (f.assignee.kind === 'me') q = q.where('c.assignee_id', '=', f.assignee.id);
  if (f.assignee.kind === 'unassigned') q = q.where('c.assignee_id', 'is', null);
  if (f.overdueAt) q = q.where('c.due_at', '<', f.overdueAt).where('c.closed_at', 'is', null);
  if (f.traderId) {
    const id = f.traderId;
    // The subject, or a linked trader.
    q = q.where((eb) =>
      eb.or([eb('c.subject_trader_id', '=', id), eb.exists(eb.selectFrom('aml_case_link as l').select('l.case_id').whereRef('l.case_id', '=', 'c.id').where('l.kind', '=', 'trader').where('l.ref', '=', id))]),
    );
  }
  if (f.after) {
    const a = f.after;
    q = q.where((eb) => eb.or([eb('c.opened_at', '<', a.at), eb.and([eb('c.opened_at', '=', a.at), eb('c.id', '<', a.id)])]));
  }
  return q.orderBy('c.opened_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
}

/** The next CASE-YYYY-NNNNNN number. */
export async function nextReferenceNumber(tx: AuditedTx): Promise<number> {
  const r = await sql<{ n: string }>`select nextval('aml_case_reference_seq') as n`.execute(tx);
  return Number(r.rows[0]!.n);
}

export async function insertCase(tx: AuditedTx, row: Insertable<AmlCaseTable>): Promise<void> {
  await tx.insertInto('aml_case').values(row).execute();
}

export async function updateCase(tx: AuditedTx, id: string, set: Updateable<AmlCaseTable>): Promise<void> {
  await tx.updateTable('aml_case').set(set).where('id', '=', id).execute();
}

export async function insertEvent(tx: AuditedTx, row: Insertable<AmlCaseEventTable>): Promise<void> {
  await tx.insertInto('aml_case_event').values(row).execute();
}

/** A case's events, oldest first; `withRestricted: false` leaves out the SAR steps. */
export async function eventsOf(tx: AuditedTx, caseId: string, withRestricted: boolean) {
  let q = tx
    .selectFrom('aml_case_event as e')
    .leftJoin('staff as s', 's.id', 'e.actor_id')
    .selectAll('e')
    .select('s.display_name as actor_name')
    .where('e.case_id', '=', caseId);
  if (!withRestricted) q = q.where('e.restricted', 'is', null);
  return q.orderBy('e.seq').execute();
}

/** A trader's case events (the trader timeline), newest first; `restricted` picks the SAR steps or the others. */
export async function eventsOfTrader(tx: AuditedTx, traderId: string, before: Date, limit: number, restricted: boolean) {
  return tx
    .selectFrom('aml_case_event as e')
    .innerJoin('aml_case as c', 'c.id', 'e.case_id')
    .leftJoin('staff as s', 's.id', 'e.actor_id')
    .select(['e.id', 'e.kind', 'e.from_status', 'e.to_status', 'e.created_at', 'c.reference', 's.display_name'])
    .where('e.trader_id', '=', traderId)
    .where('e.created_at', '<=', before)
    .where('e.restricted', restricted ? 'is not' : 'is', null)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.seq', 'desc')
    .limit(limit)
    .execute();
}

export async function insertLink(tx: AuditedTx, row: { case_id: string; kind: 'trader' | 'alert' | 'event' | 'screening_hit'; ref: string; added_by: string | null; added_at: Date }): Promise<boolean> {
  const r = await tx.insertInto('aml_case_link').values(row).onConflict((oc) => oc.columns(['case_id', 'kind', 'ref']).doNothing()).returning('ref').executeTakeFirst();
  return Boolean(r);
}

export async function linksOf(tx: AuditedTx, caseId: string) {
  return tx
    .selectFrom('aml_case_link as l')
    .leftJoin('staff as s', 's.id', 'l.added_by')
    .selectAll('l')
    .select('s.display_name as added_by_name')
    .where('l.case_id', '=', caseId)
    .orderBy('l.added_at')
    .orderBy('l.kind')
    .orderBy('l.ref')
    .execute();
}

/** Labels of linked records, from public columns only (no decryption). */
export async function linkLabels(tx: AuditedTx, links: { kind: string; ref: string }[]): Promise<Map<string, string>> {
  const of = (k: string) => links.filter((l) => l.kind === k).map((l) => l.ref);
  const out = new Map<string, string>();
  const traders = of('trader');
  if (traders.length) {
    for (const r of await tx.selectFrom('trader').select(['id', 'account_ref', 'status']).where('id', 'in', traders).execute()) out.set(`trader:${r.id}`, `${r.account_ref} (${r.status})`);
  }
  const alerts = of('alert');
  if (alerts.length) {
    for (const r of await tx.selectFrom('monitoring_alert').select(['id', 'rule_id', 'severity', 'status', 'detected_at']).where('id', 'in', alerts).execute()) {
      out.set(`alert:${r.id}`, `${r.severity} alert, rule ${r.rule_id}, ${r.status}, ${new Date(r.detected_at).toISOString().slice(0, 10)}`);
    }
  }
  const events = of('event');
  if (events.length) {
    for (const r of await tx.selectFrom('monitoring_event').select(['event_id', 'type', 'asset', 'amount', 'amount_usd', 'occurred_at']).where('event_id', 'in', events).execute()) {
      const amount = r.amount !== null ? ` ${r.amount.includes('.') ? r.amount.replace(/\.?0+$/, '') : r.amount} ${r.asset ?? ''}`.trimEnd() : '';
      out.set(`event:${r.event_id}`, `${r.type}${amount}${r.amount_usd !== null ? ` (≈ ${Math.round(r.amount_usd)} USD)` : ''}, ${new Date(r.occurred_at).toISOString().slice(0, 16).replace('T', ' ')}`);
    }
  }
  const hits = of('screening_hit');
  if (hits.length) {
    for (const r of await tx.selectFrom('screening_hit').select(['id', 'source', 'entity_name', 'status']).where('id', 'in', hits).execute()) out.set(`screening_hit:${r.id}`, `${r.source}: ${r.entity_name} (${r.status.replace('_', ' ')})`);
  }
  return out;
}

export async function insertNote(tx: AuditedTx, row: Insertable<AmlCaseNoteTable>): Promise<void> {
  await tx.insertInto('aml_case_note').values(row).execute();
}

export async function notesOf(tx: AuditedTx, caseId: string) {
  return tx.selectFrom('aml_case_note as n').leftJoin('staff as s', 's.id', 'n.author_id').selectAll('n').select('s.display_name as author_name').where('n.case_id', '=', caseId).orderBy('n.created_at').orderBy('n.id').execute();
}

export async function insertAttachment(tx: AuditedTx, row: Insertable<AmlCaseAttachmentTable>): Promise<void> {
  await tx.insertInto('aml_case_attachment').values(row).execute();
}

/** A case's attachments without their content. */
export async function attachmentsOf(tx: AuditedTx, caseId: string) {
  return tx
    .selectFrom('aml_case_attachment as x')
    .leftJoin('staff as s', 's.id', 'x.uploaded_by')
    .select(['x.id', 'x.filename_ct', 'x.content_type', 'x.size', 'x.sha256', 'x.created_at', 's.display_name as uploaded_by_name'])
    .where('x.case_id', '=', caseId)
    .orderBy('x.created_at')
    .execute();
}

/** One attachment of this case (another case's attachment is not found), with its content. */
export async function findAttachment(tx: AuditedTx, caseId: string, id: string) {
  return tx.selectFrom('aml_case_attachment').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

export async function countAttachments(tx: AuditedTx, caseId: string): Promise<number> {
  const r = await tx.selectFrom('aml_case_attachment').select((eb) => eb.fn.countAll<string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function traderExists(tx: AuditedTx, id: string): Promise<boolean> {
  return Boolean(await tx.selectFrom('trader').select('id').where('id', '=', id).executeTakeFirst());
}

export async function eventTrader(tx: AuditedTx, eventId: string): Promise<string | undefined> {
  return (await tx.selectFrom('monitoring_event').select('trader_id').where('event_id', '=', eventId).executeTakeFirst())?.trader_id;
}

export async function hitTrader(tx: AuditedTx, hitId: string): Promise<string | undefined> {
  return (await tx.selectFrom('screening_hit').select('trader_id').where('id', '=', hitId).executeTakeFirst())?.trader_id;
}

/** True when the member is active and one of their roles grants case.manage (directly or through a dependency). */
export async function mayManageCases(tx: AuditedTx, staffId: string): Promise<boolean> {
  const s = await tx.selectFrom('staff').select(['roles']).where('id', '=', staffId).where('status', '=', 'active').executeTakeFirst();
  if (!s || !s.roles.length) return false;
  const grants = await tx.selectFrom('role_permission').select('permission').where('role', 'in', s.roles).execute();
  return closePermissions(grants.map((g) => g.permission)).has('case.manage');
}

/** Active members who may be assigned a case (case.manage). */
export async function caseManagers(tx: AuditedTx) {
  const staff = await tx.selectFrom('staff').select(['id', 'display_name', 'roles']).where('status', '=', 'active').orderBy('display_name').execute();
  const grants = await tx.selectFrom('role_permission').select(['role', 'permission']).execute();
  const perms = new Map<string, string[]>();
  for (const g of grants) perms.set(g.role, [...(perms.get(g.role) ?? []), g.permission]);
  return staff.filter((s) => closePermissions(s.roles.flatMap((r) => perms.get(r) ?? [])).has('case.manage')).map((s) => ({ id: s.id, name: s.display_name }));
}

/** Counts by status and queue, and the overdue ones (CLI; no personal data). */
export async function countCases(tx: AuditedTx, now: Date) {
  const byStatus = await tx.selectFrom('aml_case').select(['status', 'queue', (eb) => eb.fn.countAll<string>().as('n')]).groupBy(['status', 'queue']).execute();
  const overdue = await tx.selectFrom('aml_case').select((eb) => eb.fn.countAll<string>().as('n')).where('closed_at', 'is', null).where('due_at', '<', now).executeTakeFirstOrThrow();
  return { byStatus, overdue: Number(overdue.n) };
}
