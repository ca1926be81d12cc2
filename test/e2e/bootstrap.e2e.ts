// Browser test of the first-administrator set-up and the sign-in shell, in Debian's Chromium,
// against the real server (fresh in-memory database, fresh key file) under its strict CSP.
//
//   node scripts/run-tests.mjs --e2e
//
// The web bundle is built first (vite build → dist/web) unless BULWARK_E2E_SKIP_BUILD=1.
// Screenshots of every page land in test-results/e2e/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as OTPAuth from 'otpauth';
import { startTestServer } from '../helpers/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join('test-results', 'e2e');
const PERIOD_MS = 30_000;

const admin = {
  displayName: 'Ada Administrator',
  email: 'ada.admin@example.test',
  password: 'correct horse battery staple vault',
};

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Console messages and uncaught errors of a page, to assert the CSP was never violated. */
interface PageLog {
  consoleErrors: string[];
  pageErrors: string[];
}

function watch(page: Page, log: PageLog): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') log.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err)));
}

// Chrome logs most CSP refusals to the console, but not all: a caught `new Function` probe
// (Zod does one) only fires a securitypolicyviolation event. This listener, injected by
// Playwright before any page script (and not subject to the page's CSP), reports every one.
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

function cspViolations(log: PageLog): string[] {
  return log.consoleErrors.filter((t) => /CSP violation|Content Security Policy|Refused to (execute|load|apply|evaluate|connect|frame)/i.test(t));
}

function totpFor(secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
}

function timeStep(at = Date.now()): number {
  return Math.floor(at / PERIOD_MS);
}

/** A code may be accepted only once per time step: wait until the step after `usedStep` begins. */
async function waitForStepAfter(usedStep: number): Promise<void> {
  const next = (usedStep + 1) * PERIOD_MS;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 250));
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

function buildWeb(): void {
  if (process.env.BULWARK_E2E_SKIP_BUILD === '1' && existsSync(join('dist', 'web', 'index.html'))) return;
  // NODE_ENV is 'test' under the test runner; Vite would then bundle React's development build (with
  // StrictMode's doubled effects and requests). Test what ships: the production build.
  const res = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  assert.equal(res.status, 0, 'vite build of the web UI failed');
}

describe('first administrator: bootstrap, sign-in and the shell', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let totpSecret = '';
  let bootstrapStep = 0;
  let signInStep = 0;

  async function signIn(afterStep: number): Promise<number> {
    // A code's time step may not be reused: wait for the next one.
    await waitForStepAfter(afterStep);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    const step = timeStep();
    await page.getByLabel('6-digit code').fill(totpFor(totpSecret).generate());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-name').waitFor();
    return step;
  }

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    await context.addInitScript(REPORT_CSP_VIOLATIONS);
    // A controllable clock in the page (time flows normally until fast-forwarded) for the idle lock.
    await context.clock.install();
    page = await context.newPage();
    watch(page, log);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
  });

  it('serves the UI under a strict Content-Security-Policy', async () => {
    const res = await page.goto(`${server.baseUrl}/login`);
    assert.ok(res, 'no response for /login');
    assert.equal(res.status(), 200);
    const csp = (await res.allHeaders())['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, `CSP header missing or weak: "${csp}"`);
    assert.match(csp, /style-src 'self'(;|$)/, `CSP header missing or weak: "${csp}"`);
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
  });

  it('sends / to the sign-in page when nobody is signed in', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, '01-login');
  });

  it('shows the 404 page for an unknown route', async () => {
    const res = await page.goto(`${server.baseUrl}/no/such/page`);
    assert.equal(res?.status(), 200, 'the server should answer unknown non-API paths with index.html');
    await page.getByTestId('not-found').waitFor();
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await shot(page, '02-not-found');
  });

  it('opens the bootstrap link and removes the token from the address bar', async () => {
    const token = new URL(server.bootstrapUrl).hash;
    assert.match(token, /^#token=/, 'bootstrapUrl carries the token in its fragment');
    await page.goto(server.bootstrapUrl);
    const secretEl = page.getByTestId('totp-secret');
    await secretEl.waitFor();
    const url = page.url();
    assert.ok(!url.includes('#'), `fragment still in the address bar: ${url}`);
    assert.ok(!url.includes(token.slice('#token='.length)), 'token still in the address bar');
    assert.equal(new URL(url).pathname, '/bootstrap');
    totpSecret = ((await secretEl.textContent()) ?? '').replace(/\s+/g, '');
    assert.match(totpSecret, /^[A-Z2-7]+=*$/, `not a base32 secret: "${totpSecret}"`);
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const qrSrc = await page.getByRole('img', { name: /QR code/ }).getAttribute('src');
    assert.ok(qrSrc?.startsWith('data:image/png;base64,'), 'QR code is rendered as a data: image');
    await shot(page, '03-bootstrap');
  });

  it('checks the form on the client before sending it', async () => {
    await page.getByLabel('Display name').fill(admin.displayName);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill('too short');
    await page.getByLabel('Confirm password').fill('different');
    await page.getByRole('button', { name: 'Create administrator account' }).click();
    await page.getByText(/Use at least 12 characters/).waitFor();
    await page.getByText('The two passwords do not match.').waitFor();
    await page.getByText(/Enter the 6-digit code/).first().waitFor();
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await shot(page, '04-bootstrap-invalid-fields');
  });

  it('shows the server refusing a wrong code next to the field', async () => {
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByLabel('Confirm password').fill(admin.password);
    // A code from an hour ago: well outside any acceptance window.
    await page.getByLabel('6-digit code').fill(totpFor(totpSecret).generate({ timestamp: Date.now() - 3_600_000 }));
    await page.getByRole('button', { name: 'Create administrator account' }).click();
    await page.getByText(/This code was not accepted/).waitFor();
    assert.equal(await page.getByLabel('6-digit code').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.getByRole('alert').first().textContent())?.trim(), 'the problem title is shown');
    await shot(page, '05-bootstrap-wrong-code');
  });

  it('creates the administrator', async () => {
    bootstrapStep = timeStep();
    await page.getByLabel('6-digit code').fill(totpFor(totpSecret).generate());
    await page.getByRole('button', { name: 'Create administrator account' }).click();
    await page.getByRole('heading', { name: 'Administrator account created' }).waitFor();
    assert.ok(await page.getByText(admin.email).isVisible());
    await shot(page, '06-bootstrap-done');
  });

  it('refuses a wrong sign-in with one generic message', async () => {
    await page.getByRole('link', { name: 'Go to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), admin.email, 'email carried over from set-up');
    await page.getByLabel('Password').fill('not the right password at all');
    await page.getByLabel('6-digit code').fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText(/Sign-in failed/).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, '07-login-failed');
  });

  it('signs in with a fresh code and shows the shell with the administrator’s name', async () => {
    signInStep = await signIn(bootstrapStep);
    const name = page.getByTestId('signed-in-name');
    assert.equal((await name.textContent())?.trim(), admin.displayName);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await page.getByTestId('home-name').textContent())?.trim(), admin.displayName);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    for (const label of ['Traders', 'KYC', 'Screening', 'Monitoring', 'Cases', 'Support', 'Exports', 'Incidents', 'Audit log', 'Staff & roles', 'Settings']) {
      await nav.getByRole('link', { name: label, exact: true }).waitFor();
    }
    await shot(page, '08-shell-home');
  });

  it('shows a neutral page for sections not built yet', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Traders', exact: true }).click();
    await page.getByTestId('not-available').waitFor();
    assert.equal(new URL(page.url()).pathname, '/traders');
    assert.equal(await page.getByRole('link', { name: 'Traders', exact: true }).getAttribute('aria-current'), 'page');
    await shot(page, '09-shell-not-available');
  });

  it('keeps the session across a reload', async () => {
    await page.reload();
    await page.getByTestId('not-available').waitFor();
    assert.equal((await page.getByTestId('signed-in-name').textContent())?.trim(), admin.displayName);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  it('locks the session after 10 minutes without activity', async () => {
    await signIn(signInStep);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByTestId('not-available').waitFor();
    await page.clock.fastForward('10:30');
    await page.getByTestId('session-ended').waitFor();
    assert.equal(new URL(page.url()).pathname, '/session-ended');
    await shot(page, '10-session-ended-idle');
    assert.equal(await page.getByTestId('signed-in-name').count(), 0, 'nothing of the session stays on screen');
    // The UI also ended the session on the server: a fresh load finds no session.
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
  });

  it('refuses the spent bootstrap link', async () => {
    await page.goto(server.bootstrapUrl);
    await page.getByTestId('bootstrap-invalid').waitFor();
    await page.getByRole('heading', { name: 'This set-up link is invalid or has expired' }).waitFor();
    assert.ok(!page.url().includes('#'), 'fragment removed from the address bar');
    await shot(page, '11-bootstrap-link-invalid');
  });

  it('renders the other error pages', async () => {
    await page.goto(`${server.baseUrl}/forbidden`);
    await page.getByTestId('forbidden').waitFor();
    await shot(page, '12-forbidden');
    await page.goto(`${server.baseUrl}/bootstrap`);
    await page.getByRole('heading', { name: 'Open the set-up link from the server' }).waitFor();
    await shot(page, '13-bootstrap-no-token');
  });

  it('never violated the Content-Security-Policy and threw no page errors', () => {
    assert.deepEqual(cspViolations(log), [], 'CSP violations in the browser console');
    assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
  });
});
