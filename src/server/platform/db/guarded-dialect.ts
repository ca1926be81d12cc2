// The dialect behind the guarded handle (`db.app`). It owns no connection: inside audited() it runs every
// query on that job's own transaction, so work done through the handle commits or rolls back together with
// the job's audit event; outside audited() it has nothing to run on and throws UnauditedQueryError.
// (Taking a pool connection instead would run the work outside the event's transaction on PostgreSQL, and
// wait forever on PGlite, whose single connection the audited batch already holds.)
import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { DB } from './schema.js';
import { currentAuditedTx, UnauditedQueryError } from './scope.js';

class JobConnection implements DatabaseConnection {
  constructor(private readonly tx: Kysely<DB>) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.tx.executeQuery<R>(compiled);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported through the guarded handle; page with keyset queries instead');
  }
}

class GuardedDriver implements Driver {
  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const tx = currentAuditedTx();
    if (!tx) throw new UnauditedQueryError();
    return new JobConnection(tx);
  }

  // A BEGIN/COMMIT here would end the audited batch's transaction under every job in it.
  async beginTransaction(): Promise<void> {
    throw new Error('the guarded handle cannot open a transaction: inside audited() the job already runs in one');
  }

  async commitTransaction(): Promise<void> {
    throw new Error('the guarded handle cannot commit: audited() commits the job with its event');
  }

  async rollbackTransaction(): Promise<void> {
    throw new Error('the guarded handle cannot roll back: throw from the audited function instead');
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

/** PostgreSQL dialect whose only connection is the current audited job's transaction. */
export class GuardedDialect implements Dialect {
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new GuardedDriver();
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
