// The access-control setting: how many masked trader fields a member may reveal per hour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('access-control configuration', () => {
  it('reveals per member per hour: 20 by default, 1 to 1000, anything else refused with one line naming the variable', () => {
    assert.equal(loadConfig({}).revealLimitPerHour, 20);
    assert.equal(loadConfig({ REVEAL_LIMIT_PER_HOUR: '5' }).revealLimitPerHour, 5);
    for (const v of ['0', '1001', 'many', '', '1e1', '-3', '2.5']) {
      assert.throws(() => loadConfig({ REVEAL_LIMIT_PER_HOUR: v }), (e: unknown) => e instanceof ConfigError && /REVEAL_LIMIT_PER_HOUR/.test(e.message) && !/[\r\n]/.test(e.message), v);
    }
  });
});
