// `bulwark lists` (status: versions and ages), `bulwark lists import PATH` (format detected, progress on stderr,
// the version, counts and diff summary on stdout) and `bulwark lists sync` (download from the publishers).
// Exit 1 when an import or any source's sync failed; the previous version then stays active.
import type { Command } from 'commander';
import type { Container } from '../../../container.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ActorContext } from '../../../platform/http/request-context.js';
import type { ListSource } from '../model.js';
import { LIST_SOURCES } from '../model.js';

export interface ListsCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

const err = (line: string) => process.stderr.write(`${line}\n`);

/** Registers the `lists` command group. */
export function registerListsCommands(program: Command, d: ListsCliDeps): void {
  const lists = program
    .command('lists')
    .description('sanctions, PEP and wallet lists: status, import, sync')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await d.withContainer({}, async (c) => {
        const o = await c.lists.overview(d.cliActor('lists.status'));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ lists: o.lists, sources: o.sources }, null, 2)}\n`);
          return;
        }
        if (o.lists === 'none') err('no list loaded: screening reports "no lists loaded" (bulwark lists import PATH, or bulwark lists sync)');
        for (const s of o.sources) {
          const a = s.active;
          const state = !a ? 'not loaded' : `v${a.version}  ${a.entityCount} entities  published ${a.publishedAt?.slice(0, 10) ?? '—'}  imported ${a.importedAt.slice(0, 16).replace('T', ' ')}  checked ${s.ageDays} day(s) ago${s.stale ? `  STALE (limit ${o.staleDays} days)` : ''}  sha256 ${a.sha256.slice(0, 12)}…`;
          process.stdout.write(`${s.source.padEnd(14)} ${state}\n`);
          if (s.lastError && (!s.lastCheckedAt || (s.lastFailureAt && s.lastFailureAt > s.lastCheckedAt))) process.stdout.write(`${''.padEnd(14)} last attempt failed ${s.lastFailureAt?.slice(0, 16)}: ${s.lastError}\n`);
        }
      });
    });

  lists
    .command('import')
    .description('import a list file, or a directory holding an OFAC CSV set (sdn.csv, alt.csv, add.csv, sdn_comments.csv / cons_*) or OFAC wallet lists')
    .argument('<path>', 'file or directory')
    .option('--allow-shrink', 'accept a list with many fewer entities than the active version (a deliberate mass de-listing)')
    .action(async (path: string, opts: { allowShrink?: boolean }) => {
      await d.withContainer({}, async (c) => {
        try {
          const r = await c.lists.importPath(d.cliActor('lists.import'), path, { allowShrink: Boolean(opts.allowShrink), onProgress: (l) => err(`lists: ${l}`) });
          for (const w of r.warnings) err(`warning: ${w}`);
          const v = r.version;
          if (r.status === 'unchanged') process.stdout.write(`${v.source} unchanged: identical to the active version ${v.version} (sha256 ${v.sha256})\n`);
          else {
            process.stdout.write(`${v.source} version ${v.version} active: ${v.entityCount} entities (${v.format}, published ${v.publishedAt ?? 'date not stated'}, sha256 ${v.sha256})\n`);
            process.stdout.write(`diff against the previous version: ${r.delta.added} added, ${r.delta.removed} removed, ${r.delta.changed} changed\n`);
          }
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          d.fail(`${e.publicMessage}${e.opts.detail ? ` (${e.opts.detail})` : ''}; the previous version stays active`);
        }
      });
    });

  lists
    .command('show')
    .description("one version's diff against the previous version: a version id, or a source for its active version")
    .argument('<version>', `a version id, or a source (${LIST_SOURCES.join(', ')})`)
    .option('--change <kind>', 'only added, removed or changed')
    .option('--limit <n>', 'at most this many entries', '200')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { change?: string; limit: string; json?: boolean }) => {
      if (opts.change && !['added', 'removed', 'changed'].includes(opts.change)) d.fail('--change must be added, removed or changed');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) d.fail('--limit must be a whole number from 1 to 100000');
      await d.withContainer({}, async (c) => {
        const ctx = d.cliActor('lists.show');
        let id = ref;
        if ((LIST_SOURCES as readonly string[]).includes(ref)) {
          const s = (await c.lists.overview(ctx)).sources.find((x) => x.source === ref);
          if (!s?.active) d.fail(`${ref} is not loaded`);
          id = s.active.id;
        }
        const out = [];
        let total = 0;
        let v;
        try {
          for (let offset = 0; out.length < limit; ) {
            const page = await c.lists.version(ctx, id, { change: opts.change as 'added' | 'removed' | 'changed' | undefined, offset, limit: Math.min(200, limit - out.length) });
            v = page.version;
            total = page.total;
            out.push(...page.changes);
            offset += page.changes.length;
            if (page.changes.length === 0 || offset >= total) break;
          }
        } catch (e) {
          if (e instanceof AppError) d.fail(`${ref}: ${e.publicMessage}`);
          throw e;
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ version: v, total, changes: out }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${v!.source} version ${v!.version}: ${v!.entityCount} entities; ${v!.added} added, ${v!.removed} removed, ${v!.changed} changed (sha256 ${v!.sha256})\n`);
        for (const ch of out) {
          const mark = ch.change === 'added' ? '+' : ch.change === 'removed' ? '-' : '~';
          process.stdout.write(`${mark} ${ch.entityId}  ${ch.name}${ch.change === 'changed' ? `  [${ch.fields.join(', ')}]` : ''}\n`);
        }
        if (total > out.length) process.stdout.write(`… ${total - out.length} more (--limit)\n`);
      });
    });

  lists
    .command('sync')
    .description("download the lists from their publishers (LISTS_SYNC_SOURCES, LISTS_SYNC_URL_<SOURCE>; HTTPS_PROXY honoured) and import what changed")
    .option('--source <source...>', `only these sources (${LIST_SOURCES.join(', ')})`)
    .option('--allow-shrink', 'accept lists with many fewer entities than their active version')
    .action(async (opts: { source?: string[]; allowShrink?: boolean }) => {
      const bad = opts.source?.find((s) => !(LIST_SOURCES as readonly string[]).includes(s));
      if (bad) d.fail(`unknown source ${bad} (${LIST_SOURCES.join(', ')})`);
      await d.withContainer({}, async (c) => {
        const r = await c.lists.sync(d.cliActor('lists.sync'), { ...(opts.source ? { sources: opts.source as ListSource[] } : {}), allowShrink: Boolean(opts.allowShrink), onProgress: (l) => err(`lists: ${l}`) });
        let failed = 0;
        for (const x of r.results) {
          if (x.status === 'failed') failed++;
          const v = x.version;
          process.stdout.write(`${x.source.padEnd(14)} ${x.status}${v ? ` v${v.version} ${v.entityCount} entities (+${v.added} −${v.removed} ~${v.changed})` : ''}${x.error ? `: ${x.error}` : ''}\n`);
        }
        if (r.results.length === 0) d.fail('no source is enabled (LISTS_SYNC_SOURCES)');
        if (failed > 0) d.fail(`${failed} source(s) failed; their previous versions stay active`);
      });
    });
}
