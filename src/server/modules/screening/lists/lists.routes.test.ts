// /api/v1/screening/lists from the attacker's side first (no session, a role without the permission, no fresh
// second factor, malformed and oversized uploads), then the happy path and its audit rows; and sync against a
// local HTTP server serving the samples (no real network), including a 500 and a truncated body.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { expectAudited } from '../../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../../test/helpers/problem.js';
import { createMember, signInAs } from '../../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { FakeClock } from '../../../platform/clock.js';
import { systemContext } from '../../../platform/http/request-context.js';
import { SKIP_SAMPLES, sample } from './test-support/data.js';

const b64 = (p: string) => readFileSync(sample(p)).toString('base64');
const set17 = () => ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map((n) => ({ name: n, contentBase64: b64(`ofac_sdn/watchman_ofactest_17_entities/${n}`) }));

describe('list routes', { skip: SKIP_SAMPLES }, () => {
  let t: TestApp;
  const clock = new FakeClock('2026-11-21T10:00:00Z');
  const as: Record<string, Record<string, string>> = {};
  before(async () => {
    t = await createTestApp({ clock, env: { LISTS_MAX_UPLOAD_BYTES: '200000' } });
    for (const [role, email] of [['compliance_senior', 'senior@bank.test'], ['compliance_officer', 'officer@bank.test'], ['marketing', 'mkt@bank.test']] as const) {
      const m = await createMember(t, clock, { email, roles: [role] });
      as[role] = (await signInAs(t, m, clock)).headers;
    }
  });
  after(() => t.close());

  const post = (role: string | null, url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, ...(role ? { headers: as[role] } : {}) });
  const get = (role: string | null, url: string) => t.app.inject({ method: 'GET', url, ...(role ? { headers: as[role] } : {}) });

  test('401 without a session, 403 without the permission', async () => {
    expectProblem(await get(null, '/api/v1/screening/lists'), 401, 'unauthenticated');
    expectProblem(await get('marketing', '/api/v1/screening/lists'), 403, 'forbidden');
    expectProblem(await post('compliance_officer', '/api/v1/screening/lists/imports', { files: set17() }), 403, 'forbidden');
    expectProblem(await post('compliance_officer', '/api/v1/screening/lists/sync', {}), 403, 'forbidden');
    await expectAudited(t, { action: 'access.denied', outcome: 'denied' });
  });

  test('no list loaded: the overview says so', async () => {
    const r = await get('compliance_officer', '/api/v1/screening/lists');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().lists, 'none');
  });

  test('400 on a path as a file name, 413 on an oversized upload, 422 on a malformed list', async () => {
    expectProblem(await post('compliance_senior', '/api/v1/screening/lists/imports', { files: [{ name: '../sdn.csv', contentBase64: 'AAAA' }] }), 400, 'validation_failed');
    const big = Buffer.alloc(300_000, 0x41).toString('base64');
    const tooBig = await post('compliance_senior', '/api/v1/screening/lists/imports', { files: [{ name: 'sdn.csv', contentBase64: big }] });
    assert.ok([413].includes(tooBig.statusCode), tooBig.body);
    const sdn = readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv'));
    const cut = await post('compliance_senior', '/api/v1/screening/lists/imports', { files: [{ name: 'sdn.csv', contentBase64: sdn.subarray(0, 3000).toString('base64') }] });
    const p = expectProblem(cut, 422, 'list_malformed');
    assert.match(String(p.detail ?? p.title ?? cut.body), /sdn\.csv/);
    assert.equal((await get('compliance_officer', '/api/v1/screening/lists')).json().lists, 'none', 'nothing half-written');
  });

  test('step-up: an old second factor is not enough to import', async () => {
    clock.advance(6 * 60_000);
    expectProblem(await post('compliance_senior', '/api/v1/screening/lists/imports', { files: set17() }), 401, 'step_up_required');
    const m = await createMember(t, clock, { email: 'senior2@bank.test', roles: ['compliance_senior'] });
    as.compliance_senior = (await signInAs(t, m, clock)).headers;
  });

  test('import by upload: 201 with the version; again: 200 unchanged; the version page shows the diff', async () => {
    const r = await post('compliance_senior', '/api/v1/screening/lists/imports', { files: set17() });
    assert.equal(r.statusCode, 201, r.body);
    const v = r.json().version;
    assert.equal(v.entityCount, 17);
    await expectAudited(t, { action: 'screening.lists.import', outcome: 'ok', targetId: v.id });
    const again = await post('compliance_senior', '/api/v1/screening/lists/imports', { files: set17() });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().status, 'unchanged');
    const page = await get('compliance_officer', `/api/v1/screening/lists/versions/${v.id}?change=added&limit=5`);
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().total, 17);
    assert.equal(page.json().changes.length, 5);
    expectProblem(await get('compliance_officer', '/api/v1/screening/lists/versions/not-a-uuid'), 404, 'not_found');
    const o = (await get('compliance_officer', '/api/v1/screening/lists')).json();
    assert.equal(o.lists, 'loaded');
    assert.equal(o.sources.find((s: { source: string }) => s.source === 'ofac_sdn').active.version, 1);
  });
});

describe('sync from a local HTTP server', { skip: SKIP_SAMPLES }, () => {
  let t: TestApp;
  let server: Server;
  let base = '';
  const clock = new FakeClock('2026-11-21T10:00:00Z');
  const un = readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml'));
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/un.xml') res.writeHead(200, { 'content-type': 'application/xml', 'content-length': un.length }).end(un);
      else if (req.url === '/broken') res.writeHead(500).end('oops');
      else if (req.url === '/truncated.xml') {
        // Announces the whole file, sends a third of it, then hangs up.
        res.writeHead(200, { 'content-length': un.length });
        res.write(un.subarray(0, Math.floor(un.length / 3)), () => res.destroy());
      } else if (req.url === '/wrong.xml') res.writeHead(200).end(readFileSync(sample('eu_fsf_sample/sample_eu_fsf.xml')));
      else if (req.url?.startsWith('/w/')) res.writeHead(200).end(readFileSync(sample(`ofac_digital_currency_addresses/2024-05-02/${req.url.slice(3)}`)));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({
      clock,
      env: {
        LISTS_SYNC_SOURCES: 'un_sc,ofac_wallets,eu_fsf',
        LISTS_SYNC_URL_UN_SC: `${base}/un.xml`,
        LISTS_SYNC_URL_OFAC_WALLETS: `${base}/w/sanctioned_addresses_XBT.txt ${base}/w/sanctioned_addresses_ETH.txt`,
        LISTS_SYNC_URL_EU_FSF: `${base}/broken`,
      },
    });
  });
  after(async () => {
    await t.close();
    server.close();
  });
  const ctx = systemContext('test:sync');

  test('imports what the publishers serve; a 500 fails that source only', async () => {
    const r = await t.container.lists.sync(ctx);
    const by = Object.fromEntries(r.results.map((x) => [x.source, x]));
    assert.equal(by.un_sc!.status, 'imported');
    assert.equal(by.un_sc!.version!.entityCount, 1003);
    assert.equal(by.ofac_wallets!.status, 'imported');
    assert.equal(by.ofac_wallets!.version!.entityCount, 387 + 150);
    assert.equal(by.eu_fsf!.status, 'failed');
    assert.match(by.eu_fsf!.error!, /HTTP 500/);
    await expectAudited(t, { action: 'screening.lists.import', outcome: 'error', errorCode: 'list_sync_failed' });
    const again = await t.container.lists.sync(ctx, { sources: ['un_sc'] });
    assert.equal(again.results[0]!.status, 'unchanged');
  });

  test('a truncated body or the wrong list fails the sync; the previous version stays active', async () => {
    const svc = t.container.lists;
    const { downloadList } = await import('./lists.sync.js');
    await assert.rejects(downloadList({ source: 'un_sc', enabled: true, urls: [`${base}/truncated.xml`] }, { maxBytes: 10_000_000, timeoutMs: 5000 }), /broke off|truncated/);
    await assert.rejects(downloadList({ source: 'un_sc', enabled: true, urls: [`${base}/wrong.xml`] }, { maxBytes: 10_000_000, timeoutMs: 5000 }), /served eu_fsf_xml, not a un_sc list/);
    await assert.rejects(downloadList({ source: 'un_sc', enabled: true, urls: [`${base}/un.xml`] }, { maxBytes: 1000, timeoutMs: 5000 }), /more than the limit/);
    await assert.rejects(downloadList({ source: 'un_sc', enabled: true, urls: ['http://example.com/un.xml'] }, { maxBytes: 1000, timeoutMs: 5000 }), /only https/);
    const o = await svc.overview(ctx);
    assert.equal(o.sources.find((s) => s.source === 'un_sc')!.active!.version, 1);
  });
});
