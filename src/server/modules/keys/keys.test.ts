// Key rotation without downtime: a new field-key version takes over new writes at once, everything written
// before keeps decrypting, re-encryption moves every value and subject key onto the new version, and each
// step is audited. Over the API only an administrator with a valid session and CSRF token may rotate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../platform/clock.js';
import { FIELD_PURPOSE } from '../../platform/crypto/key-ring.js';
import { Vault } from '../../platform/crypto/vault.js';
import { systemContext } from '../../platform/http/request-context.js';
import type { SyntheticTrader } from '../demo/synthetic.js';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { bootstrapAdmin, createTestApp, signIn, type TestApp } from '../../../../test/helpers/test-app.js';

describe('key rotation', () => {
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let t: TestApp;
  let secret: string;
  let adminId: string;
  let traders: SyntheticTrader[];
  let ip = 1;

  /** Signs the administrator in with a fresh TOTP step, from a fresh address. */
  const adminSession = () => {
    clock.advance(30_000);
    return signIn(t, secret, clock, 'test-agent', `127.0.4.${ip++}`);
  };

  /** Reads a trader's email back through its subject key (found by blind index, as a search would). */
  async function decryptTraderEmail(email: string): Promise<string> {
    const v = t.container.vault;
    const row = await t.container.db.system
      .selectFrom('trader')
      .select(['id', 'email_ct'])
      .where('email_bidx', '=', v.blindIndex('trader.email', email))
      .executeTakeFirstOrThrow();
    const key = await v.subjectKey(t.container.db.system, row.id, { create: false });
    return v.decryptForSubject(key, { table: 'trader', column: 'email_ct', rowId: row.id }, row.email_ct);
  }

  async function staffVersions(): Promise<{ email: number; totp: number }> {
    const row = await t.container.db.system.selectFrom('staff').select(['email_ct', 'totp_secret_ct']).where('id', '=', adminId).executeTakeFirstOrThrow();
    return { email: Vault.versionOf(row.email_ct), totp: Vault.versionOf(row.totp_secret_ct!) };
  }

  const fieldRing = async () => (await t.container.keys.status()).rings.filter((r) => r.purpose === FIELD_PURPOSE);
  const usageOf = async (version: number) =>
    (await t.container.keys.status()).usage.find((u) => u.version === version) ?? { version, values: 0, subjectKeys: 0 };

  before(async () => {
    t = await createTestApp({ clock });
    ({ secret, staffId: adminId } = await bootstrapAdmin(t, clock));
    traders = await t.container.demo.seedTraders(systemContext('test:seed'), 10);
  });
  after(async () => {
    await t?.close();
  });

  it('reports version 1 and what uses it, never key material', async () => {
    const ring = await fieldRing();
    assert.deepEqual(ring.map((r) => [r.version, r.status]), [[1, 'active']]);
    // Administrator email and TOTP secret (ring-encrypted), ten subject keys (one per trader).
    assert.deepEqual(await usageOf(1), { version: 1, values: 2, subjectKeys: 10 });

    const s = await adminSession();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: s.headers, remoteAddress: `127.0.4.${ip - 1}` });
    assert.equal(res.statusCode, 200, res.body);
    const wrapped = await t.container.db.system.selectFrom('crypto_key').select('wrapped').execute();
    for (const w of wrapped) {
      const bytes = Buffer.from(w.wrapped);
      for (const form of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
        assert.ok(!res.body.includes(form.slice(0, 24)), 'wrapped key material in the status');
      }
    }
    assert.doesNotMatch(res.body, /wrapped|"key"/);
  });

  it('adds version 2: it takes new writes at once, and everything written before still decrypts', async () => {
    const seq = await lastSeq(t);
    const version = await t.container.keys.addVersion(systemContext('test:rotate'));
    assert.equal(version, 2);
    const ring = await fieldRing();
    assert.deepEqual(ring.map((r) => [r.version, r.status]), [[1, 'retired'], [2, 'active']]);
    assert.notEqual(ring[0]!.retiredAt, null);
    assert.equal(t.container.vault.activeFieldVersion, 2);
    await expectAudited(t, { action: 'keys.rotate', outcome: 'ok', targetId: `${FIELD_PURPOSE}/v2` }, { afterSeq: seq });

    // Old data: trader fields under v1-wrapped subject keys, staff fields under v1 itself.
    for (const tr of traders.slice(0, 3)) assert.equal(await decryptTraderEmail(tr.email), tr.email);
    assert.deepEqual(await staffVersions(), { email: 1, totp: 1 });
    await adminSession(); // decrypts the v1 TOTP secret: sign-in still works

    // New data: a trader created now gets a subject key wrapped under v2.
    const [late] = await t.container.demo.seedTraders(systemContext('test:seed'), 1);
    traders.push(late!);
    assert.equal(await decryptTraderEmail(late!.email), late!.email);
    assert.deepEqual(await usageOf(2), { version: 2, values: 0, subjectKeys: 1 });
    assert.deepEqual(await usageOf(1), { version: 1, values: 2, subjectKeys: 10 });
  });

  it('re-encrypts everything onto version 2, leaving nothing on version 1', async () => {
    const seq = await lastSeq(t);
    const progress: string[] = [];
    const result = await t.container.keys.reencryptAll((p) => progress.push(`${p.phase}:${p.done}/${p.total}`));
    assert.deepEqual(result, { subjectKeys: 10, values: 2 });
    assert.ok(progress.includes('subject-keys:10/10') && progress.includes('values:2/2'), progress.join());
    assert.deepEqual(await usageOf(1), { version: 1, values: 0, subjectKeys: 0 });
    assert.deepEqual(await usageOf(2), { version: 2, values: 2, subjectKeys: 11 });
    assert.deepEqual(await staffVersions(), { email: 2, totp: 2 });
    await expectAudited(t, { action: 'keys.reencrypt_done', outcome: 'ok', targetId: `${FIELD_PURPOSE}/v2` }, { afterSeq: seq });

    // Everything still reads back, and the administrator can still sign in.
    for (const tr of traders) assert.equal(await decryptTraderEmail(tr.email), tr.email);
    await adminSession();
    // Nothing left to do the second time.
    assert.deepEqual(await t.container.keys.reencryptAll(), { subjectKeys: 0, values: 0 });
  });

  it('POST /api/v1/keys/rotate: 401 without a session, 403 without the CSRF token, 202 for an administrator', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/keys/rotate', remoteAddress: '127.0.4.250' });
    assert.equal(anon.statusCode, 401, anon.body);
    assert.equal(anon.json().code, 'unauthenticated');
    await expectAudited(t, { action: 'access.unauthenticated', outcome: 'denied', actorIp: '127.0.4.250' });

    const s = await adminSession();
    const from = `127.0.4.${ip - 1}`;
    const { 'x-csrf-token': _csrf, ...noCsrf } = s.headers;
    const forged = await t.app.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: noCsrf, remoteAddress: from });
    assert.equal(forged.statusCode, 403, forged.body);
    assert.equal(forged.json().code, 'csrf_failed');
    assert.equal(t.container.vault.activeFieldVersion, 2, 'the refused requests rotated nothing');

    const seq = await lastSeq(t);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: s.headers, remoteAddress: from });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { version: 3 });
    await expectAudited(t, { action: 'keys.rotate', outcome: 'ok', actorId: adminId, actorIp: from, targetId: `${FIELD_PURPOSE}/v3` }, { afterSeq: seq });
    // Re-encryption runs in the background; the API keeps answering meanwhile.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const st = await t.container.keys.status();
      if (st.usage.every((u) => u.version === 3 || (u.values === 0 && u.subjectKeys === 0))) break;
      assert.ok(Date.now() < deadline, `re-encryption did not finish: ${JSON.stringify(st.usage)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await expectAudited(t, { action: 'keys.reencrypt_done', outcome: 'ok', targetId: `${FIELD_PURPOSE}/v3` }, { afterSeq: seq });
    for (const tr of traders) assert.equal(await decryptTraderEmail(tr.email), tr.email);
  });
});
