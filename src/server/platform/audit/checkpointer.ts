// Seals the audit log: every N events or T seconds it anchors the new events' leaf hashes outside the
// database, signs a C2SP checkpoint of the Merkle tree (RFC 6962) and stores it both in the checkpoint
// directory and in audit_checkpoint. One checkpointer per database at a time (advisory lock).
import type { KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import type { AnchorStore } from './anchor-store.js';
import { GENESIS_HASH, hashEvent } from './canonical.js';
import { parseCheckpointNote, signCheckpoint, verifyCheckpointNote } from './checkpoint.js';
import { CompactRange } from './merkle.js';
import { fromRow } from './writer.js';

const CHECKPOINT_LOCK_KEY = 0x6275_6c78;
const PAGE = 5000;

export interface CheckpointerOptions {
  db: Kysely<DB>;
  store: AnchorStore;
  origin: string;
  signingKey: KeyObject;
  verifierKey: string;
  clock: Clock;
  everyEvents: number;
  everySeconds: number;
  log: { warn(msg: string): void; error(obj: unknown, msg?: string): void };
}

export class AnchorMismatchError extends Error {
  override name = 'AnchorMismatchError';
}

export class Checkpointer {
  private range = new CompactRange();
  private lastHash = GENESIS_HASH;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pendingSince = 0;
  private signedSize = -1;

  constructor(private readonly o: CheckpointerOptions) {}

  /** Loads the anchored state and checks it against the latest signed checkpoint in the directory. */
  async init(): Promise<void> {
    this.o.store.ensure();
    this.o.store.writeVerifierKey(this.o.verifierKey);
    const leaves = this.o.store.readLeaves();
    if (leaves.length % 32 !== 0) throw new AnchorMismatchError('leaves.bin is not a whole number of hashes');
    const n = leaves.length / 32;
    const range = new CompactRange();
    const notes = this.o.store.readCheckpoints();
    const latest = notes.at(-1);
    const cp = latest ? verifyCheckpointNote(latest, this.o.verifierKey) : { size: 0, rootHash: '' };
    if (cp.size > n) {
      throw new AnchorMismatchError(
        `leaves.bin holds ${n} hashes but the latest signed checkpoint covers ${cp.size}; run \`bulwark audit verify\``,
      );
    }
    for (let i = 0; i < n; i++) {
      if (i === cp.size && latest) this.checkRoot(range, cp);
      range.append(leaves.subarray(i * 32, i * 32 + 32));
    }
    // Leaves past the latest checkpoint are what a crash between the two writes leaves behind; they are kept
    // and covered by the next checkpoint (verify still compares each of them with the database).
    if (n === cp.size && latest) this.checkRoot(range, cp);
    this.signedSize = latest ? cp.size : -1;
    if (n > 0) {
      const row = await this.o.db.selectFrom('audit_event').selectAll().where('seq', '=', n).executeTakeFirst();
      if (!row) throw new AnchorMismatchError(`the database has fewer events than the ${n} anchored outside it`);
      // New events chain onto event n: it must be the event that was anchored, not a rewritten one (a full
      // rewrite further back is what `bulwark audit verify` finds; run it on a schedule).
      const last = fromRow(row);
      const { hash, leafHash } = hashEvent(last.prevHash, last);
      if (hash !== last.hash || Buffer.compare(leafHash, leaves.subarray((n - 1) * 32, n * 32)) !== 0) {
        throw new AnchorMismatchError(`audit event ${n} differs from the one anchored outside the database; run \`bulwark audit verify\``);
      }
      this.lastHash = row.hash;
    } else {
      const count = await this.o.db.selectFrom('audit_event').select((eb) => eb.fn.countAll().as('c')).executeTakeFirst();
      if (Number(count?.c ?? 0) > 0) {
        this.o.log.warn(
          'audit checkpoint directory is empty but the database already holds events: anchoring them now (trust on first use)',
        );
      }
    }
    this.range = range;
  }

  private checkRoot(range: CompactRange, cp: { size: number; rootHash: string }): void {
    if (cp.rootHash !== range.root().toString('hex')) {
      throw new AnchorMismatchError(
        `the anchored leaves do not match the signed checkpoint of size ${cp.size}; run \`bulwark audit verify\``,
      );
    }
  }

  /** Starts the periodic timer. */
  start(): void {
    this.timer = setInterval(() => void this.runSafe(), this.o.everySeconds * 1000);
    this.timer.unref();
  }

  /** Tells the checkpointer events were committed; seals early when N events are waiting. */
  notify(count: number): void {
    this.pendingSince += count;
    if (this.pendingSince >= this.o.everyEvents) void this.runSafe();
  }

  /** Stops the timer and writes a final checkpoint. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.runSafe();
  }

  private async runSafe(): Promise<void> {
    try {
      await this.checkpointNow();
    } catch (err) {
      this.o.log.error({ err }, 'audit checkpoint failed');
    }
  }

  /** Anchors all committed events not yet anchored and signs a checkpoint. Returns the tree size. */
  async checkpointNow(): Promise<number> {
    while (this.running) await this.running;
    let done!: () => void;
    this.running = new Promise<void>((r) => (done = r));
    try {
      this.pendingSince = 0;
      return await this.seal();
    } finally {
      this.running = undefined;
      done();
    }
  }

  private async seal(): Promise<number> {
    return this.o.db.connection().execute(async (conn) => {
      const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${CHECKPOINT_LOCK_KEY}) as ok`.execute(conn);
      if (!locked.rows[0]?.ok) return this.range.size;
      try {
        await this.catchUp(conn);
        for (;;) {
          const rows = await conn
            .selectFrom('audit_event')
            .selectAll()
            .where('seq', '>', this.range.size)
            .orderBy('seq')
            .limit(PAGE)
            .execute();
          if (rows.length === 0) break;
          const leaves: Buffer[] = [];
          const range = this.range;
          let lastHash = this.lastHash;
          for (const r of rows) {
            const e = fromRow(r);
            // Only an unbroken chain is anchored: a gap or a broken link is left for `audit verify` to name.
            if (e.seq !== range.size + leaves.length + 1 || e.prevHash !== lastHash) {
              throw new AnchorMismatchError(`audit chain broken at seq ${e.seq}; not anchoring past it`);
            }
            const { hash, leafHash } = hashEvent(e.prevHash, e);
            if (hash !== e.hash) throw new AnchorMismatchError(`audit event ${e.seq} does not match its hash`);
            leaves.push(leafHash);
            lastHash = hash;
          }
          this.o.store.appendLeaves(leaves);
          for (const l of leaves) range.append(l);
          this.lastHash = lastHash;
          if (rows.length < PAGE) break;
        }
        const size = this.range.size;
        if (size === this.signedSize) return size;
        const note = signCheckpoint(
          { origin: this.o.origin, size, rootHash: this.range.root() },
          { name: this.o.origin, privateKey: this.o.signingKey },
        );
        this.o.store.writeCheckpoint(size, note);
        await conn
          .insertInto('audit_checkpoint')
          .values({
            tree_size: size,
            root_hash: this.range.root().toString('hex'),
            note,
            created_at: this.o.clock.now(),
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        this.signedSize = size;
        return size;
      } finally {
        await sql`select pg_advisory_unlock(${CHECKPOINT_LOCK_KEY})`.execute(conn);
      }
    });
  }

  /**
   * Another process sharing this checkpoint directory (a CLI command beside the server) may have anchored
   * events since this one last did: the directory is the source of truth, so read what it added before
   * anchoring more. Called under the checkpoint lock.
   */
  private async catchUp(conn: Kysely<DB>): Promise<void> {
    const anchored = this.o.store.leafCount();
    if (anchored < this.range.size) {
      throw new AnchorMismatchError(`leaves.bin shrank from ${this.range.size} to ${anchored} hashes; run \`bulwark audit verify\``);
    }
    if (anchored === this.range.size) return;
    const extra = this.o.store.readLeavesFrom(this.range.size);
    for (let i = 0; i < extra.length; i += 32) this.range.append(extra.subarray(i, i + 32));
    const row = await conn.selectFrom('audit_event').select('hash').where('seq', '=', anchored).executeTakeFirst();
    if (!row) throw new AnchorMismatchError(`the database has fewer events than the ${anchored} anchored outside it`);
    this.lastHash = row.hash;
    const latest = this.o.store.readCheckpoints().at(-1);
    if (latest) this.signedSize = parseCheckpointNote(latest).size;
  }

  /** The current anchored tree size and root. */
  state(): { size: number; rootHash: string } {
    return { size: this.range.size, rootHash: this.range.root().toString('hex') };
  }
}

/** Size named by a checkpoint note (for listings). */
export function checkpointSize(note: string): number {
  return parseCheckpointNote(note).size;
}
