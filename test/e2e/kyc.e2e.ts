// Browser test of a KYC review, in Debian's Chromium, against the real server under its strict CSP: a case was
// opened with a passport photo carrying EXIF GPS and a utility bill; a support senior uploads the selfie in the
// browser and submits the case; a compliance officer finds it in the queue, takes it, opens the passport in the
// watermarked viewer (a PDF rendered by the server for them), sees the metadata was removed and the risk factors,
// and approves with a reason. A junior support agent cannot open the document (403, audited), and a support
// senior sees the document list without a way to open one.
//
//   node scripts/run-tests.mjs test/e2e/kyc.e2e.ts
//
// Screenshots land in test-results/e2e/kyc-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { jpegWithMetadata, multipart, pdf, PNG } from '../../src/server/modules/kyc/kyc.fixtures.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { findAudited } from '../helpers/audit.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-kyc';

describe('kyc: a compliance officer reviews an upload and approves', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officer: TestMember;
  let junior: TestMember;
  let senior: TestMember;
  let caseId: string;
  let docId: string;

  const cookies = new Map<string, string>();
  /** Puts a member's session (signed in once in before(): a TOTP code is accepted once per time step) in the browser. */
  async function useSession(m: TestMember): Promise<void> {
    const [name, value] = cookies.get(m.id)!.split('=') as [string, string];
    await page.context().clearCookies();
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  }

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const c = server.app.container;
    officer = await createMember(server.app, systemClock, { email: 'carol.compliance@example.test', roles: ['compliance_officer'], displayName: 'Carol Compliance' });
    junior = await createMember(server.app, systemClock, { email: 'sam.support@example.test', roles: ['support_junior'], displayName: 'Sam Support' });
    senior = await createMember(server.app, systemClock, { email: 'sue.senior@example.test', roles: ['support_senior'], displayName: 'Sue Senior' });
    const preparer = await createMember(server.app, systemClock, { email: 'pat.prepare@example.test', roles: ['support_senior'], displayName: 'Pat Prepare' });
    const traderId = await c.demo.createTrader(systemContext('e2e'), {
      ...syntheticTrader(1),
      kind: 'individual',
      persons: [],
      registrationNumber: null,
      accountRef: 'ACC-E2E-KYC',
      legalName: 'Ada Lovelace',
      country: 'GB',
      kycState: 'not_started',
    });
    // The support senior prepares the case through the API (another user agent, so the browser's session is separate).
    const s = await signInAs(server.app, preparer, systemClock, 'setup-agent', '127.0.0.9');
    const call = async (method: 'POST' | 'PUT', url: string, payload?: object) => {
      const res = await server.app.app.inject({ method, url, headers: s.headers, remoteAddress: '127.0.0.9', ...(payload ? { payload } : {}) });
      assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
      return res.json() as Record<string, unknown>;
    };
    const created = await call('POST', '/api/v1/kyc/cases', { traderId });
    caseId = (created.case as { id: string }).id;
    await call('PUT', `/api/v1/kyc/cases/${caseId}/profile`, { activity: 'employee', expectedMonthlyVolume: '10k_100k', products: ['spot'] });
    const docs: [string, string, string, Buffer][] = [
      ['government_id', 'passport.jpg', 'image/jpeg', jpegWithMetadata()],
      ['proof_of_address', 'utility-bill.pdf', 'application/pdf', await pdf(1, 'Utility bill, 1 Analytical Row, London')],
    ];
    for (const [type, filename, ct, content] of docs) {
      const body = multipart({ type }, [{ filename, type: ct, content }]);
      const res = await server.app.app.inject({ method: 'POST', url: `/api/v1/kyc/cases/${caseId}/documents`, headers: { ...s.headers, ...body.headers }, remoteAddress: '127.0.0.9', payload: body.payload });
      assert.equal(res.statusCode, 201, res.body);
      if (type === 'government_id') docId = (res.json() as { documents: { id: string }[] }).documents[0]!.id;
    }
    // Browser sessions: same IP and user agent as the browser's requests (sessions are bound to both).
    for (const m of [officer, junior, senior]) cookies.set(m.id, (await signInAs(server.app, m, systemClock, UA, '127.0.0.1')).cookie);
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('a support senior uploads the selfie in the browser and submits the case', async () => {
    await useSession(senior);
    await page.goto(`${server.baseUrl}/kyc/cases/${caseId}`);
    await page.getByTestId('kyc-case').waitFor();
    assert.match((await page.getByRole('status').filter({ hasText: 'Still missing' }).textContent()) ?? '', /selfie/);
    await page.getByLabel('Document type').selectOption('selfie');
    await page.getByLabel(/^Files/).setInputFiles({ name: 'selfie.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('[data-document]').filter({ hasText: 'selfie.png' }).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByTestId('case-state').getByText('submitted').waitFor();
    assert.equal(await page.getByRole('button', { name: 'View' }).count(), 0, 'a support senior cannot open documents');
  });

  it('the officer finds the case in the queue and takes it', async () => {
    await useSession(officer);
    await page.goto(`${server.baseUrl}/kyc`);
    await page.getByRole('heading', { name: 'KYC / KYB reviews', level: 1 }).waitFor();
    const row = page.locator(`[data-case="${caseId}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /submitted/);
    await shot(page, 'kyc-01-queue', { fromTop: true });
    await row.getByRole('link').click();
    await page.getByTestId('kyc-case').waitFor();
    await page.getByRole('button', { name: 'Take for review' }).click();
    await page.getByTestId('assignee').getByText('Carol Compliance').waitFor();
    assert.match((await page.getByTestId('case-state').textContent()) ?? '', /in review/);
  });

  it('opens the passport in the watermarked viewer; the metadata was removed', async () => {
    const passport = page.locator(`[data-document="${docId}"]`);
    assert.match((await passport.textContent()) ?? '', /APP1, COM/);
    const viewed = page.waitForResponse((r) => r.url().includes(`/documents/${docId}/view`));
    await passport.getByRole('button', { name: 'View' }).click();
    const res = await viewed;
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    assert.equal(res.headers()['cache-control'], 'no-store');
    await page.getByTestId('kyc-viewer').waitFor();
    const audited = await findAudited(server.app, { action: 'kyc.document_view', outcome: 'ok', targetId: docId, actorId: officer.id });
    assert.equal(audited.length, 1);
    assert.match((await page.getByTestId('risk-factors').textContent()) ?? '', /NOT screened/);
    await shot(page, 'kyc-02-review', { fromTop: true });
  });

  it('approves with a reason; the case and the trader are approved', async () => {
    await page.getByLabel(/Reason \(recorded/).fill('Passport, address and selfie verified against the application');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByTestId('case-state').getByText('approved').waitFor();
    assert.match((await page.getByTestId('kyc-history').textContent()) ?? '', /Passport, address and selfie verified/);
    const t = await server.app.container.db.system.selectFrom('trader').select('kyc_state').where('account_ref', '=', 'ACC-E2E-KYC').executeTakeFirstOrThrow();
    assert.equal(t.kyc_state, 'approved');
    await shot(page, 'kyc-03-approved', { fromTop: true });
  });

  it('the officer reads the jurisdiction settings but cannot change them', async () => {
    await page.goto(`${server.baseUrl}/kyc/settings`);
    await page.getByRole('heading', { name: 'Jurisdictions and risk settings' }).waitFor();
    assert.equal(await page.getByLabel('Blocked countries').inputValue(), 'CU, IR, KP, SY');
    assert.ok(await page.getByLabel('Blocked countries').isDisabled());
    await page.getByText('changing them needs').waitFor();
    await shot(page, 'kyc-04-settings', { fromTop: true });
  });

  it('a junior agent cannot open the case or the document (403, audited)', async () => {
    await useSession(junior);
    await page.goto(`${server.baseUrl}/kyc/cases/${caseId}`);
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByTestId('kyc-viewer').count(), 0);
    const direct = await page.request.get(`${server.baseUrl}/api/v1/kyc/cases/${caseId}/documents/${docId}/view`);
    assert.equal(direct.status(), 403);
    const denied = await findAudited(server.app, { action: 'access.denied', outcome: 'denied', actorId: junior.id });
    assert.ok(denied.some((r) => (r.targetId ?? '').startsWith('kyc.document.read:')));
    await shot(page, 'kyc-05-junior-denied', { fromTop: true });
  });

  it('a support senior sees the documents listed but has no way to open them', async () => {
    await useSession(senior);
    await page.goto(`${server.baseUrl}/kyc/cases/${caseId}`);
    await page.getByTestId('kyc-documents').waitFor();
    await page.getByText('Your roles list documents but cannot open them.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'View' }).count(), 0);
    const direct = await page.request.get(`${server.baseUrl}/api/v1/kyc/cases/${caseId}/documents/${docId}/view`);
    assert.equal(direct.status(), 403);
  });

  it('no CSP violation and no uncaught error in the page', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
