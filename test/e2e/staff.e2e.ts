// Browser test of staff accounts in Debian's Chromium, against the real server under its strict CSP: an
// administrator invites a member from the Staff page (the one-time link is shown once), the invitee accepts it
// (QR code, password, TOTP) from the link with its token in the fragment, signs in, sees their sessions; the
// administrator disables them; the alerts and outbox pages render. Members sign in through the API (the sign-in
// screens have their own browser tests) and the browser takes over the session cookie.
//
//   node scripts/run-tests.mjs test/e2e/staff.e2e.ts
//
// Screenshots land in test-results/e2e/staff-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/server/platform/clock.js';
import { createMember, signInAs, type TestMember } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot as screenshot, timeStep, totpFor, waitForStepAfter, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-staff';
const PASSWORD = 'violet harbour lanterns drift at nine';

function shot(page: Page, name: string, opts: { viewport?: boolean } = {}): Promise<void> {
  return screenshot(page, name, { ...opts, fromTop: true });
}

describe('staff accounts in the UI: invite, accept, sessions, disable', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let ada: TestMember;
  let link = '';
  let nina: { email: string; password: string; secret: string } = { email: 'nina.new@example.test', password: PASSWORD, secret: '' };
  let acceptStep = 0;

  async function as(m: { email: string; password: string; secret: string }, path: string): Promise<void> {
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
    ada = await createMember(server.app, systemClock, { email: 'ada.admin@example.test', roles: ['admin'], displayName: 'Ada Admin' });
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  it('lists members and invites one; the link is shown once', async () => {
    await as(ada, '/staff');
    await page.getByTestId('staff-table').waitFor();
    assert.match((await page.getByTestId(`member-${ada.id}`).textContent()) ?? '', /ada\.admin@example\.test/);
    await page.getByLabel('E-mail').fill(nina.email);
    await page.getByLabel('Display name').fill('Nina New');
    await page.getByLabel(/Support \(junior\)/).check();
    await shot(page, 'staff-01-members-invite');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByTestId('invite-issued').waitFor();
    const shown = ((await page.getByTestId('invite-link').textContent()) ?? '').trim();
    assert.match(shown, /\/invite#token=[A-Za-z0-9_-]{43}$/);
    // The test server listens on a random port its PUBLIC_URL does not know: keep the path and fragment.
    link = `${server.baseUrl}/invite${new URL(shown).hash}`;
    await shot(page, 'staff-02-invite-link');
    await page.getByRole('button', { name: /hide the link/ }).click();
    assert.equal(await page.getByTestId('invite-link').count(), 0, 'the link is gone once dismissed');
    await page.getByRole('link', { name: 'Invitations', exact: true }).click();
    await page.getByTestId('invitations-table').getByText(nina.email).waitFor();
    assert.ok(!((await page.content()).includes(link.split('#token=')[1]!)), 'the invitations list never shows the link');
  });

  it('the invitee accepts: the token leaves the address bar, a wrong code is refused, then the account exists', async () => {
    await page.context().clearCookies();
    await page.goto(link);
    const secretEl = page.getByTestId('totp-secret');
    await secretEl.waitFor();
    assert.ok(!page.url().includes('#'), `fragment still in the address bar: ${page.url()}`);
    assert.equal(await page.getByTestId('invite-email').textContent(), nina.email);
    nina = { ...nina, secret: ((await secretEl.textContent()) ?? '').replace(/\s+/g, '') };
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('qwerty123456');
    await page.getByLabel('Confirm password').fill('qwerty123456');
    await page.getByLabel('6-digit code').fill(totpFor(nina.secret).generate({ timestamp: Date.now() - 3_600_000 }));
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('alert').getByText(/commonly used|not valid/).waitFor();
    await shot(page, 'staff-03-accept-refused');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    acceptStep = timeStep();
    await page.getByLabel('6-digit code').fill(totpFor(nina.secret).generate());
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: 'Your account is ready' }).waitFor();
    await shot(page, 'staff-04-accepted');
    // The spent link now says so (a full load: same-path hash changes do not reload the page).
    await page.goto('about:blank');
    await page.goto(link);
    await page.getByTestId('link-invalid').waitFor();
  });

  it('the new member signs in and sees their sessions', async () => {
    await waitForStepAfter(acceptStep);
    await as(nina, '/sessions');
    const table = page.getByTestId('my-sessions');
    await table.waitFor();
    await table.getByText('this session').waitFor();
    assert.match((await table.textContent()) ?? '', /private network/);
    await shot(page, 'staff-05-my-sessions');
  });

  it('the administrator disables the member with a reason', async () => {
    await as(ada, '/staff');
    const row = page.locator('tr', { hasText: nina.email });
    await row.getByRole('button', { name: 'Disable' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('left the company today');
    await shot(page, 'staff-06-disable-dialog', { viewport: true });
    await dialog.getByRole('button', { name: 'Disable account' }).click();
    await page.getByRole('status').getByText(/account disabled/).waitFor();
    assert.equal((await row.getByTestId('member-status').textContent())?.trim(), 'disabled');
    await shot(page, 'staff-07-disabled');
  });

  it('shows the security alerts and the development outbox', async () => {
    await page.getByRole('link', { name: 'Security alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'Security alerts' }).waitFor();
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    const box = page.getByTestId('outbox');
    await box.waitFor();
    assert.match((await box.textContent()) ?? '', /Your invitation to Bulwark/);
    await shot(page, 'staff-08-outbox');
    assertNoCspViolationsOrPageErrors(log);
  });
});
