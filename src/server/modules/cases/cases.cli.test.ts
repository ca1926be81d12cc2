// `bulwark alerts list` and `bulwark cases list` as an operator runs them (spawned, on their own data directory):
// counts by status, severity and queue, the overdue cases, and nothing personal in the output.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, runBulwark, showRun } from '../../../../test/helpers/cli.js';
import { loadConfig } from '../../config/config.js';
import { createContainer } from '../../container.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';

describe('bulwark alerts list / cases list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-cases-cli-'));
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;

  before(async () => {
    ({ env, drop } = await cliEnv(dir));
    // Data written in-process through the services (then closed: the data directory has one owner at a time).
    const clock = new FakeClock('2026-01-10T09:00:00.000Z');
    const c = await createContainer(loadConfig(env as Record<string, string>), { clock, createKeyFile: true });
    try {
      const ctx = systemContext('test');
      const traderId = await c.demo.createTrader(ctx, { ...syntheticTrader(1), kind: 'individual', persons: [], wallets: [], legalName: 'Cli Secretname' });
      const hit = (rule: string, severity: 'high' | 'low') => ({
        ruleId: rule, ruleVersion: 1, ruleName: rule, severity, traderId, explanation: 'x', facts: {}, eventIds: [], eventAt: clock.now().getTime(), detectedAt: clock.now().getTime(), dedupKey: `${rule}:${traderId}`,
      });
      await c.audited(ctx, { action: 'monitoring.events_ingest' }, (tx) => c.alerts.raiseIn(tx, [hit('a', 'high'), hit('b', 'high'), hit('c', 'low')]));
      await c.audited(ctx, { action: 'test.case' }, (tx) => c.cases.createIn(tx, null, { traderId, title: 'Secret case title', queue: 'fraud', priority: 'urgent', origin: 'test' }));
    } finally {
      await c.close();
    }
  });
  after(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts alerts by status and severity, cases by status and queue, and the overdue ones; no personal data', async () => {
    const alerts = await runBulwark(['alerts', 'list', '--json'], env);
    assert.equal(alerts.code, 0, showRun(alerts));
    assert.deepEqual(JSON.parse(alerts.stdout).alerts.sort((x: { severity: string }, y: { severity: string }) => x.severity.localeCompare(y.severity)), [
      { status: 'open', severity: 'high', count: 2 },
      { status: 'open', severity: 'low', count: 1 },
    ]);
    const cases = await runBulwark(['cases', 'list'], env);
    assert.equal(cases.code, 0, showRun(cases));
    assert.match(cases.stdout, /^open\s+fraud\s+1$/m);
    // Opened in January 2026 with a 24-hour SLA: overdue by the real clock now.
    assert.match(cases.stdout, /overdue \(open past their SLA\): 1/);
    for (const r of [alerts, cases]) assert.ok(!/Secret|Cli/.test(r.stdout + r.stderr), showRun(r));
  });
});
