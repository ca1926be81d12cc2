// Browser test of the Traders section, in Debian's Chromium against the real server under its strict CSP, with
// the reference exchange simulator connected:
//   1. a support agent's day: a junior agent finds a trader by exact e-mail (the value never reaches the URL),
//      opens the profile, sees the e-mail MASKED and no identity, financial or timeline panel, adds a note with a
//      pasted seed phrase and is warned it was removed, then opens the trader's ticket and answers it;
//   2. a compliance officer opens the same trader: balances come masked (financial: reveal), a field can be
//      revealed with a reason (marked "revealed — audited"), and the timeline shows the junior's profile view.
//
//   node scripts/run-tests.mjs test/e2e/traders.e2e.ts
//
// Screenshots land in test-results/e2e/traders-*.png and /tmp/traders-profile.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { createSimulator, syntheticAccount, type Simulator } from '../../src/server/modules/exchange/simulator.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/server/modules/support/index.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, timeStep, totpFor, waitForStepAfter, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-traders';
const WEBHOOK_SECRET = 'e2e-traders-webhook-secret-0123456789abcdef';
const EXCHANGE_SECRET = 'e2e-traders-exchange-secret-0123456789abcdef';
const EMAIL = 'ada.lovelace@example.test';
const MASKED_EMAIL = 'a***@e***.test';
const IBAN = 'GB33BUKB20201555555555';
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

/** An account reference whose simulated exchange account holds balances (the simulator is deterministic per ref). */
function refWithBalances(): string {
  for (let i = 0; ; i++) {
    const ref = `ACC-E2E-ADA-${i}`;
    if (syntheticAccount(ref).balances.length > 0) return ref;
  }
}

describe('traders: a support agent’s day, then compliance', () => {
  let server: Server;
  let sim: Simulator;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let sam: TestMember;
  let cora: TestMember;
  let samCookie: string;
  let coraCookie: string;
  let maxCookie: string;
  let sid: TestMember;
  let sidCookie: string;
  let sidStep = 0;
  let coraStep = 0;
  let traderId: string;
  const accountRef = refWithBalances();

  const useSession = async (cookie: string) => {
    await page.context().clearCookies();
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  };

  before(async () => {
    prepareRun();
    server = await startTestServer({ env: { SUPPORT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    const c = server.app.container;
    sam = await createMember(server.app, systemClock, { email: 'sam.support@example.test', roles: ['support_junior'], displayName: 'Sam Support' });
    cora = await createMember(server.app, systemClock, { email: 'cora.compliance@example.test', roles: ['compliance_officer'], displayName: 'Cora Compliance' });
    traderId = await c.demo.createTrader(systemContext('e2e'), {
      ...syntheticTrader(1),
      kind: 'individual',
      persons: [],
      registrationNumber: null,
      accountRef,
      risk: 'high',
      kycState: 'approved',
      legalName: 'Ada Lovelace',
      email: EMAIL,
      phone: '+44 20 7946 0958',
      bankAccount: IBAN,
      antiPhishingCode: 'OWL-7731',
    });
    // A decoy trader, so that the search has something to tell apart.
    await c.demo.createTrader(systemContext('e2e'), syntheticTrader(2));
    // The reference exchange simulator, connected as an administrator would under Settings.
    sim = createSimulator({ keyId: 'bulwark-e2e', secret: EXCHANGE_SECRET });
    await sim.listen(0, '127.0.0.1');
    await c.exchange.setConnection(systemContext('e2e'), { baseUrl: sim.url(), keyId: 'bulwark-e2e', secret: EXCHANGE_SECRET }, cora.id, { requireReason: false });
    // The trader writes in through the signed inbound webhook.
    const raw = JSON.stringify({ accountRef, subject: 'Cannot log in', body: 'My 2FA device is lost, please help.' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await server.app.app.inject({
      method: 'POST',
      url: '/api/v1/support/inbound/messages',
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signInbound(WEBHOOK_SECRET, ts, raw) },
      payload: raw,
    });
    assert.equal(res.statusCode, 202, res.body);
    // One sign-in per member for the whole suite (a TOTP code is accepted once per time step and member).
    samCookie = (await signInAs(server.app, sam, systemClock, UA, '127.0.0.1')).cookie;
    coraStep = timeStep();
    coraCookie = (await signInAs(server.app, cora, systemClock, UA, '127.0.0.1')).cookie;
    const max = await createMember(server.app, systemClock, { email: 'max.marketing@example.test', roles: ['marketing'], displayName: 'Max Marketing' });
    maxCookie = (await signInAs(server.app, max, systemClock, UA, '127.0.0.1')).cookie;
    sid = await createMember(server.app, systemClock, { email: 'sid.senior@example.test', roles: ['support_senior'], displayName: 'Sid Senior' });
    sidStep = timeStep();
    sidCookie = (await signInAs(server.app, sid, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => {
    await closeAll(page, server);
    await sim?.close();
  });

  it('a junior agent finds the trader by exact e-mail; the value never reaches the address bar', async () => {
    await useSession(samCookie);
    await page.goto(`${server.baseUrl}/traders`);
    await page.getByRole('heading', { name: 'Traders', level: 1 }).waitFor();
    // Junior support has no risk or KYC section: those filters are not offered (the server would answer 403).
    assert.equal(await page.getByLabel('Risk').count(), 0);
    assert.equal(await page.getByLabel('KYC state').count(), 0);
    await page.getByTestId('trader-list').locator('tbody tr[data-trader]').first().waitFor();
    assert.equal(await page.getByLabel('Search by').inputValue(), 'email');
    const value = page.getByRole('searchbox', { name: 'Exact value' });
    await value.fill(EMAIL);
    await value.press('Enter');
    const results = page.getByTestId('search-results');
    await results.waitFor();
    const rows = results.locator('tbody tr[data-trader]');
    assert.equal(await rows.count(), 1, 'exactly the one trader');
    const rowText = (await rows.first().textContent()) ?? '';
    assert.ok(rowText.includes(MASKED_EMAIL), rowText);
    assert.ok(!rowText.includes(EMAIL), 'the list shows the e-mail masked');
    assert.ok(!page.url().includes('lovelace') && !page.url().includes('%40'), `the search value is not in the URL: ${page.url()}`);
    await shot(page, 'traders-01-search', { fromTop: true });
    await rows.first().getByRole('link', { name: accountRef }).click();
    await page.getByTestId('trader-profile').waitFor();
    assert.equal(new URL(page.url()).pathname, `/traders/${traderId}`);
  });

  it('the profile shows the e-mail masked and no identity, financial or timeline panel', async () => {
    const email = page.getByTestId('trader-contact').locator('[data-field="email"]');
    await email.waitFor();
    assert.equal((await email.locator('.field-value-text').textContent())?.trim(), MASKED_EMAIL);
    assert.equal(await email.getAttribute('data-state'), 'masked');
    // Junior support may not reveal contact data: no Reveal button.
    assert.equal(await page.getByTestId('trader-contact').getByRole('button', { name: /Reveal/ }).count(), 0);
    await page.getByTestId('trader-notes').waitFor();
    await page.getByTestId('trader-tickets').waitFor();
    for (const absent of ['trader-identity', 'trader-business', 'trader-kyc', 'trader-risk', 'trader-timeline', 'trader-financial', 'exchange-balances', 'exchange-orders', 'exchange-trades', 'exchange-transfers', 'exchange-security', 'exchange-apiKeys']) {
      assert.equal(await page.getByTestId(absent).count(), 0, `${absent} is not shown to junior support`);
    }
    const html = await page.content();
    assert.ok(!html.includes(EMAIL) && !html.includes('7946') && !html.includes('Lovelace'), 'no clear contact or identity value anywhere in the page');
    // Junior support may not change a trader's details: no edit form.
    assert.equal(await page.getByTestId('trader-edit').count(), 0);
    // No KYC or risk badge in the header either.
    assert.doesNotMatch((await page.getByTestId('profile-badges').textContent()) ?? '', /KYC|risk/);
  });

  it('a note with a pasted seed phrase is saved without it, and the agent is warned', async () => {
    await page.getByLabel(/New note/).fill(`Trader read out their backup words: ${SEED}. Told them never to share these.`);
    await page.getByRole('button', { name: 'Add note' }).click();
    const warning = page.getByTestId('note-redaction-warning');
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /A seed phrase was removed before saving — never ask a trader for it/);
    const note = page.getByTestId('trader-notes').locator('li[data-note]').first();
    await note.getByText('[redacted').waitFor();
    const text = (await note.textContent()) ?? '';
    assert.ok(!text.includes('sausage'), 'the seed phrase is not shown back');
    assert.match(text, /Told them never to share these/);
    await shot(page, 'traders-02-junior-profile', { fromTop: true });
  });

  it('opens the trader’s ticket from the profile and answers it', async () => {
    await page.getByTestId('trader-tickets').getByRole('link', { name: 'Cannot log in' }).click();
    await page.getByTestId('ticket-page').waitFor();
    await page.getByLabel(/Message \(sent by e-mail/).fill('Hello Ada, we will reset your 2FA after a video identity check.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('[data-kind="reply"]').getByText('after a video identity check').waitFor();
    const out = await server.app.container.email.listOutbox(systemContext('e2e'), 5);
    const ticket = await server.app.container.db.system.selectFrom('ticket').select('number').executeTakeFirstOrThrow();
    const mail = out.find((m) => m.subject.includes(`[#${ticket.number}]`));
    assert.ok(mail, 'the reply is queued as an e-mail');
    assert.equal(mail.to, EMAIL);
    assert.match(mail.body, /^Your anti-phishing code: OWL-7731\n/);
  });

  it('a compliance officer sees the balances masked, reveals the bank account, and sees the junior’s view in the timeline', async () => {
    await useSession(coraCookie);
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    await page.getByTestId('trader-profile').waitFor();
    // Compliance sees KYC state and risk in the header, identity in full.
    assert.match((await page.getByTestId('profile-badges').textContent()) ?? '', /KYC .+risk /);
    assert.match((await page.getByTestId('trader-identity').textContent()) ?? '', /Ada Lovelace/);

    const balances = page.getByTestId('exchange-balances');
    await balances.locator('tbody tr').first().waitFor();
    const amounts = await balances.locator('tbody td:nth-child(2)').allTextContents();
    assert.ok(amounts.length > 0 && amounts.every((a) => a === '***'), `balances are masked: ${amounts.join(', ')}`);

    const iban = page.getByTestId('trader-financial').locator('[data-field="bankAccount"]');
    assert.equal(await iban.getAttribute('data-state'), 'masked');
    assert.ok(!((await iban.textContent()) ?? '').includes(IBAN));
    await iban.getByRole('button', { name: 'Reveal Bank account (IBAN)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reveal: Bank account (IBAN)' });
    await dialog.getByLabel('Reason (recorded in the audit log)').fill('Source-of-funds check, case 4711');
    await dialog.getByRole('button', { name: 'Reveal' }).click();
    // The sign-in just used a second factor; should the server still ask for a step-up, answer it with a fresh code.
    const stepUp = page.getByTestId('step-up-dialog');
    await stepUp.or(iban.locator('.badge')).first().waitFor();
    if (await stepUp.isVisible()) {
      await waitForStepAfter(coraStep);
      await stepUp.getByLabel('6-digit code').fill(totpFor(cora.secret).generate());
      await stepUp.getByRole('button', { name: 'Confirm' }).click();
    }
    await iban.getByText('revealed — audited').waitFor();
    assert.equal(await iban.getAttribute('data-state'), 'revealed');
    assert.match((await iban.textContent()) ?? '', new RegExp(IBAN));

    const timeline = page.getByTestId('trader-timeline');
    const view = timeline.locator('tr[data-event="trader.view"]', { hasText: 'Sam Support' });
    await view.first().waitFor();
    assert.match((await view.first().textContent()) ?? '', /Viewed the profile/);
    assert.ok((await timeline.locator('tr[data-event="trader.note_add"]', { hasText: 'Sam Support' }).count()) > 0, 'the junior’s note is in the timeline');
    // The kind filter: staff actions off leaves no staff row.
    await timeline.getByLabel('Staff action').uncheck();
    await timeline.locator('tbody tr').first().waitFor();
    assert.equal(await timeline.locator('tr[data-kind="staff"]').count(), 0);
    await timeline.getByLabel('Staff action').check();
    await view.first().waitFor();

    await shot(page, 'traders-03-compliance-profile', { fromTop: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: '/tmp/traders-profile.png', fullPage: true });
  });

  it('a senior agent corrects the phone number with a reason and step-up; the new value is stored and the change audited by field name', async () => {
    await useSession(sidCookie);
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    const edit = page.getByTestId('trader-edit');
    await edit.locator('summary').click();
    await edit.getByLabel('Phone').fill('+44 20 7946 0000');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    // A reason is required before anything is sent.
    await edit.getByText('Give the reason for the change').waitFor();
    await edit.getByLabel('Reason').fill('Trader called from the number on file; verified by video');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const stepUp = page.getByTestId('step-up-dialog');
    await stepUp.or(edit.getByText('Saved.')).first().waitFor();
    if (await stepUp.isVisible()) {
      await waitForStepAfter(sidStep);
      await stepUp.getByLabel('6-digit code').fill(totpFor(sid.secret).generate());
      await stepUp.getByRole('button', { name: 'Confirm' }).click();
    }
    await edit.getByText('Saved.').waitFor();
    // Stored under the new value: the phone's blind index now finds the trader by the corrected number.
    const c = server.app.container;
    const row = await c.db.system.selectFrom('trader').select(['phone_bidx']).where('id', '=', traderId).executeTakeFirstOrThrow();
    assert.deepEqual(Buffer.from(row.phone_bidx), Buffer.from(c.vault.blindIndex('trader.phone', '+44 20 7946 0000')));
    const rows = await c.db.system.selectFrom('audit_event').select(['action', 'fields']).where('action', '=', 'trader.update').execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.fields, ['phone']);
    await shot(page, 'traders-04-senior-edit', { fromTop: true });
  });

  it('compliance may filter the list by risk and KYC state (junior support was not offered these filters)', async () => {
    await useSession(coraCookie);
    await page.goto(`${server.baseUrl}/traders`);
    await page.getByTestId('trader-list').locator('tbody tr').first().waitFor();
    await page.getByLabel('Risk').selectOption('high');
    await page.getByLabel('KYC state').selectOption('approved');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/risk=high/);
    const row = page.getByTestId('trader-list').locator(`tr[data-trader="${traderId}"]`);
    await row.waitFor();
    assert.match(new URL(page.url()).search, /kycState=approved/);
    await page.getByLabel('Risk').selectOption('low');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/risk=low/);
    await page.getByTestId('trader-list').locator('tbody tr').first().waitFor();
    assert.equal(await row.count(), 0, 'a high-risk trader is not in the low-risk list');
  });

  it('an unknown trader id reads as not found', async () => {
    await page.goto(`${server.baseUrl}/traders/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId('trader-not-found').waitFor();
    await page.goto(`${server.baseUrl}/traders/not-a-uuid`);
    await page.getByTestId('trader-not-found').waitFor();
  });

  it('marketing cannot open traders: the list and a profile answer with the forbidden message, no data', async () => {
    await useSession(maxCookie);
    await page.goto(`${server.baseUrl}/traders`);
    await page.getByTestId('forbidden').waitFor();
    assert.equal(await page.getByTestId('trader-list').count(), 0);
    assert.equal(await page.getByRole('searchbox').count(), 0, 'no search form without trader.search');
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    await page.getByTestId('forbidden').waitFor();
    assert.ok(!(await page.content()).includes(MASKED_EMAIL));
  });

  it('no CSP violation and no uncaught error in the page', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
