// Shared pieces of the browser tests (*.e2e.ts): Debian's Chromium driven by playwright-core against the
// real server (test/helpers/server.ts) under its strict CSP. Not a test file itself (no .e2e.ts suffix).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
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

/**
 * Fills in the sign-in form with a current code and waits for the shell. Returns the time step the code
 * was generated in (it may not be used again).
 */
export async function signInThroughForm(page: Page, m: { email: string; password: string }, secret: string): Promise<number> {
  await page.getByLabel('Email').fill(m.email);
  await page.getByLabel('Password').fill(m.password);
  const step = timeStep();
  await page.getByLabel('6-digit code').fill(totpFor(secret).generate());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-name').waitFor();
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
