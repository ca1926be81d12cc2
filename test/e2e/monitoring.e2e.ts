// The browser test, end to end in Debian's Chromium against the real server under its strict CSP:
//   1. the exchange simulator's structuring scenario (a login, then eight deposits just under 10,000 USD within a
//      day) arrives through the signed event webhook;
//   2. the installed rules evaluate it in the storing transaction: the structuring rule raises one alert;
//   3. a compliance officer finds it in the Monitoring queue, opens it (the deposits behind it listed) and
//      escalates it to a new case;
//   4. on the case page she drafts a suspicious-activity report: the SAR editor shows the trader and the eight
//      deposits, prefilled from the case.
//
//   node scripts/run-tests.mjs --e2e test/e2e/monitoring.e2e.ts
//
// Screenshots land in test-results/e2e/monitoring-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { emitWebhook, scenarioEvents } from '../../src/server/modules/exchange/simulator-events.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-monitoring';
const SECRET = randomBytes(32).toString('hex');
const ACCOUNT = 'ACC-E2E-STRUCTURING';

describe('monitoring: a simulated structuring pattern becomes an alert, a case and a SAR draft', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };

  before(async () => {
    prepareRun();
    server = await startTestServer({ env: { EXCHANGE_WEBHOOK_SECRET: SECRET } });
    const c = server.app.container;
    await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(7), kind: 'individual', persons: [], registrationNumber: null, accountRef: ACCOUNT, legalName: 'Stan Structurer', country: 'DE' });
    const officer = await createMember(server.app, systemClock, { email: 'olga.officer@example.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    const { cookie } = await signInAs(server.app, officer, systemClock, UA, '127.0.0.1');
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  });
  after(async () => closeAll(page, server));

  it('the simulator sends the structuring scenario through the signed webhook; every event is stored', async () => {
    const events = scenarioEvents('structuring', ACCOUNT);
    assert.equal(events.filter((e) => e.type === 'deposit').length, 8);
    const r = await emitWebhook(server.baseUrl, SECRET, events);
    assert.equal(r.stored, events.length, JSON.stringify(r.results.filter((x) => x.status !== 'stored')));
    assert.equal(r.rejected, 0);
  });

  it('the structuring rule raised one alert; the queue shows it and the alert page lists the deposits', async () => {
    await page.goto(`${server.baseUrl}/monitoring`);
    await page.getByRole('heading', { name: 'Monitoring alerts', level: 1 }).waitFor();
    const rows = page.getByTestId('alerts').locator('tbody tr[data-alert]');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    const structuring = texts.filter((t) => t.includes(ACCOUNT) && /structuring/i.test(t));
    assert.equal(structuring.length, 1, texts.join('\n'));
    await shot(page, 'monitoring-01-queue', { fromTop: true });
    await rows.filter({ hasText: /structuring/i }).first().locator('a').first().click();
    await page.getByTestId('alert-explanation').waitFor();
    const deposits = page.getByTestId('alert-events').locator('tbody tr');
    assert.ok((await deposits.count()) >= 3, 'the structuring alert names the deposits behind it');
    await shot(page, 'monitoring-02-alert', { fromTop: true });
  });

  it('escalated to a new case, the case drafts a SAR prefilled with the trader and the deposits', async () => {
    const behind = await page.getByTestId('alert-events').locator('tbody tr').count();
    await page.getByRole('button', { name: 'Escalate to a new case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /CASE-\d{4}-\d{6}/ }).waitFor();
    const panel = page.getByTestId('case-sar-panel');
    await panel.getByRole('button', { name: 'Draft SAR' }).click();
    await page.getByTestId('sar-subject').getByText('Stan Structurer').waitFor();
    assert.equal(await page.getByTestId('sar-transactions').locator('tbody tr').count(), behind);
    assert.match((await page.getByTestId('sar-deadline').textContent()) ?? '', /day\(s\) left/);
    await shot(page, 'monitoring-03-sar-draft', { fromTop: true });
    assertNoCspViolationsOrPageErrors(log);
  });
});
