// Marketing segments and their audience: pure Kysely over an audited transaction.
//
// The audience query is THE consent guard: it joins consent_current with `granted` for the segment's own
// category and keeps active traders only, so a trader who never consented, withdrew, or is not active never
// leaves the database — there is no "fetch then filter" step that a bug could skip. It selects only the two
// ciphertexts the audience shows (legal name, for the first word, and e-mail); crypto-shredded traders (their
// latest data key destroyed) are excluded here too, so the count matches what can be shown.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ActivityBand, ConsentCategory } from '../../../contracts/consent.js';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { DB } from '../../platform/db/schema.js';

export interface SegmentRow {
  id: string;
  name: string;
  category: ConsentCategory;
  countries: string[];
  activity_bands: string[];
  vip: boolean | null;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Every segment, by name. */
export async function listSegments(tx: AuditedTx): Promise<SegmentRow[]> {
  return tx.selectFrom('marketing_segment').selectAll().orderBy('name').orderBy('id').execute();
}

/** One segment, or undefined. */
export async function findSegment(tx: AuditedTx, id: string): Promise<SegmentRow | undefined> {
  return tx.selectFrom('marketing_segment').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a segment; false when the name is taken. */
export async function insertSegment(tx: AuditedTx, row: SegmentRow): Promise<boolean> {
  const r = await tx
    .insertInto('marketing_segment')
    .values({ ...row, countries: row.countries, activity_bands: row.activity_bands })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** True when another segment already has this name. */
export async function nameTaken(tx: AuditedTx, name: string, exceptId: string): Promise<boolean> {
  return (await tx.selectFrom('marketing_segment').select('id').where('name', '=', name).where('id', '!=', exceptId).executeTakeFirst()) !== undefined;
}

/** Updates a segment's definition. */
export async function updateSegment(
  tx: AuditedTx,
  id: string,
  set: { name: string; category: ConsentCategory; countries: string[]; activity_bands: string[]; vip: boolean | null; updated_at: Date },
): Promise<void> {
  await tx.updateTable('marketing_segment').set(set).where('id', '=', id).execute();
}

/** Deletes a segment; false when there was none. */
export async function deleteSegment(tx: AuditedTx, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('marketing_segment').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export interface AudienceFilter {
  category: ConsentCategory;
  countries: readonly string[];
  activityBands: readonly (ActivityBand | string)[];
  vip: boolean | null;
}

/** The segment's predicate over `trader as t` (consent, status, filters, not crypto-shredded). */
function inAudience(f: AudienceFilter) {
  return (eb: ExpressionBuilder<DB & { t: DB['trader'] }, 't'>): Expression<SqlBool> => {
    const conds: Expression<SqlBool>[] = [
      eb.exists(
        eb
          .selectFrom('consent_current as c')
          .select('c.trader_id')
          .whereRef('c.trader_id', '=', 't.id')
          .where('c.category', '=', f.category)
          .where('c.granted', '=', true),
      ),
      eb('t.status', '=', 'active'),
      eb.not(
        eb.exists(
          eb
            .selectFrom('subject_key as k')
            .select('k.subject_id')
            .where('k.subject_id', '=', sql<string>`t.id::text`)
            .where('k.wrapped', 'is', null),
        ),
      ),
    ];
    if (f.countries.length) conds.push(eb('t.country', 'in', [...f.countries]));
    if (f.activityBands.length) conds.push(eb('t.activity_band', 'in', [...f.activityBands]));
    if (f.vip !== null) conds.push(eb('t.vip', '=', f.vip));
    return eb.and(conds);
  };
}

/** How many traders the segment holds right now. */
export async function countAudience(tx: AuditedTx, f: AudienceFilter): Promise<number> {
  const r = await tx
    .selectFrom('trader as t')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(inAudience(f))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A page of the audience in id order after `after` (keyset): ids and the two ciphertexts shown, nothing else. */
export async function audiencePage(tx: AuditedTx, f: AudienceFilter, opts: { after?: string | undefined; limit: number }) {
  let q = tx.selectFrom('trader as t').select(['t.id', 't.legal_name_ct', 't.email_ct']).where(inAudience(f)).orderBy('t.id').limit(opts.limit);
  if (opts.after) q = q.where('t.id', '>', opts.after);
  return q.execute();
}
