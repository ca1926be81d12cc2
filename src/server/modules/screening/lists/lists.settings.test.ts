// The list settings from the environment: defaults, per-source URL overrides, the chosen sources, and a wrong
// value stopping the start with one line naming the variable.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../../config/config.js';
import { listsSettingsFrom } from './lists.settings.js';

const base = { NODE_ENV: 'test' };

describe('list settings', () => {
  test('defaults: every official source but OpenSanctions, daily, 7 days, 10 %', () => {
    const s = listsSettingsFrom(loadConfig(base).lists);
    assert.deepEqual(
      s.sources.filter((x) => x.enabled).map((x) => x.source),
      ['ofac_sdn', 'ofac_cons', 'un_sc', 'eu_fsf', 'uk_sanctions', 'ofac_wallets'],
    );
    assert.ok(s.sources.every((x) => x.urls.every((u) => u.startsWith('https://'))));
    assert.equal(s.syncIntervalHours, 24);
    assert.equal(s.staleDays, 7);
    assert.equal(s.maxShrinkPercent, 10);
    assert.equal(s.maxBytes, 256 * 1024 * 1024);
  });

  test('sources and URLs from the environment', () => {
    const s = listsSettingsFrom(
      loadConfig({ ...base, LISTS_SYNC_SOURCES: 'un_sc,opensanctions', LISTS_SYNC_URL_OPENSANCTIONS: 'https://mirror.example/peps.json https://mirror.example/b.json', LISTS_MAX_SHRINK_PERCENT: '25' }).lists,
    );
    assert.deepEqual(s.sources.filter((x) => x.enabled).map((x) => x.source), ['un_sc', 'opensanctions']);
    assert.deepEqual(s.sources.find((x) => x.source === 'opensanctions')!.urls, ['https://mirror.example/peps.json', 'https://mirror.example/b.json']);
    assert.equal(s.maxShrinkPercent, 25);
  });

  test('wrong values stop the start naming the variable', () => {
    assert.throws(() => loadConfig({ ...base, LISTS_SYNC_SOURCES: 'ofac_sdn,mars' }), (e: Error) => e instanceof ConfigError && /LISTS_SYNC_SOURCES/.test(e.message));
    assert.throws(() => loadConfig({ ...base, LISTS_SYNC_URL_UN_SC: 'ftp://x' }), /LISTS_SYNC_URL_UN_SC/);
    assert.throws(() => loadConfig({ ...base, LISTS_MAX_SHRINK_PERCENT: '0' }), /LISTS_MAX_SHRINK_PERCENT/);
    assert.throws(() => loadConfig({ ...base, LISTS_STALE_DAYS: 'week' }), /LISTS_STALE_DAYS/);
  });
});
