// Support desk rows: pure Kysely over an audited transaction. Subjects, bodies, file names and contents arrive
// already encrypted under the trader's subject key.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { TicketAttachmentTable, TicketMessageTable, TicketTable } from '../../platform/db/schema.js';

export type TicketRow = Awaited<ReturnType<typeof findTicket>> & object;

const ticketColumns = [
  'ticket.id',
  'ticket.number',
  'ticket.trader_id',
  'ticket.subject_ct',
  'ticket.status',
  'ticket.priority',
  'ticket.queue',
  'ticket.assignee_id',
  'ticket.tags',
  'ticket.channel',
  'ticket.first_response_due_at',
  'ticket.resolution_due_at',
  'ticket.first_responded_at',
  'ticket.solved_at',
  'ticket.created_at',
  'ticket.updated_at',
] as const;

function ticketQuery(tx: AuditedTx) {
  return tx
    .selectFrom('ticket')
    .innerJoin('trader', 'trader.id', 'ticket.trader_id')
    .leftJoin('staff', 'staff.id', 'ticket.assignee_id')
    .select([...ticketColumns, 'trader.account_ref', 'staff.display_name as assignee_name']);
}

/** Inserts a ticket; returns its number. */
export async function insertTicket(tx: AuditedTx, row: Insertable<TicketTable>): Promise<number> {
  const r = await tx.insertInto('ticket').values(row).returning('number').executeTakeFirstOrThrow();
  return Number(r.number);
}

/** Inserts one chat message. */
export async function insertMessage(tx: AuditedTx, row: Insertable<TicketMessageTable>): Promise<void> {
  await tx.insertInto('ticket_message').values(row).execute();
}

/** Inserts attachments of one message. */
export async function insertAttachments(tx: AuditedTx, rows: Insertable<TicketAttachmentTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('ticket_attachment').values(rows).execute();
}

/** One ticket with the trader's account reference and the assignee's name, or undefined. */
export async function findTicket(tx: AuditedTx, id: string) {
  return ticketQuery(tx).where('ticket.id', '=', id).executeTakeFirst();
}

/** The ticket with this number when it belongs to this trader (a number of another trader is not found). */
export async function findTicketOfTrader(tx: AuditedTx, number: number, traderId: string) {
  return ticketQuery(tx).where(sql<boolean>`ticket.number = ${number}`).where('ticket.trader_id', '=', traderId).executeTakeFirst();
}

export interface InboxFilter {
  status?: string | undefined;
  queue?: string | undefined;
  priority?: string | undefined;
  assignee: { kind: 'me'; id: string } | { kind: 'unassigned' } | { kind: 'anyone' };
  tag?: string | undefined;
}

/** A page of the inbox, newest ticket first (keyset on the ticket number). */
export async function listTickets(tx: AuditedTx, f: InboxFilter, beforeNumber: number | undefined, limit: number) {
  let q = ticketQuery(tx);
  if (f.status) q = q.where('ticket.status', '=', f.status as TicketTable['status']);
  if (f.queue) q = q.where('ticket.queue', '=', f.queue);
  if (f.priority) q = q.where('ticket.priority', '=', f.priority as TicketTable['priority']);
  if (f.assignee.kind === 'me') q = q.where('ticket.assignee_id', '=', f.assignee.id);
  if (f.assignee.kind === 'unassigned') q = q.where('ticket.assignee_id', 'is', null);
  if (f.tag) q = q.where(sql<boolean>`${f.tag} = any(ticket.tags)`);
  if (beforeNumber !== undefined) q = q.where(sql<boolean>`ticket.number < ${beforeNumber}`);
  return q.orderBy('ticket.number', 'desc').limit(limit).execute();
}

/** The tickets of one trader, newest first. */
export async function ticketsOfTrader(tx: AuditedTx, traderId: string, limit: number) {
  return ticketQuery(tx).where('ticket.trader_id', '=', traderId).orderBy('ticket.number', 'desc').limit(limit).execute();
}

/** Updates a ticket. */
export async function updateTicket(tx: AuditedTx, id: string, set: Updateable<TicketTable>): Promise<void> {
  await tx.updateTable('ticket').set(set).where('id', '=', id).execute();
}

/** The chat of a ticket, oldest first, with each author's name. */
export async function messagesOf(tx: AuditedTx, ticketId: string, limit: number) {
  return tx
    .selectFrom('ticket_message')
    .leftJoin('staff', 'staff.id', 'ticket_message.author_staff_id')
    .select([
      'ticket_message.id',
      'ticket_message.kind',
      'ticket_message.body_ct',
      'ticket_message.redactions',
      'ticket_message.created_at',
      'staff.display_name as author_name',
    ])
    .where('ticket_message.ticket_id', '=', ticketId)
    .orderBy('ticket_message.created_at')
    .orderBy('ticket_message.id')
    .limit(limit)
    .execute();
}

/** Attachment metadata of a ticket (never the content). */
export async function attachmentsOf(tx: AuditedTx, ticketId: string) {
  return tx
    .selectFrom('ticket_attachment')
    .select(['id', 'message_id', 'filename_ct', 'content_type', 'size', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .execute();
}

/** One attachment of one ticket, with its content (an id of another ticket is not found). */
export async function findAttachment(tx: AuditedTx, ticketId: string, attachmentId: string) {
  return tx.selectFrom('ticket_attachment').selectAll().where('ticket_id', '=', ticketId).where('id', '=', attachmentId).executeTakeFirst();
}

/** True when an active staff member has this id (tickets are only assigned to them). */
export async function isActiveStaff(tx: AuditedTx, id: string): Promise<boolean> {
  const r = await tx.selectFrom('staff').select('id').where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
  return Boolean(r);
}

/** Some active staff member (the demo seed signs its synthetic replies with one), or undefined. */
export async function anyActiveStaff(tx: AuditedTx): Promise<string | undefined> {
  return (await tx.selectFrom('staff').select('id').where('status', '=', 'active').orderBy('created_at').limit(1).executeTakeFirst())?.id;
}

/** Canned replies by name. */
export async function listCanned(tx: AuditedTx) {
  return tx.selectFrom('canned_reply').selectAll().orderBy('name').execute();
}

/** One canned reply. */
export async function findCanned(tx: AuditedTx, id: string) {
  return tx.selectFrom('canned_reply').selectAll().where('id', '=', id).executeTakeFirst();
}

/** True when another canned reply already has this name. */
export async function cannedNameTaken(tx: AuditedTx, name: string, exceptId?: string): Promise<boolean> {
  let q = tx.selectFrom('canned_reply').select('id').where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

/** Inserts a canned reply. */
export async function insertCanned(tx: AuditedTx, row: { id: string; name: string; body: string; created_by: string | null; now: Date }): Promise<void> {
  await tx.insertInto('canned_reply').values({ id: row.id, name: row.name, body: row.body, created_by: row.created_by, created_at: row.now, updated_at: row.now }).execute();
}

/** Updates a canned reply; false when it does not exist. */
export async function updateCanned(tx: AuditedTx, id: string, set: { name: string; body: string; updated_at: Date }): Promise<boolean> {
  const r = await tx.updateTable('canned_reply').set(set).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes a canned reply; false when it does not exist. */
export async function deleteCanned(tx: AuditedTx, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('canned_reply').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Remembers an accepted webhook signature; false when it was seen before (a replay). Signatures older than the
 * accepted clock skew can no longer verify, so they are forgotten.
 */
export async function rememberSignature(tx: AuditedTx, signatureSha256: string, now: Date, forgetBefore: Date): Promise<boolean> {
  await tx.deleteFrom('support_inbound_nonce').where('received_at', '<', forgetBefore).execute();
  const r = await tx
    .insertInto('support_inbound_nonce')
    .values({ signature_sha256: signatureSha256, received_at: now })
    .onConflict((oc) => oc.column('signature_sha256').doNothing())
    .returning('signature_sha256')
    .executeTakeFirst();
  return r !== undefined;
}
