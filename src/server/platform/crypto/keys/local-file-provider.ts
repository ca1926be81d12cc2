// The default KeyProvider: a 256-bit master key in a local JSON file.
//
// This is the zero-set-up option; it protects data keys at rest in the database and in database backups, but
// anyone who can read both the database and this file can read everything. Production deployments should use
// a KMS or an HSM provider and, at the very least, keep this file outside the data directory and its backups.
//
// File handling follows OpenSSH's private-key rules: created 0600 in a 0700 directory, never overwritten, and
// refused at load time when group/others have any access (a key file that others could read must be presumed
// copied; one that others could write could have been swapped for an attacker's key).

import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { link, lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { CryptoError } from '../errors.js';
import type { KeyProvider } from './key-provider.js';

/** The `format` value of a master key file. */
export const MASTER_KEY_FORMAT = 'bulwark-master-key/1';

const MASTER_KEY_BYTES = 32;
/** First byte of a wrapped key: lets a future wrap format coexist with this one. */
const WRAP_FORMAT_V1 = 0x01;
/** Prefix of the AAD: domain-separates this provider's wraps from any other use of AES-GCM. */
const WRAP_AAD_PREFIX = 'bulwark-wrap/1|';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Data keys are 32 bytes; the cap only keeps unwrap() from working on absurd inputs. */
const MAX_WRAPPED_PLAINTEXT_BYTES = 1024;
const MAX_CONTEXT_LENGTH = 1024;
/** A real key file is ~120 bytes; refusing big files stops us from reading something that is not a key file. */
const MAX_KEY_FILE_BYTES = 16 * 1024;
/** 32 bytes of standard base64: 43 characters and one '=' of padding. */
const KEY_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Options for openLocalFileProvider. */
export interface LocalFileProviderOptions {
  /** Create the key file (and its 0700 parent directory) when it does not exist yet. */
  create: boolean;
  /** Clock for the file's `createdAt` (tests inject one). */
  now?: () => Date;
}

/** The opened provider, and whether this call created the key file. */
export interface OpenedLocalFileProvider {
  provider: KeyProvider;
  created: boolean;
}

/** Opens (and with `create`, first creates) the master key file at `path` and returns a provider over it. */
export async function openLocalFileProvider(
  path: string,
  options: LocalFileProviderOptions,
): Promise<OpenedLocalFileProvider> {
  const absolute = resolve(path);
  const created = options.create ? await createKeyFileIfMissing(absolute, options.now ?? (() => new Date())) : false;
  // Even right after creating it, the file is read back through the same checks: if the file system cannot
  // hold mode 0600 (some network or Windows-backed mounts), we find out now rather than trust it silently.
  const masterKey = await readMasterKeyFile(absolute);
  return { provider: createLocalFileProvider(absolute, masterKey), created };
}

/** Creates the key file with a fresh random key unless it exists; returns whether it was created. */
async function createKeyFileIfMissing(absolute: string, now: () => Date): Promise<boolean> {
  if (await exists(absolute)) return false;

  // 0700 applies to directories this call creates; an existing parent keeps its mode (we do not chmod
  // directories we do not own the purpose of).
  const dir = dirname(absolute);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const key = randomBytes(MASTER_KEY_BYTES);
  const body = `${JSON.stringify(
    { format: MASTER_KEY_FORMAT, createdAt: now().toISOString(), key: key.toString('base64') },
    null,
    2,
  )}\n`;
  key.fill(0);

  // Write to a private temporary file first, then link() it into place: link is atomic and fails with EEXIST
  // when the target exists, so a crash never leaves a half-written key file and a concurrent creator (or an
  // existing file) is never overwritten — whoever links first wins, the other one loads the winner's key.
  const tmp = join(dir, `.${basename(absolute)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writePrivateFile(tmp, body);
    try {
      await link(tmp, absolute);
      await syncDirectory(dir);
      return true;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EEXIST') return false;
      // Some file systems (FAT, some FUSE and network mounts) have no hard links: fall back to an exclusive
      // create of the target itself ('wx' = O_CREAT|O_EXCL, still never overwrites).
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EXDEV') {
        try {
          await writePrivateFile(absolute, body);
          await syncDirectory(dir);
          return true;
        } catch (fallbackErr) {
          if (errnoCode(fallbackErr) === 'EEXIST') return false;
          throw fallbackErr;
        }
      }
      throw err;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Writes a new file with mode 0600 using the exclusive 'wx' flag, and flushes it to disk. */
async function writePrivateFile(path: string, body: string): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    // The mode given to open() is filtered by the umask; chmod makes it exactly 0600 whatever the umask.
    await fh.chmod(0o600);
    await fh.writeFile(body, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes the new directory entry durable; best effort (not every platform lets a directory be opened). */
async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Durability of the entry is a nicety; the key file itself was fsynced.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Reads and validates the key file; returns the 32-byte master key. */
async function readMasterKeyFile(absolute: string): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(absolute, 'r');
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') {
      throw new CryptoError(
        'key_file_missing',
        `master key file ${absolute} does not exist (create it on first start, or restore it from its secure backup)`,
      );
    }
    throw new CryptoError('key_file_missing', `master key file ${absolute} cannot be opened (${code ?? 'error'})`);
  }
  try {
    // fstat on the open descriptor, not stat on the path: what we check is exactly what we then read.
    const st = await fh.stat();
    if (!st.isFile()) {
      throw new CryptoError('key_file_insecure', `master key file ${absolute} is not a regular file`);
    }
    // POSIX permission bits are not meaningful on Windows; there the ACLs of the directory must protect it.
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new CryptoError(
        'key_file_insecure',
        `master key file ${absolute} is accessible by group/others (mode ${mode}); refusing to use it. ` +
          `Restrict it with: chmod 600 ${absolute} — and treat the key as possibly copied`,
      );
    }
    if (st.size > MAX_KEY_FILE_BYTES) {
      throw malformedFile(absolute, 'it is too large to be a key file');
    }
    const text = await fh.readFile('utf8');
    return parseMasterKeyFile(absolute, text);
  } finally {
    await fh.close();
  }
}

/** Validates the JSON of a key file. Messages never quote the file (it holds the key). */
function parseMasterKeyFile(absolute: string, text: string): Buffer {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Deliberately not including the JSON.parse message: V8 quotes the offending text, i.e. the key.
    throw malformedFile(absolute, 'it is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw malformedFile(absolute, 'it is not a JSON object');
  }
  const record = doc as Record<string, unknown>;
  if (record.format !== MASTER_KEY_FORMAT) {
    throw malformedFile(absolute, `its "format" is not "${MASTER_KEY_FORMAT}"`);
  }
  if (typeof record.createdAt !== 'string' || Number.isNaN(Date.parse(record.createdAt))) {
    throw malformedFile(absolute, '"createdAt" is not an ISO date');
  }
  if (typeof record.key !== 'string' || !KEY_BASE64.test(record.key)) {
    throw malformedFile(absolute, '"key" is not 32 bytes of standard base64');
  }
  const key = Buffer.from(record.key, 'base64');
  if (key.length !== MASTER_KEY_BYTES) throw malformedFile(absolute, '"key" is not 32 bytes of standard base64');
  if (key.every((b) => b === 0)) {
    // An all-zero key is a placeholder someone forgot to replace, not a key.
    throw malformedFile(absolute, '"key" is all zeros');
  }
  return key;
}

function malformedFile(absolute: string, why: string): CryptoError {
  return new CryptoError('malformed', `master key file ${absolute} is malformed: ${why}`);
}

/** Builds the provider; the master key lives only inside a KeyObject held by the closure. */
function createLocalFileProvider(absolute: string, masterKey: Buffer): KeyProvider {
  // A KeyObject keeps the bytes out of the JS heap's Buffers: it cannot be logged or serialised by accident.
  const master: KeyObject = createSecretKey(masterKey);
  masterKey.fill(0);

  return Object.freeze({
    id: `local-file:${absolute}`,

    async wrap(plaintextKey: Buffer, context: string): Promise<Buffer> {
      checkContext(context);
      if (!Buffer.isBuffer(plaintextKey) || plaintextKey.length === 0 || plaintextKey.length > MAX_WRAPPED_PLAINTEXT_BYTES) {
        throw new CryptoError('invalid_argument', `key to wrap must be 1..${MAX_WRAPPED_PLAINTEXT_BYTES} bytes`);
      }
      // Random 96-bit nonces are safe here: a master key wraps a handful of data keys in its lifetime, far
      // below the 2^32 messages at which random GCM nonces start to risk a collision.
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', master, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(WRAP_AAD_PREFIX + context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintextKey), cipher.final()]);
      return Buffer.concat([Buffer.of(WRAP_FORMAT_V1), nonce, ct, cipher.getAuthTag()]);
    },

    async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
      checkContext(context);
      if (!Buffer.isBuffer(wrapped)) {
        throw new CryptoError('malformed', `wrapped key for context "${context}" is not a byte buffer`);
      }
      const min = 1 + NONCE_BYTES + 1 + TAG_BYTES;
      const max = 1 + NONCE_BYTES + MAX_WRAPPED_PLAINTEXT_BYTES + TAG_BYTES;
      if (wrapped.length < min || wrapped.length > max) {
        throw new CryptoError('malformed', `wrapped key for context "${context}" is truncated or oversized`);
      }
      if (wrapped[0] !== WRAP_FORMAT_V1) {
        throw new CryptoError('malformed', `wrapped key for context "${context}" has an unknown format`);
      }
      const nonce = wrapped.subarray(1, 1 + NONCE_BYTES);
      const ct = wrapped.subarray(1 + NONCE_BYTES, wrapped.length - TAG_BYTES);
      const tag = wrapped.subarray(wrapped.length - TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(WRAP_AAD_PREFIX + context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ct), decipher.final()]);
      } catch {
        throw new CryptoError(
          'decrypt_failed',
          `wrapped key does not belong to context "${context}" under ${`local-file:${absolute}`} ` +
            '(wrong master key, wrong context, or tampered)',
        );
      }
    },
  });
}

function checkContext(context: unknown): asserts context is string {
  if (typeof context !== 'string' || context.length === 0 || context.length > MAX_CONTEXT_LENGTH) {
    throw new CryptoError('invalid_argument', `wrap context must be a non-empty string of at most ${MAX_CONTEXT_LENGTH} characters`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
