// `bulwark withdrawal-limits list`, spawned as an operator runs it, against the database of an app that stored two
// requests: ids, states, assets and amounts come out; no reason, name or account reference does; a bad --status is
// refused with the allowed values.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBulwark, showRun } from '../../../../test/helpers/cli.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';

const REASON = 'Customer sold a house, ticket 8812';

describe('bulwark withdrawal-limits list', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  const ids = { pending: randomUUID(), applied: randomUUID() };

  before(async () => {
    const clock = new FakeClock('2026-11-22T09:00:00.000Z');
    t = await createTestApp({ clock, onDisk: true });
    const trader = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(7), accountRef: 'WL-CLI-1' });
    const v = t.container.vault;
    await t.container.audited(systemContext('test'), { action: 'test.seed' }, async (tx) => {
      const key = await v.subjectKey(tx, trader, { create: true });
      const row = (id: string, status: 'pending' | 'applied', at: string) => ({
        id,
        trader_id: trader,
        asset: 'BTC',
        current_limit: '2',
        requested_limit: '5.5',
        direction: 'increase' as const,
        source: 'trader' as const,
        requested_by: null,
        external_id: `ext-${id}`,
        reason_ct: v.encryptForSubject(key, { table: 'withdrawal_limit_request', column: 'reason_ct', rowId: id }, REASON),
        status,
        created_at: new Date(at),
        // Far ahead: the CLI runs on the real clock, the app on the fake one.
        expires_at: new Date('2099-01-01T00:00:00Z'),
      });
      await tx.insertInto('withdrawal_limit_request').values([row(ids.pending, 'pending', '2026-11-22T08:00:00Z'), row(ids.applied, 'applied', '2026-11-22T07:00:00Z')]).execute();
    });
    const root = t.dirs.root;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      BULWARK_DATA_DIR: join(root, 'data'),
      BULWARK_KEY_FILE: join(root, 'keys', 'master-key.json'),
      BULWARK_CHECKPOINT_DIR: join(root, 'checkpoints'),
      ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
    };
    // The embedded database is one process's at a time: the app lets go of it before the command runs.
    await t.app.close();
  });
  after(async () => t?.close());

  it('lists ids, states and amounts, newest first, and nothing personal', async () => {
    const r = await runBulwark(['withdrawal-limits', 'list', '--json'], env);
    assert.equal(r.code, 0, showRun(r));
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; asset: string; currentLimit: string; requestedLimit: string; source: string });
    assert.deepEqual(rows.map((x) => [x.id, x.status, x.asset, x.currentLimit, x.requestedLimit, x.source]), [
      [ids.pending, 'pending', 'BTC', '2', '5.5', 'trader'],
      [ids.applied, 'applied', 'BTC', '2', '5.5', 'trader'],
    ]);
    assert.doesNotMatch(r.stdout + r.stderr, /sold a house|WL-CLI-1/);
    const only = await runBulwark(['withdrawal-limits', 'list', '--status', 'applied'], env);
    assert.equal(only.code, 0, showRun(only));
    assert.match(only.stdout, new RegExp(`^${ids.applied}\\s+applied`, 'm'));
    assert.doesNotMatch(only.stdout, new RegExp(ids.pending));
    const bad = await runBulwark(['withdrawal-limits', 'list', '--status', 'approved'], env);
    assert.notEqual(bad.code, 0, showRun(bad));
    assert.match(bad.stderr, /one of pending, applied, rejected, failed, expired/);
  });
});
