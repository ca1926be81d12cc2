// Browser test of a withdrawal-limit increase, in Debian's Chromium against the real server under its strict CSP:
//   1. a senior support agent opens a trader's profile: the Withdrawal limits panel shows the exchange's current
//      limits; she requests a higher BTC limit with a reason (no "decrease now" form for support);
//   2. a compliance senior signs in (enrolling a security key, as her role requires), opens Withdrawal limits: the
//      request waits with trader, asset, current → requested, source, reason, who asked and its age;
//   3. six minutes later she approves it: the server asks for a fresh second factor, the step-up dialog confirms
//      with the security key, the request is retried and applied; the page shows it applied and the profile shows
//      the new limit, read back from the exchange simulator.
//
//   npm run build:web && node scripts/run-tests.mjs --e2e test/e2e/withdrawal-limits.e2e.ts
//
// Screenshots land in test-results/e2e/withdrawal-limits-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { createSimulator, type Simulator } from '../../src/server/modules/exchange/simulator.js';
import type { Clock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, signInThroughForm, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-withdrawal-limits';
const REF = 'ACC-E2E-WL-1';
const REASON = 'Trader sold a flat; notary deed in ticket 5120';

/** Real time plus an offset the test moves forward (the server's clock). */
class OffsetClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

describe('withdrawal limits: a support agent requests, a compliance senior approves with step-up', () => {
  const clock = new OffsetClock();
  let server: Server;
  let sim: Simulator;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let traderId: string;
  let agentCookie: string;
  let senior: TestMember;

  before(async () => {
    prepareRun();
    server = await startTestServer({ clock, env: { EXCHANGE_RETRY_DELAY_MS: '1' } });
    const c = server.app.container;
    sim = createSimulator({ keyId: 'bulwark-e2e', secret: 'e2e-exchange-secret-0123456789abcdefghijkl' });
    await sim.listen(0);
    await c.exchange.setConnection(systemContext('e2e'), { baseUrl: sim.url(), keyId: 'bulwark-e2e', secret: 'e2e-exchange-secret-0123456789abcdefghijkl' }, 'e2e-setup', { requireReason: false });
    traderId = await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(3), accountRef: REF });
    const agent = await createMember(server.app, clock, { email: 'sara.senior@example.test', roles: ['support_senior'], displayName: 'Sara Support' });
    agentCookie = (await signInAs(server.app, agent, clock, UA, '127.0.0.1')).cookie;
    senior = await createMember(server.app, clock, { email: 'cora.compliance@example.test', roles: ['compliance_senior'], displayName: 'Cora Compliance' });
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => {
    await sim?.close();
    await closeAll(page, server);
  });

  it("a senior support agent requests a higher limit on the trader's profile", async () => {
    const [name, value] = agentCookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    const panel = page.getByTestId('trader-withdrawal-limits');
    await panel.waitFor();
    await panel.getByTestId('current-limits').locator('dd[data-asset="BTC"]').getByText('2 / day').waitFor();
    assert.equal(await panel.getByTestId('withdrawal-limit-decrease-form').count(), 0, 'support cannot decrease');
    const form = panel.getByTestId('withdrawal-limit-request-form');
    await form.getByLabel('Asset').selectOption('BTC');
    await form.getByLabel('New daily limit').fill('5');
    await form.getByLabel('Reason').fill(REASON);
    await form.getByRole('button', { name: 'Request increase' }).click();
    await panel.getByTestId('withdrawal-limit-request-done').getByText('BTC 2 → 5').waitFor();
    await panel.locator('tr[data-status="pending"]').first().waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'withdrawal-limits-01-requested');
  });

  it('a compliance senior sees the pending request with its reason, source and age', async () => {
    await page.context().clearCookies();
    await page.goto(`${server.baseUrl}/login`);
    await signInThroughForm(page, senior, senior.secret);
    await page.goto(`${server.baseUrl}/withdrawal-limits`);
    await page.getByRole('heading', { name: 'Withdrawal limits', level: 1 }).waitFor();
    const row = page.getByRole('region', { name: 'Waiting for a decision' }).locator('tr[data-status="pending"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    for (const want of [REF, 'BTC', '2 → 5', 'Staff', REASON, 'Sara Support', 'min']) assert.ok(text.includes(want), `${want} in ${text}`);
    await shot(page, 'withdrawal-limits-02-pending', { fromTop: true });
  });

  it('approving six minutes later asks for the security key, then applies the limit at the exchange', async () => {
    clock.advance(6 * 60_000);
    const row = page.getByRole('region', { name: 'Waiting for a decision' }).locator('tr[data-status="pending"]');
    await row.getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve this increase?' });
    await dialog.getByLabel('Your reason').fill('Deed checked against the ticket; source of funds fine');
    await dialog.getByRole('button', { name: 'Approve and apply' }).click();
    const stepUp = page.getByTestId('step-up-dialog');
    await stepUp.waitFor();
    await shot(page, 'withdrawal-limits-03-step-up', { viewport: true });
    await stepUp.getByRole('button', { name: 'Confirm with security key' }).click();
    const result = page.getByTestId('withdrawal-limit-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-status'), 'applied');
    await page.getByRole('button', { name: 'Close' }).click();
    const all = page.getByRole('region', { name: 'All requests (newest first)' });
    await all.locator('tr[data-status="applied"]').getByText('Applied').waitFor();
    await all.locator('tr[data-status="applied"]').getByText('by Cora Compliance').waitFor();
    await page.getByRole('region', { name: 'Waiting for a decision' }).getByText('No requests.').waitFor();
    await shot(page, 'withdrawal-limits-04-applied', { fromTop: true });

    // The profile reads the new limit back from the exchange.
    await page.goto(`${server.baseUrl}/traders/${traderId}`);
    await page.getByTestId('current-limits').locator('dd[data-asset="BTC"]').getByText('5 / day').waitFor();
    assert.equal(sim.hits.get('setWithdrawalLimit'), 1);
    assertNoCspViolationsOrPageErrors(log);
  });
});
