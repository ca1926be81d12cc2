// Browser test of the screening review, in Debian's Chromium against the real server under its strict CSP:
//   1. an OpenSanctions list is imported (the real sample); activating it re-screens every trader against the
//      delta, and a business whose name is on it gets a hit;
//   2. a compliance officer opens Screening: the queue shows the hit with a one-line explanation; the hit page
//      explains it word by word; she clears it as a false positive with a rationale, and it leaves the queue;
//   3. the trader's profile shows the Screening panel (status, last screened, the decided hit);
//   4. a junior support agent has no screening: the queue is refused.
//
//   node scripts/run-tests.mjs test/e2e/screening.e2e.ts
//
// Screenshots land in test-results/e2e/screening-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { SKIP_SAMPLES, sample } from '../../src/server/modules/screening/lists/test-support/data.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-screening';

describe('screening: a compliance officer reviews a hit', { skip: SKIP_SAMPLES }, () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officerCookie: string;
  let juniorCookie: string;
  let traderId: string;

  const useSession = async (cookie: string) => {
    await page.context().clearCookies();
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  };

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const c = server.app.container;
    traderId = await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(1), kind: 'business', persons: [], wallets: [], legalName: 'Inter Tobacco LLC', accountRef: 'ACC-E2E-SCREEN-1' });
    await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(2), kind: 'individual', persons: [], wallets: [], legalName: 'Wilhelmina Quarterfield' });
    await c.lists.importPath(systemContext('e2e'), sample('opensanctions_ftm/yente_fixture_t1/entities.ftm.json'));
    const officer = await createMember(server.app, systemClock, { email: 'olga.officer@example.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    officerCookie = (await signInAs(server.app, officer, systemClock, UA, '127.0.0.1')).cookie;
    const junior = await createMember(server.app, systemClock, { email: 'jim.junior@example.test', roles: ['support_junior'], displayName: 'Jim Junior' });
    juniorCookie = (await signInAs(server.app, junior, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('the queue lists the hit with its explanation and the state of the lists', async () => {
    await useSession(officerCookie);
    await page.goto(`${server.baseUrl}/screening`);
    await page.getByRole('heading', { name: 'Screening', level: 1 }).waitFor();
    const status = page.getByTestId('screening-status');
    await status.getByText('OpenSanctions v1').waitFor();
    const rows = page.getByTestId('hit-table').locator('tbody tr[data-hit]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    const text = (await rows.first().textContent()) ?? '';
    assert.ok(text.includes('ACC-E2E-SCREEN-1'), text);
    assert.match(text, /tobacco/i);
    await shot(page, 'screening-01-queue', { fromTop: true });
  });

  it('the hit page explains the match word by word; a false positive needs a rationale and leaves the queue', async () => {
    await page.getByTestId('hit-table').locator('tbody tr[data-hit] td.cell-main a').first().click();
    await page.getByRole('heading', { name: 'Why it matched' }).waitFor();
    const words = page.getByRole('table', { name: 'Words compared' });
    await words.waitFor();
    assert.ok((await words.locator('tbody tr').count()) >= 1);
    await shot(page, 'screening-02-hit', { fromTop: true });
    await page.getByRole('button', { name: 'False positive' }).click();
    await page.getByRole('alert').getByText(/reason/i).waitFor();
    await page.getByLabel(/Reason/).fill('Different company: registry extract shows another registration number');
    await page.getByRole('button', { name: 'False positive' }).click();
    await page.getByTestId('decisions').getByText('Cleared as false positive').waitFor();
    await page.getByText('Different company: registry extract shows another registration number').waitFor();
    await shot(page, 'screening-03-decided', { fromTop: true });
    await page.goto(`${server.baseUrl}/screening`);
    await page.getByTestId('hit-table').getByText('No hits.').waitFor();
  });

  it("the trader's profile shows the Screening panel in the Risk section", async () => {
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    const panel = page.getByTestId('trader-screening');
    await panel.waitFor();
    await panel.getByText('False positive').waitFor();
    assert.ok(((await panel.textContent()) ?? '').includes('Last screened'));
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'screening-04-profile');
  });

  it('a junior support agent has no screening', async () => {
    await useSession(juniorCookie);
    await page.goto(`${server.baseUrl}/screening`);
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByTestId('hit-table').count(), 0);
    assertNoCspViolationsOrPageErrors(log);
  });
});
