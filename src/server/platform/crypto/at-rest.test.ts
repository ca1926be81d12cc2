// Encryption at rest, checked the way a thief with the disk or a backup would: seed traders and an
// administrator through the product's own paths, then search the raw database (PGlite: every file of its
// data directory, write-ahead log included, after a clean shutdown; PostgreSQL: a pg_dump) for every seeded
// plaintext value. Zero hits. Positive controls prove the scanner sees the data: plaintext columns (account
// references) and a canary deliberately written in clear are found, in any letter case.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { it } from 'node:test';
import { FakeClock } from '../clock.js';
import { systemContext } from '../http/request-context.js';
import { PlaintextScanner, type Hit, type Needle } from '../../../../test/helpers/plaintext-scan.js';
import { ADMIN, createTestApp, signIn, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';

// Shorter values (small balances) could match unrelated bytes by chance; they are not meaningful probes.
const MIN_LENGTH = 7;
const CANARY = 'Canary.Cleartext.7F3A@Example.Test';

it('no seeded plaintext value appears anywhere in the raw database', async () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  const t: TestApp = await createTestApp({ clock, onDisk: true });
  let closed = false;
  try {
    // The administrator, through the bootstrap API: email, password, TOTP secret and the one-time token.
    const link = await t.container.staffAuth.issueBootstrapLinkIfNeeded();
    const bootstrapToken = link!.url.split('#token=')[1]!;
    const started = await t.app.inject({ method: 'POST', url: '/api/v1/bootstrap/start', payload: { token: bootstrapToken } });
    const totpSecret = started.json().totpSecret as string;
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bootstrap/complete',
      payload: { token: bootstrapToken, ...ADMIN, totpCode: totpAt(totpSecret, clock.now()) },
    });
    assert.equal(done.statusCode, 201, done.body);
    const recoveryCodes = done.json().recoveryCodes as string[];
    assert.equal(recoveryCodes.length, 10);
    clock.advance(30_000);
    // Both steps of the sign-in (password, then the second factor): the final session's token and CSRF token.
    const login = await signIn(t, totpSecret, clock);
    const sessionToken = login.cookie.split('=')[1]!;
    const csrfToken = login.csrf;

    // Thirty traders through the encrypted, audited path.
    const traders = await t.container.demo.seedTraders(systemContext('test:seed'), 30);
    assert.equal(traders.length, 30);

    // The positive control: a value written in clear on purpose (an audit reason is a plaintext column).
    await t.container.audited(systemContext('test:canary'), { action: 'test.canary', reason: CANARY }, async () => undefined);

    const needles: Needle[] = [
      { label: 'admin email', value: ADMIN.email },
      { label: 'admin password', value: ADMIN.password },
      { label: 'admin TOTP secret', value: totpSecret },
      { label: 'bootstrap token', value: bootstrapToken },
      { label: 'session token', value: sessionToken },
      { label: 'CSRF token', value: csrfToken },
      // Recovery codes are stored as SHA-256 hashes only, never as written (with or without the dashes).
      ...recoveryCodes.flatMap((c, i) => [
        { label: `recovery code ${i}`, value: c },
        { label: `recovery code ${i} (no dashes)`, value: c.replace(/-/g, '') },
      ]),
    ];
    traders.forEach((tr, i) => {
      needles.push(
        { label: `trader ${i} legal name`, value: tr.legalName },
        { label: `trader ${i} email`, value: tr.email },
        { label: `trader ${i} phone`, value: tr.phone },
        { label: `trader ${i} phone digits`, value: tr.phone.replace(/^\+/, '') },
        { label: `trader ${i} date of birth`, value: tr.dateOfBirth },
        { label: `trader ${i} IBAN`, value: tr.bankAccount },
        ...tr.wallets.map((w) => ({ label: `trader ${i} ${w.chain} wallet`, value: w.address })),
        ...tr.balances.map((b) => ({ label: `trader ${i} ${b.asset} balance`, value: b.amount })),
      );
    });
    const secrets = needles.filter((n) => n.value.length >= MIN_LENGTH);
    assert.ok(secrets.length > 30 * 8, `${secrets.length} values to look for`);
    const controls: Needle[] = [
      { label: 'canary', value: CANARY.toLowerCase() },
      ...traders.map((tr, i) => ({ label: `control: trader ${i} account ref`, value: tr.accountRef })),
    ];
    const scanner = new PlaintextScanner([...secrets, ...controls]);

    let hits: Hit[];
    let where: string;
    if (t.container.db.kind === 'pglite') {
      // A clean shutdown, so that everything is in the files and nothing only in memory.
      await t.app.close();
      closed = true;
      const scan = scanner.scanDir(t.dirs.root);
      where = `${scan.files} files, ${(scan.bytes / 1e6).toFixed(1)} MB under ${t.dirs.root}`;
      assert.ok(scan.bytes > 1e6, where);
      hits = scan.hits;
      // The database's own files hold the controls (not only, say, a log beside them).
      assert.ok(hits.some((h) => h.label === 'canary' && h.source.startsWith('data/')), `canary not found in the data directory (${where})`);
    } else {
      const dump = spawnSync('pg_dump', ['--no-owner', '--no-privileges', '--dbname', t.config.databaseUrl!], { maxBuffer: 512 * 1024 * 1024 });
      assert.equal(dump.status, 0, `pg_dump failed: ${String(dump.stderr)}`);
      where = `pg_dump of ${new URL(t.config.databaseUrl!).pathname.slice(1)}, ${(dump.stdout.length / 1e6).toFixed(1)} MB`;
      hits = scanner.scan(dump.stdout, 'pg_dump');
      assert.match(dump.stdout.toString('latin1'), /COPY public\.trader /, 'the dump contains the trader table');
    }

    // Controls: found (in any letter case), so a miss below means "not there", not "not looked at".
    const found = new Set(hits.map((h) => h.label));
    assert.ok(found.has('canary'), `the canary written in clear was not found (${where})`);
    const refs = controls.filter((c) => c.label.startsWith('control:'));
    assert.deepEqual(refs.filter((c) => !found.has(c.label)).map((c) => c.label), [], `plaintext account refs not found (${where})`);

    const leaks = hits.filter((h) => h.label !== 'canary' && !h.label.startsWith('control:'));
    assert.deepEqual(
      leaks.map((h) => `${h.label} (${h.form}) in ${h.source} at ${h.offset}`),
      [],
      `plaintext found in ${where}`,
    );
  } finally {
    if (!closed) await t.close();
    else rmSync(t.dirs.root, { recursive: true, force: true });
  }
});
