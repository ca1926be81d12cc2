// `audit verify` from the attacker's side. A superuser who controls the database disables the append-only triggers
// and tampers with the log in every way the issue names; verification must fail and name the exact first bad
// sequence number. Each attack runs on a fresh app with the same history:
//
//   seq 1..10   ten synthetic traders (group-committed)      → checkpoint of size 10 (signed, anchored outside the DB)
//   seq 11..13  a view (ok), a denial, an error               → checkpoint of size 13
//   seq 14..17  four more views, not yet anchored
import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../contracts/errors.js';
import { superuser, type Superuser } from '../../../../test/helpers/superuser.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { chainHash, eventLeafHash, GENESIS_HASH, type AuditEventContent } from '../../platform/audit/canonical.js';
import { generateSigningKey, signCheckpoint } from '../../platform/audit/checkpoint.js';
import { rootFromLeafHashes } from '../../platform/audit/merkle.js';
import { fromRow, type AppendedEvent } from '../../platform/audit/writer.js';
import { FakeClock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import { systemContext, type ActorContext } from '../../platform/http/request-context.js';

const N = 17;
const CHECKPOINTS = [10, 13];

const officer = (n: number): ActorContext => ({
  actorType: 'staff',
  actorId: 'stf_officer',
  actorName: 'Olga Officer',
  ip: '203.0.113.9',
  sessionIdHash: 'cd'.repeat(32),
  requestId: `req-${n}`,
});

async function seededApp(): Promise<TestApp> {
  const clock = new FakeClock('2026-11-21T07:00:00.000Z');
  const t = await createTestApp({ clock });
  const c = t.container;
  await c.demo.seedTraders(systemContext('tamper-test'), 10);
  assert.equal(await c.checkpointer.checkpointNow(), CHECKPOINTS[0]);
  clock.advance(60_000);
  await c.audited(officer(11), { action: 'trader.view', target: { type: 'trader', id: 'trd_1' }, fields: ['email', 'phone'], reason: 'case 7' }, async () => undefined);
  await assert.rejects(
    c.audited(officer(12), { action: 'trader.export' }, async () => {
      throw new AppError(ErrorCode.forbidden, 403, 'Not allowed');
    }),
  );
  await assert.rejects(
    c.audited(officer(13), { action: 'trader.update' }, async () => {
      throw new Error('boom');
    }),
  );
  assert.equal(await c.checkpointer.checkpointNow(), CHECKPOINTS[1]);
  for (let i = 14; i <= N; i++) {
    clock.advance(1000);
    await c.audited(officer(i), { action: 'trader.view', target: { type: 'trader', id: `trd_${i}` }, fields: ['legal_name'] }, async () => undefined);
  }
  return t;
}

async function readLog(t: TestApp): Promise<AppendedEvent[]> {
  const rows = await t.container.db.system.selectFrom('audit_event').selectAll().orderBy('seq').execute();
  return rows.map(fromRow);
}

const content = (e: AppendedEvent): AuditEventContent => {
  const { prevHash: _p, hash: _h, ...c } = e;
  return c;
};

async function insertEvent(su: Superuser, e: AppendedEvent): Promise<void> {
  await su.query(
    `insert into audit_event (seq, time, actor_type, actor_id, actor_name, actor_ip, session_id_hash, request_id, action,
       target_type, target_id, outcome, fields, reason, error_code, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [e.seq, e.time, e.actorType, e.actorId, e.actorName, e.actorIp, e.sessionIdHash, e.requestId, e.action, e.targetType, e.targetId, e.outcome, e.fields, e.reason, e.errorCode, e.prevHash, e.hash],
  );
}

/** Rewrites event k (edit) and recomputes the whole chain from k on, as an attacker with the code would. */
async function rewriteFrom(su: Superuser, log: AppendedEvent[], k: number, edit: (e: AuditEventContent) => AuditEventContent): Promise<void> {
  let prev = k === 1 ? GENESIS_HASH : log[k - 2]!.hash;
  for (const e of log.slice(k - 1)) {
    const c = e.seq === k ? edit(content(e)) : content(e);
    const hash = chainHash(prev, c);
    await su.query('update audit_event set actor_id = $1, action = $2, fields = $3, prev_hash = $4, hash = $5 where seq = $6', [
      c.actorId,
      c.action,
      c.fields,
      prev,
      hash,
      e.seq,
    ]);
    prev = hash;
  }
}

interface Attack {
  name: string;
  /** Changes the database (as a superuser with the triggers off) and/or the checkpoint directory. */
  run(ctx: { t: TestApp; su: Superuser; log: AppendedEvent[]; dir: string }): Promise<void>;
  firstBadSeq: number | undefined;
  problem: RegExp;
  /** A second look after run: e.g. the same attack judged without the anchored leaves. */
  also?: (ctx: { t: TestApp; dir: string }) => Promise<void>;
}

const ATTACKS: Attack[] = [
  {
    name: 'a column altered in place (action), no rehash — anchored event',
    run: async ({ su }) => void (await su.query(`update audit_event set action = 'trader.create' where seq = 12`)),
    firstBadSeq: 12,
    problem: /hash of seq 12 does not match its content/,
  },
  {
    name: 'a column altered in place (actor), no rehash — event not yet anchored',
    run: async ({ su }) => void (await su.query(`update audit_event set actor_id = 'stf_someone_else' where seq = 15`)),
    firstBadSeq: 15,
    problem: /hash of seq 15 does not match its content/,
  },
  {
    name: 'a row deleted',
    run: async ({ su }) => void (await su.query('delete from audit_event where seq = 7')),
    firstBadSeq: 7,
    problem: /seq 7 is missing/,
  },
  {
    name: "two rows' contents swapped (reordered)",
    run: async ({ su }) => {
      await su.query('update audit_event set seq = 1000000 where seq = 4');
      await su.query('update audit_event set seq = 4 where seq = 9');
      await su.query('update audit_event set seq = 9 where seq = 1000000');
    },
    firstBadSeq: 4,
    problem: /prevHash of seq 4 is not the hash of seq 3/,
  },
  {
    name: 'a row inserted (later rows shifted), itself correctly chained',
    run: async ({ su, log }) => {
      await su.query('update audit_event set seq = seq + 1000000 where seq >= 6');
      await su.query('update audit_event set seq = seq - 999999 where seq >= 1000000');
      const forged: AuditEventContent = { ...content(log[5]!), seq: 6, action: 'trader.erase', targetId: 'trd_forged', fields: [] };
      const prevHash = log[4]!.hash;
      await insertEvent(su, { ...forged, prevHash, hash: chainHash(prevHash, forged) });
    },
    firstBadSeq: 6,
    problem: /leaf hash of seq 6 differs from the anchored copy/,
  },
  {
    name: 'superuser rewrite: event altered and the whole chain recomputed from it',
    run: async ({ su, log }) => rewriteFrom(su, log, 12, (c) => ({ ...c, action: 'trader.view', actorId: 'stf_innocent', fields: [] })),
    firstBadSeq: 12,
    problem: /leaf hash of seq 12 differs from the anchored copy/,
    // Even without the anchored leaves, the signed checkpoints catch it: the root at 10 still matches, the one at
    // 13 does not, so the rewrite is located in 11..13.
    also: async ({ t, dir }) => {
      renameSync(join(dir, 'leaves.bin'), join(dir, 'leaves.bin.hidden'));
      const r = await t.container.audit.verify();
      assert.equal(r.ok, false, 'the recomputed chain passed against the signed checkpoints');
      assert.equal(r.firstBadSeq, 11);
      assert.match(r.problem ?? '', /Merkle root at checkpoint size 13 does not match the signed root/);
    },
  },
  {
    name: 'the tail truncated below a signed checkpoint (and the DB copies of the checkpoints deleted)',
    run: async ({ su }) => {
      await su.query('delete from audit_event where seq > 8');
      await su.query('delete from audit_checkpoint');
    },
    firstBadSeq: 9,
    problem: /signed checkpoint has size 10 but the log ends at seq 8: events 9\.\.10 were removed/,
  },
  {
    name: 'a checkpoint signed by another key inserted into audit_checkpoint',
    run: async ({ t, su, log }) => {
      const forger = generateSigningKey();
      const origin = t.config.logOrigin;
      const root = rootFromLeafHashes(log.map(eventLeafHash), N);
      const note = signCheckpoint({ origin, size: N, rootHash: root }, { name: origin, privateKey: forger.privateKeyPkcs8 });
      await su.query('insert into audit_checkpoint (tree_size, root_hash, note, created_at) values ($1, $2, $3, now())', [N, root.toString('hex'), note]);
    },
    firstBadSeq: undefined,
    problem: /checkpoint of size 17 failed verification/,
  },
  {
    name: 'leaves.bin edited in the checkpoint directory',
    run: async ({ dir }) => {
      const p = join(dir, 'leaves.bin');
      const b = readFileSync(p);
      b[(3 - 1) * 32 + 5]! ^= 0x01;
      writeFileSync(p, b);
    },
    firstBadSeq: 3,
    problem: /leaf hash of seq 3 differs from the anchored copy/,
  },
  {
    name: 'a checkpoint file edited in the checkpoint directory',
    run: async ({ dir }) => {
      const p = join(dir, 'checkpoint-000000000013.txt');
      const text = readFileSync(p, 'utf8');
      assert.match(text, /\n13\n/);
      writeFileSync(p, text.replace('\n13\n', '\n14\n'));
    },
    firstBadSeq: undefined,
    problem: /checkpoint of size 14 failed verification/,
  },
];

describe('audit verify names the first bad sequence number after a superuser tampers with the log', () => {
  for (const attack of ATTACKS) {
    test(attack.name, async () => {
      const t = await seededApp();
      const su = await superuser(t);
      try {
        const clean = await t.container.audit.verify();
        assert.equal(clean.ok, true, clean.problem);
        assert.equal(clean.eventsChecked, N);
        assert.equal(clean.checkpointsChecked, CHECKPOINTS.length);

        const log = await readLog(t);
        await su.query('alter table audit_event disable trigger all');
        await su.query('alter table audit_checkpoint disable trigger all');
        const dir = t.config.checkpointDir;
        await attack.run({ t, su, log, dir });

        const r = await t.container.audit.verify();
        assert.equal(r.ok, false, `attack went unnoticed: ${JSON.stringify(r)}`);
        assert.equal(r.firstBadSeq, attack.firstBadSeq, r.problem);
        assert.match(r.problem ?? '', attack.problem);
        await attack.also?.({ t, dir });
      } finally {
        await su.close();
        await t.close();
      }
    });
  }
});
