// Consent rows: pure Kysely over an audited transaction. consent_event is append-only (the app role holds only
// INSERT and SELECT on it); consent_current is the state per category that segments join on.
import { sql } from 'kysely';
import type { ConsentCategory, ConsentSource } from '../../../contracts/consent.js';
import type { AuditedTx } from '../../platform/audit/writer.js';

export interface ConsentRow {
  id: string;
  traderId: string;
  category: ConsentCategory;
  granted: boolean;
  source: ConsentSource;
  wordingVersion: string;
  recordedBy: string;
  recordedAt: Date;
}

/**
 * Appends one event and moves the current state to it — unless the current state is newer (an import of older
 * evidence goes into the history without overriding a later answer).
 */
export async function appendEvent(tx: AuditedTx, e: ConsentRow): Promise<void> {
  await tx
    .insertInto('consent_event')
    .values({
      id: e.id,
      trader_id: e.traderId,
      category: e.category,
      granted: e.granted,
      source: e.source,
      wording_version: e.wordingVersion,
      recorded_by: e.recordedBy,
      recorded_at: e.recordedAt,
    })
    .execute();
  await tx
    .insertInto('consent_current')
    .values({ trader_id: e.traderId, category: e.category, granted: e.granted, wording_version: e.wordingVersion, updated_at: e.recordedAt })
    .onConflict((oc) =>
      oc
        .columns(['trader_id', 'category'])
        .doUpdateSet({ granted: e.granted, wording_version: e.wordingVersion, updated_at: e.recordedAt })
        .where('consent_current.updated_at', '<=', e.recordedAt),
    )
    .execute();
}

/** The current state of one trader per category (categories never answered are absent). */
export async function currentOf(tx: AuditedTx, traderId: string) {
  return tx.selectFrom('consent_current').selectAll().where('trader_id', '=', traderId).execute();
}

/** The current state of one category for one trader, locked for the rest of the transaction. */
export async function currentForUpdate(tx: AuditedTx, traderId: string, category: ConsentCategory) {
  return tx.selectFrom('consent_current').selectAll().where('trader_id', '=', traderId).where('category', '=', category).forUpdate().executeTakeFirst();
}

/** A trader's history, newest first, with the display name of the staff member who recorded it (if one did). */
export async function historyOf(tx: AuditedTx, traderId: string, limit: number) {
  return tx
    .selectFrom('consent_event as e')
    .leftJoin('staff as s', (j) => j.on(sql<string>`s.id::text`, '=', sql.ref('e.recorded_by')))
    .select(['e.id', 'e.category', 'e.granted', 'e.source', 'e.wording_version', 'e.recorded_by', 'e.recorded_at', 's.display_name'])
    .where('e.trader_id', '=', traderId)
    .orderBy('e.recorded_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
}

/** Locks the trader's row for the transaction (serialises concurrent opt-outs); false when there is no such trader. */
export async function lockTrader(tx: AuditedTx, traderId: string): Promise<boolean> {
  return (await tx.selectFrom('trader').select('id').where('id', '=', traderId).forUpdate().executeTakeFirst()) !== undefined;
}

/** Ids of the given traders that have no consent answer at all yet (the demo seed leaves the others alone). */
export async function withoutConsent(tx: AuditedTx, traderIds: readonly string[]): Promise<string[]> {
  if (traderIds.length === 0) return [];
  const rows = await tx
    .selectFrom('trader as t')
    .select('t.id')
    .where('t.id', 'in', [...traderIds])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('consent_current as c').select('c.trader_id').whereRef('c.trader_id', '=', 't.id'))))
    .execute();
  return rows.map((r) => r.id);
}
