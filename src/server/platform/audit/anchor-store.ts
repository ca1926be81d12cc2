// The audit log's anchor outside the database (BULWARK_CHECKPOINT_DIR): an append-only file of Merkle leaf
// hashes and the signed checkpoints. Whoever controls the database cannot rewrite history unnoticed:
// `audit verify` compares every event with the leaf hash anchored here and every root with a checkpoint
// signed by a key the database does not hold in the clear.
//
//   <dir>/leaves.bin                 32-byte leaf hashes, event 1 first (append-only, fsynced)
//   <dir>/checkpoint-<size>.txt      C2SP signed checkpoint notes
//   <dir>/verifier-key.txt           the Ed25519 verifier key (public)
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LEAVES = 'leaves.bin';

export class AnchorStore {
  constructor(readonly dir: string) {}

  /** Creates the directory (0700) if missing. */
  ensure(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** All anchored leaf hashes, concatenated (32 bytes each). */
  readLeaves(): Buffer {
    const p = join(this.dir, LEAVES);
    return existsSync(p) ? readFileSync(p) : Buffer.alloc(0);
  }

  /** Number of anchored leaf hashes. */
  leafCount(): number {
    const p = join(this.dir, LEAVES);
    return existsSync(p) ? Math.floor(statSync(p).size / 32) : 0;
  }

  /** Anchored leaf hashes from index `from` (0-based) on, concatenated. */
  readLeavesFrom(from: number): Buffer {
    const all = this.readLeaves();
    return all.subarray(from * 32, Math.floor(all.length / 32) * 32);
  }

  /** Appends leaf hashes and fsyncs before returning. */
  appendLeaves(hashes: Buffer[]): void {
    if (hashes.length === 0) return;
    const fd = openSync(join(this.dir, LEAVES), 'a', 0o600);
    try {
      writeSync(fd, Buffer.concat(hashes));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Writes a signed checkpoint note atomically (temp file, fsync, rename). */
  writeCheckpoint(size: number, note: string): void {
    const name = `checkpoint-${String(size).padStart(12, '0')}.txt`;
    const tmp = join(this.dir, `.${name}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, note);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, name));
  }

  /** Every checkpoint note in the directory, smallest tree first. */
  readCheckpoints(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /^checkpoint-\d{12}\.txt$/.test(f))
      .sort()
      .map((f) => readFileSync(join(this.dir, f), 'utf8'));
  }

  /** Records the verifier key next to the checkpoints (public; useful to auditors). */
  writeVerifierKey(vkey: string): void {
    writeFileSync(join(this.dir, 'verifier-key.txt'), `${vkey}\n`, { mode: 0o644 });
  }
}
