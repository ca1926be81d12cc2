// Browser test of a suspicious-activity report, in Debian's Chromium, against the real server under its strict CSP:
// a case with a structuring alert (three deposits) and a withdrawal exists; a compliance officer opens the case,
// drafts a SAR from its SAR panel, sees the prefilled subject, transactions and activity summary, writes the reason
// and the narrative, saves and marks it ready; a compliance senior finds it in the deadline list, downloads the PDF
// and files it with the FIU's reference. A member who reads cases but not SARs opens the same case: no SAR panel, and
// the page never asks the server about SARs (tipping-off).
//
//   node scripts/run-tests.mjs --e2e test/e2e/sar.e2e.ts
//
// Screenshots land in test-results/e2e/sar-*.png.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { syntheticTrader } from '../../src/server/modules/demo/synthetic.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { findAudited } from '../helpers/audit.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-sar';
const WALLET_OUT = 'bc1qe2esardestination000000000000000000000';

describe('sar: a case becomes a filed suspicious-activity report', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officer: TestMember;
  let senior: TestMember;
  let reader: TestMember;
  let caseId: string;
  let sarId: string;

  const cookies = new Map<string, string>();
  async function useSession(m: TestMember): Promise<void> {
    const [name, value] = cookies.get(m.id)!.split('=') as [string, string];
    await page.context().clearCookies();
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  }

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const c = server.app.container;
    officer = await createMember(server.app, systemClock, { email: 'olga.officer@example.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    senior = await createMember(server.app, systemClock, { email: 'sid.senior@example.test', roles: ['compliance_senior'], displayName: 'Sid Senior', key: true });
    // A custom role that reads cases, not SARs.
    const now = new Date();
    await c.db.system.insertInto('role').values({ name: 'case_reader', created_at: now, updated_at: now }).execute();
    for (const p of ['trader.read', 'case.read', 'monitoring.read']) await c.db.system.insertInto('role_permission').values({ role: 'case_reader', permission: p }).execute();
    reader = await createMember(server.app, systemClock, { email: 'rita.reader@example.test', roles: ['compliance_officer'], displayName: 'Rita Reader' });
    await c.db.system.updateTable('staff').set({ roles: ['case_reader'] }).where('id', '=', reader.id).execute();

    const traderId = await c.demo.createTrader(systemContext('e2e'), { ...syntheticTrader(1), kind: 'individual', persons: [], registrationNumber: null, accountRef: 'ACC-E2E-SAR', legalName: 'Stella Structurer', country: 'DE' });
    caseId = randomUUID();
    await c.audited(systemContext('e2e:seed'), { action: 'test.seed', target: { type: 'test' } }, async (tx) => {
      const v = c.vault;
      const key = await v.subjectKey(tx, traderId, { create: false });
      const base = Date.now() - 5 * 86_400_000;
      const ev = (id: string, type: 'deposit' | 'withdrawal', i: number, usd: number, address: string) =>
        tx
          .insertInto('monitoring_event')
          .values({
            event_id: id,
            trader_id: traderId,
            type,
            occurred_at: new Date(base + i * 600_000),
            received_at: new Date(base + i * 600_000 + 100),
            asset: 'USDT',
            amount: String(usd),
            amount_usd: usd,
            country: null,
            counterparty_bidx: null,
            detail: null,
            source_seq: null,
            payload_ct: v.encryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: id }, JSON.stringify({ address, chain: 'tron' })),
          })
          .execute();
      for (let i = 0; i < 3; i++) await ev(`e2e-dep-${i}`, 'deposit', i, 9_800 + i, `TXe2esarsource00000000000000000000${i}`);
      await ev('e2e-wd', 'withdrawal', 5, 29_000, WALLET_OUT);
      const alertId = randomUUID();
      await tx
        .insertInto('monitoring_alert')
        .values({
          id: alertId,
          trader_id: traderId,
          rule_id: 'structuring-10k',
          rule_version: 1,
          severity: 'high',
          status: 'escalated',
          dedup_key: `e2e:${traderId}`,
          explanation_ct: v.encryptForSubject(key, { table: 'monitoring_alert', column: 'explanation_ct', rowId: alertId }, JSON.stringify({ explanation: '3 deposits just under 10,000 USD', facts: {} })),
          event_ids: ['e2e-dep-0', 'e2e-dep-1', 'e2e-dep-2'],
          event_at: new Date(base + 1_200_000),
          detected_at: new Date(base + 1_300_000),
          case_id: caseId,
          closed_by: null,
          closed_at: null,
          close_reason_ct: null,
        } as never)
        .execute();
      await tx
        .insertInto('aml_case')
        .values({
          id: caseId,
          reference: 'CASE-2026-009001',
          status: 'investigating',
          priority: 'high',
          queue: 'aml',
          assignee_id: null,
          subject_trader_id: traderId,
          title_ct: v.encryptForSubject(key, { table: 'aml_case', column: 'title_ct', rowId: caseId }, 'Structuring into USDT'),
          opened_by: null,
          opened_at: new Date(base + 2_000_000),
          due_at: null,
          closed_at: null,
        } as never)
        .execute();
      for (const [kind, ref] of [['trader', traderId], ['alert', alertId], ['event', 'e2e-wd']] as const) {
        await tx.insertInto('aml_case_link').values({ case_id: caseId, kind, ref, added_by: null, added_at: new Date() }).execute();
      }
    });
    for (const m of [officer, senior, reader]) cookies.set(m.id, (await signInAs(server.app, m, systemClock, UA, '127.0.0.1')).cookie);
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('the officer drafts a SAR from the case page; subject, transactions and summary are prefilled', async () => {
    await useSession(officer);
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    const panel = page.getByTestId('case-sar-panel');
    await panel.getByText('No report for this case.').waitFor();
    await panel.getByRole('button', { name: 'Draft SAR' }).click();
    await page.waitForURL(/\/sars\/[0-9a-f-]{36}$/);
    sarId = page.url().split('/').at(-1)!;
    await page.getByTestId('sar-subject').getByText('Stella Structurer').waitFor();
    assert.equal(await page.getByTestId('sar-transactions').locator('tbody tr').count(), 4);
    await page.getByTestId('sar-transactions').getByText(WALLET_OUT).waitFor();
    assert.match((await page.getByTestId('sar-activity').textContent()) ?? '', /4 event\(s\).*In: 29403 USDT in 3 transaction\(s\)/);
    assert.match((await page.getByTestId('sar-deadline').textContent()) ?? '', /2[45] day\(s\) left/);
    await shot(page, 'sar-01-draft', { fromTop: true });
  });

  it('writes the reason and the narrative, saves, and marks the report ready', async () => {
    await page.getByLabel('Reason for suspicion').fill('Three deposits just under the reporting threshold, then one withdrawal of the total.');
    await page.getByLabel('Narrative').fill('Between the first and the last deposit, 20 minutes passed. The funds left to an unknown wallet the same day.');
    await page.getByLabel('Action taken').fill('Account under enhanced monitoring');
    await page.getByRole('button', { name: 'Save' }).click();
    // Saved once the form is clean again (the ready button is disabled while there are unsaved changes).
    await page.waitForSelector('button:has-text("Mark ready for review"):not([disabled])');
    await page.getByRole('button', { name: 'Mark ready for review' }).click();
    await page.getByText('Ready for review').first().waitFor();
    const audited = await findAudited(server.app, { action: 'sar.update', outcome: 'ok', actorId: officer.id, targetId: sarId });
    assert.equal(audited.length, 1);
    assert.deepEqual(audited[0]!.fields.sort(), ['sar.action', 'sar.indicators', 'sar.narrative', 'sar.reason']);
  });

  it('a senior finds it in the deadline list, downloads the PDF and files it with the FIU reference', async () => {
    await useSession(senior);
    await page.goto(`${server.baseUrl}/sars`);
    const row = page.locator(`[data-sar="${sarId}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Ready for review/);
    await shot(page, 'sar-02-list', { fromTop: true });
    await row.getByRole('link').first().click();
    await page.getByLabel('FIU reference').waitFor();
    const pdf = await page.request.get(`${server.baseUrl}/api/v1/sars/${sarId}/pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['cache-control'], 'no-store');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await page.getByLabel('FIU reference').fill('FIU-2026-77881');
    await page.getByRole('button', { name: 'Record as filed' }).click();
    await page.getByText('FIU-2026-77881').first().waitFor();
    assert.equal(await page.getByLabel('Reason for suspicion').getAttribute('readonly'), '');
    await shot(page, 'sar-03-filed', { fromTop: true });
    assert.equal((await findAudited(server.app, { action: 'sar.file', outcome: 'ok', actorId: senior.id, targetId: sarId })).length, 1);
  });

  it('a member who reads cases but not SARs sees the case without a SAR panel, and no SAR request is made', async () => {
    await useSession(reader);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (/\/sars(\/|\?|$)/.test(new URL(r.url()).pathname)) asked.push(r.url());
    });
    await page.goto(`${server.baseUrl}/cases/${caseId}`);
    await page.getByTestId('case-links').waitFor();
    // Its timeline holds only the SAR steps, which are not shown to it: the list is there, and empty.
    await page.getByTestId('case-timeline').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('case-timeline').locator('li').count(), 0);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('case-sar-panel').count(), 0);
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /SAR-\d{4}|suspicious-activity/i);
    assert.deepEqual(asked, []);
    await shot(page, 'sar-04-case-reader', { fromTop: true });
  });

  it('no CSP violation and no uncaught error in the page', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
