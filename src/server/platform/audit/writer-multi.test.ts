// Several writers on one database (several server processes, or a CLI beside the server) must still produce
// ONE linear chain: each writer remembers the head of its own last commit, and bulwark_audit_append refuses a
// batch linked to a head that another writer has moved, so the batch is re-linked instead of forking the chain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemClock } from '../clock.js';
import { systemContext } from '../http/request-context.js';
import { chainHash, GENESIS_HASH } from './canonical.js';
import { AuditWriter, fromRow } from './writer.js';

describe('two audit writers on one database', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t?.close());

  it('interleaved appends from both writers form one contiguous, valid chain', async () => {
    const other = new AuditWriter({ db: t.container.db, clock: systemClock, batchMax: 50, lanes: 2 });
    const mine = t.container.writer;
    const jobs: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) {
        jobs.push(mine.record(systemContext('writer-a'), { action: 'test.a', target: { type: 'round', id: String(round) } }, 'ok'));
        jobs.push(other.record(systemContext('writer-b'), { action: 'test.b', target: { type: 'round', id: String(round) } }, 'ok'));
        jobs.push(
          other.audited(systemContext('writer-b'), { action: 'test.b_work' }, async (tx) => tx.selectFrom('crypto_key').select('version').limit(1).execute()),
        );
      }
      // Let each writer commit between rounds so that both caches go stale against the other's appends.
      await Promise.all(jobs.splice(0));
    }
    await other.close();
    const rows = (await t.container.db.system.selectFrom('audit_event').selectAll().orderBy('seq').execute()).map(fromRow);
    const a = rows.filter((r) => r.action === 'test.a').length;
    const b = rows.filter((r) => r.action.startsWith('test.b')).length;
    assert.equal(a, 100);
    assert.equal(b, 200);
    let prev = GENESIS_HASH;
    rows.forEach((r, i) => {
      assert.equal(r.seq, i + 1, 'contiguous sequence');
      assert.equal(r.prevHash, prev, `event ${r.seq} links to its predecessor`);
      assert.equal(r.hash, chainHash(prev, r), `event ${r.seq} hash`);
      prev = r.hash;
    });
    await t.container.checkpointer.checkpointNow();
    const v = await t.container.audit.verify();
    assert.equal(v.ok, true, v.problem);
  });

  it('refuses a batch that does not continue the chain (the database checks the link too)', async () => {
    const head = await t.container.db.system.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const { sql } = await import('kysely');
    // Right head, but the batch claims to start elsewhere: a writer bug or a forged call must not fork the chain.
    const forged = [{ seq: Number(head.seq) + 5, time: new Date().toISOString(), actor_type: 'system', action: 'x', outcome: 'ok', fields: [], prev_hash: head.hash, hash: 'f'.repeat(64) }];
    await assert.rejects(
      sql`select * from bulwark_audit_append(${Number(head.seq)}, ${head.hash}, ${JSON.stringify(forged)}::jsonb)`.execute(t.container.db.system),
      /does not continue the chain/,
    );
    // A stale head appends nothing and reports the real one.
    const stale = await sql<{ head_seq: number; appended: boolean }>`select * from bulwark_audit_append(1, ${'0'.repeat(64)}, '[]'::jsonb)`.execute(t.container.db.system);
    assert.equal(stale.rows[0]!.appended, false);
    assert.equal(Number(stale.rows[0]!.head_seq), Number(head.seq));
  });
});
