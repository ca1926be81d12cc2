// Shared pieces of the browser tests (*.e2e.ts): Debian's Chromium driven by playwright-core against the
// real server (test/helpers/server.ts) under its strict CSP. Not a test file itself (no .e2e.ts suffix).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type CDPSession, type Page } from 'playwright-core';
import * as OTPAuth from 'otpauth';
import type { TestServer } from '../helpers/server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join('test-results', 'e2e');
export const PERIOD_MS = 30_000;

/** The first administrator every browser test sets up. */
export const admin = {
  displayName: 'Ada Administrator',
  email: 'ada.admin@example.test',
  password: 'correct horse battery staple vault',
};

export type Server = TestServer;

/** Console messages and uncaught errors of a page, to assert the CSP was never violated. */
export interface PageLog {
  consoleErrors: string[];
  pageErrors: string[];
}

export function watch(page: Page, log: PageLog): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') log.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err)));
}

// Chrome logs most CSP refusals to the console, but not all: a caught `new Function` probe
// (Zod does one) only fires a securitypolicyviolation event. This listener, injected by
// Playwright before any page script (and not subject to the page's CSP), reports every one.
export const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

export function cspViolations(log: PageLog): string[] {
  return log.consoleErrors.filter((t) => /CSP violation|Content Security Policy|Refused to (execute|load|apply|evaluate|connect|frame)/i.test(t));
}

/** The last test of each suite: no CSP violation and no uncaught error in the page, all along. */
export function assertNoCspViolationsOrPageErrors(log: PageLog): void {
  assert.deepEqual(cspViolations(log), [], 'CSP violations in the browser console');
  assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
}

export function totpFor(secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
}

export function timeStep(at = Date.now()): number {
  return Math.floor(at / PERIOD_MS);
}

/** A code may be accepted only once per time step: wait until the step after `usedStep` begins. */
export async function waitForStepAfter(usedStep: number): Promise<void> {
  const next = (usedStep + 1) * PERIOD_MS;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 250));
}

/** The virtual authenticator (Chromium's CDP WebAuthn domain) of each page, once added. */
const authenticators = new WeakMap<Page, { cdp: CDPSession; id: string }>();

/**
 * Gives the page a virtual security key (CTAP2, USB, resident keys, user verification that succeeds), as a
 * person plugging in a YubiKey with a PIN would. Idempotent per page.
 */
export async function ensureVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const known = authenticators.get(page);
  if (known) return known;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const a = { cdp, id: authenticatorId };
  authenticators.set(page, a);
  return a;
}

/** The credentials the page's virtual authenticator holds (none if it has no authenticator). */
export async function virtualCredentials(page: Page): Promise<{ credentialId: string; signCount: number }[]> {
  const a = authenticators.get(page);
  if (!a) return [];
  const { credentials } = await a.cdp.send('WebAuthn.getCredentials', { authenticatorId: a.id });
  return credentials;
}

/**
 * Signs in through the two sign-in screens: email and password, then the second factor — the page's virtual
 * security key when it holds one and the server offers it, else a current TOTP code. A member whose role
 * requires a key they do not have yet is taken to enrolment: a virtual key is added, named, registered, and
 * the recovery codes confirmed. Waits for the shell. Returns the time step of the TOTP code used (0 if none),
 * which may not be used again.
 */
export async function signInThroughForm(page: Page, m: { email: string; password: string }, secret: string): Promise<number> {
  await page.getByLabel('Email').fill(m.email);
  await page.getByLabel('Password').fill(m.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const second = page.getByRole('heading', { name: 'Confirm it’s you' });
  const enrol = page.getByRole('heading', { name: 'Set up your second factor' });
  const shell = page.getByTestId('signed-in-name');
  await second.or(enrol).or(shell).first().waitFor();
  let step = 0;
  if (await second.isVisible()) {
    const keyOffered = (await page.getByRole('radio', { name: 'Security key' }).count()) > 0 || (await page.getByRole('button', { name: /with security key/ }).count()) > 0;
    if (keyOffered && (await virtualCredentials(page)).length > 0) {
      if ((await page.getByRole('radio', { name: 'Security key' }).count()) > 0) await page.getByRole('radio', { name: 'Security key' }).check();
      await page.getByRole('button', { name: 'Verify with security key' }).click();
    } else {
      if ((await page.getByRole('radio', { name: 'Authenticator app' }).count()) > 0) await page.getByRole('radio', { name: 'Authenticator app' }).check();
      step = timeStep();
      await page.getByLabel('6-digit code').fill(totpFor(secret).generate());
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
    }
    await enrol.or(shell).first().waitFor();
  }
  if (await enrol.isVisible()) {
    await ensureVirtualAuthenticator(page);
    await page.getByLabel('Key name').fill('E2E virtual key');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const codes = page.getByTestId('recovery-codes');
    await codes.or(shell).first().waitFor();
    if (await codes.isVisible()) {
      await page.getByLabel('I have saved these recovery codes somewhere safe').check();
      await page.getByRole('button', { name: 'Continue to Bulwark' }).click();
    }
  }
  await shell.waitFor();
  return step;
}

/**
 * A screenshot into test-results/e2e/; full page unless `viewport` (for modals). `fromTop` scrolls up
 * first (a sticky header otherwise lands mid-page).
 */
export async function shot(page: Page, name: string, opts: { viewport?: boolean; fromTop?: boolean } = {}): Promise<void> {
  if (opts.fromTop) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: !opts.viewport });
}

export function buildWeb(): void {
  if (process.env.BULWARK_E2E_SKIP_BUILD === '1' && existsSync(join('dist', 'web', 'index.html'))) return;
  // NODE_ENV is 'test' under the test runner; Vite would then bundle React's development build (with
  // StrictMode's doubled effects and requests). Test what ships: the production build.
  const res = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  assert.equal(res.status, 0, 'vite build of the web UI failed');
}

/** Before starting the server: Chromium must be installed; the screenshot folder and the web bundle are made. */
export function prepareRun(): void {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  buildWeb();
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Launches Chromium with a fresh context (1280×800, en-GB, UTC, plus `contextOptions`) that reports every
 * CSP violation, and opens the page a suite drives; its console errors and uncaught errors go to `log`.
 * `clock` installs Playwright's controllable clock (time flows normally until fast-forwarded).
 */
export async function openBrowser(log: PageLog, opts: { contextOptions?: BrowserContextOptions; clock?: boolean } = {}): Promise<Page> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC', ...opts.contextOptions });
    await context.addInitScript(REPORT_CSP_VIOLATIONS);
    if (opts.clock) await context.clock.install();
    const page = await context.newPage();
    watch(page, log);
    return page;
  } catch (err) {
    await browser.close().catch(() => {});
    throw err;
  }
}

/** For `after`: closes the page's context and browser, then the server (whichever `before` got as far as opening). */
export async function closeAll(page: Page | undefined, server: Server | undefined): Promise<void> {
  const context = page?.context();
  await context?.close().catch(() => {});
  await context?.browser()?.close().catch(() => {});
  await server?.close();
}
