// The audit export bundle: one JSON file that a regulator verifies offline, with no database and no Bulwark code
// (docs/security/audit-export-format.md gives the steps with sha256sum, openssl and jq).
//
// Trust comes from one key: the log's Ed25519 checkpoint key, whose verifier key the regulator should obtain out of
// band (the copy in the file only says which key the exporter claims). It signs the checkpoint (size N, root R)
// carried in the file, and from there:
//   - leftFrontier: the compact range of leaves [0, fromSeq-1), i.e. the roots of the perfect subtrees given by the
//     binary decomposition of fromSeq-1, largest first. Appending the exported events' leaf hashes to it yields the
//     Merkle root of the tree of size toSeq (RFC 9162 tree shape is fixed by the size, so every exported leaf sits at
//     a fixed position under that root);
//   - consistencyProof: the RFC 9162 §2.1.4 consistency proof from size toSeq to size N. It verifies only if the root
//     computed above is the root of the first toSeq leaves of the signed tree. Together: every exported event is, at
//     its seq, in the signed log, and none was dropped, added or reordered inside the range. This is the same
//     guarantee as one inclusion proof per event, at O(log N) hashes instead of O(k log N);
//   - the chain (prevHash/hash) is rechecked from startPrevHash. When fromSeq = 1, startPrevHash must be the genesis
//     hash, so every hash in the file is determined by signed content. When fromSeq > 1 it is the exporter's claim of
//     the hash of event fromSeq-1: the events' contents stay proven by the checkpoint, and consecutive exports can be
//     stitched (one export's last hash is the next one's startPrevHash).
//   - exportSignature: a signed note by the same log key over the SHA-256 of the file without its own line. It binds
//     what the checkpoint cannot: exportedAt, startPrevHash, the proof layout, so that the file as issued is what
//     the regulator holds. (A checkpoint alone proves the events; this proves the file.)
// Finally the file must be byte-for-byte the canonical serialization of what it contains, so reformatting, trailing
// data, duplicate keys or alternative escapes are all rejected before anything else is looked at.
import { createHash, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, eventLeafHash, isHashHex, type StoredAuditEvent } from './canonical.js';
import { parseVerifierKey, signNote, verifyCheckpointNote, verifySignedNote, type Checkpoint } from './checkpoint.js';
import { CompactRange, consistencyProof, verifyConsistency } from './merkle.js';
import { verifyAuditLog, type VerifyResult } from './verify-core.js';

/** The format identifier of version 1 of the bundle. */
export const EXPORT_FORMAT = 'bulwark-audit-export/1';

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  origin: string;
  verifierKey: string;
  exportedAt: string;
  range: { fromSeq: number; toSeq: number };
  startPrevHash: string;
  checkpoint: string;
  /** Hex hashes, largest subtree first. */
  leftFrontier: string[];
  /** Hex hashes, RFC 9162 order. */
  consistencyProof: string[];
  /** Signed note `bulwark-audit-export/1\n<origin>\nsha256:<hex of the file without this line>\n`. */
  exportSignature: string;
  events: StoredAuditEvent[];
}

export interface BuildExportInput {
  origin: string;
  verifierKey: string;
  /** The exported range, contiguous, in seq order (fromSeq = events[0].seq, toSeq = last seq). */
  events: readonly StoredAuditEvent[];
  /** Hash of event fromSeq-1; GENESIS_HASH when fromSeq = 1. */
  startPrevHash: string;
  /** A signed checkpoint of this origin with size >= toSeq (normally the latest). */
  checkpointNote: string;
  /** Leaf hashes (eventLeafHash) of seq 1..fromSeq-1, in order. */
  leafHashesBefore: readonly Buffer[];
  /** Leaf hashes of seq toSeq+1..checkpoint size, in order. */
  leafHashesAfter: readonly Buffer[];
  /** The log's checkpoint signing key; its public half must be verifierKey. Signs the file as a whole. */
  signer: { name: string; privateKey: KeyObject | Buffer };
  /** Default: now. */
  exportedAt?: Date | string;
}

export interface ExportVerifyResult extends VerifyResult {
  origin?: string;
  range?: { fromSeq: number; toSeq: number };
  /** The signed checkpoint the range was proven against. */
  checkpoint?: Checkpoint;
  /** 'caller' when the key was supplied out of band and matched; 'bundle' when only the file's own copy was used. */
  verifierKeySource: 'caller' | 'bundle';
}

const TOP_KEYS = [
  'format',
  'origin',
  'verifierKey',
  'exportedAt',
  'range',
  'startPrevHash',
  'checkpoint',
  'leftFrontier',
  'consistencyProof',
  'exportSignature',
  'events',
] as const satisfies readonly (keyof ExportBundle)[];
const EVENT_KEYS = [
  'action',
  'actorId',
  'actorIp',
  'actorName',
  'actorType',
  'errorCode',
  'fields',
  'hash',
  'outcome',
  'prevHash',
  'reason',
  'requestId',
  'seq',
  'sessionIdHash',
  'targetId',
  'targetType',
  'time',
] as const satisfies readonly (keyof StoredAuditEvent)[];
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Only the stored fields, so a database row's extra columns never end up in the file.
function pickEvent(e: StoredAuditEvent): StoredAuditEvent {
  const out: Record<string, unknown> = {};
  for (const k of EVENT_KEYS) out[k] = (e as unknown as Record<string, unknown>)[k];
  return out as unknown as StoredAuditEvent;
}

/** The canonical text of a bundle: one top-level member per line, one event per line, keys of events sorted. */
export function serializeExportBundle(b: ExportBundle): string {
  return serialize(b, true);
}

// With withSignature = false this is exactly the signed content: the file minus its "exportSignature" line, which is
// how a regulator reproduces it with grep (see the format document).
function serialize(b: Omit<ExportBundle, 'exportSignature'> & { exportSignature?: string }, withSignature: boolean): string {
  let out = '{\n';
  for (const k of TOP_KEYS) {
    if (k === 'events' || (k === 'exportSignature' && !withSignature)) continue;
    out += `${JSON.stringify(k)}:${canonicalJson(b[k])},\n`;
  }
  out += '"events":[\n';
  out += b.events.map((e) => canonicalJson(pickEvent(e))).join(',\n');
  out += '\n]\n}\n';
  return out;
}

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n = Math.floor(n / 2)) c += n % 2;
  return c;
}

/** Builds a self-verifying export bundle for a contiguous range of events; throws if the inputs do not prove the range. */
export async function buildExportBundle(input: BuildExportInput): Promise<string> {
  const events = input.events;
  if (events.length === 0) throw new Error('export: at least one event is required');
  const fromSeq = events[0]!.seq;
  const toSeq = events[events.length - 1]!.seq;
  const key = parseVerifierKey(input.verifierKey);
  const cp = verifyCheckpointNote(input.checkpointNote, key);
  if (cp.origin !== input.origin) throw new Error(`export: checkpoint is for origin "${cp.origin}", not "${input.origin}"`);
  if (cp.size < toSeq) throw new Error(`export: checkpoint size ${cp.size} does not cover toSeq ${toSeq}; sign a newer checkpoint first`);
  if (input.leafHashesBefore.length !== fromSeq - 1) {
    throw new Error(`export: expected ${fromSeq - 1} leaf hashes before the range, got ${input.leafHashesBefore.length}`);
  }
  if (input.leafHashesAfter.length !== cp.size - toSeq) {
    throw new Error(`export: expected ${cp.size - toSeq} leaf hashes after the range, got ${input.leafHashesAfter.length}`);
  }

  const left = new CompactRange();
  for (const h of input.leafHashesBefore) left.append(h);
  const rangeLeaves = events.map((e) => eventLeafHash(e));
  const all = input.leafHashesBefore.concat(rangeLeaves, input.leafHashesAfter);
  const exportedAt =
    input.exportedAt === undefined ? new Date().toISOString() : typeof input.exportedAt === 'string' ? input.exportedAt : input.exportedAt.toISOString();

  const unsigned: Omit<ExportBundle, 'exportSignature'> = {
    format: EXPORT_FORMAT,
    origin: input.origin,
    verifierKey: input.verifierKey,
    exportedAt,
    range: { fromSeq, toSeq },
    startPrevHash: input.startPrevHash,
    checkpoint: input.checkpointNote,
    leftFrontier: left.hashes().map((h) => h.toString('hex')),
    consistencyProof: consistencyProof(all, toSeq, cp.size).map((h) => h.toString('hex')),
    events: events.map(pickEvent),
  };
  const exportSignature = signNote(exportNoteBody(input.origin, serialize(unsigned, false)), input.signer);
  const text = serializeExportBundle({ ...unsigned, exportSignature });
  // Never hand out a file that does not verify: this catches a database whose events or leaf hashes disagree with
  // its own signed checkpoint, or a broken chain, at export time rather than at the regulator's.
  const check = await verifyExportBundle(text, { verifierKey: input.verifierKey });
  if (!check.ok) throw new Error(`export: the bundle does not verify: ${check.problem ?? 'unknown problem'}`);
  return text;
}

// The export note names the format and origin so it can never be mistaken for a checkpoint (whose third line is
// base64 and cannot contain ':').
function exportNoteBody(origin: string, unsignedText: string): string {
  return `${EXPORT_FORMAT}\n${origin}\nsha256:${createHash('sha256').update(unsignedText, 'utf8').digest('hex')}\n`;
}

// Checks that do not need the event walk. Returns a problem or undefined.
function checkBundleStructure(b: ExportBundle): string | undefined {
  const { fromSeq, toSeq } = b.range;
  if (!Number.isSafeInteger(fromSeq) || !Number.isSafeInteger(toSeq) || fromSeq < 1 || toSeq < fromSeq) {
    return `invalid range ${fromSeq}..${toSeq}`;
  }
  if (b.events.length !== toSeq - fromSeq + 1) return `range ${fromSeq}..${toSeq} needs ${toSeq - fromSeq + 1} events, file has ${b.events.length}`;
  if (!TIME_RE.test(b.exportedAt)) return 'exportedAt must be ISO-8601 UTC with milliseconds';
  if (!isHashHex(b.startPrevHash)) return 'startPrevHash must be 64 lowercase hex characters';
  if (fromSeq === 1 && b.startPrevHash !== GENESIS_HASH) return 'a range starting at seq 1 must chain from the genesis hash';
  if (b.leftFrontier.length !== popcount(fromSeq - 1)) return `leftFrontier must have ${popcount(fromSeq - 1)} hashes for fromSeq ${fromSeq}`;
  if (!b.leftFrontier.every(isHashHex) || !b.consistencyProof.every(isHashHex)) return 'proof hashes must be 64 lowercase hex characters';
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasExactKeys(v: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(v, k));
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Parses the bundle's JSON shape strictly (exact keys and types); returns a problem string on failure. */
function parseBundle(json: string): ExportBundle | string {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return 'the file is not valid JSON';
  }
  if (!isPlainObject(v) || !hasExactKeys(v, TOP_KEYS)) return 'unexpected top-level structure';
  if (v.format !== EXPORT_FORMAT) return `unsupported format ${JSON.stringify(v.format)}`;
  for (const k of ['origin', 'verifierKey', 'exportedAt', 'startPrevHash', 'checkpoint', 'exportSignature'] as const) {
    if (typeof v[k] !== 'string') return `${k} must be a string`;
  }
  const range = v.range;
  if (!isPlainObject(range) || !hasExactKeys(range, ['fromSeq', 'toSeq'])) return 'range must be {fromSeq, toSeq}';
  if (!isStringArray(v.leftFrontier) || !isStringArray(v.consistencyProof)) return 'proofs must be arrays of hex strings';
  if (!Array.isArray(v.events)) return 'events must be an array';
  for (const [i, e] of v.events.entries()) {
    if (!isPlainObject(e) || !hasExactKeys(e, EVENT_KEYS)) return `event #${i + 1} has unexpected fields`;
  }
  return v as unknown as ExportBundle;
}

/** Verifies an export bundle offline; fails on any edit of the file. Pass the verifier key obtained out of band. */
export async function verifyExportBundle(json: string, opts: { verifierKey?: string } = {}): Promise<ExportVerifyResult> {
  const verifierKeySource: 'caller' | 'bundle' = opts.verifierKey === undefined ? 'bundle' : 'caller';
  const fail = (problem: string, firstBadSeq?: number, extra: Partial<ExportVerifyResult> = {}): ExportVerifyResult => ({
    ok: false,
    eventsChecked: 0,
    treeSize: 0,
    rootHash: '',
    checkpointsChecked: 0,
    ...extra,
    ...(firstBadSeq === undefined ? {} : { firstBadSeq }),
    problem,
    verifierKeySource,
  });

  if (typeof json !== 'string') return fail('bundle must be a string');
  const parsed = parseBundle(json);
  if (typeof parsed === 'string') return fail(parsed);
  const b = parsed;
  let canonical: string;
  try {
    canonical = serializeExportBundle(b);
  } catch (err) {
    return fail(`the file contains a value that has no canonical form: ${message(err)}`);
  }
  if (canonical !== json) return fail('the file is not in canonical form: it was edited or reformatted after export');
  const structural = checkBundleStructure(b);
  if (structural) return fail(structural);

  // The key: the caller's out-of-band copy wins; a mismatch with the file's copy is itself a failure, because it
  // means the file was signed (or claims to be signed) by someone else.
  const keyText = opts.verifierKey ?? b.verifierKey;
  try {
    parseVerifierKey(keyText);
  } catch (err) {
    return fail(`invalid verifier key: ${message(err)}`);
  }
  if (opts.verifierKey !== undefined && opts.verifierKey !== b.verifierKey) {
    return fail('the verifier key in the file is not the expected key');
  }

  let cp: Checkpoint;
  try {
    cp = verifyCheckpointNote(b.checkpoint, keyText);
  } catch (err) {
    return fail(`checkpoint failed verification: ${message(err)}`);
  }
  const { fromSeq, toSeq } = b.range;
  const extra = { origin: b.origin, range: { fromSeq, toSeq }, checkpoint: cp };
  if (cp.origin !== b.origin) return fail(`checkpoint is for origin "${cp.origin}", file says "${b.origin}"`, undefined, extra);
  if (cp.size < toSeq) return fail(`checkpoint size ${cp.size} does not cover toSeq ${toSeq}`, undefined, extra);

  // Chain and range root, with the same walk as `bulwark audit verify`.
  const walk = await verifyAuditLog({
    events: b.events,
    fromSeq,
    startPrevHash: b.startPrevHash,
    checkpoints: [],
    verifierKey: keyText,
    origin: b.origin,
    startFrontier: b.leftFrontier.map((h) => Buffer.from(h, 'hex')),
  });
  if (!walk.ok) return { ...walk, ...extra, verifierKeySource };
  if (walk.treeSize !== toSeq) return fail(`events end at seq ${walk.treeSize}, range says ${toSeq}`, undefined, extra);

  // Tie the recomputed root at toSeq to the signed root at the checkpoint's size.
  const proof = b.consistencyProof.map((h) => Buffer.from(h, 'hex'));
  if (!verifyConsistency(toSeq, cp.size, proof, Buffer.from(walk.rootHash, 'hex'), Buffer.from(cp.rootHash, 'hex'))) {
    return {
      ...walk,
      ok: false,
      ...extra,
      firstBadSeq: fromSeq,
      problem:
        `the exported events do not reproduce the signed checkpoint (size ${cp.size}): an event, the left frontier or the ` +
        `consistency proof was altered; ${fromSeq} is the earliest possible position`,
      verifierKeySource,
    };
  }
  // Last, the file as a whole: everything above proved the events; this proves nothing else in the file was changed
  // (exportedAt, startPrevHash). Checked last so that an edited event is reported with its seq.
  try {
    const body = verifySignedNote(b.exportSignature, keyText);
    if (body !== exportNoteBody(b.origin, serialize(b, false))) {
      return fail('the export signature does not match the file: it was edited after export', undefined, extra);
    }
  } catch (err) {
    return fail(`export signature failed verification: ${message(err)}`, undefined, extra);
  }
  return { ...walk, ...extra, checkpointsChecked: 1, verifierKeySource };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
