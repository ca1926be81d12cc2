// Which kind of database scope the current async call chain is in. Only an audited scope may touch the
// application's tables through the guarded handle; anything else throws (auditing by construction).
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { DB } from './schema.js';

interface Scope {
  kind: 'audited';
  action: string;
  /** The job's transaction: the guarded handle runs its queries on it (see database.ts). */
  tx: Kysely<DB> | undefined;
}

const storage = new AsyncLocalStorage<Scope>();

/** Runs fn inside an audited scope (used only by the audited transaction runner). */
export function runInAuditedScope<T>(action: string, fn: () => T, tx?: Kysely<DB>): T {
  return storage.run({ kind: 'audited', action, tx }, fn);
}

/** Runs fn outside any audited scope, e.g. the audit writer's own bookkeeping after a job. */
export function runOutsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** True when the caller is inside `audited(...)`. */
export function inAuditedScope(): boolean {
  return storage.getStore()?.kind === 'audited';
}

/** The transaction of the audited job the caller is in, if any. */
export function currentAuditedTx(): Kysely<DB> | undefined {
  const s = storage.getStore();
  return s?.kind === 'audited' ? s.tx : undefined;
}

export class UnauditedQueryError extends Error {
  override name = 'UnauditedQueryError';
  constructor() {
    super('database query outside an audited scope: wrap it in audited(ctx, {action, target}, fn)');
  }
}

/** Kysely plugin that refuses to compile a query outside an audited scope. */
export class AuditScopeGuard implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!inAuditedScope()) throw new UnauditedQueryError();
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
