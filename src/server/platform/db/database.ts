// The one place that holds the database instance: PGlite (embedded, default) or PostgreSQL (DATABASE_URL).
// Two handles share one connection pool:
//   system — unguarded, for the platform only (audit writer, migrations, key ring, health);
//   app    — guarded: every query must run inside an audited scope, on that job's transaction, or it throws.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { APP_ROLE } from '../../../../migrations/2026-11-21T00-00-00_foundation.js';
import { GuardedDialect } from './guarded-dialect.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';
import { AuditScopeGuard } from './scope.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  /** Unguarded handle: platform code only, never handed to feature modules. */
  readonly system: Kysely<DB>;
  /** Guarded handle for feature code: runs on the current audited job's transaction; throws outside one. */
  readonly app: Kysely<DB>;
  /** Drop to the least-privileged application role on every connection (after migrations ran). */
  useAppRole(): Promise<void>;
  close(): Promise<void>;
  /** The PGlite instance, for tests that play the attacker with a superuser session. */
  readonly pglite?: PGlite;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined means in memory (tests). */
  dataDir?: string | undefined;
  poolSize?: number;
}

// int8 (bigint) and numeric come back as strings from pg; the audit sequence fits in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

function guardedHandle(): Kysely<DB> {
  return new Kysely<DB>({ dialect: new GuardedDialect(), plugins: [new AuditScopeGuard()] });
}

/** Opens PGlite or PostgreSQL. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  let appRole = false;
  // JIT off for this workload: short, indexed OLTP queries whose cost estimates (correlated sub-selects over large
  // tables) can cross jit_above_cost, and then compiling the plan costs 10–150 ms per query — seen as a 200 ms list
  // page at a million traders. Set per connection at start-up, so it holds whatever the server's default.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'bulwark', options: '-c jit=off' });
  // An idle connection the server drops (restart, failover, pg_terminate_backend) is discarded by the pool;
  // without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  // Each new connection drops to the application role once migrations are done. Production should also
  // connect as a login role that is *only* bulwark_app (see docs/operations.md) so RESET ROLE gains nothing.
  pool.on('connect', (client) => {
    // Fail closed: a connection that could not drop its privileges is closed, never used as the superuser.
    if (appRole) client.query(`set role ${APP_ROLE}`).catch(() => client.end().catch(() => undefined));
  });
  const system = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(system);
  return {
    kind: 'postgres',
    system,
    app: guardedHandle(),
    async useAppRole() {
      appRole = true;
      // Connections opened before the switch are recycled.
      // (idleCount shrinks as they are checked out, so it is read once.)
      const idle: pg.PoolClient[] = [];
      const idleCount = pool.idleCount;
      for (let i = 0; i < idleCount; i++) idle.push(await pool.connect());
      for (const c of idle) {
        await c.query(`set role ${APP_ROLE}`);
        c.release();
      }
    },
    async close() {
      await system.destroy();
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  const system = new Kysely<DB>({ dialect: new PgliteDialect(pglite) });
  return {
    kind: 'pglite',
    system,
    app: guardedHandle(),
    pglite,
    async useAppRole() {
      await sql.raw(`set role ${APP_ROLE}`).execute(system);
    },
    async close() {
      await system.destroy();
      await pglite.close();
    },
  };
}
