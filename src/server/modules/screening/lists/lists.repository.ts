// Pure Kysely over list_version, list_entity, list_change and list_check; every function takes the audited
// transaction handle. List data is public (no encryption); rows are only ever inserted.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditedTx } from '../../../platform/audit/writer.js';
import type { DB } from '../../../platform/db/schema.js';
import type { ListVersionTable } from '../../../platform/db/schema-screening-lists.js';
import type { ListEntity, ListSource } from '../model.js';
import type { DiffField } from './diff.js';

/** A stored version as the service uses it (the table's row, typed and without the actor id). */
export type VersionRow = Omit<Selectable<ListVersionTable>, 'source' | 'byte_size' | 'warnings' | 'actor_id'> & { source: ListSource; byte_size: number; warnings: string[] };

const VERSION_COLUMNS = [
  'id', 'source', 'version', 'format', 'sha256', 'file_names', 'byte_size', 'published_at', 'imported_at', 'entity_count', 'added_count',
  'removed_count', 'changed_count', 'previous_id', 'origin', 'origin_url', 'actor_type', 'actor_name', 'warnings', 'shrink_allowed',
] as const;

function toVersion(r: Record<string, unknown>): VersionRow {
  return { ...(r as unknown as VersionRow), byte_size: Number(r.byte_size), warnings: (r.warnings as string[] | null) ?? [] };
}

/** Serialises imports of one source across processes (transaction-scoped advisory lock). */
export async function lockSource(tx: AuditedTx, source: ListSource): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`bulwark:list:${source}`}))`.execute(tx);
}

/** The active (highest) version of each source. */
/** The active (latest) version of each source; also run on the unguarded handle (public metadata, see the service). */
export async function activeVersions(tx: Kysely<DB>): Promise<VersionRow[]> {
  const rows = await tx
    .selectFrom('list_version as v')
    .select(VERSION_COLUMNS.map((c) => `v.${c}` as const))
    .where('v.version', '=', (eb) => eb.selectFrom('list_version as w').select((w) => w.fn.max('w.version').as('m')).whereRef('w.source', '=', 'v.source'))
    .orderBy('v.source')
    .execute();
  return rows.map(toVersion);
}

/** The active version of one source, or undefined. */
export async function activeVersionOf(tx: AuditedTx, source: ListSource): Promise<VersionRow | undefined> {
  const r = await tx.selectFrom('list_version').select(VERSION_COLUMNS).where('source', '=', source).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return r ? toVersion(r) : undefined;
}

/** Every version, newest first (per source), up to `limit` per call. */
export async function allVersions(tx: AuditedTx, limit = 500): Promise<VersionRow[]> {
  const rows = await tx.selectFrom('list_version').select(VERSION_COLUMNS).orderBy('source').orderBy('version', 'desc').limit(limit).execute();
  return rows.map(toVersion);
}

/** One version by id. */
export async function versionById(tx: AuditedTx, id: string): Promise<VersionRow | undefined> {
  const r = await tx.selectFrom('list_version').select(VERSION_COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? toVersion(r) : undefined;
}

/** The entities of a version, as parsed. */
export async function entitiesOf(tx: AuditedTx, versionId: string): Promise<ListEntity[]> {
  const rows = await tx.selectFrom('list_entity').select('data').where('version_id', '=', versionId).orderBy('entity_id').execute();
  return rows.map((r) => r.data as ListEntity);
}

export interface NewVersion extends Omit<VersionRow, 'warnings'> {
  actor_id: string | null;
  warnings: string[];
}

const CHUNK = 500;

/** Inserts a version, its entities and its diff (the caller's transaction makes them appear together). */
export async function insertVersion(
  tx: AuditedTx,
  v: NewVersion,
  entities: readonly ListEntity[],
  changes: { entity: ListEntity; change: 'added' | 'removed' | 'changed'; fields: DiffField[]; before: ListEntity | null; after: ListEntity | null }[],
): Promise<void> {
  await tx
    .insertInto('list_version')
    .values({ ...v, warnings: JSON.stringify(v.warnings) })
    .execute();
  for (let i = 0; i < entities.length; i += CHUNK) {
    await tx
      .insertInto('list_entity')
      .values(entities.slice(i, i + CHUNK).map((e) => ({ version_id: v.id, entity_id: e.id, kind: e.kind, name: e.name, data: JSON.stringify(e) })))
      .execute();
  }
  for (let i = 0; i < changes.length; i += CHUNK) {
    await tx
      .insertInto('list_change')
      .values(
        changes.slice(i, i + CHUNK).map((c) => ({
          version_id: v.id,
          entity_id: c.entity.id,
          change: c.change,
          name: c.entity.name,
          fields: c.fields,
          before: c.before ? JSON.stringify(c.before) : null,
          after: c.after ? JSON.stringify(c.after) : null,
        })),
      )
      .execute();
  }
}

export interface ChangeRow {
  entity_id: string;
  change: 'added' | 'removed' | 'changed';
  name: string;
  fields: string[];
  before: ListEntity | null;
  after: ListEntity | null;
}

/** A page of a version's diff, by entity id; `change` filters to one kind. */
export async function changesOf(tx: AuditedTx, versionId: string, opts: { change?: 'added' | 'removed' | 'changed' | undefined; offset: number; limit: number }): Promise<{ rows: ChangeRow[]; total: number }> {
  let q = tx.selectFrom('list_change').where('version_id', '=', versionId);
  if (opts.change) q = q.where('change', '=', opts.change);
  const [rows, total] = await Promise.all([
    q.select(['entity_id', 'change', 'name', 'fields', 'before', 'after']).orderBy('change').orderBy('entity_id').offset(opts.offset).limit(opts.limit).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as unknown as ChangeRow[], total: Number(total.n) };
}

/** The whole stored diff of a version (for listeners of a version activated by another process). */
export async function allChangesOf(tx: AuditedTx, versionId: string): Promise<ChangeRow[]> {
  const rows = await tx.selectFrom('list_change').select(['entity_id', 'change', 'name', 'fields', 'before', 'after']).where('version_id', '=', versionId).orderBy('entity_id').execute();
  return rows as unknown as ChangeRow[];
}

/** Records an import or sync attempt. */
export async function insertCheck(
  tx: AuditedTx,
  c: { id: string; source: ListSource | null; outcome: 'imported' | 'unchanged' | 'failed'; version_id: string | null; sha256: string | null; origin: 'upload' | 'file' | 'sync'; origin_url: string | null; error: string | null; checked_at: Date },
): Promise<void> {
  await tx.insertInto('list_check').values(c).execute();
}

/** Per source: the last successful check (imported or unchanged) and the last failure. */
export async function lastChecks(tx: AuditedTx): Promise<{ source: string; last_ok: Date | null; last_failed: Date | null; last_error: string | null }[]> {
  const rows = await sql<{ source: string; last_ok: Date | null; last_failed: Date | null; last_error: string | null }>`
    select source,
      max(checked_at) filter (where outcome <> 'failed') as last_ok,
      max(checked_at) filter (where outcome = 'failed') as last_failed,
      (array_agg(error order by checked_at desc) filter (where outcome = 'failed'))[1] as last_error
    from list_check where source is not null group by source`.execute(tx);
  return rows.rows;
}
