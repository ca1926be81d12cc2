// The verification walk shared by `bulwark audit verify` (events read from the database) and the offline export
// verifier (events read from a bundle). It knows nothing about where events come from.
//
// What is checked, in one streaming pass with O(log n) memory:
//   1. every checkpoint is a well-formed signed note for our origin, signed by the verifier key, and no two validly
//      signed checkpoints disagree about the root at the same size (a split view);
//   2. seq is contiguous from fromSeq (a gap is a deletion, a repeated or earlier seq an insertion or reordering);
//   3. each prevHash is the previous event's hash and each hash is chainHash(prevHash, event) (an edit in place);
//   4. optionally, each event's leaf hash equals an externally anchored copy (pinpoints a fully rehashed rewrite);
//   5. the Merkle root at every checkpoint size equals the signed root (a rewrite that recomputed the whole chain
//      cannot re-sign checkpoints without the key, which lives outside the database);
//   6. no checkpoint is larger than the log (truncation).
// Only the first problem is reported: after one, later positions are no longer meaningful.
//
// Starting in the middle (fromSeq > 1): the chain is checked from startPrevHash, but a Merkle root covers leaves from
// index 0, so checkpoint roots can only be recomputed when the caller also passes startFrontier, the compact range of
// leaves [0, fromSeq-1) (the export bundle carries it). Without it, root checks are skipped (checkpointsChecked stays
// 0, rootHash is ''), while signatures and truncation are still checked.
import { GENESIS_HASH, hashEvent, isHashHex, type StoredAuditEvent } from './canonical.js';
import { parseCheckpointNote, parseVerifierKey, verifyCheckpointNote, type VerifierKey } from './checkpoint.js';
import { CompactRange } from './merkle.js';

export interface VerifyInput {
  /** In stored order, starting at fromSeq. */
  events: AsyncIterable<StoredAuditEvent> | Iterable<StoredAuditEvent>;
  /** Default 1; when > 1, startPrevHash must be given (the hash of event fromSeq-1). */
  fromSeq?: number;
  startPrevHash?: string;
  /** Signed checkpoint notes (any order), each verified against verifierKey. */
  checkpoints: string[];
  /** Verifier-key string `<name>+<hash>+<key>`. */
  verifierKey: string;
  /** Checkpoints for another origin are an error. */
  origin: string;
  /** Optional external copy of leaf hashes (from outside the DB) to pinpoint rewritten events exactly. */
  anchoredLeafHashes?: (seq: number) => Buffer | undefined;
  /** Called every PROGRESS_INTERVAL events and once at the end with the last seq checked. */
  onProgress?: (seq: number) => void;
  /** Compact range of leaves [0, fromSeq-1), largest subtree first; lets roots be checked when fromSeq > 1. */
  startFrontier?: Buffer[];
}

export interface VerifyResult {
  ok: boolean;
  eventsChecked: number;
  /** Last seq reached (the tree size the walk got to). */
  treeSize: number;
  /** Hex Merkle root at treeSize; '' when it cannot be known (fromSeq > 1 without startFrontier, or an early failure). */
  rootHash: string;
  /** Checkpoints whose signed root was recomputed and matched. */
  checkpointsChecked: number;
  firstBadSeq?: number;
  problem?: string;
}

/** How often onProgress is called, in events. */
export const PROGRESS_INTERVAL = 10_000;

interface CheckpointEntry {
  size: number;
  rootHash: string;
}

type Outcome = { ok: true } | { ok: false; firstBadSeq?: number; problem: string };

/** Verifies the audit log's chain, Merkle tree and signed checkpoints; resolves with the first problem found, never rejects for tampering. */
export async function verifyAuditLog(input: VerifyInput): Promise<VerifyResult> {
  const fromSeq = input.fromSeq ?? 1;
  let eventsChecked = 0;
  let lastSeq = fromSeq - 1;
  let checkpointsChecked = 0;
  let frontier: CompactRange | undefined;

  const result = (o: Outcome): VerifyResult => {
    const r: VerifyResult = {
      ok: o.ok,
      eventsChecked,
      treeSize: lastSeq,
      rootHash: o.ok && frontier ? frontier.root().toString('hex') : '',
      checkpointsChecked,
    };
    if (!o.ok) {
      if (o.firstBadSeq !== undefined) r.firstBadSeq = o.firstBadSeq;
      r.problem = o.problem;
    }
    return r;
  };
  const fail = (problem: string, firstBadSeq?: number): VerifyResult =>
    result(firstBadSeq === undefined ? { ok: false, problem } : { ok: false, problem, firstBadSeq });

  // --- Inputs -------------------------------------------------------------------------------------------------
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) return fail(`invalid fromSeq ${String(fromSeq)}`);
  const startPrevHash = input.startPrevHash ?? (fromSeq === 1 ? GENESIS_HASH : undefined);
  if (startPrevHash === undefined) return fail('startPrevHash is required when fromSeq > 1');
  if (!isHashHex(startPrevHash)) return fail('startPrevHash must be 64 lowercase hex characters');
  if (fromSeq === 1 && startPrevHash !== GENESIS_HASH) return fail('the first event must chain from the genesis hash', 1);

  let key: VerifierKey;
  try {
    key = parseVerifierKey(input.verifierKey);
  } catch (err) {
    return fail(`invalid verifier key: ${message(err)}`);
  }

  if (fromSeq === 1) frontier = new CompactRange();
  else if (input.startFrontier) {
    try {
      frontier = CompactRange.fromHashes(fromSeq - 1, input.startFrontier);
    } catch (err) {
      return fail(`invalid start frontier: ${message(err)}`);
    }
  }

  // --- Checkpoints: signatures first, since a forged one must not be used as a reference ---------------------
  const bySize = new Map<number, CheckpointEntry>();
  for (const [i, note] of input.checkpoints.entries()) {
    let size: number;
    try {
      size = parseCheckpointNote(note).size;
    } catch (err) {
      return fail(`checkpoint #${i + 1} is malformed: ${message(err)}`);
    }
    let cp;
    try {
      cp = verifyCheckpointNote(note, key);
    } catch (err) {
      return fail(`checkpoint of size ${size} failed verification: ${message(err)}`);
    }
    if (cp.origin !== input.origin) {
      return fail(`checkpoint of size ${size} is for origin "${cp.origin}", expected "${input.origin}"`);
    }
    const seen = bySize.get(cp.size);
    if (seen && seen.rootHash !== cp.rootHash) {
      // Two valid signatures on different trees of the same size: the signer was used to fork the log.
      return fail(`two signed checkpoints of size ${cp.size} have different roots (split view)`);
    }
    bySize.set(cp.size, { size: cp.size, rootHash: cp.rootHash });
  }
  const checkpoints = [...bySize.values()].sort((a, b) => a.size - b.size);
  // Checkpoints entirely before the starting frontier cannot be recomputed from here.
  let next = 0;
  const frontierStart = fromSeq - 1;
  while (next < checkpoints.length && checkpoints[next]!.size < frontierStart) next++;
  let lastMatchedSize = frontierStart;

  const checkRootsAtCurrentSize = (size: number): Outcome => {
    while (next < checkpoints.length && checkpoints[next]!.size === size) {
      const cp = checkpoints[next]!;
      next++;
      if (!frontier) continue;
      if (frontier.root().toString('hex') !== cp.rootHash) {
        // The chain was internally consistent up to here, so it was recomputed after an edit: the earliest position
        // that can have changed is the first one after the last checkpoint that still matched.
        const from = lastMatchedSize + 1;
        return {
          ok: false,
          firstBadSeq: from,
          problem:
            `Merkle root at checkpoint size ${cp.size} does not match the signed root: events were rewritten and the chain ` +
            `recomputed somewhere in seq ${from}..${cp.size}` +
            (fromSeq > 1 && lastMatchedSize === frontierStart ? ' (or in the supplied start frontier)' : '') +
            `; ${from} is the earliest possible position (anchored leaf hashes pinpoint it exactly)`,
        };
      }
      checkpointsChecked++;
      lastMatchedSize = cp.size;
    }
    return { ok: true };
  };

  const initial = checkRootsAtCurrentSize(frontierStart);
  if (!initial.ok) return result(initial);

  // --- The walk -----------------------------------------------------------------------------------------------
  let expected = fromSeq;
  let prevHash = startPrevHash;

  const step = (e: StoredAuditEvent): Outcome => {
    if (e === null || typeof e !== 'object') return { ok: false, firstBadSeq: expected, problem: `event at seq ${expected} is not an object` };
    const seq: unknown = e.seq;
    if (seq !== expected) {
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq > expected) {
        return {
          ok: false,
          firstBadSeq: expected,
          problem: `seq ${expected} is missing (next row has seq ${seq}): rows were deleted or reordered`,
        };
      }
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= fromSeq) {
        // A seq seen before: one of the rows carrying it is foreign or moved; the earliest it can be is seq itself.
        return {
          ok: false,
          firstBadSeq: seq,
          problem: `seq ${seq} appears again where seq ${expected} was expected: a row was inserted or rows were reordered`,
        };
      }
      return { ok: false, firstBadSeq: expected, problem: `row at seq ${expected} has an invalid seq ${String(seq)}` };
    }
    if (e.prevHash !== prevHash) {
      return {
        ok: false,
        firstBadSeq: expected,
        problem: `prevHash of seq ${expected} is not the hash of seq ${expected - 1}: the chain is broken`,
      };
    }
    let computed: { hash: string; leafHash: Buffer };
    try {
      computed = hashEvent(prevHash, e);
    } catch (err) {
      return { ok: false, firstBadSeq: expected, problem: `event seq ${expected} is malformed: ${message(err)}` };
    }
    if (computed.hash !== e.hash) {
      return { ok: false, firstBadSeq: expected, problem: `hash of seq ${expected} does not match its content: the event was altered` };
    }
    if (input.anchoredLeafHashes) {
      const anchored = input.anchoredLeafHashes(expected);
      if (anchored !== undefined && !computed.leafHash.equals(anchored)) {
        return {
          ok: false,
          firstBadSeq: expected,
          problem: `leaf hash of seq ${expected} differs from the anchored copy: the event was rewritten and the chain recomputed`,
        };
      }
    }
    frontier?.append(computed.leafHash);
    prevHash = e.hash;
    lastSeq = expected;
    expected++;
    eventsChecked++;
    if (input.onProgress && eventsChecked % PROGRESS_INTERVAL === 0) input.onProgress(lastSeq);
    return checkRootsAtCurrentSize(lastSeq);
  };

  const events = input.events;
  if (Symbol.asyncIterator in events) {
    for await (const e of events) {
      const o = step(e);
      if (!o.ok) return result(o);
    }
  } else {
    // A plain loop for in-memory logs: `for await` over a sync iterable costs a promise per event.
    for (const e of events) {
      const o = step(e);
      if (!o.ok) return result(o);
    }
  }
  input.onProgress?.(lastSeq);

  // --- Truncation ---------------------------------------------------------------------------------------------
  const beyond = checkpoints.find((cp) => cp.size > lastSeq);
  if (beyond) {
    return fail(
      `a signed checkpoint has size ${beyond.size} but the log ends at seq ${lastSeq}: events ${lastSeq + 1}..${beyond.size} were removed (truncation)`,
      lastSeq + 1,
    );
  }
  return result({ ok: true });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
