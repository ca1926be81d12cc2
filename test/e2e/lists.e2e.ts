// Browser test of the sanctions-list pages, in Debian's Chromium under the server's strict CSP: a compliance
// officer sees "no list loaded"; after two imports of OFAC SDN (the second with a change, a removal and an
// addition) the list page shows the active version, and the version page shows the diff with what changed. A
// read-only member sees no import or sync controls.
//
//   node scripts/run-tests.mjs test/e2e/lists.e2e.ts
//
// Screenshots land in test-results/e2e/lists-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { SKIP_SAMPLES, sample } from '../../src/server/modules/screening/lists/test-support/data.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import { createMember, signInAs } from '../helpers/staff.js';
import { startTestServer } from '../helpers/server.js';
import { assertNoCspViolationsOrPageErrors, closeAll, openBrowser, prepareRun, shot, type PageLog, type Server } from './browser.js';

const UA = 'bulwark-e2e-lists';
const set17 = (sdn?: Buffer) =>
  ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map((n) => ({ name: n, bytes: n === 'sdn.csv' && sdn ? sdn : readFileSync(sample(`ofac_sdn/watchman_ofactest_17_entities/${n}`)) }));

describe('sanctions lists: versions and diffs', { skip: SKIP_SAMPLES }, () => {
  let server: Server;
  let page: Page;
  const log: PageLog = { consoleErrors: [], pageErrors: [] };
  let officerCookie: string;
  let seniorCookie: string;

  before(async () => {
    prepareRun();
    server = await startTestServer();
    const officer = await createMember(server.app, systemClock, { email: 'olga.officer@example.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    const senior = await createMember(server.app, systemClock, { email: 'sven.senior@example.test', roles: ['compliance_senior'], displayName: 'Sven Senior' });
    officerCookie = (await signInAs(server.app, officer, systemClock, UA, '127.0.0.1')).cookie;
    seniorCookie = (await signInAs(server.app, senior, systemClock, UA, '127.0.0.1')).cookie;
    page = await openBrowser(log, { contextOptions: { userAgent: UA } });
  });
  after(async () => closeAll(page, server));

  const as = async (cookie: string) => {
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().clearCookies();
    await page.context().addCookies([{ name, value, url: server.baseUrl }]);
  };

  it('with no list loaded the page says so', async () => {
    await as(officerCookie);
    await page.goto(`${server.baseUrl}/screening/lists`);
    await page.getByTestId('no-lists').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Import' }).count(), 0, 'no import for a read-only member');
  });

  it('shows the active version and, on the version page, the diff with what changed', async () => {
    const lists = server.app.container.lists;
    await lists.importFiles(systemContext('e2e'), set17(), { origin: 'file' });
    const lines = readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv')).toString('latin1').replace(/\x1a$/, '').split('\r\n').filter(Boolean);
    const edited = lines
      .filter((l) => !l.startsWith('48603,'))
      .map((l) => (l.startsWith('29702,') ? l.replace('DOB 26 Dec 1992', 'DOB 26 Dec 1993') : l))
      .concat('99999,"NEW DESIGNEE LTD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ');
    const v2 = await lists.importFiles(systemContext('e2e'), set17(Buffer.from(edited.join('\r\n'), 'latin1')), { origin: 'file' });
    await as(seniorCookie);
    await page.goto(`${server.baseUrl}/screening/lists`);
    const sources = page.getByTestId('list-sources');
    await sources.getByRole('link', { name: 'v2' }).waitFor();
    assert.match((await sources.textContent()) ?? '', /OFAC SDN/);
    await page.getByRole('button', { name: 'Sync now from the publishers' }).waitFor();
    await shot(page, 'lists-01-overview', { fromTop: true });
    await sources.getByRole('link', { name: 'v2' }).click();
    await page.getByTestId('list-diff').waitFor();
    const diff = (await page.getByTestId('list-diff').textContent()) ?? '';
    assert.match(diff, /added.*99999.*NEW DESIGNEE LTD/s);
    assert.match(diff, /removed.*48603/s);
    assert.match((await page.getByTestId('changed-fields').textContent()) ?? '', /birthDates.*1992-12-26.*1993-12-26/s);
    assert.equal(v2.delta.changed, 1);
    await shot(page, 'lists-02-version', { fromTop: true });
  });

  it('a senior uploads the OFAC wallet lists; a cut-off file is refused with its position', async () => {
    await page.goto(`${server.baseUrl}/screening/lists`);
    const dir = sample('ofac_digital_currency_addresses/2024-05-02');
    await page.getByTestId('list-files').setInputFiles([`${dir}/sanctioned_addresses_XBT.txt`, `${dir}/sanctioned_addresses_ETH.txt`]);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-result').waitFor();
    assert.match((await page.getByTestId('import-result').textContent()) ?? '', /OFAC digital-currency addresses version 1 is active: 537 entities/);
    await page.getByTestId('list-files').setInputFiles({ name: 'consolidated.xml', mimeType: 'application/xml', buffer: readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml')).subarray(0, 20_000) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    // The refusal is shown in the import panel; the refreshed overview may show it too, as the UN list's last
    // failed attempt (the previous version, if any, stays active).
    await page.getByRole('region', { name: 'Import and sync' }).getByText(/not well-formed XML.*line \d+, column \d+/).waitFor();
    const un = page.locator('li', { hasText: 'UN Security Council' });
    await un.getByText(/not well-formed XML/).waitFor();
    assert.doesNotMatch((await un.textContent()) ?? '', /version \d+ is active/);
    await shot(page, 'lists-03-refused', { fromTop: true });
    assertNoCspViolationsOrPageErrors(log);
  });
});
