// Browser test of the roles pages and the approvals inbox, in Debian's Chromium, against the real server under
// its strict CSP. Members sign in through the API (the sign-in screens have their own browser tests) and the
// browser takes over their session cookie, with the same user agent and address the session is bound to.
//
//   node scripts/run-tests.mjs test/e2e/roles.e2e.ts
//
// Screenshots land in test-results/e2e/roles-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/server/platform/clock.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot as screenshot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-roles';

function shot(page: Page, name: string, opts: { viewport?: boolean } = {}): Promise<void> {
  return screenshot(page, name, { ...opts, fromTop: true });
}

/** Console errors other than the refusals this test provokes on purpose (403 for the junior). */
function unexpectedConsoleErrors(log: PageLog): string[] {
  return log.consoleErrors.filter((t) => !/^Failed to load resource: the server responded with a status of (401|403) /.test(t));
}

describe('roles, role preview and approvals in the staff UI', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let ann: TestMember;
  let sol: TestMember;
  let jo: TestMember;
  let approvalId: string;

  /** Puts the member's (API-made) session into the browser and opens a path. */
  async function as(m: TestMember, path: string): Promise<void> {
    const s = await signInAs(server.app, m, systemClock, UA, '127.0.0.1');
    const [name, value] = s.cookie.split('=') as [string, string];
    await page.context().clearCookies();
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}${path}`);
    await page.getByTestId('signed-in-name').waitFor();
  }

  before(async () => {
    prepareRun();
    server = await startTestServer();
    ann = await createMember(server.app, systemClock, { email: 'ann.admin@example.test', roles: ['admin'], displayName: 'Ann Admin' });
    sol = await createMember(server.app, systemClock, { email: 'sol.security@example.test', roles: ['security_officer'], displayName: 'Sol Security' });
    jo = await createMember(server.app, systemClock, { email: 'jo.junior@example.test', roles: ['support_junior'], displayName: 'Jo Junior' });
    // Ann asks for Jo to become an administrator: a privileged grant, so it waits for a second member.
    const s = await signInAs(server.app, ann, systemClock, UA, '127.0.0.1');
    const res = await server.app.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/${jo.id}/roles`,
      headers: s.headers,
      payload: { roles: ['support_junior', 'admin'], reason: 'Jo takes over the EMEA administration' },
    });
    assert.equal(res.statusCode, 202, res.body);
    approvalId = res.json().pending.approvalId;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('shows the approvals inbox with what the request does, who asked and why; the checker approves with a reason', async () => {
    await as(sol, '/staff/approvals');
    const row = page.locator(`[data-approval="${approvalId}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('approval-summary').textContent(), 'Grant admin to Jo Junior');
    assert.match((await row.textContent()) ?? '', /Ann Admin/);
    assert.match((await row.textContent()) ?? '', /Jo takes over the EMEA administration/);
    await shot(page, 'roles-01-approvals-inbox');
    await row.getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByText('Give a reason').waitFor();
    await dialog.getByLabel('Your reason').fill('Confirmed with the CISO on the phone');
    await shot(page, 'roles-02-approve-dialog', { viewport: true });
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('decision-result').waitFor();
    assert.equal(await page.getByTestId('decision-result').getAttribute('data-status'), 'executed');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('approvals-empty').waitFor();
    const roles = (await server.app.container.db.system.selectFrom('staff').select('roles').where('id', '=', jo.id).executeTakeFirstOrThrow()).roles;
    assert.deepEqual(roles, ['support_junior', 'admin']);
  });

  it('the maker sees their own request but cannot decide it', async () => {
    const s = await signInAs(server.app, ann, systemClock, UA, '127.0.0.1');
    const res = await server.app.app.inject({ method: 'PUT', url: `/api/v1/staff/${sol.id}/roles`, headers: s.headers, payload: { roles: ['security_officer', 'compliance_senior'], reason: 'covering compliance next week' } });
    assert.equal(res.statusCode, 202, res.body);
    await as(ann, '/staff/approvals');
    const row = page.locator(`[data-approval="${res.json().pending.approvalId}"]`);
    await row.getByText('another member decides').waitFor();
    assert.equal(await row.getByRole('button', { name: 'Approve…' }).count(), 0);
  });

  it('draws the permission matrix and field grid from the registry; an administrator edits and saves with a reason', async () => {
    await page.goto(`${server.baseUrl}/staff/roles`);
    const matrix = page.getByTestId('permission-matrix');
    await matrix.waitFor();
    // One row per registered permission, one column per role.
    const registry = (await server.app.container.roles.list({ actorType: 'system', actorId: null, actorName: 'test', ip: null, sessionIdHash: null, requestId: null })).permissions;
    assert.equal(await matrix.locator('tr[data-permission]').count(), registry.length);
    const box = page.getByRole('checkbox', { name: 'auditor: keys.read', exact: true });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await page.getByRole('combobox', { name: 'support_senior: financial' }).selectOption('hidden');
    await page.getByTestId('save-bar').waitFor();
    await shot(page, 'roles-03-matrix-edited');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('grant keys.read').waitFor();
    await dialog.getByText('financial: masked → hidden').waitFor();
    await dialog.getByLabel('Reason').fill('Quarterly key review by the auditors');
    await shot(page, 'roles-04-save-dialog', { viewport: true });
    await dialog.getByRole('button', { name: 'Save' }).click();
    const results = page.getByTestId('save-results');
    await results.waitFor();
    assert.equal(await results.locator('[data-role="auditor"]').getAttribute('data-outcome'), 'applied');
    assert.equal(await results.locator('[data-role="support_senior"]').getAttribute('data-outcome'), 'applied');
    assert.ok((await server.app.container.roles.permissionsFor(['auditor'])).has('keys.read'));
    await page.getByRole('checkbox', { name: 'auditor: keys.read', exact: true }).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'auditor: keys.read', exact: true }).isChecked(), true);
  });

  it('a change to a privileged role goes to a second member, and the page says so', async () => {
    await page.getByRole('combobox', { name: 'admin: contact' }).selectOption('full');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('privileged: a second member must approve').waitFor();
    await dialog.getByLabel('Reason').fill('Administrators handle escalations');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const results = page.getByTestId('save-results');
    await results.locator('[data-role="admin"][data-outcome="pending"]').waitFor();
    await shot(page, 'roles-05-privileged-pending');
    assert.equal((await page.getByRole('combobox', { name: 'admin: contact' }).inputValue()), 'masked', 'unchanged until approved');
  });

  it('the preview shows the sample trader as a role sees it: masked, hidden, and marketing’s audience view', async () => {
    await page.goto(`${server.baseUrl}/staff/roles/preview?role=support_junior`);
    const preview = page.getByTestId('role-preview');
    await preview.waitFor();
    assert.equal(await preview.getAttribute('data-role'), 'support_junior');
    assert.equal(await page.getByTestId('value-email').textContent(), 'j***@e***.test');
    assert.equal(await page.getByTestId('value-phone').textContent(), '***78');
    assert.equal(await page.getByTestId('value-legalName').textContent(), 'not shown');
    assert.equal(await page.getByTestId('value-apiSecret').textContent(), 'not shown');
    await shot(page, 'roles-06-preview-junior');
    await page.getByTestId('preview-role').selectOption('marketing');
    await page.locator('[data-testid="role-preview"][data-role="marketing"]').waitFor();
    assert.equal(await page.getByTestId('role-preview').getAttribute('data-view'), 'audience');
    assert.equal(await page.getByTestId('value-email').textContent(), 'joana.silva@example.test');
    assert.equal(await page.getByTestId('value-bankAccount').textContent(), 'not shown');
    await page.getByTestId('preview-role').selectOption('compliance_senior');
    await page.locator('[data-testid="role-preview"][data-role="compliance_senior"]').waitFor();
    assert.equal(await page.getByTestId('value-bankAccount').textContent(), 'PT50000201231234567890154');
    assert.equal(await page.getByTestId('value-apiSecret').textContent(), 'not shown');
    await shot(page, 'roles-07-preview-compliance-senior');
  });

  it('a member without role.read gets the forbidden message inside the shell', async () => {
    const junior = await createMember(server.app, systemClock, { email: 'sam.support@example.test', roles: ['support_junior'], displayName: 'Sam Support' });
    await as(junior, '/staff/roles');
    await page.getByTestId('forbidden').waitFor();
    await shot(page, 'roles-08-forbidden');
  });

  it('never violated the Content-Security-Policy and threw no page errors', () => {
    assertNoCspViolationsOrPageErrors(log);
    assert.deepEqual(unexpectedConsoleErrors(log), [], 'console errors');
  });
});
