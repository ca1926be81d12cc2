// The local master key file, tested for the ways it goes wrong in real deployments: loose permissions,
// an existing file, concurrent first starts, corrupted contents, and wrapped keys moved or tampered with.

import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CryptoError } from '../errors.js';
import { MASTER_KEY_FORMAT, openLocalFileProvider } from './local-file-provider.js';

const posix = process.platform !== 'win32';
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bulwark-keyfile-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let n = 0;
function freshPath(): string {
  n += 1;
  return join(root, `case-${n}`, 'keys', 'master.key');
}

function withCode(code: CryptoError['code'], messagePart?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof CryptoError, `expected CryptoError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (messagePart) assert.match(err.message, messagePart);
    return true;
  };
}

async function writeKeyFile(path: string, content: unknown, mode = 0o600): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content), { mode });
  await chmod(path, mode);
}

describe('openLocalFileProvider: creating the key file', () => {
  it('creates the file 0600 in a new 0700 directory, in the documented format', async () => {
    const path = freshPath();
    const { provider, created } = await openLocalFileProvider(path, { create: true, now: () => new Date('2025-01-02T03:04:05Z') });
    assert.equal(created, true);
    assert.equal(provider.id, `local-file:${path}`);
    if (posix) {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(join(path, '..'))).mode & 0o777, 0o700);
    }
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    assert.equal(doc.format, MASTER_KEY_FORMAT);
    assert.equal(doc.createdAt, '2025-01-02T03:04:05.000Z');
    assert.equal(Buffer.from(String(doc.key), 'base64').length, 32);
    // No temporary file is left next to it.
    assert.deepEqual(await readdir(join(path, '..')), ['master.key']);
  });

  it('never overwrites an existing key file', async () => {
    const path = freshPath();
    const first = await openLocalFileProvider(path, { create: true });
    const before = await readFile(path);
    const second = await openLocalFileProvider(path, { create: true });
    assert.equal(second.created, false);
    assert.ok((await readFile(path)).equals(before));
    // Both providers hold the same key: what one wraps, the other unwraps.
    const wrapped = await first.provider.wrap(Buffer.alloc(32, 7), 'ring-dek/field/v1');
    assert.ok((await second.provider.unwrap(wrapped, 'ring-dek/field/v1')).equals(Buffer.alloc(32, 7)));
  });

  it('concurrent first starts agree on one key', async () => {
    const path = freshPath();
    const results = await Promise.all(Array.from({ length: 8 }, () => openLocalFileProvider(path, { create: true })));
    assert.equal(results.filter((r) => r.created).length, 1);
    const wrapped = await results[0]!.provider.wrap(Buffer.alloc(32, 1), 'ctx');
    for (const r of results) assert.ok((await r.provider.unwrap(wrapped, 'ctx')).equals(Buffer.alloc(32, 1)));
    assert.deepEqual(await readdir(join(path, '..')), ['master.key']);
  });

  it('without create, a missing file is a clear error', async () => {
    await assert.rejects(openLocalFileProvider(freshPath(), { create: false }), withCode('key_file_missing', /does not exist/));
  });
});

describe('openLocalFileProvider: loading checks', { skip: !posix && 'POSIX permissions only' }, () => {
  const valid = () => ({ format: MASTER_KEY_FORMAT, createdAt: new Date().toISOString(), key: Buffer.alloc(32, 9).toString('base64') });

  it('refuses a 0644 file and says to chmod 600', async () => {
    const path = freshPath();
    await writeKeyFile(path, valid(), 0o644);
    await assert.rejects(openLocalFileProvider(path, { create: true }), withCode('key_file_insecure', /chmod 600/));
    // ...and did not replace it either.
    assert.equal((await stat(path)).mode & 0o777, 0o644);
  });

  it('refuses group-readable, other-writable and group-writable files too', async () => {
    for (const mode of [0o640, 0o602, 0o620, 0o604]) {
      const path = freshPath();
      await writeKeyFile(path, valid(), mode);
      await assert.rejects(openLocalFileProvider(path, { create: false }), withCode('key_file_insecure'));
    }
  });

  it('accepts 0400 and a symlink to a 0600 file (mounted secrets)', async () => {
    const path = freshPath();
    await writeKeyFile(path, valid(), 0o400);
    await openLocalFileProvider(path, { create: false });
    const link = join(path, '..', 'link.key');
    await chmod(path, 0o600);
    await symlink(path, link);
    await openLocalFileProvider(link, { create: false });
  });

  it('refuses a directory', async () => {
    const path = freshPath();
    await mkdir(path, { recursive: true, mode: 0o700 });
    await assert.rejects(openLocalFileProvider(path, { create: true }), withCode('key_file_insecure', /not a regular file/));
  });

  it('refuses malformed files without quoting their contents', async () => {
    const secretish = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=';
    const cases: unknown[] = [
      `{"format":"${MASTER_KEY_FORMAT}","key":"${secretish}"`, // truncated JSON
      '',
      '[]',
      { ...valid(), format: 'something-else/1' },
      { ...valid(), createdAt: 'yesterday' },
      { ...valid(), key: secretish }, // 26 bytes
      { ...valid(), key: Buffer.alloc(33, 1).toString('base64') },
      { ...valid(), key: Buffer.alloc(32).toString('base64') }, // all zeros
      { ...valid(), key: `${Buffer.alloc(32, 9).toString('base64').slice(0, 43)}B=` }, // non-canonical base64
      'x'.repeat(20_000),
    ];
    for (const content of cases) {
      const path = freshPath();
      await writeKeyFile(path, content);
      await assert.rejects(openLocalFileProvider(path, { create: false }), (err: unknown) => {
        withCode('malformed', /is malformed/)(err);
        assert.ok(!(err as Error).message.includes(secretish));
        assert.ok(!(err as Error).message.includes(Buffer.alloc(32, 9).toString('base64').slice(0, 20)));
        return true;
      });
    }
  });
});

describe('wrap / unwrap', () => {
  const context = 'ring-dek/field/v1';

  it('produces version byte || nonce || ct || tag and round-trips', async () => {
    const { provider } = await openLocalFileProvider(freshPath(), { create: true });
    const key = Buffer.alloc(32, 5);
    const wrapped = await provider.wrap(key, context);
    assert.equal(wrapped.length, 1 + 12 + 32 + 16);
    assert.equal(wrapped[0], 0x01);
    assert.ok(!wrapped.includes(key));
    assert.ok((await provider.unwrap(wrapped, context)).equals(key));
    assert.ok(!(await provider.wrap(key, context)).equals(wrapped), 'fresh nonce per wrap');
  });

  it('fails with another context, another master key, or any tampering', async () => {
    const { provider } = await openLocalFileProvider(freshPath(), { create: true });
    const { provider: other } = await openLocalFileProvider(freshPath(), { create: true });
    const key = Buffer.alloc(32, 5);
    const wrapped = await provider.wrap(key, context);
    const noLeak = (err: unknown) => {
      withCode('decrypt_failed')(err);
      const msg = (err as Error).message;
      assert.ok(!msg.includes(key.toString('hex')) && !msg.includes(key.toString('base64')));
      return true;
    };
    await assert.rejects(provider.unwrap(wrapped, 'ring-dek/field/v2'), noLeak);
    await assert.rejects(provider.unwrap(wrapped, 'ring-dek/blind-index/v1'), noLeak);
    await assert.rejects(other.unwrap(wrapped, context), noLeak);
    for (let bit = 8; bit < wrapped.length * 8; bit += 7) {
      const flipped = Buffer.from(wrapped);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      await assert.rejects(provider.unwrap(flipped, context), noLeak);
    }
  });

  it('refuses malformed wrapped input and bad arguments with CryptoErrors', async () => {
    const { provider } = await openLocalFileProvider(freshPath(), { create: true });
    const wrapped = await provider.wrap(Buffer.alloc(32, 5), context);
    const versioned = Buffer.from(wrapped);
    versioned[0] = 0x02;
    await assert.rejects(provider.unwrap(versioned, context), withCode('malformed'));
    await assert.rejects(provider.unwrap(Buffer.alloc(0), context), withCode('malformed'));
    await assert.rejects(provider.unwrap(wrapped.subarray(0, 29), context), withCode('malformed'));
    await assert.rejects(provider.unwrap(Buffer.alloc(5000), context), withCode('malformed'));
    await assert.rejects(provider.unwrap('abc' as unknown as Buffer, context), withCode('malformed'));
    await assert.rejects(provider.wrap(Buffer.alloc(0), context), withCode('invalid_argument'));
    await assert.rejects(provider.wrap(Buffer.alloc(32), ''), withCode('invalid_argument'));
  });
});
