// Trader rows: pure Kysely over an audited transaction. Personal fields arrive already encrypted.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { AuditedTx } from '../../platform/audit/writer.js';
import type { TraderBalanceTable, TraderNoteTable, TraderPersonTable, TraderTable, TraderWalletTable } from '../../platform/db/schema.js';

/** Inserts a trader. */
export async function insertTrader(tx: AuditedTx, row: Insertable<TraderTable>): Promise<void> {
  await tx.insertInto('trader').values(row).execute();
}

/** Inserts wallet addresses of a trader. */
export async function insertWallets(tx: AuditedTx, rows: Insertable<TraderWalletTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('trader_wallet').values(rows).execute();
}

/** Inserts balances of a trader. */
export async function insertBalances(tx: AuditedTx, rows: Insertable<TraderBalanceTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('trader_balance').values(rows).execute();
}

/** Updates columns of one trader. */
export async function updateTrader(tx: AuditedTx, id: string, set: Updateable<TraderTable>): Promise<void> {
  await tx.updateTable('trader').set(set).where('id', '=', id).execute();
}

/** The trader with this account reference (case-insensitive). */
export async function findByAccountRef(tx: AuditedTx, accountRef: string) {
  return tx.selectFrom('trader').selectAll().where(sql<string>`lower(account_ref)`, '=', accountRef.toLowerCase()).executeTakeFirst();
}

/** Trader ids by email blind index. */
export async function findByEmailIndex(tx: AuditedTx, bidx: Uint8Array) {
  return tx.selectFrom('trader').selectAll().where('email_bidx', '=', bidx).execute();
}

/** One trader row, or undefined. */
export async function findTrader(tx: AuditedTx, id: string) {
  return tx.selectFrom('trader').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Successful reveals by a member since a moment (the per-member rate limit counts the audit log). */
export async function countRevealsSince(tx: AuditedTx, staffId: string, since: Date): Promise<number> {
  const r = await tx
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', '=', staffId)
    .where('action', '=', 'trader.reveal')
    .where('outcome', '=', 'ok')
    .where('time', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface TraderFilter {
  status?: string | undefined;
  country?: string | undefined;
  risk?: string | undefined;
  kycState?: string | undefined;
  vip?: boolean | undefined;
}

/** A filtered page of trader rows in id order after the given id; every filter is a plain column predicate. */
export async function listTradersFiltered(tx: AuditedTx, opts: { after?: string | undefined; limit: number; filter: TraderFilter }) {
  const f = opts.filter;
  let q = tx.selectFrom('trader').selectAll().orderBy('id').limit(opts.limit);
  if (opts.after) q = q.where('id', '>', opts.after);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.country) q = q.where('country', '=', f.country);
  if (f.risk) q = q.where('risk', '=', f.risk);
  if (f.kycState) q = q.where('kyc_state', '=', f.kycState);
  if (f.vip !== undefined) q = q.where('vip', '=', f.vip);
  return q.execute();
}

/** Trader rows whose blind index of the given column equals bidx (exact match on the normalised value). */
// No ORDER BY in the exact-match finders: with `order by id limit n` the planner may walk the primary key and
// filter (a full scan at a million traders, seen in the benchmark) instead of probing the blind index. Matches
// are few; they are sorted here.
const byId = <R extends { id: string }>(rows: R[]) => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export async function findByIndex(tx: AuditedTx, column: 'email_bidx' | 'phone_bidx' | 'name_bidx', bidx: Uint8Array, limit: number) {
  return byId(await tx.selectFrom('trader').selectAll().where(column, '=', bidx).limit(limit).execute());
}

/** Trader rows owning a wallet whose address has this blind index. */
export async function findByWalletIndex(tx: AuditedTx, bidx: Uint8Array, limit: number) {
  return tx
    .selectFrom('trader')
    .selectAll('trader')
    .where('id', 'in', (eb) => eb.selectFrom('trader_wallet').select('trader_id').where('address_bidx', '=', bidx))
    .limit(limit)
    .execute()
    .then(byId);
}

/** Inserts directors or UBOs. */
export async function insertPersons(tx: AuditedTx, rows: Insertable<TraderPersonTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('trader_person').values(rows).execute();
}

/** Notes on a trader, newest first. */
export async function notesOf(tx: AuditedTx, traderId: string, limit: number) {
  return tx
    .selectFrom('trader_note')
    .leftJoin('staff', 'staff.id', 'trader_note.author_id')
    .select(['trader_note.id', 'trader_note.body_ct', 'trader_note.redactions', 'trader_note.created_at', 'trader_note.author_id', 'staff.display_name as author_name'])
    .where('trader_note.trader_id', '=', traderId)
    .orderBy('trader_note.created_at', 'desc')
    .orderBy('trader_note.id', 'desc')
    .limit(limit)
    .execute();
}

/** Inserts a note. */
export async function insertNote(tx: AuditedTx, row: Insertable<TraderNoteTable>): Promise<void> {
  await tx.insertInto('trader_note').values(row).execute();
}

/** Security events the exchange reported for a trader, newest first, before a moment. */
export async function securityEventsOf(tx: AuditedTx, traderId: string, before: Date, limit: number) {
  return tx
    .selectFrom('trader_security_event')
    .selectAll()
    .where('trader_id', '=', traderId)
    .where('occurred_at', '<=', before)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
}

/** Audit events whose target is this trader, newest first, before a moment (staff actions on the trader). */
export async function auditEventsOf(tx: AuditedTx, traderId: string, before: Date, limit: number, hiddenPrefixes: readonly string[] = []) {
  let q = tx
    .selectFrom('audit_event')
    .select(['seq', 'time', 'actor_type', 'actor_id', 'actor_name', 'actor_ip', 'action', 'outcome', 'fields', 'reason'])
    .where('target_type', '=', 'trader')
    .where('target_id', '=', traderId)
    .where('time', '<=', before);
  // LIKE's wildcards in a prefix (the `_` of `trader.kyc_`) are escaped: a prefix matches literally.
  for (const p of hiddenPrefixes) q = q.where('action', 'not like', `${p.replace(/[\\%_]/g, '\\$&')}%`);
  return q.orderBy('seq', 'desc').limit(limit).execute();
}

/** Tickets of a trader (their opening and status), newest first, before a moment. */
export async function ticketsOf(tx: AuditedTx, traderId: string, before: Date, limit: number) {
  return tx
    .selectFrom('ticket')
    .select(['id', 'number', 'status', 'priority', 'channel', 'created_at', 'solved_at'])
    .where('trader_id', '=', traderId)
    .where('created_at', '<=', before)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Distinct traders a member opened (trader.view) since a moment: the bulk-viewing measure. */
export async function distinctViewsSince(tx: AuditedTx, staffId: string, since: Date): Promise<number> {
  const r = await tx
    .selectFrom('audit_event')
    .select(sql<string>`count(distinct target_id)`.as('n'))
    .where('actor_id', '=', staffId)
    .where('action', '=', 'trader.view')
    .where('outcome', '=', 'ok')
    .where('time', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface TraderBundle {
  id: string;
  /** The latest subject_key row: null when there is none, `{ w: null }` when the key was destroyed. */
  key: { w: string | null } | null;
  wallets: { id: string; chain: string; ct: string }[] | null;
  balances: { asset: string; ct: string }[] | null;
  persons: { id: string; role: 'director' | 'ubo'; name: string; dob: string | null; nationality: string | null; pct: string | null }[] | null;
}

/**
 * Everything a read of these traders needs besides their own rows, in ONE round trip: the latest data key
 * (wrapped) and, when asked, wallets, balances and directors/UBOs as JSON (ciphertexts hex-encoded). Replaces
 * one query per trader for keys and one per kind of child row.
 */
export async function bundlesOf(tx: AuditedTx, ids: string[], need: BundleNeeds): Promise<TraderBundle[]> {
  if (ids.length === 0) return [];
  return tx.selectFrom('trader as t').select(['t.id', ...bundleColumns(need)]).where('t.id', 'in', ids).execute() as Promise<TraderBundle[]>;
}

export interface BundleNeeds {
  wallets: boolean;
  balances: boolean;
  persons: boolean;
}

/** One trader's row and its bundle in a single statement (the profile read: one round trip instead of two). */
export async function findTraderWithBundle(tx: AuditedTx, id: string, need: BundleNeeds) {
  const r = await tx.selectFrom('trader as t').selectAll('t').select(bundleColumns(need)).where('t.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const { key, wallets, balances, persons, ...row } = r as typeof r & Omit<TraderBundle, 'id'>;
  return { row, bundle: { id: row.id, key, wallets, balances, persons } as TraderBundle };
}

function bundleColumns(need: BundleNeeds) {
  const none = sql<null>`null`;
  return [
    sql<TraderBundle['key']>`(select json_build_object('w', encode(k.wrapped, 'hex')) from subject_key k where k.subject_id = t.id::text order by k.version desc limit 1)`.as('key'),
    (need.wallets
      ? sql<TraderBundle['wallets']>`(select json_agg(json_build_object('id', w.id, 'chain', w.chain, 'ct', encode(w.address_ct, 'hex')) order by w.created_at, w.id) from trader_wallet w where w.trader_id = t.id)`
      : none
    ).as('wallets'),
    (need.balances
      ? sql<TraderBundle['balances']>`(select json_agg(json_build_object('asset', b.asset, 'ct', encode(b.amount_ct, 'hex')) order by b.asset) from trader_balance b where b.trader_id = t.id)`
      : none
    ).as('balances'),
    (need.persons
      ? sql<TraderBundle['persons']>`(select json_agg(json_build_object('id', p.id, 'role', p.role, 'name', encode(p.name_ct, 'hex'), 'dob', encode(p.date_of_birth_ct, 'hex'), 'nationality', p.nationality, 'pct', p.ownership_pct::text) order by p.created_at, p.id) from trader_person p where p.trader_id = t.id)`
      : none
    ).as('persons'),
  ];
}

/**
 * The columns screening needs of a page of traders in id order after `after` (keyset), with each trader's latest
 * wrapped data key and, for businesses, directors and UBOs, and every trader's wallets: one round trip per page.
 */
export async function screeningRowsAfter(tx: AuditedTx, opts: { after?: string | undefined; ids?: string[]; limit: number; wallets?: boolean }) {
  let q = tx
    .selectFrom('trader as t')
    .select(['t.id', 't.kind', 't.country', 't.legal_name_ct', 't.date_of_birth_ct'])
    .select(bundleColumns({ wallets: opts.wallets !== false, balances: false, persons: true }))
    .orderBy('t.id')
    .limit(opts.limit);
  if (opts.after) q = q.where('t.id', '>', opts.after);
  if (opts.ids) {
    if (opts.ids.length === 0) return [];
    q = q.where('t.id', 'in', opts.ids);
  }
  return q.execute() as Promise<({ id: string; kind: string; country: string; legal_name_ct: Uint8Array; date_of_birth_ct: Uint8Array | null } & Omit<TraderBundle, 'id' | 'balances'>)[]>;
}
