// Screening rows: pure Kysely over an audited transaction. Personal values arrive already encrypted.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { ScreeningBatchTable, ScreeningDecisionTable, ScreeningHitTable, ScreeningRunTable } from '../../platform/db/schema-screening.js';

/** Inserts one screening (its evidence encrypted). */
export async function insertRun(tx: AuditedTx, row: Insertable<ScreeningRunTable>): Promise<void> {
  await tx.insertInto('screening_run').values(row).execute();
}

/**
 * Every hit of a trader, for matching new candidates against what is already known. A transaction-scoped advisory
 * lock per trader comes first: two screenings of one trader at once (a field change during a list re-screen) run
 * one after the other, so the second sees the hits the first inserted instead of inserting them again.
 */
export async function hitsOfTraderForUpdate(tx: AuditedTx, traderId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`screening:${traderId}`}))`.execute(tx);
  return tx.selectFrom('screening_hit').selectAll().where('trader_id', '=', traderId).forUpdate().execute();
}

/** Inserts a hit. */
export async function insertHit(tx: AuditedTx, row: Insertable<ScreeningHitTable>): Promise<void> {
  await tx.insertInto('screening_hit').values(row).execute();
}

/** Updates one hit. */
export async function updateHit(tx: AuditedTx, id: string, set: Updateable<ScreeningHitTable>): Promise<void> {
  await tx.updateTable('screening_hit').set(set).where('id', '=', id).execute();
}

/** Appends a decision (the table is append-only). */
export async function insertDecision(tx: AuditedTx, row: Insertable<ScreeningDecisionTable>): Promise<void> {
  await tx.insertInto('screening_decision').values(row).execute();
}

/** One hit with its trader's account reference, or undefined; `lock` takes a row lock (deciding). */
export async function findHit(tx: AuditedTx, id: string, lock = false) {
  let q = tx
    .selectFrom('screening_hit as h')
    .innerJoin('trader as t', 't.id', 'h.trader_id')
    .selectAll('h')
    .select('t.account_ref')
    .where('h.id', '=', id);
  if (lock) q = q.forUpdate('h');
  return q.executeTakeFirst();
}

export type HitRow = NonNullable<Awaited<ReturnType<typeof findHit>>>;

/** Hits of a trader, open ones first, then newest. */
export async function hitsOfTrader(tx: AuditedTx, traderId: string): Promise<HitRow[]> {
  return tx
    .selectFrom('screening_hit as h')
    .innerJoin('trader as t', 't.id', 'h.trader_id')
    .selectAll('h')
    .select('t.account_ref')
    .where('h.trader_id', '=', traderId)
    .orderBy('h.opened_at', 'desc')
    .orderBy('h.id')
    .limit(500)
    .execute();
}

/** The review queue: hits of one status, oldest first (keyset on opened_at, id), optionally of one list and above a score. */
export async function queue(tx: AuditedTx, q: { status: string; source?: string | undefined; minScore?: number | undefined; after?: { at: Date; id: string } | undefined; limit: number }): Promise<HitRow[]> {
  let s = tx
    .selectFrom('screening_hit as h')
    .innerJoin('trader as t', 't.id', 'h.trader_id')
    .selectAll('h')
    .select('t.account_ref')
    .where('h.status', '=', q.status as HitRow['status'])
    .orderBy('h.opened_at')
    .orderBy('h.id')
    .limit(q.limit);
  if (q.source) s = s.where('h.source', '=', q.source);
  if (q.minScore !== undefined) s = s.where('h.score', '>=', q.minScore);
  if (q.after) {
    const a = q.after;
    s = s.where((eb) => eb.or([eb('h.opened_at', '>', a.at), eb.and([eb('h.opened_at', '=', a.at), eb('h.id', '>', a.id)])]));
  }
  return s.execute();
}

/** Open hits in the queue (for the status line). */
export async function countOpen(tx: AuditedTx): Promise<number> {
  const r = await tx.selectFrom('screening_hit').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Decisions on some hits, oldest first, with the reviewer's display name. */
export async function decisionsOf(tx: AuditedTx, hitIds: string[]) {
  if (hitIds.length === 0) return [];
  return tx
    .selectFrom('screening_decision as d')
    .leftJoin('staff as s', 's.id', 'd.reviewer_id')
    .selectAll('d')
    .select('s.display_name as reviewer_name')
    .where('d.hit_id', 'in', hitIds)
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute();
}

/** Screenings of a trader, newest first. */
export async function runsOf(tx: AuditedTx, traderId: string, limit: number) {
  return tx.selectFrom('screening_run').selectAll().where('trader_id', '=', traderId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export type RunRow = Awaited<ReturnType<typeof runsOf>>[number];

/** The newest screening of a trader (its time and status). */
export async function lastRunOf(tx: AuditedTx, traderId: string) {
  return tx.selectFrom('screening_run').select(['created_at', 'status']).where('trader_id', '=', traderId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Counts of a trader's hits by status, and whether an open or confirmed one is on a PEP entity. */
export async function hitFacts(tx: AuditedTx, traderId: string) {
  return tx.selectFrom('screening_hit').select(['status', 'entity_topics']).where('trader_id', '=', traderId).where('status', '!=', 'false_positive').execute();
}

/** Starts a re-screening batch. */
export async function insertBatch(tx: AuditedTx, row: Insertable<ScreeningBatchTable>): Promise<void> {
  await tx.insertInto('screening_batch').values(row).execute();
}

/** Updates a batch (progress, end). */
export async function updateBatch(tx: AuditedTx, id: string, set: Updateable<ScreeningBatchTable>): Promise<void> {
  await tx.updateTable('screening_batch').set(set).where('id', '=', id).execute();
}

/** The newest batch. */
export async function lastBatch(tx: AuditedTx) {
  return tx.selectFrom('screening_batch').selectAll().orderBy('started_at', 'desc').limit(1).executeTakeFirst();
}

/** Finished batches that started after a moment (those covered every trader existing then). */
export async function batchesSince(tx: AuditedTx, since: Date) {
  return tx.selectFrom('screening_batch').selectAll().where('status', '=', 'done').where('started_at', '>=', since).orderBy('started_at').limit(1000).execute();
}

/** When a trader was created (a batch covers traders that existed when it started). */
export async function traderCreatedAt(tx: AuditedTx, traderId: string): Promise<Date | undefined> {
  const r = await tx.selectFrom('trader').select('created_at').where('id', '=', traderId).executeTakeFirst();
  return r ? new Date(r.created_at) : undefined;
}

/** Status of four-eyes requests by id. */
export async function approvalStatuses(tx: AuditedTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('approval_request').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** How many traders there are (a re-screen of everyone picks its way of matching by it). */
export async function countTraders(tx: AuditedTx): Promise<number> {
  const r = await tx.selectFrom('trader').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A finished batch for this list version, if any (a crashed, still "running" one does not count): a version is re-screened against once. */
export async function batchForVersion(tx: AuditedTx, versionId: string) {
  return tx.selectFrom('screening_batch').selectAll().where('list_version_id', '=', versionId).where('status', '=', 'done').orderBy('started_at').limit(1).executeTakeFirst();
}

