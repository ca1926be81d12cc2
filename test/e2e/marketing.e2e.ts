// Browser test of the Marketing section and the public unsubscribe page, in Debian's Chromium, against the real
// server under its strict CSP: a marketing member opens a segment and sees consenting traders only (a known
// non-consenting trader's e-mail is absent); a trader, signed out, opts out through the link in an e-mail.
//
//   node scripts/run-tests.mjs test/e2e/marketing.e2e.ts
//
// Screenshots land in test-results/e2e/marketing-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ConsentCategory } from '../../src/contracts/consent.js';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-marketing';

describe('marketing: segments show consenting traders only; the unsubscribe page works signed out', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let mia: TestMember;
  let cookie: string;
  const ids: Record<string, string> = {};
  const people = {
    alice: { legalName: 'Alice Consenting', email: 'alice.consenting@traders.test' },
    bruno: { legalName: 'Bruno Consenting', email: 'bruno.consenting@traders.test' },
    nora: { legalName: 'Nora Neverasked', email: 'nora.neverasked@traders.test' },
    walt: { legalName: 'Walt Withdrew', email: 'walt.withdrew@traders.test' },
  };

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const c = server.app.container;
    mia = await createMember(server.app, systemClock, { email: 'mia.marketing@example.test', roles: ['marketing'], displayName: 'Mia Marketing' });
    let i = 0;
    for (const [key, p] of Object.entries(people)) {
      ids[key] = await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(900 + i++), ...p, accountRef: `ACC-E2E-${key}` });
    }
    const consent = (id: string, category: ConsentCategory, granted: boolean) =>
      c.audited(systemContext('e2e'), { action: 'test.consent' }, (tx) => c.consent.recordIn(tx, id, { category, granted, source: 'signup', wordingVersion: 'signup-2025-01', recordedBy: 'e2e' }));
    await consent(ids.alice!, 'marketing_email', true);
    await consent(ids.bruno!, 'marketing_email', true);
    await consent(ids.walt!, 'marketing_email', true);
    await consent(ids.walt!, 'marketing_email', false);
    // One sign-in for the whole suite: a TOTP code is accepted once per time step.
    const s = await signInAs(server.app, mia, systemClock, UA, '127.0.0.1');
    cookie = s.cookie;
    const res = await server.app.app.inject({ method: 'POST', url: '/api/v1/marketing/segments', headers: s.headers, remoteAddress: '127.0.0.1', payload: { name: 'Newsletter', category: 'marketing_email' } });
    assert.equal(res.statusCode, 201, res.body);
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('a marketing member opens a segment and sees the consenting traders only: first name and e-mail', async () => {
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/marketing`);
    await page.getByTestId('signed-in-name').waitFor();
    await page.getByRole('heading', { name: 'Marketing', level: 1 }).waitFor();
    await page.locator('[data-segment="Newsletter"]').getByRole('button', { name: 'Open audience' }).click();
    const audience = page.getByTestId('audience');
    await audience.getByText(people.alice.email).waitFor();
    const text = (await audience.textContent()) ?? '';
    assert.match(text, /alice\.consenting@traders\.test/);
    assert.match(text, /bruno\.consenting@traders\.test/);
    assert.ok(!text.includes(people.nora.email), 'a trader never asked is not in the audience');
    assert.ok(!text.includes(people.walt.email), 'a trader who withdrew is not in the audience');
    assert.ok(!text.includes('Consenting'), 'first name only, never the legal name');
    assert.equal(await page.getByTestId('audience-count').textContent(), '2 consenting traders');
    await shot(page, 'marketing-01-audience', { fromTop: true });
  });

  it('the unsubscribe link works signed out: the page names the category, the button records the opt-out', async () => {
    await page.context().clearCookies();
    const link = server.app.container.consent.unsubscribeLink(ids.alice!, 'marketing_email');
    await page.goto(link);
    await page.getByRole('button', { name: 'Unsubscribe' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Marketing e-mail/);
    assert.ok(!page.url().includes('#'), 'the token is taken out of the address bar');
    await shot(page, 'marketing-02-unsubscribe', { viewport: true });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByTestId('unsubscribed').waitFor();
    await shot(page, 'marketing-03-unsubscribed', { viewport: true });
    const row = await server.app.container.db.system
      .selectFrom('consent_current')
      .select('granted')
      .where('trader_id', '=', ids.alice!)
      .where('category', '=', 'marketing_email')
      .executeTakeFirstOrThrow();
    assert.equal(row.granted, false);
    // A tampered link shows the refusal, not a crash.
    await page.goto('about:blank');
    await page.goto(`${link.slice(0, -3)}AAA`);
    await page.getByText('This unsubscribe link is not valid').waitFor();
  });

  it('no CSP violation and no uncaught error in the page', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
