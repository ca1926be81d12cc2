// Runs the explicitly listed migrations with Kysely's migrator (locked, transactional per migration).
import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../../migrations/index.js';

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(
  db: Kysely<any>,
  onStep?: (name: string) => void,
): Promise<string[]> {
  const res: MigrationResultSet = await migrator(db).migrateToLatest();
  for (const r of res.results ?? []) if (r.status === 'Success') onStep?.(r.migrationName);
  if (res.error) {
    const failed = res.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(res.error as Error).message ?? String(res.error)}`);
  }
  return (res.results ?? []).map((r) => r.migrationName);
}

/** Names of migrations not yet applied (empty when current). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
