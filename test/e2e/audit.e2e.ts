// Browser test of the audit log and encryption-key pages, in Debian's Chromium, against the real server
// (fresh in-memory database, fresh key file) under its strict CSP.
//
//   node scripts/run-tests.mjs --e2e          (or: node scripts/run-tests.mjs test/e2e/audit.e2e.ts)
//
// The first administrator is set up through the API (bootstrap.e2e.ts covers that screen), then signs in
// through the UI. Screenshots land in test-results/e2e/audit-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { verifyExportBundle } from '../../src/server/platform/audit/bundle.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { startTestServer } from '../helpers/server.js';
import { createMember } from '../helpers/staff.js';
import { admin, assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot as screenshot, signInThroughForm, timeStep, totpFor, waitForStepAfter, type PageLog, type Server } from './browser.js';

/**
 * Console errors other than the refusals this test provokes on purpose: the session probe on the sign-in
 * page (401), the export of an empty period (404) and the auditor opening the keys page (403).
 */
function unexpectedConsoleErrors(log: PageLog): string[] {
  return log.consoleErrors.filter((t) => !/^Failed to load resource: the server responded with a status of (401|403|404) /.test(t));
}

/** Screenshots from the top: the sticky header otherwise lands mid-page. `viewport` for modals. */
function shot(page: Page, name: string, opts: { viewport?: boolean } = {}): Promise<void> {
  return screenshot(page, name, { ...opts, fromTop: true });
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('audit log and encryption keys in the staff UI', () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let totpSecret: string;
  let bootstrapStep: number;
  let eventsBeforeFilter = 0;

  const nav = () => page.getByRole('navigation', { name: 'Sections' });
  const rows = () => page.getByTestId('audit-row');

  before(async () => {
    prepareRun();
    server = await startTestServer();

    // The first administrator, through the API.
    const token = new URL(server.bootstrapUrl).hash.slice('#token='.length);
    const started = await postJson(`${server.baseUrl}/api/v1/bootstrap/start`, { token });
    totpSecret = String(started.totpSecret);
    bootstrapStep = timeStep();
    await postJson(`${server.baseUrl}/api/v1/bootstrap/complete`, {
      token,
      displayName: admin.displayName,
      email: admin.email,
      password: admin.password,
      totpCode: totpFor(totpSecret).generate(),
    });

    page = await openBrowser(log, { contextOptions: { acceptDownloads: true } });
  });

  after(() => closeAll(page, server));

  it('signs in and opens the audit log from the navigation', async () => {
    await page.goto(`${server.baseUrl}/login`);
    // A TOTP code is accepted once per time step: the bootstrap used this one.
    await waitForStepAfter(bootstrapStep);
    await signInThroughForm(page, admin, totpSecret);
    const link = nav().getByRole('link', { name: 'Audit log', exact: true });
    await link.click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/audit');
    assert.equal(await link.getAttribute('aria-current'), 'page');
    assert.equal(await page.getByTestId('not-available').count(), 0);
    // Status: origin and a copyable verifier key.
    await page.getByTestId('audit-status').waitFor();
    const key = ((await page.getByTestId('verifier-key').textContent()) ?? '').trim();
    assert.ok(key.length > 20, `verifier key shown: "${key}"`);
    await page.getByRole('button', { name: 'Copy verifier key' }).waitFor();
  });

  it("lists the administrator's own events, newest first", async () => {
    await rows().first().waitFor();
    const actions = await rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));
    for (const a of ['bootstrap.complete', 'auth.login']) assert.ok(actions.includes(a), `${a} listed (got ${actions.join(', ')})`);
    const login = rows().filter({ has: page.getByText('auth.login', { exact: true }) }).first();
    assert.ok((await login.textContent())?.includes(admin.displayName), "the login names the administrator");
    await login.getByText('ok', { exact: true }).waitFor();
    const seqs = await rows().evaluateAll((els) => els.map((el) => Number(el.querySelector('td')?.textContent?.replace(/\D/g, ''))));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
    eventsBeforeFilter = seqs.length;
    await shot(page, 'audit-01-log');
  });

  it('opens an event to show all of it, hashes included', async () => {
    const login = rows().filter({ has: page.getByText('auth.login', { exact: true }) }).first();
    await login.click();
    const detail = page.getByTestId('audit-event-detail');
    await detail.waitFor();
    const text = (await detail.textContent()) ?? '';
    assert.match(text, /Previous hash/);
    assert.match(text, /[0-9a-f]{64}/, 'hashes shown in full');
    assert.equal(await login.getByRole('button').getAttribute('aria-expanded'), 'true');
    await shot(page, 'audit-02-event-detail');
    await login.getByRole('button').click();
    assert.equal(await detail.count(), 0, 'detail closes again');
  });

  it('verifies the log on demand and says it is intact', async () => {
    await page.getByRole('button', { name: 'Verify now' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true');
    const text = (await result.textContent()) ?? '';
    assert.match(text, /OK: the audit log is intact/);
    assert.match(text, /\d+ events? checked/);
    await shot(page, 'audit-03-verified');
  });

  it('filters the table by action', async () => {
    await page.getByLabel('Action', { exact: true }).fill('auth.login');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]action=auth\.login/);
    await page.getByTestId('events-summary').filter({ hasText: 'filtered' }).waitFor();
    const actions = await rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));
    assert.ok(actions.length >= 1, 'the login is still listed');
    assert.ok(actions.length < eventsBeforeFilter, `fewer rows (${actions.length} < ${eventsBeforeFilter})`);
    assert.deepEqual([...new Set(actions)], ['auth.login']);
    await shot(page, 'audit-04-filtered');
    // A value the server would refuse is caught in the form.
    await page.getByLabel('Target ID', { exact: true }).fill('no spaces allowed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText(/Letters, digits and/).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((u) => u.search === '');
    await page.getByTestId('events-summary').filter({ hasNotText: 'filtered' }).waitFor();
    assert.ok((await rows().count()) > 1);
  });

  it('downloads a signed export that verifies offline', async () => {
    const verifierKey = ((await page.getByTestId('verifier-key').textContent()) ?? '').trim();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download signed export' }).click()]);
    assert.equal(download.suggestedFilename(), 'bulwark-audit-export.json');
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const bundle = JSON.parse(text) as { format: string; events: { action: string }[] };
    assert.equal(bundle.format, 'bulwark-audit-export/1');
    assert.ok(bundle.events.some((e) => e.action === 'bootstrap.complete'));
    // Saved byte for byte: the offline verifier accepts it with the key shown on the page.
    const check = await verifyExportBundle(text, { verifierKey });
    assert.equal(check.ok, true, `offline verification: ${check.problem}`);
    assert.equal(check.verifierKeySource, 'caller');
    await page.getByTestId('export-saved').waitFor();
    const command = (await page.getByTestId('verify-export-command').textContent()) ?? '';
    assert.equal(command.trim(), `bulwark audit verify-export bulwark-audit-export.json --verifier-key ${verifierKey}`);
    // The export anchored the log: the status now names a signed checkpoint.
    await page.getByTestId('audit-status').getByText(/covers \d+ events?/).waitFor();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await rows().filter({ has: page.getByText('audit.export', { exact: true }) }).first().waitFor();
    await shot(page, 'audit-05-exported');
  });

  it('says when a period holds no events', async () => {
    await page.getByLabel('From (UTC)').fill('2001-01-01T00:00');
    await page.getByLabel('To (UTC)').fill('2001-01-02T00:00');
    await page.getByRole('button', { name: 'Download signed export' }).click();
    await page.getByRole('alert').filter({ hasText: 'No audit events in that period' }).waitFor();
    await page.getByLabel('From (UTC)').fill('2001-01-03T00:00');
    await page.getByRole('button', { name: 'Download signed export' }).click();
    await page.getByText('The end must be after the start.').waitFor();
    await shot(page, 'audit-06-export-errors');
  });

  it('shows the key status under Settings', async () => {
    await nav().getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await shot(page, 'keys-01-settings');
    await page.getByRole('link', { name: 'Encryption keys' }).click();
    await page.getByRole('heading', { name: 'Encryption keys', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/settings/keys');
    assert.equal(await nav().getByRole('link', { name: 'Settings', exact: true }).getAttribute('aria-current'), 'page', 'Settings stays marked');
    assert.match((await page.getByTestId('key-provider').textContent()) ?? '', /^local-file:/);
    await page.getByTestId('provider-warning').getByText(/KMS or an HSM/).waitFor();
    const v1 = page.getByTestId('key-rings').locator('tr[data-purpose="field"][data-version="1"]');
    assert.equal(await v1.getAttribute('data-status'), 'active');
    assert.equal(await page.getByTestId('key-rings').locator('tr[data-purpose="field"]').count(), 1);
    const usage = page.getByTestId('field-usage').locator('tr[data-version="1"]');
    assert.ok(Number((await usage.locator('td').nth(2).textContent()) ?? '0') > 0, 'field v1 protects the administrator’s email and TOTP secret');
    await shot(page, 'keys-02-status');
  });

  it('rotates the field key after confirmation; v1 is retired and emptied', async () => {
    await page.getByRole('button', { name: 'Rotate field key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the field key?' });
    await dialog.waitFor();
    await dialog.getByText('Add a new field-key version? New data is encrypted with it at once; existing values are re-encrypted in the background.').waitFor();
    assert.ok(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === el.ownerDocument.activeElement), 'focus starts on Cancel');
    await shot(page, 'keys-03-confirm', { viewport: true });
    // Cancel first: nothing changes.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('key-rings').locator('tr[data-purpose="field"]').count(), 1);

    await page.getByRole('button', { name: 'Rotate field key' }).click();
    await dialog.getByRole('button', { name: 'Add field key v2' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const progress = page.getByTestId('rotation-progress');
    await progress.getByText('Field key v2 added').waitFor();
    // The page polls until nothing is left under v1.
    await page.locator('[data-testid="rotation-progress"][data-done="true"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Refresh' }).and(page.locator(':enabled')).waitFor();
    const rings = page.getByTestId('key-rings');
    assert.equal(await rings.locator('tr[data-purpose="field"][data-version="2"]').getAttribute('data-status'), 'active');
    assert.equal(await rings.locator('tr[data-purpose="field"][data-version="1"]').getAttribute('data-status'), 'retired');
    const cells = async (v: number) => page.getByTestId('field-usage').locator(`tr[data-version="${v}"] td`).allTextContents();
    const [, , v1Values, v1Keys] = await cells(1);
    assert.equal(`${v1Values}/${v1Keys}`, '0/0', 'nothing left under v1');
    assert.ok(Number((await cells(2))[2]) > 0, 'values moved to v2');
    await shot(page, 'keys-04-rotated');
  });

  it('records the rotation in the audit log', async () => {
    await nav().getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Action', { exact: true }).fill('keys.rotate');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = rows().first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-action'), 'keys.rotate');
    assert.match((await row.textContent()) ?? '', /crypto_key/);
  });

  it('shows the forbidden message, not a crash, for a member without the permission', async () => {
    const auditor = await createMember(server.app, systemClock, { email: 'audrey.auditor@example.test', roles: ['auditor'], displayName: 'Audrey Auditor' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    await signInThroughForm(page, auditor, auditor.secret);
    await page.goto(`${server.baseUrl}/settings/keys`);
    await page.getByTestId('forbidden').waitFor();
    // Still inside the shell: header and navigation stay.
    await page.getByTestId('signed-in-name').waitFor();
    await nav().waitFor();
    await shot(page, 'keys-05-forbidden');
    // The auditor may read the audit log, and sees the refusal recorded there.
    await nav().getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Action', { exact: true }).fill('access.denied');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const denied = rows().first();
    await denied.waitFor();
    assert.equal(await rows().count(), 1, 'one visit to the keys page, one refusal recorded');
    assert.match((await denied.textContent()) ?? '', /Audrey Auditor/);
    await denied.locator('.badge-denied').getByText('denied', { exact: true }).waitFor();
    await shot(page, 'audit-07-auditor-denied-event');
  });

  it('lays the audit log out on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Clear' }).click();
    await rows().first().waitFor();
    await shot(page, 'audit-08-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('never violated the Content-Security-Policy and threw no page errors', () => {
    assertNoCspViolationsOrPageErrors(log);
    assert.deepEqual(unexpectedConsoleErrors(log), [], 'console errors');
  });
});
