// The lists service: imports list files as versioned snapshots (one transaction: version, entities, diff), syncs
// them from the publishers, answers which versions are active, and tells listeners (the screening service) when a
// new version becomes active, with the delta to re-screen against.
//
// Safety rules, each a way screening could silently pass everyone:
//  - a file that does not parse completely stores nothing: the previous version stays active;
//  - a list with no entity is refused, and one that lost more than maxShrinkPercent of its entities needs
//    allowShrink (an operator's deliberate decision, recorded on the version);
//  - with no list loaded, `hasLists()` is false and screening says "no lists loaded", never "clear".
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../../contracts/errors.js';
import { LIST_SOURCE_LABELS, LIST_SOURCE_NAMES, type ListImportResult, type ListSourceStatus, type ListsOverview, type ListVersionDetail, type ListVersionSummary } from '../../../../contracts/screening-lists.js';
import type { Audited, AuditSpec } from '../../../platform/audit/writer.js';
import type { DB } from '../../../platform/db/schema.js';
import type { AuditOutcome } from '../../../platform/audit/canonical.js';
import type { Clock } from '../../../platform/clock.js';
import { AppError } from '../../../platform/http/errors.js';
import { systemContext, type ActorContext } from '../../../platform/http/request-context.js';
import { isUuid } from '../../../platform/ids.js';
import type { ListDelta, ListEntity, ListFormat, ListSource, ListVersionRef, ParsedList } from '../model.js';
import { detectFormatOf } from './detect.js';
import { computeDelta } from './diff.js';
import { ListParseError, hashListFiles, parseListFiles, readListPath, type ListFile } from './parse.js';
import * as repo from './lists.repository.js';
import { downloadList, type SyncSourceSettings } from './lists.sync.js';

export interface ListsSettings {
  /** Largest list accepted (bytes, all files of a set together). */
  maxBytes: number;
  /** Largest upload through the API (bytes, decoded). */
  maxUploadBytes: number;
  /** A new version with more than this percentage fewer entities than the active one needs allowShrink. */
  maxShrinkPercent: number;
  /** A list not confirmed current for this many days is stale (warning state). */
  staleDays: number;
  /** Hours between scheduled syncs while the server runs (0: no schedule). */
  syncIntervalHours: number;
  /** Per-download timeout. */
  syncTimeoutMs: number;
  /** The publishers to sync from, in order. */
  sources: SyncSourceSettings[];
}

export interface ListsServiceDeps {
  audited: Audited;
  auditedRead: Audited;
  record: (ctx: ActorContext, spec: AuditSpec, outcome: AuditOutcome, code?: string | null) => Promise<void>;
  clock: Clock;
  settings: ListsSettings;
  log: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void; error(o: object, msg?: string): void };
  /**
   * The unguarded handle, for one question only: which versions are active (public metadata, no trader data).
   * The 5-minute check for versions imported elsewhere, and the index load at start, then append an audit event
   * only when they actually load entities, not a `screening.lists.read` every five minutes per process.
   */
  metadataDb?: Kysely<DB>;
}

export interface ActivatedEvent {
  version: ListVersionRef;
  previous: ListVersionRef | null;
  delta: ListDelta;
}
export type ActivatedListener = (e: ActivatedEvent) => Promise<void> | void;

export interface ImportOptions {
  origin: 'upload' | 'file' | 'sync';
  originUrl?: string | null;
  allowShrink?: boolean;
  /** Progress lines (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
}

export interface ImportOutcome {
  status: 'imported' | 'unchanged';
  version: ListVersionSummary;
  warnings: string[];
  delta: { added: number; removed: number; changed: number };
}

const IMPORT_ACTION = 'screening.lists.import';
const READ_ACTION = 'screening.lists.read';

/** Presents a stored version (allow-list: what the API and the CLI show). */
export function presentVersion(v: repo.VersionRow): ListVersionSummary {
  return {
    id: v.id,
    source: v.source,
    version: v.version,
    format: v.format,
    sha256: v.sha256,
    fileNames: v.file_names,
    byteSize: v.byte_size,
    publishedAt: v.published_at ? new Date(v.published_at).toISOString() : null,
    importedAt: new Date(v.imported_at).toISOString(),
    entityCount: v.entity_count,
    added: v.added_count,
    removed: v.removed_count,
    changed: v.changed_count,
    previousId: v.previous_id,
    origin: v.origin,
    originUrl: v.origin_url,
    importedBy: v.actor_name,
    warnings: v.warnings,
    shrinkAllowed: v.shrink_allowed,
  };
}

function toRef(v: repo.VersionRow): ListVersionRef {
  return { id: v.id, source: v.source, version: v.version, sha256: v.sha256, publishedAt: v.published_at ? new Date(v.published_at).toISOString() : null, importedAt: new Date(v.imported_at), entityCount: v.entity_count };
}

/** The source a refused file was meant for, when its format tells (so the failure shows on that list); else null. */
function sourceOf(files: ListFile[]): ListSource | null {
  const f = files[0];
  if (!f) return null;
  let format: ListFormat;
  try {
    format = detectFormatOf(f.name, f.bytes.subarray(0, 64 * 1024));
  } catch {
    return null;
  }
  const consolidated = files.some((x) => /cons/i.test(x.name));
  const bySource: Record<ListFormat, ListSource> = {
    ofac_csv: consolidated ? 'ofac_cons' : 'ofac_sdn',
    ofac_xml: consolidated ? 'ofac_cons' : 'ofac_sdn',
    un_xml: 'un_sc',
    eu_fsf_xml: 'eu_fsf',
    uk_xml: 'uk_sanctions',
    ftm_jsonl: 'opensanctions',
    ofac_wallet_list: 'ofac_wallets',
  };
  return bySource[format];
}

/** A ListParseError as the API's problem: 422 with the problem and its position, never a 500. */
function malformed(e: ListParseError): AppError {
  // The message already names the position ("… (sdn.csv line 5)"): the operator sees both in one line.
  return new AppError(ErrorCode.listMalformed, 422, e.message);
}

/** Creates the lists service. */
export function createListsService(deps: ListsServiceDeps) {
  const { audited, auditedRead, clock, settings, log } = deps;
  const listeners: ActivatedListener[] = [];
  // Active versions this process knows of, and the entities of the ones loaded (public list data, in memory).
  let known: Map<ListSource, repo.VersionRow> | null = null;
  const entityCache = new Map<string, ListEntity[]>();

  async function notify(e: ActivatedEvent): Promise<number> {
    let failed = 0;
    for (const l of listeners) {
      try {
        await l(e);
      } catch (err) {
        failed++;
        log.error({ err, source: e.version.source, version: e.version.version }, 'a list-activation listener failed');
      }
    }
    return failed;
  }

  async function recordFailure(ctx: ActorContext, source: ListSource | null, opts: ImportOptions, sha: string | null, message: string, code: string): Promise<void> {
    await audited(ctx, { action: 'screening.lists.check', target: { type: 'list_source', id: source } }, async (tx) => {
      await repo.insertCheck(tx, { id: randomUUID(), source, outcome: 'failed', version_id: null, sha256: sha, origin: opts.origin, origin_url: opts.originUrl ?? null, error: message.slice(0, 2000), checked_at: clock.now() });
    });
    await deps.record(ctx, { action: IMPORT_ACTION, target: { type: 'list_source', id: source } }, 'error', code);
  }

  /** Imports list files (one file or one set) as a new version of their source; refuses and records what cannot be imported. */
  async function importFiles(ctx: ActorContext, files: ListFile[], opts: ImportOptions): Promise<ImportOutcome> {
    const progress = opts.onProgress ?? (() => undefined);
    const sha = hashListFiles(files);
    progress(`read ${files.length} file(s), ${files.reduce((n, f) => n + f.bytes.length, 0)} bytes, sha256 ${sha}`);
    let parsed: ParsedList;
    try {
      parsed = parseListFiles(files, { maxBytes: settings.maxBytes });
    } catch (e) {
      if (!(e instanceof ListParseError)) throw e;
      await recordFailure(ctx, sourceOf(files), opts, sha, e.message, ErrorCode.listMalformed);
      throw malformed(e);
    }
    progress(`parsed ${parsed.format}: ${parsed.entities.length} entities of ${parsed.source}${parsed.warnings.length ? `, ${parsed.warnings.length} warning(s)` : ''}`);

    let activated: { event: ActivatedEvent; row: repo.VersionRow } | null = null;
    let outcome: ImportOutcome;
    try {
      outcome = await audited(ctx, { action: IMPORT_ACTION, target: { type: 'list_source', id: parsed.source } }, async (tx, event) => {
        // One import per source at a time, across processes: the version number and the diff base are then exact.
        await repo.lockSource(tx, parsed.source);
        const previous = await repo.activeVersionOf(tx, parsed.source);
        const check = { id: randomUUID(), source: parsed.source, sha256: sha, origin: opts.origin, origin_url: opts.originUrl ?? null, error: null, checked_at: clock.now() };
        if (previous && previous.sha256 === sha) {
          await repo.insertCheck(tx, { ...check, outcome: 'unchanged', version_id: previous.id });
          event.setTarget('list_version', previous.id);
          return { status: 'unchanged' as const, version: presentVersion(previous), warnings: parsed.warnings, delta: { added: 0, removed: 0, changed: 0 } };
        }
        const before = previous ? await repo.entitiesOf(tx, previous.id) : [];
        if (previous && !opts.allowShrink) {
          const floor = previous.entity_count * (1 - settings.maxShrinkPercent / 100);
          if (parsed.entities.length < floor) {
            const pct = Math.round((1 - parsed.entities.length / previous.entity_count) * 1000) / 10;
            throw new AppError(
              ErrorCode.listShrinkRefused,
              422,
              `${parsed.source} would shrink from ${previous.entity_count} to ${parsed.entities.length} entities (${pct} % fewer; the limit is ${settings.maxShrinkPercent} %): refused. A mass de-listing is more often a broken file than a real one; import with allowShrink (--allow-shrink) if it is real`,
            );
          }
        }
        const delta = computeDelta(before, parsed.entities);
        const id = randomUUID();
        const row: repo.VersionRow = {
          id,
          source: parsed.source,
          version: (previous?.version ?? 0) + 1,
          format: parsed.format,
          sha256: sha,
          file_names: files.map((f) => f.name).sort(),
          byte_size: files.reduce((n, f) => n + f.bytes.length, 0),
          published_at: parsed.publishedAt ? new Date(parsed.publishedAt) : null,
          imported_at: clock.now(),
          entity_count: parsed.entities.length,
          added_count: delta.added.length,
          removed_count: delta.removed.length,
          changed_count: delta.changed.length,
          previous_id: previous?.id ?? null,
          origin: opts.origin,
          origin_url: opts.originUrl ?? null,
          actor_type: ctx.actorType,
          actor_name: ctx.actorName,
          warnings: parsed.warnings,
          shrink_allowed: Boolean(opts.allowShrink && previous && parsed.entities.length < previous.entity_count * (1 - settings.maxShrinkPercent / 100)),
        };
        progress(`storing version ${row.version}: ${delta.added.length} added, ${delta.removed.length} removed, ${delta.changed.length} changed`);
        await repo.insertVersion(tx, { ...row, actor_id: ctx.actorId }, parsed.entities, [
          ...delta.added.map((e) => ({ entity: e, change: 'added' as const, fields: [], before: null, after: e })),
          ...delta.removed.map((e) => ({ entity: e, change: 'removed' as const, fields: [], before: e, after: null })),
          ...delta.changed.map((c) => ({ entity: c.after, change: 'changed' as const, fields: delta.changedFields.get(c.after.id) ?? [], before: c.before, after: c.after })),
        ]);
        await repo.insertCheck(tx, { ...check, outcome: 'imported', version_id: id });
        event.setTarget('list_version', id);
        activated = { row, event: { version: toRef(row), previous: previous ? toRef(previous) : null, delta: { added: delta.added, removed: delta.removed, changed: delta.changed } } };
        entityCache.set(id, parsed.entities);
        return { status: 'imported' as const, version: presentVersion(row), warnings: parsed.warnings, delta: { added: delta.added.length, removed: delta.removed.length, changed: delta.changed.length } };
      });
    } catch (e) {
      if (e instanceof AppError && e.code === ErrorCode.listShrinkRefused) {
        await audited(ctx, { action: 'screening.lists.check', target: { type: 'list_source', id: parsed.source } }, async (tx) => {
          await repo.insertCheck(tx, { id: randomUUID(), source: parsed.source, outcome: 'failed', version_id: null, sha256: sha, origin: opts.origin, origin_url: opts.originUrl ?? null, error: e.publicMessage.slice(0, 2000), checked_at: clock.now() });
        });
      }
      throw e;
    }
    // Committed: the new version is active. Only now do listeners (re-screening against the delta) run.
    const act = activated as { event: ActivatedEvent; row: repo.VersionRow } | null;
    if (act) {
      if (known) {
        const prev = known.get(act.row.source);
        if (prev) entityCache.delete(prev.id);
        known.set(act.row.source, act.row);
      }
      progress('activated');
      await notify(act.event);
    }
    return outcome;
  }

  /** Loads the active versions into memory (once; then only when a version changed). */
  async function loadActive(ctx: ActorContext): Promise<{ rows: repo.VersionRow[]; fresh: repo.VersionRow[] }> {
    if (deps.metadataDb) {
      const rows = await repo.activeVersions(deps.metadataDb);
      if (rows.every((r) => entityCache.has(r.id))) return { rows, fresh: [] };
    }
    return auditedRead(ctx, { action: READ_ACTION, target: { type: 'list_version' } }, async (tx) => {
      const rows = await repo.activeVersions(tx);
      const fresh: repo.VersionRow[] = [];
      for (const r of rows) {
        if (!entityCache.has(r.id)) {
          entityCache.set(r.id, await repo.entitiesOf(tx, r.id));
          fresh.push(r);
        }
      }
      return { rows, fresh };
    });
  }

  const service = {
    /** Imports a list file or a directory's list set from disk (`bulwark lists import PATH`). */
    async importPath(ctx: ActorContext, path: string, opts: Omit<ImportOptions, 'origin'> = {}): Promise<ImportOutcome> {
      let files: ListFile[];
      try {
        files = await readListPath(path, { maxBytes: settings.maxBytes });
      } catch (e) {
        if (!(e instanceof ListParseError)) throw e;
        await recordFailure(ctx, null, { ...opts, origin: 'file' }, null, e.message, ErrorCode.listMalformed);
        throw malformed(e);
      }
      return importFiles(ctx, files, { ...opts, origin: 'file' });
    },

    /** Imports in-memory files (an upload through the API, or a download). */
    importFiles,

    /** Imports a base64 upload (API); the decoded size is checked against the upload limit before parsing. */
    async importUpload(ctx: ActorContext, body: { files: { name: string; contentBase64: string }[]; allowShrink: boolean }): Promise<ListImportResult> {
      const files: ListFile[] = [];
      let total = 0;
      for (const f of body.files) {
        if (!/^[A-Za-z0-9+/=\s]*$/.test(f.contentBase64)) throw new AppError(ErrorCode.validation, 400, `${f.name}: contentBase64 is not base64`);
        const bytes = Buffer.from(f.contentBase64, 'base64');
        total += bytes.length;
        if (total > settings.maxUploadBytes) throw new AppError(ErrorCode.payloadTooLarge, 413, `The upload is larger than ${settings.maxUploadBytes} bytes: import large lists with bulwark lists import or sync`);
        files.push({ name: f.name, bytes });
      }
      const r = await importFiles(ctx, files, { origin: 'upload', allowShrink: body.allowShrink });
      return { status: r.status, version: r.version, warnings: r.warnings };
    },

    /** Downloads each configured publisher's list and imports it; one failing source does not stop the others. */
    async sync(ctx: ActorContext, opts: { sources?: ListSource[]; allowShrink?: boolean; onProgress?: (line: string) => void } = {}) {
      const progress = opts.onProgress ?? (() => undefined);
      const chosen = settings.sources.filter((s) => s.enabled && (!opts.sources || opts.sources.includes(s.source)));
      const results: { source: ListSource; status: 'imported' | 'unchanged' | 'failed'; version: ListVersionSummary | null; error: string | null }[] = [];
      for (const s of chosen) {
        progress(`${s.source}: downloading ${s.urls.length} file(s)`);
        let files: ListFile[];
        try {
          files = await downloadList(s, { maxBytes: settings.maxBytes, timeoutMs: settings.syncTimeoutMs });
        } catch (e) {
          const message = e instanceof ListParseError ? e.message : `download failed: ${(e as Error).message}`;
          progress(`${s.source}: ${message}`);
          await recordFailure(ctx, s.source, { origin: 'sync', originUrl: s.urls[0] ?? null }, null, message, ErrorCode.listSyncFailed);
          results.push({ source: s.source, status: 'failed', version: null, error: message });
          continue;
        }
        try {
          const r = await importFiles(ctx, files, { origin: 'sync', originUrl: s.urls.join(' '), allowShrink: opts.allowShrink ?? false, onProgress: (l) => progress(`${s.source}: ${l}`) });
          if (r.version.source !== s.source) {
            // Imported, but not what this URL should serve: say so loudly (a misconfigured URL).
            results.push({ source: s.source, status: 'failed', version: r.version, error: `the URL served a ${r.version.source} list, not ${s.source}` });
          } else results.push({ source: s.source, status: r.status, version: r.version, error: null });
        } catch (e) {
          const message = e instanceof AppError ? `${e.publicMessage}${e.opts.detail ? ` (${e.opts.detail})` : ''}` : (e as Error).message;
          results.push({ source: s.source, status: 'failed', version: null, error: message });
        }
      }
      return { results };
    },

    /** Status per source (active version, age, stale, last failure) and the version history, for the API and the CLI. */
    async overview(ctx: ActorContext): Promise<ListsOverview> {
      const { versions, checks } = await auditedRead(ctx, { action: READ_ACTION, target: { type: 'list_version' } }, async (tx) => ({
        versions: await repo.allVersions(tx),
        checks: await repo.lastChecks(tx),
      }));
      const now = clock.now().getTime();
      const sources: ListSourceStatus[] = LIST_SOURCE_NAMES.map((source) => {
        const active = versions.find((v) => v.source === source) ?? null;
        const c = checks.find((x) => x.source === source);
        const lastOk = c?.last_ok ? new Date(c.last_ok) : active ? new Date(active.imported_at) : null;
        const ageDays = lastOk ? Math.floor((now - lastOk.getTime()) / 86_400_000) : null;
        return {
          source,
          label: LIST_SOURCE_LABELS[source],
          active: active ? presentVersion(active) : null,
          lastCheckedAt: lastOk ? lastOk.toISOString() : null,
          ageDays,
          stale: ageDays !== null && ageDays >= settings.staleDays,
          lastFailureAt: c?.last_failed ? new Date(c.last_failed).toISOString() : null,
          lastError: c?.last_error ?? null,
        };
      });
      return {
        lists: versions.length > 0 ? 'loaded' : 'none',
        staleDays: settings.staleDays,
        maxShrinkPercent: settings.maxShrinkPercent,
        maxUploadBytes: settings.maxUploadBytes,
        sources,
        versions: versions.map(presentVersion),
      };
    },

    /** One version with a page of its diff; an unknown or malformed id is a 404. */
    async version(ctx: ActorContext, id: string, page: { change?: 'added' | 'removed' | 'changed' | undefined; offset: number; limit: number }): Promise<ListVersionDetail> {
      return auditedRead(ctx, { action: READ_ACTION, target: { type: 'list_version', id: isUuid(id) ? id : null } }, async (tx) => {
        const v = isUuid(id) ? await repo.versionById(tx, id.toLowerCase()) : undefined;
        if (!v) throw new AppError(ErrorCode.notFound, 404, 'No such list version');
        const { rows, total } = await repo.changesOf(tx, v.id, page);
        return {
          version: presentVersion(v),
          changes: rows.map((r) => ({ entityId: r.entity_id, change: r.change, name: r.name, fields: r.fields, before: r.before, after: r.after })),
          total,
          offset: page.offset,
          limit: page.limit,
        };
      });
    },

    /** The active version of every loaded source and its entities (the screening engine's index input). */
    async activeEntities(ctx: ActorContext = systemContext('screening:lists')): Promise<{ versions: ListVersionRef[]; lists: { source: ListSource; entities: ListEntity[] }[] }> {
      const { rows } = await loadActive(ctx);
      known = new Map(rows.map((r) => [r.source, r]));
      for (const id of entityCache.keys()) if (!rows.some((r) => r.id === id)) entityCache.delete(id);
      return { versions: rows.map(toRef), lists: rows.map((r) => ({ source: r.source, entities: entityCache.get(r.id) ?? [] })) };
    },

    /** Whether any list is loaded: without one, screening must say "no lists loaded", never "clear". */
    async hasLists(ctx: ActorContext = systemContext('screening:lists')): Promise<boolean> {
      return auditedRead(ctx, { action: READ_ACTION, target: { type: 'list_version' } }, async (tx) => (await repo.activeVersions(tx)).length > 0);
    },

    /** Registers a listener run after a new version became active (committed), with the delta from the previous one. */
    onActivated(listener: ActivatedListener): void {
      listeners.push(listener);
    },

    /**
     * Notices versions activated by another process (a CLI import beside a PostgreSQL server) and tells the
     * listeners, with the delta stored with the version. Returns how many new versions were found.
     */
    async refresh(ctx: ActorContext): Promise<number> {
      const before = known;
      const { rows } = await loadActive(ctx);
      known = new Map(rows.map((r) => [r.source, r]));
      if (!before) return 0; // first look: nothing to compare with
      let found = 0;
      for (const r of rows) {
        const prev = before.get(r.source);
        if (prev?.id === r.id) continue;
        found++;
        if (prev) entityCache.delete(prev.id);
        const changes = await auditedRead(ctx, { action: READ_ACTION, target: { type: 'list_version', id: r.id } }, (tx) => repo.allChangesOf(tx, r.id));
        const delta: ListDelta = { added: [], removed: [], changed: [] };
        for (const c of changes) {
          if (c.change === 'added' && c.after) delta.added.push(c.after);
          else if (c.change === 'removed' && c.before) delta.removed.push(c.before);
          else if (c.before && c.after) delta.changed.push({ before: c.before, after: c.after });
        }
        const previousRow = r.previous_id ? (prev?.id === r.previous_id ? prev : null) : null;
        await notify({ version: toRef(r), previous: previousRow ? toRef(previousRow) : null, delta });
      }
      return found;
    },

    /**
     * While the server runs: syncs every syncIntervalHours (the first one a minute after start when the lists are
     * older than the interval), notices versions imported by other processes every 5 minutes, and logs a warning
     * for each stale list. Returns a stop function.
     */
    startSchedule(ctx: ActorContext): () => void {
      const timers: NodeJS.Timeout[] = [];
      let running = false;
      const guarded = (name: string, fn: () => Promise<unknown>) => async () => {
        if (running) return;
        running = true;
        try {
          await fn();
        } catch (err) {
          log.error({ err }, `lists ${name} failed`);
        } finally {
          running = false;
        }
      };
      const warnStale = async () => {
        const o = await service.overview(ctx);
        for (const s of o.sources) if (s.stale) log.warn({ source: s.source, ageDays: s.ageDays }, `list ${s.source} is ${s.ageDays} days old (limit ${o.staleDays}): screening may miss new designations`);
        if (o.lists === 'none') log.warn({}, 'no sanctions list is loaded: screening reports "no lists loaded" (bulwark lists sync or bulwark lists import PATH)');
      };
      const doSync = async () => {
        const r = await service.sync(ctx);
        for (const x of r.results) {
          if (x.status === 'failed') log.warn({ source: x.source, error: x.error }, 'list sync failed; the previous version stays active');
          else log.info({ source: x.source, status: x.status, version: x.version?.version }, 'list sync');
        }
        await warnStale();
      };
      const syncNow = guarded('sync', doSync);
      if (settings.syncIntervalHours > 0) {
        const every = settings.syncIntervalHours * 3_600_000;
        timers.push(
          setTimeout(
            guarded('first sync', async () => {
              const o = await service.overview(ctx);
              const oldest = Math.min(...o.sources.filter((s) => settings.sources.some((x) => x.enabled && x.source === s.source)).map((s) => (s.lastCheckedAt ? new Date(s.lastCheckedAt).getTime() : 0)));
              if (clock.now().getTime() - oldest >= every) await doSync();
              else await warnStale();
            }),
            60_000,
          ),
        );
        timers.push(setInterval(() => void syncNow(), every));
      }
      timers.push(setInterval(() => void guarded('refresh', () => service.refresh(ctx))(), 5 * 60_000));
      for (const t of timers) t.unref();
      return () => {
        for (const t of timers) clearTimeout(t);
      };
    },
  };
  return service;
}

export type ListsService = ReturnType<typeof createListsService>;
