// Browser test of the monitoring rules, in Debian's Chromium against the real server under its strict CSP:
//   1. a compliance officer sees the rule list (the default set, active) but no "New rule" and no editor;
//   2. a compliance senior writes a rule: Validate shows the problems by path, a fixed rule validates, the unsaved
//      rule is backtested, "Save draft" stores version 1 as a draft;
//   3. she requests its activation with a reason: the page says a second member must approve it in Approvals.
//
//   node scripts/run-tests.mjs --e2e test/e2e/monitoring-rules.e2e.ts
//
// Screenshots land in test-results/e2e/rules-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/server/platform/clock.js';
import { createMember, signInAs } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-rules';
const RULE = `id: e2e-burst
name: Burst of deposits
severity: high
explanation: "{count} deposits within {window}"
appliesTo: [deposit]
condition:
  type: velocity
  window: 1h
  minCount: 5
`;

describe('monitoring rules: list, editor, backtest, activation request', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officerCookie: string;
  let seniorCookie: string;

  const useSession = async (cookie: string) => {
    await page.context().clearCookies();
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  };

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const officer = await createMember(server.app, systemClock, { email: 'oscar.officer@example.test', roles: ['compliance_officer'], displayName: 'Oscar Officer' });
    officerCookie = (await signInAs(server.app, officer, systemClock, UA, '127.0.0.1')).cookie;
    const senior = await createMember(server.app, systemClock, { email: 'selma.senior@example.test', roles: ['compliance_senior'], displayName: 'Selma Senior' });
    seniorCookie = (await signInAs(server.app, senior, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('a compliance officer reads the rules but cannot write them', async () => {
    await useSession(officerCookie);
    await page.goto(`${server.baseUrl}/monitoring/rules`);
    await page.getByRole('heading', { name: 'Monitoring rules', level: 1 }).waitFor();
    const rows = page.getByTestId('rules-table').locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 9);
    assert.equal(await page.getByRole('link', { name: 'New rule' }).count(), 0);
    await page.getByRole('link', { name: 'Structuring below 10,000 USD' }).click();
    await page.getByTestId('rule-version-source').getByText('thresholdUsd: 10000').waitFor();
    assert.equal(await page.getByTestId('rule-source').count(), 0, 'no editor without monitoring.rules.manage');
    await shot(page, 'rules-01-officer', { fromTop: true });
  });

  it('a senior writes a rule: errors by path, validation, an unsaved backtest, a draft', async () => {
    await useSession(seniorCookie);
    await page.goto(`${server.baseUrl}/monitoring/rules`);
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByRole('heading', { name: 'New rule', level: 1 }).waitFor();
    await page.getByTestId('rule-source').fill(RULE.replace('1h', 'one hour'));
    await page.getByTestId('rule-validate').click();
    await page.getByTestId('rule-errors').getByText('condition.window').waitFor();
    await shot(page, 'rules-02-errors', { fromTop: true });
    await page.getByTestId('rule-source').fill(RULE);
    await page.getByTestId('rule-validate').click();
    await page.getByTestId('rule-valid').waitFor();
    await page.getByTestId('backtest-run').click();
    await page.getByTestId('backtest-alerts').waitFor();
    assert.equal(await page.getByTestId('backtest-alerts').textContent(), '0');
    await page.getByTestId('rule-save').click();
    await page.getByRole('heading', { name: 'Burst of deposits', level: 1 }).waitFor();
    await page.getByTestId('rule-versions').getByText('draft').waitFor();
    await shot(page, 'rules-03-draft', { fromTop: true });
  });

  it('requesting activation says a second member must approve it', async () => {
    await page.getByTestId('rule-request-activation').click();
    const dialog = page.getByRole('dialog', { name: /Activate version 1/ });
    await dialog.getByLabel(/Reason/).fill('Bursts of small deposits seen in the last quarter');
    await dialog.getByRole('button', { name: 'Request activation' }).click();
    await page.getByTestId('rule-pending').waitFor();
    assert.match((await page.getByTestId('rule-pending').textContent()) ?? '', /second member/);
    await page.getByTestId('rule-versions').getByText('waiting for approval').waitFor();
    await shot(page, 'rules-04-pending', { fromTop: true });
    assertNoCspViolationsOrPageErrors(log);
  });
});
