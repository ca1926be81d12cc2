// Reading, verifying and exporting the audit log. Verification walks the database against the anchor kept
// outside it (leaf hashes and signed checkpoints in BULWARK_CHECKPOINT_DIR).
import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../contracts/errors.js';
import type { AnchorStore } from '../../platform/audit/anchor-store.js';
import { buildExportBundle } from '../../platform/audit/bundle.js';
import { GENESIS_HASH } from '../../platform/audit/canonical.js';
import { parseCheckpointNote } from '../../platform/audit/checkpoint.js';
import type { Checkpointer } from '../../platform/audit/checkpointer.js';
import { verifyAuditLog, type VerifyResult } from '../../platform/audit/verify-core.js';
import { fromRow, type Audited } from '../../platform/audit/writer.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

const PAGE = 10_000;

export interface AuditServiceDeps {
  audited: Audited;
  /** Platform handle for the verifier's full scan (it reads, never writes). */
  db: Kysely<DB>;
  anchors: AnchorStore;
  checkpointer: Checkpointer;
  origin: string;
  verifierKey: string;
  /** Signs export bundles as a whole (the same key that signs checkpoints). */
  signingKey: KeyObject;
}

export type AuditService = ReturnType<typeof createAuditService>;

async function* scan(db: Kysely<DB>, fromSeq: number, toSeq: number | undefined) {
  let next = fromSeq;
  for (;;) {
    let q = db.selectFrom('audit_event').selectAll().where('seq', '>=', next).orderBy('seq').limit(PAGE);
    if (toSeq !== undefined) q = q.where('seq', '<=', toSeq);
    const rows = await q.execute();
    for (const r of rows) yield fromRow(r);
    if (rows.length < PAGE) return;
    next = Number(rows[rows.length - 1]!.seq) + 1;
  }
}

/**
 * Walks chain, tree and signatures over the whole log against the anchor outside the database. Needs no running
 * application: `bulwark audit verify` also calls it when the application refuses to start because its anchors
 * disagree with the database (a truncated log, an edited checkpoint directory), which is when it is needed most.
 */
export async function verifyAuditTrail(
  d: Pick<AuditServiceDeps, 'db' | 'anchors' | 'origin' | 'verifierKey'>,
  onProgress?: (seq: number) => void,
): Promise<VerifyResult & { verifierKey: string }> {
  const leaves = d.anchors.readLeaves();
  const fromDir = d.anchors.readCheckpoints();
  const fromDb = (await d.db.selectFrom('audit_checkpoint').select('note').execute()).map((r) => r.note);
  const result = await verifyAuditLog({
    events: scan(d.db, 1, undefined),
    // Both sets are checked: the directory is the anchor, the table is a convenience copy that must agree.
    checkpoints: [...new Set([...fromDir, ...fromDb])],
    verifierKey: d.verifierKey,
    origin: d.origin,
    anchoredLeafHashes: (seq) => (seq * 32 <= leaves.length ? leaves.subarray((seq - 1) * 32, seq * 32) : undefined),
    ...(onProgress ? { onProgress } : {}),
  });
  return { ...result, verifierKey: d.verifierKey };
}

/** Creates the audit log service. */
export function createAuditService(d: AuditServiceDeps) {
  return {
    /** Walks chain, tree and signatures over the whole log; names the first bad sequence number. */
    async verify(onProgress?: (seq: number) => void): Promise<VerifyResult & { verifierKey: string }> {
      return verifyAuditTrail(d, onProgress);
    },

    /** A signed, offline-verifiable bundle of the events in [from, to] (by time). */
    async exportBundle(ctx: ActorContext, range: { from?: Date | undefined; to?: Date | undefined }) {
      // Everything committed so far is anchored first, so the bundle's checkpoint covers the whole range.
      await d.checkpointer.checkpointNow();
      return d.audited(ctx, { action: 'audit.export', target: { type: 'audit_log' }, fields: ['audit_event.*'] }, async (tx) => {
        let q = tx.selectFrom('audit_event').select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')]);
        if (range.from) q = q.where('time', '>=', range.from);
        if (range.to) q = q.where('time', '<=', range.to);
        const b = await q.executeTakeFirst();
        if (!b?.lo || !b.hi) throw new AppError(ErrorCode.notFound, 404, 'No audit events in that period');
        const fromSeq = Number(b.lo);
        const toSeq = Number(b.hi);
        const notes = d.anchors.readCheckpoints();
        const note = notes.find((n) => parseCheckpointNote(n).size >= toSeq);
        if (!note) throw new AppError(ErrorCode.conflict, 409, 'The period is not covered by a signed checkpoint yet; retry shortly');
        const size = parseCheckpointNote(note).size;
        const events = [];
        for await (const e of scan(tx, fromSeq, toSeq)) events.push(e);
        const prev = fromSeq > 1 ? await tx.selectFrom('audit_event').select('hash').where('seq', '=', fromSeq - 1).executeTakeFirst() : undefined;
        const leaves = d.anchors.readLeaves();
        const leafAt = (i: number) => leaves.subarray(i * 32, i * 32 + 32);
        return buildExportBundle({
          origin: d.origin,
          verifierKey: d.verifierKey,
          events,
          startPrevHash: prev?.hash ?? GENESIS_HASH,
          checkpointNote: note,
          leafHashesBefore: Array.from({ length: fromSeq - 1 }, (_, i) => leafAt(i)),
          leafHashesAfter: Array.from({ length: size - toSeq }, (_, i) => leafAt(toSeq + i)),
          signer: { name: d.origin, privateKey: d.signingKey },
        });
      });
    },

    /** One page of events, newest first, filtered. Reading the audit log is itself audited. */
    async list(
      ctx: ActorContext,
      f: { before?: number | undefined; limit: number; action?: string | undefined; actorId?: string | undefined; targetType?: string | undefined; targetId?: string | undefined },
    ) {
      return d.audited(ctx, { action: 'audit.list', target: { type: 'audit_log' } }, async (tx) => {
        let q = tx.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(f.limit);
        if (f.before) q = q.where('seq', '<', f.before);
        if (f.action) q = q.where('action', '=', f.action);
        if (f.actorId) q = q.where('actor_id', '=', f.actorId);
        if (f.targetType) q = q.where('target_type', '=', f.targetType);
        if (f.targetId) q = q.where('target_id', '=', f.targetId);
        const rows = (await q.execute()).map(fromRow);
        return { events: rows, nextBefore: rows.length === f.limit ? rows[rows.length - 1]!.seq : null };
      });
    },

    /** Latest anchored checkpoint and the verifier key. */
    status() {
      const notes = d.anchors.readCheckpoints();
      const latest = notes.at(-1);
      return {
        verifierKey: d.verifierKey,
        origin: d.origin,
        anchored: d.checkpointer.state(),
        latestCheckpoint: latest ?? null,
      };
    },
  };
}
