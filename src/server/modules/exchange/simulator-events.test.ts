// The simulator's event scenarios: every envelope passes the exchange event contract, and each scenario has the
// shape its rule looks for (the rules' own boundary tests are theirs); the `bulwark exchange events` command sends
// one through the signed webhook of a listening Bulwark and reports per-event results.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, runBulwark, showRun } from '../../../../test/helpers/cli.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { ExchangeEvent } from '../../../contracts/monitoring-events.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import { defaultSanctionedAddress, SCENARIOS, scenarioEvents } from './simulator-events.js';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const usd = (e: ExchangeEvent) => ('valueUsd' in e ? e.valueUsd : 0);
const at = (e: ExchangeEvent) => Date.parse(e.occurredAt);

describe('simulator event scenarios', () => {
  it('every scenario produces valid envelopes with unique ids, oldest first, none in the future', () => {
    for (const s of SCENARIOS) {
      const events = scenarioEvents(s, 'ACC-SIM-1', { now: NOW });
      assert.ok(events.length > 0, s);
      for (const e of events) assert.ok(ExchangeEvent.safeParse(e).success, `${s}: ${JSON.stringify(ExchangeEvent.safeParse(e).error?.issues)}`);
      assert.equal(new Set(events.map((e) => e.eventId)).size, events.length, s);
      assert.deepEqual(events.map(at), [...events.map(at)].sort((a, b) => a - b), s);
      assert.ok(events.every((e) => at(e) <= NOW && e.accountRef === 'ACC-SIM-1'), s);
    }
  });

  it('structuring: at least 5 deposits of 90–99 % of the threshold within 24 hours, none over it', () => {
    const d = scenarioEvents('structuring', 'A', { now: NOW, thresholdUsd: 10_000 }).filter((e) => e.type === 'deposit');
    assert.ok(d.length >= 5);
    assert.ok(d.every((e) => usd(e) >= 9_000 && usd(e) < 10_000));
    assert.ok(at(d.at(-1)!) - at(d[0]!) < 24 * 3_600_000);
  });

  it('rapid_in_out, large_single, dormant_reactivated, high_risk_country and sanctioned_counterparty have their shape', () => {
    const [dep, wd] = scenarioEvents('rapid_in_out', 'A', { now: NOW });
    assert.equal(dep!.type, 'deposit');
    assert.equal(wd!.type, 'withdrawal');
    assert.ok(usd(wd!) >= 0.8 * usd(dep!) && at(wd!) - at(dep!) < 3_600_000);
    const [big] = scenarioEvents('large_single', 'A', { now: NOW, thresholdUsd: 10_000 });
    assert.ok(big!.type === 'withdrawal' && usd(big!) > 10_000);
    const dormant = scenarioEvents('dormant_reactivated', 'A', { now: NOW });
    assert.ok(at(dormant[1]!) - at(dormant[0]!) > 180 * 86_400_000);
    const risky = scenarioEvents('high_risk_country', 'A', { now: NOW, country: 'VE' });
    assert.ok(risky.every((e) => 'country' in e && e.country === 'VE'));
    const sanctioned = scenarioEvents('sanctioned_counterparty', 'A', { now: NOW }).find((e) => e.type === 'withdrawal')!;
    assert.equal('address' in sanctioned && sanctioned.address, defaultSanctionedAddress());
    assert.match(defaultSanctionedAddress(), /^0x[0-9A-Fa-f]{40}$/);
    const custom = scenarioEvents('sanctioned_counterparty', 'A', { now: NOW, sanctionedAddress: '0x1111111111111111111111111111111111111111' });
    assert.ok(custom.some((e) => 'address' in e && e.address === '0x1111111111111111111111111111111111111111'));
  });
});

describe('bulwark exchange events', () => {
  const SECRET = 'exchange-webhook-secret-cli-0123456789abcdef';
  let t: TestApp;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-sim-events-'));
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  before(async () => {
    t = await createTestApp({ env: { EXCHANGE_WEBHOOK_SECRET: SECRET } });
    await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: 'ACC-SIM-CLI' });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    ({ env, drop } = await cliEnv(dir, { EXCHANGE_WEBHOOK_SECRET: SECRET }));
  });
  after(async () => {
    await t?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown scenario, a bad account and --via nats without a NATS URL', async () => {
    const bad = await runBulwark(['exchange', 'events', '--scenario', 'teleport', '--account', 'ACC-SIM-CLI', '--url', url], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--scenario: one of normal/);
    const acc = await runBulwark(['exchange', 'events', '--scenario', 'normal', '--account', 'ACC SIM', '--url', url], env);
    assert.match(acc.stderr, /--account/);
    const nats = await runBulwark(['exchange', 'events', '--scenario', 'normal', '--account', 'ACC-SIM-CLI', '--via', 'nats'], env);
    assert.match(nats.stderr, /NATS_URL is required/);
  });

  it('sends a structuring scenario through the signed webhook; Bulwark stores it', async () => {
    const r = await runBulwark(['exchange', 'events', '--scenario', 'structuring', '--account', 'ACC-SIM-CLI', '--url', url], env);
    assert.equal(r.code, 0, showRun(r));
    assert.match(r.stdout, /structuring: 9 stored, 0 duplicate, 0 rejected/);
    const rows = await t.container.db.system.selectFrom('monitoring_event').select(['type', 'amount_usd']).execute();
    assert.equal(rows.filter((x) => x.type === 'deposit').length, 8);
    const unknown = await runBulwark(['exchange', 'events', '--scenario', 'large_single', '--account', 'ACC-NOBODY', '--url', url], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /rejected sim-large_single-\S+: unknown_account/);
  });
});
