// Browser test of the second factor, in Debian's Chromium with its virtual authenticator (CDP WebAuthn domain)
// as the security key, against the real server under its strict CSP:
//   the administrator (set up with TOTP) signs in in two steps and, the role requiring a hardware key, must add
//   a security key before anything else → renames it on the Security page → a change of sign-in methods and a
//   sensitive action, once the last factor is older than 5 minutes, ask for confirmation in a dialog and then
//   go through → signs out and in again with the key → the idle lock removes the page's data and only
//   password + key unlock it (a reload does not) → a stolen session cookie replayed from another address is
//   refused and ends the session.
//
//   node scripts/run-tests.mjs test/e2e/mfa.e2e.ts
//
// The server runs on a clock that follows real time plus an offset the test moves (time-based rules are tested
// by moving time, not by sleeping); the page has Playwright's controllable clock for the idle lock.
// Screenshots land in test-results/e2e/mfa-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Clock } from '../../src/server/platform/clock.js';
import { startTestServer } from '../helpers/server.js';
import { createMember } from '../helpers/staff.js';
import {
  admin,
  assertNoCspViolationsOrPageErrors,
  closeAll,
  ensureVirtualAuthenticator,
  openBrowser,
  prepareRun,
  shot as screenshot,
  totpFor,
  virtualCredentials,
  type PageLog,
  type Server,
} from './browser.js';

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

const MINUTE = 60_000;
const UA_NOTE = 'the session is bound to the browser that opened it';

function shot(page: Page, name: string, opts: { viewport?: boolean } = {}): Promise<void> {
  return screenshot(page, name, { ...opts, fromTop: true });
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('second factor in the browser: TOTP, security keys, step-up, idle lock', () => {
  const clock = new OffsetClock();
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let secret = '';
  let adminId = '';

  /** A TOTP code at the server's time. */
  const code = () => totpFor(secret).generate({ timestamp: clock.now().getTime() });

  before(async () => {
    prepareRun();
    server = await startTestServer({ clock });
    // The first administrator, through the API (bootstrap.e2e.ts covers that screen): password and TOTP.
    const token = new URL(server.bootstrapUrl).hash.slice('#token='.length);
    secret = String((await postJson(`${server.baseUrl}/api/v1/bootstrap/start`, { token })).totpSecret);
    const done = await postJson(`${server.baseUrl}/api/v1/bootstrap/complete`, { token, ...admin, totpCode: code() });
    adminId = String(done.staffId);
    // The enrolment code is spent: the sign-in needs the next time step (the server's clock moves, not the test).
    clock.advance(30_000);
    page = await openBrowser(log, { clock: true });
  });
  after(() => closeAll(page, server));

  it('signs in with password, then TOTP; the administrator role then requires a security key before anything else', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    // Step 1 alone is worth nothing: the API refuses the session everything but the challenge.
    const pending = await page.evaluate(async () => (await fetch('/api/v1/audit/events')).status);
    assert.equal(pending, 403);
    await shot(page, 'mfa-01-second-step');
    await page.getByLabel('6-digit code').fill(code());
    await page.getByRole('button', { name: 'Verify', exact: true }).click();

    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    assert.match((await page.locator('.auth-subtitle').textContent()) ?? '', /requires a security key/);
    assert.equal(await page.getByRole('button', { name: 'Set up authenticator app' }).count(), 0, 'TOTP is not offered to a hardware-key role');
    const enrolling = await page.evaluate(async () => (await fetch('/api/v1/audit/events')).status);
    assert.equal(enrolling, 403, 'a member without a sufficient factor can only enrol one');
    await shot(page, 'mfa-02-enrol-key');

    await ensureVirtualAuthenticator(page);
    await page.getByLabel('Key name').fill('Desk key');
    await page.getByRole('button', { name: 'Add security key' }).click();
    // The administrator already holds recovery codes (bootstrap): none are shown again; straight to the shell.
    await page.getByTestId('signed-in-name').waitFor();
    assert.equal((await virtualCredentials(page)).length, 1);
    const keys = await server.app.container.db.system.selectFrom('webauthn_credential').select(['name', 'staff_id']).execute();
    assert.deepEqual(keys, [{ name: 'Desk key', staff_id: adminId }]);
    await shot(page, 'mfa-03-signed-in');
  });

  it('lists the key on the Security page and renames it', async () => {
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    const row = page.getByTestId('security-key-row');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    await row.getByRole('button', { name: 'Rename' }).click();
    await row.getByLabel('New name for Desk key').fill('Blue YubiKey');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Blue YubiKey', { exact: true }).waitFor();
    await shot(page, 'mfa-04-security-page');
  });

  it('asks for password + key before a change of sign-in methods once the last factor is over 5 minutes old', async () => {
    clock.advance(5 * MINUTE + 10_000);
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page.getByRole('dialog', { name: 'Generate new recovery codes?' }).getByRole('button', { name: 'Generate new codes' }).click();
    // The server answered reauth_required: the dialog asks, then the request is retried.
    const dialog = page.getByTestId('step-up-dialog');
    await dialog.getByRole('heading', { name: 'Confirm your password and second factor' }).waitFor();
    await dialog.getByLabel('Password').fill('not my password at all');
    await dialog.getByRole('button', { name: 'Confirm with security key' }).click();
    await dialog.getByText('Not confirmed').waitFor();
    await shot(page, 'mfa-05-reauth-dialog', { viewport: true });
    await dialog.getByLabel('Password').fill(admin.password);
    await dialog.getByRole('button', { name: 'Confirm with security key' }).click();
    const codes = page.getByTestId('recovery-codes');
    await codes.waitFor();
    assert.equal(await codes.locator('ol.recovery-codes li').count(), 10);
    await page.getByLabel('I have saved these recovery codes somewhere safe').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('recovery-left').getByText('10 of 10 unused.').waitFor();
  });

  it('asks for a step-up before rotating the field key, then rotates it', async () => {
    clock.advance(5 * MINUTE + 10_000);
    await page.goto(`${server.baseUrl}/settings/keys`);
    await page.getByRole('button', { name: 'Rotate field key' }).click();
    await page.getByRole('dialog', { name: 'Rotate the field key?' }).getByRole('button', { name: /^Add field key v2/ }).click();
    const dialog = page.getByTestId('step-up-dialog');
    await dialog.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    assert.equal(await dialog.getByLabel('Password').count(), 0, 'a step-up is the second factor alone');
    await shot(page, 'mfa-06-step-up-dialog', { viewport: true });
    const before = server.app.container.vault.activeFieldVersion;
    await dialog.getByRole('button', { name: 'Confirm with security key' }).click();
    await page.getByTestId('step-up-dialog').waitFor({ state: 'hidden' });
    await page.getByRole('dialog', { name: 'Rotate the field key?' }).waitFor({ state: 'hidden' });
    await server.app.container.writer.drain();
    await server.app.container.vault.reload();
    assert.equal(server.app.container.vault.activeFieldVersion, before + 1);
  });

  it('signs out and signs in again with the security key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    // With a key, TOTP is not offered to a hardware-key role.
    assert.equal(await page.getByRole('radio', { name: 'Authenticator app' }).count(), 0);
    assert.ok(await page.getByRole('radio', { name: 'Security key' }).isChecked());
    await page.getByRole('button', { name: 'Verify with security key' }).click();
    await page.getByTestId('signed-in-name').waitFor();
    const row = await server.app.container.db.system
      .selectFrom('staff_session')
      .select(['mfa_method'])
      .where('staff_id', '=', adminId)
      .where('ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(row.mfa_method, 'password+webauthn');
  });

  it('locks the screen when idle: the data leaves the page, a reload does not unlock, only password + key do', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByTestId('audit-row').first().waitFor();
    const action = await page.getByTestId('audit-row').first().getAttribute('data-action');
    assert.ok(action);
    await page.clock.fastForward('08:30');
    await page.getByTestId('lock-screen').waitFor();
    await shot(page, 'mfa-07-locked');
    // Removed, not covered: no row, no navigation, no name in the header, no audit data anywhere in the DOM.
    assert.equal(await page.getByTestId('audit-row').count(), 0);
    assert.equal(await page.getByTestId('signed-in-name').count(), 0);
    assert.equal(await page.getByRole('navigation', { name: 'Sections' }).count(), 0);
    const html = await page.content();
    assert.ok(!html.includes('data-action'), 'audit rows left in the DOM');
    // The server knows: the API refuses the locked session, and a reload lands on the lock screen again.
    assert.equal(await page.evaluate(async () => (await fetch('/api/v1/audit/events')).status), 403);
    await page.reload();
    await page.getByTestId('lock-screen').waitFor();
    // The key alone is not enough (the password is required), nor a wrong password.
    await page.getByRole('button', { name: 'Unlock with security key' }).click();
    await page.getByText('Enter your password.').waitFor();
    await page.getByLabel('Password').fill('someone else at this desk');
    await page.getByRole('button', { name: 'Unlock with security key' }).click();
    await page.getByText('Not unlocked').waitFor();
    assert.equal(await page.getByTestId('audit-row').count(), 0);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Unlock with security key' }).click();
    await page.getByTestId('signed-in-name').waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    await shot(page, 'mfa-08-unlocked');
  });

  it('refuses a stolen session cookie replayed from another address, and ends the session', async () => {
    const cookies = await page.context().cookies(server.baseUrl);
    const cookie = cookies.find((c) => c.name === server.app.container.staffAuth.cookieName);
    assert.ok(cookie, 'the session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    const ua = await page.evaluate('navigator.userAgent') as string;
    // Same cookie, same browser string (the thief copied both) — from another address.
    const stolen = await server.app.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events',
      headers: { cookie: `${cookie.name}=${cookie.value}`, 'user-agent': ua },
      remoteAddress: '10.66.0.1',
    });
    assert.equal(stolen.statusCode, 401, UA_NOTE);
    await server.app.container.writer.drain();
    const ended = await server.app.container.db.system
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'actor_ip'])
      .where('action', '=', 'session.end_ip_changed')
      .execute();
    assert.deepEqual(ended, [{ action: 'session.end_ip_changed', outcome: 'denied', actor_ip: '10.66.0.1' }]);
    // Ended for the owner too: the next page load finds no session.
    await page.reload();
    await page.getByRole('heading', { name: /Sign in to Bulwark|Your session has ended/ }).waitFor();
    assert.equal(await page.getByTestId('signed-in-name').count(), 0);
  });

  it('a member without any second factor can only enrol one: authenticator app (QR), then recovery codes shown once', async () => {
    const m = await createMember(server.app, clock, { email: 'nina.new@example.test', roles: ['support_junior'], displayName: 'Nina New', totp: false });
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email').fill(m.email);
    await page.getByLabel('Password').fill(m.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    // Anywhere else, the session is sent back here.
    await page.goto(`${server.baseUrl}/audit`);
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secretEl = page.getByTestId('totp-secret');
    await secretEl.waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const memberSecret = ((await secretEl.textContent()) ?? '').replace(/\s+/g, '');
    await shot(page, 'mfa-09-enrol-totp');
    await page.getByLabel('6-digit code').fill(totpFor(memberSecret).generate({ timestamp: clock.now().getTime() }));
    await page.getByRole('button', { name: 'Confirm authenticator app' }).click();
    const codes = page.getByTestId('recovery-codes');
    await codes.waitFor();
    assert.equal(await codes.locator('ol.recovery-codes li').count(), 10);
    await shot(page, 'mfa-10-recovery-codes');
    await page.getByLabel('I have saved these recovery codes somewhere safe').check();
    await page.getByRole('button', { name: 'Continue to Bulwark' }).click();
    await page.getByTestId('signed-in-name').waitFor();
    assert.equal((await page.getByTestId('signed-in-name').textContent())?.trim(), 'Nina New');
  });

  it('never violated the Content-Security-Policy and threw no page errors', () => {
    assertNoCspViolationsOrPageErrors(log);
  });
});
