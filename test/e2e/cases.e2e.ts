// Browser test of alert triage and a case, in Debian's Chromium against the real server under its strict CSP:
//   1. a structuring alert (raised through the AlertSink, as the rules do) is in the Monitoring queue with its
//      severity and explanation;
//   2. the alert page shows the events behind it, the counterparty masked for a compliance officer; she
//      escalates the alert to a new case and lands on the case page;
//   3. on the case page she moves the case to investigating and adds a note; the timeline shows both; she asks for
//      a decision and is offered no closing (four eyes);
//   4. a senior support agent has no alerts and no cases: both section pages show the refusal.
//
//   node scripts/run-tests.mjs --e2e test/e2e/cases.e2e.ts
//
// Screenshots land in test-results/e2e/cases-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-cases';
const ADDRESS = 'bc1qe2ecounterpartyaddress000000000000wxyz';

describe('cases: a compliance officer triages an alert into a case', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officerCookie: string;
  let supportCookie: string;

  const useSession = async (cookie: string) => {
    await page.context().clearCookies();
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  };

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const c = server.app.container;
    const traderId = await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(1), kind: 'individual', persons: [], wallets: [], accountRef: 'ACC-E2E-CASE-1' });
    const now = Date.now();
    await c.audited(systemContext('e2e:ingest'), { action: 'monitoring.events_ingest', target: { type: 'event_batch' } }, async (tx) => {
      const key = await c.vault.subjectKey(tx, traderId, { create: true });
      for (const [i, usd] of [9500, 9700, 9900].entries()) {
        const id = `e2e-ev-${i}`;
        await tx
          .insertInto('monitoring_event')
          .values({
            event_id: id,
            trader_id: traderId,
            type: 'deposit',
            occurred_at: new Date(now - (3 - i) * 3_600_000),
            received_at: new Date(now - (3 - i) * 3_600_000),
            asset: 'USDT',
            amount: String(usd),
            amount_usd: usd,
            country: 'DE',
            counterparty_bidx: null,
            detail: null,
            source_seq: null,
            payload_ct: c.vault.encryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: id }, JSON.stringify({ address: ADDRESS, chain: 'ETH' })),
          })
          .execute();
      }
      await c.alerts.raiseIn(tx, [
        {
          ruleId: 'structuring',
          ruleVersion: 1,
          ruleName: 'Structuring below 10,000 USD',
          severity: 'high',
          traderId,
          explanation: '3 deposits between 9,000 and 10,000 USD within 24 h (total 29,100 USD)',
          facts: { count: 3, totalUsd: 29100 },
          eventIds: ['e2e-ev-0', 'e2e-ev-1', 'e2e-ev-2'],
          eventAt: now,
          detectedAt: now,
          dedupKey: `structuring:${traderId}:e2e`,
        },
      ]);
    });
    const officer = await createMember(server.app, systemClock, { email: 'olga.officer@example.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    officerCookie = (await signInAs(server.app, officer, systemClock, UA, '127.0.0.1')).cookie;
    const support = await createMember(server.app, systemClock, { email: 'sam.senior@example.test', roles: ['support_senior'], displayName: 'Sam Senior' });
    supportCookie = (await signInAs(server.app, support, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('the Monitoring section is the alert queue: the alert with its severity and explanation', async () => {
    await useSession(officerCookie);
    await page.goto(`${server.baseUrl}/monitoring`);
    await page.getByRole('heading', { name: 'Monitoring alerts', level: 1 }).waitFor();
    const rows = page.getByTestId('alerts').locator('tbody tr[data-alert]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    const text = (await rows.first().textContent()) ?? '';
    assert.ok(text.includes('ACC-E2E-CASE-1') && text.includes('high') && text.includes('3 deposits between'), text);
    await shot(page, 'cases-01-alert-queue', { fromTop: true });
  });

  it('the alert page shows the events (counterparty masked); escalating opens a case', async () => {
    await page.getByTestId('alerts').locator('tbody tr[data-alert] a').first().click();
    await page.getByTestId('alert-explanation').getByText('3 deposits between').waitFor();
    const events = page.getByTestId('alert-events').locator('tbody tr');
    assert.equal(await events.count(), 3);
    const first = (await events.first().textContent()) ?? '';
    assert.ok(!first.includes(ADDRESS) && first.includes(ADDRESS.slice(-4)), first);
    await shot(page, 'cases-02-alert', { fromTop: true });
    await page.getByRole('button', { name: 'Escalate to a new case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /CASE-\d{4}-\d{6}/ }).waitFor();
    const links = (await page.getByTestId('case-links').textContent()) ?? '';
    assert.ok(links.includes('ACC-E2E-CASE-1') && links.includes('rule structuring'), links);
  });

  it('on the case page the status moves to investigating and a note is added; the timeline shows both; the asker of a decision cannot take it', async () => {
    await page.getByRole('combobox', { name: 'Move to' }).selectOption('investigating');
    await page.getByRole('button', { name: 'Change the status' }).click();
    await page.getByTestId('case-timeline').getByText('→ investigating').waitFor();
    await page.getByLabel('Note (stored encrypted)').fill('Asked the trader for the source of the three deposits');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await page.getByTestId('case-notes').getByText('Asked the trader for the source of the three deposits').waitFor();
    await page.getByTestId('case-timeline').getByText('Note added').waitFor();
    await shot(page, 'cases-03-case', { fromTop: true });
    // Asking for a decision: the asker is told another member takes it (four eyes) and is offered no closing.
    await page.getByRole('combobox', { name: 'Move to' }).selectOption('pending_decision');
    await page.getByRole('button', { name: 'Change the status' }).click();
    await page.getByTestId('four-eyes-note').waitFor();
    const options = await page.getByRole('combobox', { name: 'Move to' }).locator('option').allTextContents();
    assert.ok(!options.some((o) => o.startsWith('closed')), options.join());
    await page.goto(`${server.baseUrl}/cases`);
    await page.getByTestId('cases').locator('tbody tr[data-case]').first().waitFor();
    assert.ok(((await page.getByTestId('cases').textContent()) ?? '').includes('pending decision'));
  });

  it('a senior support agent sees neither alerts nor cases', async () => {
    await useSession(supportCookie);
    await page.goto(`${server.baseUrl}/monitoring`);
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByTestId('alerts').count(), 0);
    await page.goto(`${server.baseUrl}/cases`);
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByTestId('cases').count(), 0);
    assertNoCspViolationsOrPageErrors(log);
  });
});
