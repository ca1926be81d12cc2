// Browser test of a junior support agent's day, in Debian's Chromium, against the real server under its strict
// CSP: the agent opens the inbox, opens a ticket, sees the trader's contact MASKED, sends a reply (the trader has
// an anti-phishing code; the queued e-mail carries it), sees it in the chat, adds an internal note that shows as
// internal ("not sent"), and is warned when a pasted seed phrase was redacted before saving.
//
//   node scripts/run-tests.mjs test/e2e/support.e2e.ts
//
// Screenshots land in test-results/e2e/support-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/server/modules/support/index.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-support';
const SECRET = 'e2e-support-webhook-secret-0123456789abcdef';
const EMAIL = 'ada.lovelace@traders.test';

describe('support: a junior agent answers a ticket', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let sam: TestMember;
  let cookie: string;
  let ticketNumber: number;

  before(async () => {
    prepareRun();
    server = await startTestServer({ env: { SUPPORT_WEBHOOK_SECRET: SECRET } });
    const c = server.app.container;
    sam = await createMember(server.app, systemClock, { email: 'sam.support@example.test', roles: ['support_junior'], displayName: 'Sam Support' });
    await c.demo.createTrader(systemContext('e2e'), {
      ...syntheticTrader(1),
      kind: 'individual',
      persons: [],
      registrationNumber: null,
      accountRef: 'ACC-E2E-ADA',
      legalName: 'Ada Lovelace',
      email: EMAIL,
      phone: '+44 20 7946 0958',
      antiPhishingCode: 'OWL-7731',
    });
    // The trader writes in through the signed API webhook.
    const raw = JSON.stringify({ accountRef: 'ACC-E2E-ADA', subject: 'Withdrawal stuck', body: 'My withdrawal has been pending since this morning.' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await server.app.app.inject({
      method: 'POST',
      url: '/api/v1/support/inbound/messages',
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signInbound(SECRET, ts, raw) },
      payload: raw,
    });
    assert.equal(res.statusCode, 202, res.body);
    ticketNumber = Number((await c.db.system.selectFrom('ticket').select('number').executeTakeFirstOrThrow()).number);
    // One sign-in for the whole suite: a TOTP code is accepted once per time step.
    cookie = (await signInAs(server.app, sam, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('opens the inbox and the ticket; the contact is masked', async () => {
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/support`);
    await page.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    const row = page.locator(`[data-ticket="${ticketNumber}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /First reply in 7 h 59 min|First reply in 8 h 0 min/);
    await shot(page, 'support-01-inbox', { fromTop: true });
    await row.getByRole('link', { name: 'Withdrawal stuck' }).click();
    await page.getByTestId('ticket-page').waitFor();
    const contact = (await page.getByTestId('ticket-contact').textContent()) ?? '';
    assert.match(contact, /a\*\*\*@t\*\*\*\.test/);
    assert.match(contact, /\(masked\)/);
    assert.ok(!contact.includes(EMAIL), 'the full e-mail address is never shown to junior support');
    assert.ok(!contact.includes('7946'), 'nor the phone number');
    assert.match((await page.locator('[data-kind="trader"]').first().textContent()) ?? '', /pending since this morning/);
  });

  it('sends a reply (e-mailed with the anti-phishing code) and sees it in the chat', async () => {
    await page.getByLabel(/Message \(sent by e-mail/).fill('Hello Ada, your withdrawal is in the next batch.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('[data-kind="reply"]').getByText('your withdrawal is in the next batch').waitFor();
    const out = await server.app.container.email.listOutbox(systemContext('e2e'), 5);
    const mail = out.find((m) => m.subject.includes(`[#${ticketNumber}]`));
    assert.ok(mail, 'the reply is queued as an e-mail');
    assert.equal(mail.to, EMAIL);
    assert.match(mail.body, /^Your anti-phishing code: OWL-7731\n/);
  });

  it('adds an internal note that shows as internal, and is warned about a redacted seed phrase', async () => {
    await page.getByLabel(/Note for staff/).fill('Told the trader. Their words were legal winner thank year wave sausage worth useful legal winner thank yellow');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    const note = page.locator('[data-kind="internal"]');
    await note.waitFor();
    const text = (await note.textContent()) ?? '';
    assert.match(text, /Internal note — not sent/);
    assert.match(text, /\[redacted: seed phrase\]/);
    assert.ok(!text.includes('sausage'));
    assert.match((await page.getByTestId('redaction-warning').textContent()) ?? '', /a seed phrase/);
    await shot(page, 'support-02-ticket', { fromTop: true });
  });

  it('no CSP violation and no uncaught error in the page', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
