// The audit tables are append-only in the database itself, from the attacker's side:
//   - the application's own connections (role bulwark_app) are refused UPDATE, DELETE and TRUNCATE by privileges;
//   - a superuser (who bypasses privileges) is still refused by the ENABLE ALWAYS triggers, also in replica mode,
//     which skips ordinary triggers.
// Each check names which layer refused (privilege vs trigger), so removing either layer fails a test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { superuser, type Superuser } from '../../../../test/helpers/superuser.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { systemContext } from '../http/request-context.js';

const PRIVILEGE = (table: string) => new RegExp(`permission denied for table ${table}`);
const TRIGGER = /is append-only/;

const ATTACKS = (table: string, keyCol: string) => [
  { what: 'UPDATE', stmt: `update ${table} set ${keyCol} = ${keyCol} + 1000 where ${keyCol} = (select min(${keyCol}) from ${table})` },
  { what: 'DELETE', stmt: `delete from ${table} where ${keyCol} = (select max(${keyCol}) from ${table})` },
  { what: 'TRUNCATE', stmt: `truncate ${table}` },
];
const TABLES = [
  { table: 'audit_event', key: 'seq' },
  { table: 'audit_checkpoint', key: 'tree_size' },
];

describe('the audit tables are append-only', () => {
  let t: TestApp;
  let su: Superuser;

  /** Every row of both tables, to show a refused statement changed nothing. */
  async function snapshot(): Promise<string> {
    const ev = await su.query<{ seq: unknown; hash: string; action: string }>('select seq, hash, action from audit_event order by seq');
    const cp = await su.query<{ tree_size: unknown; note: string }>('select tree_size, note from audit_checkpoint order by tree_size');
    return JSON.stringify([ev.map((r) => [Number(r.seq), r.hash, r.action]), cp.map((r) => [Number(r.tree_size), r.note])]);
  }

  before(async () => {
    const clock = new FakeClock('2026-11-21T06:00:00.000Z');
    t = await createTestApp({ clock });
    for (let i = 0; i < 5; i++) await t.container.audited(systemContext('append-only-test'), { action: 'test.seed' }, async () => i);
    assert.equal(await t.container.checkpointer.checkpointNow(), 5);
    await t.container.audited(systemContext('append-only-test'), { action: 'test.seed' }, async () => 6);
    assert.equal(await t.container.checkpointer.checkpointNow(), 6);
    su = await superuser(t);
  });
  after(async () => {
    await su?.close();
    await t?.close();
  });

  test("the app's connections run as the least-privileged role", async () => {
    // Several at once, so that on PostgreSQL more than one pooled connection answers.
    const users = await Promise.all(
      Array.from({ length: 8 }, () =>
        sql<{ u: string }>`select current_user as u, pg_sleep(0.02)`.execute(t.container.db.system).then((r) => r.rows[0]!.u),
      ),
    );
    assert.deepEqual(new Set(users), new Set(['bulwark_app']));
  });

  for (const { table, key } of TABLES) {
    for (const { what, stmt } of ATTACKS(table, key)) {
      test(`as the application role, ${what} on ${table} is refused by privileges`, async () => {
        const before = await snapshot();
        await assert.rejects(sql.raw(stmt).execute(t.container.db.system), PRIVILEGE(table));
        assert.equal(await snapshot(), before);
      });
    }
  }

  test('as the application role, the triggers cannot be disabled nor replica mode entered', async () => {
    await assert.rejects(sql.raw('alter table audit_event disable trigger all').execute(t.container.db.system), /must be owner/);
    await assert.rejects(sql.raw('alter table audit_checkpoint disable trigger audit_checkpoint_no_update').execute(t.container.db.system), /must be owner/);
    await assert.rejects(sql.raw('set session_replication_role = replica').execute(t.container.db.system), /permission denied/);
  });

  test('the application role may still append and read (INSERT and SELECT)', async () => {
    const seq = await t.container.audited(systemContext('append-only-test'), { action: 'test.append' }, async (tx) => {
      const head = await tx.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      return Number(head.seq) + 1;
    });
    const row = await t.container.db.system.selectFrom('audit_event').select('action').where('seq', '=', seq).executeTakeFirst();
    assert.equal(row?.action, 'test.append');
  });

  for (const replica of [false, true]) {
    const mode = replica ? ' in replica mode (session_replication_role = replica)' : '';
    for (const { table, key } of TABLES) {
      for (const { what, stmt } of ATTACKS(table, key)) {
        test(`as a superuser${mode}, ${what} on ${table} is refused by the trigger`, async () => {
          const before = await snapshot();
          const [who] = await su.query<{ su: boolean }>(`select usesuper as su from pg_user where usename = current_user`);
          assert.equal(who?.su, true, 'the attacker session is not a superuser');
          if (replica) await su.query('set session_replication_role = replica');
          try {
            if (replica) assert.equal((await su.query<{ m: string }>(`select current_setting('session_replication_role') as m`))[0]?.m, 'replica');
            await assert.rejects(su.query(stmt), TRIGGER);
          } finally {
            if (replica) await su.query('reset session_replication_role');
          }
          assert.equal(await snapshot(), before);
        });
      }
    }
  }

  test('the log still verifies after every refused attempt', async () => {
    const r = await t.container.audit.verify();
    assert.equal(r.ok, true, r.problem);
  });
});

describe('the PostgreSQL pool drops every connection to the application role', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (DATABASE_URL unset)' }, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t?.close());

  test('connections that were already open when the role switched are switched too', async () => {
    const db = await openDatabase({ databaseUrl: t.config.databaseUrl, poolSize: 10 });
    try {
      // Four idle connections exist before the switch.
      await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(db.system)));
      await db.useAppRole();
      const users = await Promise.all(
        Array.from({ length: 8 }, () => sql<{ u: string }>`select current_user as u, pg_sleep(0.05)`.execute(db.system).then((r) => r.rows[0]!.u)),
      );
      assert.deepEqual(new Set(users), new Set(['bulwark_app']), `connections still running as a superuser: ${users.join(', ')}`);
    } finally {
      await db.close();
    }
  });
});
