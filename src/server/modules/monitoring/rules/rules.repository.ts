// Rules and their versions (metadata, not personal data), the warm-up reads of the live evaluator, and the
// backtest's keyset-paged stream of monitoring_event. Pure Kysely; every function takes the audited handle (or, for
// the start-up load of rule definitions, the unguarded metadata handle: rules are not trader data).
import { sql, type Kysely } from 'kysely';
import type { AuditedTx } from '../../../platform/audit/writer.js';
import type { DB } from '../../../platform/db/schema.js';
import type { EventType, MonitoringEvent } from '../model.js';
import type { DayAggregate } from './evaluator.js';

type Handle = AuditedTx | Kysely<DB>;

export interface RuleRow {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'inactive';
  active_version: number | null;
  deactivation_approval_id: string | null;
  deactivation_status: string | null;
  created_by: string | null;
  created_at: Date;
  changed_at: Date;
  latest_version: number;
  latest_state: 'draft' | 'pending_activation' | 'active' | 'retired';
  latest_approval_status: string | null;
  definition: unknown;
}

export interface VersionRow {
  rule_id: string;
  version: number;
  state: 'draft' | 'pending_activation' | 'active' | 'retired';
  definition: unknown;
  source: string;
  source_format: 'yaml' | 'json';
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  approval_id: string | null;
  approval_status: string | null;
  requested_by: string | null;
  approved_by: string | null;
  approved_by_name: string | null;
  activated_at: Date | null;
  retired_at: Date | null;
}

function rulesQuery(h: Handle) {
  return h
    .selectFrom('monitoring_rule as r')
    .innerJoin('monitoring_rule_version as v', (j) =>
      j.onRef('v.rule_id', '=', 'r.id').on('v.version', '=', (eb) => eb.selectFrom('monitoring_rule_version as m').select((e) => e.fn.max('m.version').as('x')).whereRef('m.rule_id', '=', 'r.id')),
    )
    .leftJoin('approval_request as a', 'a.id', 'v.approval_id')
    .leftJoin('approval_request as da', 'da.id', 'r.deactivation_approval_id')
    .select([
      'r.id',
      'r.name',
      'r.status',
      'r.active_version',
      'r.deactivation_approval_id',
      'da.status as deactivation_status',
      'r.created_by',
      'r.created_at',
      'r.changed_at',
      'v.version as latest_version',
      'v.state as latest_state',
      'a.status as latest_approval_status',
      'v.definition',
    ]);
}

/** Every rule with its latest version. */
export async function listRules(tx: AuditedTx): Promise<RuleRow[]> {
  return (await rulesQuery(tx).orderBy('r.id').execute()) as RuleRow[];
}

/** One rule with its latest version, optionally locked. */
export async function findRule(tx: AuditedTx, id: string): Promise<RuleRow | undefined> {
  return (await rulesQuery(tx).where('r.id', '=', id).executeTakeFirst()) as RuleRow | undefined;
}

/** Locks the rule row (edits and activations of one rule are serialised). */
export async function lockRule(tx: AuditedTx, id: string): Promise<boolean> {
  return Boolean(await tx.selectFrom('monitoring_rule').select('id').where('id', '=', id).forUpdate().executeTakeFirst());
}

/** A rule's versions, newest first, with the names of their authors and approvers. */
export async function versionsOf(tx: AuditedTx, ruleId: string): Promise<VersionRow[]> {
  return (await tx
    .selectFrom('monitoring_rule_version as v')
    .leftJoin('staff as c', 'c.id', 'v.created_by')
    .leftJoin('staff as p', 'p.id', 'v.approved_by')
    .leftJoin('approval_request as a', 'a.id', 'v.approval_id')
    .select([
      'v.rule_id',
      'v.version',
      'v.state',
      'v.definition',
      'v.source',
      'v.source_format',
      'v.created_by',
      'c.display_name as created_by_name',
      'v.created_at',
      'v.approval_id',
      'a.status as approval_status',
      'v.requested_by',
      'v.approved_by',
      'p.display_name as approved_by_name',
      'v.activated_at',
      'v.retired_at',
    ])
    .where('v.rule_id', '=', ruleId)
    .orderBy('v.version', 'desc')
    .execute()) as VersionRow[];
}

/** One version. */
export async function findVersion(tx: AuditedTx, ruleId: string, version: number): Promise<VersionRow | undefined> {
  return (await versionsOf(tx, ruleId)).find((v) => v.version === version);
}

export async function insertRule(tx: AuditedTx, row: { id: string; name: string; created_by: string; now: Date }): Promise<void> {
  await tx.insertInto('monitoring_rule').values({ id: row.id, name: row.name, status: 'draft', active_version: null, deactivation_approval_id: null, created_by: row.created_by, created_at: row.now, changed_at: row.now }).execute();
}

export async function insertVersion(tx: AuditedTx, row: { rule_id: string; version: number; definition: unknown; source: string; source_format: 'yaml' | 'json'; created_by: string; now: Date }): Promise<void> {
  await tx
    .insertInto('monitoring_rule_version')
    .values({ rule_id: row.rule_id, version: row.version, state: 'draft', definition: JSON.stringify(row.definition), source: row.source, source_format: row.source_format, created_by: row.created_by, created_at: row.now, updated_at: row.now })
    .execute();
}

export async function updateDraft(tx: AuditedTx, ruleId: string, version: number, row: { definition: unknown; source: string; source_format: 'yaml' | 'json'; created_by: string; now: Date }): Promise<void> {
  await tx
    .updateTable('monitoring_rule_version')
    .set({ state: 'draft', definition: JSON.stringify(row.definition), source: row.source, source_format: row.source_format, created_by: row.created_by, updated_at: row.now, approval_id: null, requested_by: null })
    .where('rule_id', '=', ruleId)
    .where('version', '=', version)
    .execute();
}

export async function updateVersion(tx: AuditedTx, ruleId: string, version: number, set: Partial<{ state: VersionRow['state']; approval_id: string | null; requested_by: string | null; approved_by: string | null; activated_at: Date | null; retired_at: Date | null; updated_at: Date }>): Promise<void> {
  await tx.updateTable('monitoring_rule_version').set(set).where('rule_id', '=', ruleId).where('version', '=', version).execute();
}

export async function updateRule(tx: AuditedTx, id: string, set: Partial<{ name: string; status: RuleRow['status']; active_version: number | null; deactivation_approval_id: string | null; changed_at: Date }>): Promise<void> {
  await tx.updateTable('monitoring_rule').set(set).where('id', '=', id).execute();
}

/** Records a change of what evaluates live (activation, deactivation): every process reloads on its next batch. */
export async function bumpRevision(tx: AuditedTx, id: string): Promise<void> {
  await tx.updateTable('monitoring_rule').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', id).execute();
}

/** The active versions' definitions (start-up load on the metadata handle, reloads in the ingesting transaction). */
export async function activeDefinitions(h: Handle): Promise<{ id: string; version: number; definition: unknown }[]> {
  return h
    .selectFrom('monitoring_rule_version as v')
    .innerJoin('monitoring_rule as r', (j) => j.onRef('r.id', '=', 'v.rule_id').onRef('r.active_version', '=', 'v.version'))
    .select(['v.rule_id as id', 'v.version', 'v.definition'])
    .where('v.state', '=', 'active')
    .where('r.status', '=', 'active')
    .orderBy('v.rule_id')
    .execute();
}

/** Moves whenever what evaluates live changes (activation, deactivation): processes compare it to reload. */
export async function generation(h: Handle): Promise<string> {
  const r = await h
    .selectFrom('monitoring_rule')
    .select((eb) => [sql<string>`coalesce(sum(revision), 0)::text`.as('rev'), eb.fn.countAll<string>().as('n')])
    .executeTakeFirst();
  return `${r?.rev ?? 0}:${r?.n ?? 0}`;
}

const epochMs = sql<number>`(extract(epoch from occurred_at) * 1000)::float8`;

export interface EventRow {
  event_id: string;
  trader_id: string;
  type: EventType;
  t: number;
  asset: string | null;
  amount_usd: number | null;
  country: string | null;
}

export function toEvent(r: EventRow, counterparty: string | null = null): MonitoringEvent {
  return { eventId: r.event_id, traderId: r.trader_id, type: r.type, occurredAt: r.t, receivedAt: r.t, asset: r.asset, amount: null, amountUsd: r.amount_usd, country: r.country, counterparty, ip: null, detail: null };
}

/** Warm-up: the traders' events since `since` (the look-back window), except the batch being evaluated. */
export async function recentEvents(tx: AuditedTx, traderIds: readonly string[], since: Date, exclude: readonly string[]): Promise<MonitoringEvent[]> {
  let q = tx
    .selectFrom('monitoring_event')
    .select(['event_id', 'trader_id', 'type', epochMs.as('t'), 'asset', 'amount_usd', 'country'])
    .where('trader_id', 'in', traderIds)
    .where('occurred_at', '>=', since);
  if (exclude.length) q = q.where('event_id', 'not in', exclude);
  return (await q.execute()).map((r) => toEvent(r as EventRow));
}

/** Warm-up: per trader and type, the newest event before `before` (dormancy). */
export async function priorActivity(tx: AuditedTx, traderIds: readonly string[], before: Date): Promise<{ trader_id: string; type: EventType; t: number }[]> {
  return (await tx
    .selectFrom('monitoring_event')
    .select(['trader_id', 'type', sql<number>`(extract(epoch from max(occurred_at)) * 1000)::float8`.as('t')])
    .where('trader_id', 'in', traderIds)
    .where('occurred_at', '<', before)
    .groupBy(['trader_id', 'type'])
    .execute()) as { trader_id: string; type: EventType; t: number }[];
}

/** Warm-up: per trader, UTC day and type, the count and USD sum since `since`, except the batch (baselines). */
export async function dayAggregates(tx: AuditedTx, traderIds: readonly string[], since: Date, exclude: readonly string[]): Promise<(DayAggregate & { trader_id: string })[]> {
  let q = tx
    .selectFrom('monitoring_event')
    .select([
      'trader_id',
      'type',
      sql<number>`floor(extract(epoch from occurred_at) / 86400)::int`.as('day'),
      sql<number>`count(*)::int`.as('count'),
      sql<number>`coalesce(sum(amount_usd), 0)::float8`.as('sumUsd'),
    ])
    .where('trader_id', 'in', traderIds)
    .where('occurred_at', '>=', since);
  if (exclude.length) q = q.where('event_id', 'not in', exclude);
  return (await q.groupBy(['trader_id', 'type', sql`3`]).execute()) as (DayAggregate & { trader_id: string })[];
}

export interface StreamFilter {
  from: Date;
  to: Date;
  types: readonly EventType[];
  /** Pre-filter pushed into SQL: amount_usd ≥ minUsd (and < maxUsd). */
  minUsd?: number | undefined;
  maxUsd?: number | undefined;
  /** Read the payload ciphertext too (the counterparty rule decrypts it). */
  payload: boolean;
}

export interface StreamRow extends EventRow {
  payload_ct?: Uint8Array;
}

/**
 * The backtest's keyset: the next `limit` traders with events after `after`, from the (trader_id, occurred_at)
 * index alone (a loose index scan: one probe per trader, no table read, no sort).
 */
export async function nextTraders(tx: AuditedTx, after: string | null, limit: number): Promise<string[]> {
  const start = after ?? '00000000-0000-0000-0000-000000000000';
  const r = await sql<{ id: string }>`
    with recursive t(id, n) as (
      (select trader_id, 1 from monitoring_event where trader_id > ${start}::uuid order by trader_id limit 1)
      union all
      select (select trader_id from monitoring_event where trader_id > t.id order by trader_id limit 1), t.n + 1
      from t where t.id is not null and t.n < ${limit}
    )
    select id::text as id from t where id is not null`.execute(tx);
  return r.rows.map((x) => x.id);
}

/**
 * The history of some traders in the range, one row per trader: their events as one text (`ms,type,usd,country,
 * asset,eventId` lines in (occurred_at, event_id) order), so a million events cross the wire as a few hundred rows
 * instead of a million row objects. Only what rules read; the pre-filter runs in the database. Event ids and asset
 * codes cannot hold ',' or a newline (the ingestion schema).
 */
export async function traderHistories(tx: AuditedTx, traderIds: readonly string[], f: StreamFilter): Promise<{ trader_id: string; lines: string }[]> {
  if (!traderIds.length) return [];
  const min = f.minUsd === undefined ? sql`` : sql`and amount_usd >= ${f.minUsd}`;
  const max = f.maxUsd === undefined ? sql`` : sql`and amount_usd < ${f.maxUsd}`;
  const r = await sql<{ trader_id: string; lines: string }>`
    select trader_id::text as trader_id,
           string_agg((extract(epoch from occurred_at) * 1000)::bigint || ',' || type || ',' || coalesce(amount_usd::text, '') || ',' || coalesce(country, '') || ',' || coalesce(asset, '') || ',' || event_id, E'\n' order by occurred_at, event_id) as lines
    from monitoring_event
    where trader_id = any(${traderIds as string[]}::uuid[]) and occurred_at >= ${f.from} and occurred_at <= ${f.to}
      and type = any(${f.types as string[]}::text[]) ${min} ${max}
    group by trader_id
    order by trader_id`.execute(tx);
  return r.rows;
}

/**
 * One page of history, every trader at once, in (occurred_at, event_id) order after the keyset `after`, through the
 * occurred_at index (mostly the table's own arrival order). Only what rules read (times as float8 epoch ms:
 * date_part is float arithmetic, extract would be numeric); the pre-filter runs in the database.
 */
export async function timePage(tx: AuditedTx, f: StreamFilter, after: { t: number; eventId: string } | null, limit: number): Promise<EventRow[]> {
  let q = tx
    .selectFrom('monitoring_event')
    .select(['event_id', 'trader_id', 'type', sql<number>`round(date_part('epoch', occurred_at) * 1000)`.as('t'), 'asset', 'amount_usd', 'country'])
    .where('occurred_at', '<=', f.to)
    .where('type', 'in', f.types);
  q = after ? q.where(sql<boolean>`(occurred_at, event_id) > (${new Date(after.t)}::timestamptz, ${after.eventId})`) : q.where('occurred_at', '>=', f.from);
  if (f.minUsd !== undefined) q = q.where('amount_usd', '>=', f.minUsd);
  if (f.maxUsd !== undefined) q = q.where('amount_usd', '<', f.maxUsd);
  return (await q.orderBy('occurred_at').orderBy('event_id').limit(limit).execute()) as EventRow[];
}

/** The payload ciphertexts of some events (the counterparty rule decrypts them). */
export async function payloads(tx: AuditedTx, eventIds: readonly string[]): Promise<Map<string, Uint8Array>> {
  if (!eventIds.length) return new Map();
  const rows = await tx.selectFrom('monitoring_event').select(['event_id', 'payload_ct']).where('event_id', 'in', eventIds).execute();
  return new Map(rows.map((r) => [r.event_id, r.payload_ct]));
}

/** One page of a keyset-paged read ordered by (trader_id, occurred_at, event_id) (the bench's row-by-row baseline). */
export async function streamPage(tx: AuditedTx, f: StreamFilter, after: { traderId: string; t: Date; eventId: string } | null, limit: number): Promise<StreamRow[]> {
  let q = tx
    .selectFrom('monitoring_event')
    .select(['event_id', 'trader_id', 'type', epochMs.as('t'), 'asset', 'amount_usd', 'country'])
    .where('occurred_at', '>=', f.from)
    .where('occurred_at', '<=', f.to)
    .where('type', 'in', f.types);
  if (f.minUsd !== undefined) q = q.where('amount_usd', '>=', f.minUsd);
  if (f.maxUsd !== undefined) q = q.where('amount_usd', '<', f.maxUsd);
  if (after) q = q.where(sql<boolean>`(trader_id, occurred_at, event_id) > (${after.traderId}::uuid, ${after.t}::timestamptz, ${after.eventId})`);
  return (await q.orderBy('trader_id').orderBy('occurred_at').orderBy('event_id').limit(limit).execute()) as StreamRow[];
}

/** Backtest of a dormancy rule: per trader and type, the newest event before the stream's start. */
export async function priorActivityAll(tx: AuditedTx, before: Date, types: readonly EventType[]): Promise<Map<string, Partial<Record<EventType, number>>>> {
  const rows = await tx
    .selectFrom('monitoring_event')
    .select(['trader_id', 'type', sql<number>`(extract(epoch from max(occurred_at)) * 1000)::float8`.as('t')])
    .where('occurred_at', '<', before)
    .where('type', 'in', types)
    .groupBy(['trader_id', 'type'])
    .execute();
  const out = new Map<string, Partial<Record<EventType, number>>>();
  for (const r of rows) {
    const m = out.get(r.trader_id) ?? {};
    m[r.type] = r.t;
    out.set(r.trader_id, m);
  }
  return out;
}

/** Staff display names (version authors in answers). */
export async function staffNames(tx: AuditedTx, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
