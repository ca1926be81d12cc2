// The attacker's seat for tests: a database superuser session on the test app's own database.
//   PGlite: the app's single connection, taken through the driver's mutex (so it never interleaves with an
//           audited batch), switched back to the superuser with RESET ROLE and returned as the app role.
//   PostgreSQL: a separate pg.Client on the test database, connected as the superuser of DATABASE_URL.
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { APP_ROLE } from '../../migrations/2026-11-21T00-00-00_foundation.js';
import type { TestApp } from './test-app.js';

export interface Superuser {
  /** Runs one statement with $n parameters; returns its rows. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** Opens a superuser session on the test app's database (see the file comment). */
export async function superuser(t: TestApp): Promise<Superuser> {
  const db = t.container.db;
  if (db.kind === 'pglite') {
    return {
      async query<R>(text: string, params: unknown[] = []) {
        return db.system.connection().execute(async (conn) => {
          await conn.executeQuery(CompiledQuery.raw('reset role'));
          try {
            return (await conn.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
          } finally {
            await conn.executeQuery(CompiledQuery.raw(`set role ${APP_ROLE}`));
          }
        });
      },
      async close() {},
    };
  }
  const client = new pg.Client({ connectionString: t.config.databaseUrl });
  await client.connect();
  return {
    async query<R>(text: string, params: unknown[] = []) {
      return (await client.query(text, params)).rows as R[];
    },
    async close() {
      await client.end();
    },
  };
}
