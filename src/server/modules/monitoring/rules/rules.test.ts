// Monitoring rules through the API and the ingestion pipeline: access (401; support, marketing and compliance
// officers cannot edit; support cannot even read), bad sources (YAML/JSON errors by path, hostile YAML, oversized
// bodies), drafts and versions, four eyes on activation and deactivation (the maker cannot approve, nor can the
// draft's author), an activated version evaluating live in the ingesting transaction, a backtest equal to live
// evaluation over the same events, and the audit rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited } from '../../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import type { BacktestResult, RuleList, RuleView, ValidationResult } from '../../../../contracts/monitoring-rules.js';
import { FakeClock } from '../../../platform/clock.js';
import { systemContext } from '../../../platform/http/request-context.js';
import { syntheticTrader } from '../../demo/synthetic.js';
import type { RuleHit } from '../model.js';
import { RuleDefinition } from '../../../../contracts/monitoring-rules.js';
import { DEFAULT_RULES } from '../../../../../migrations/2026-11-21T16-10-00_monitoring_rules.js';
import { runBacktest } from './backtest.js';

const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const RUN = randomUUID().slice(0, 8);
const H = 3_600_000;
const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';

const ROLES = ['support_senior', 'marketing', 'compliance_officer', 'compliance_senior', 'senior_b'] as const;
type Role = (typeof ROLES)[number];

const velocityYaml = (minCount: number, id = 'many-deposits') => `# written by compliance
id: ${id}
name: Many deposits in six hours
severity: high
explanation: "{count} deposits totalling {sumUsd} USD within {window}"
appliesTo: [deposit]
condition:
  type: velocity
  window: 6h
  minCount: ${minCount}
`;

describe('monitoring rules', () => {
  let t: TestApp;
  const members = new Map<Role, TestMember>();
  const sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  let n = 0;
  const live: RuleHit[] = [];
  const traders: string[] = [];
  let ev = 0;

  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.6.${++n >> 8}.${n & 255}`;
      const signed = await signInAs(t, members.get(role)!, clock, 'test-agent', ip);
      sessions.set(role, (s = { headers: signed.headers, ip }));
    }
    return s;
  };
  const call = async (role: Role, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const s = await as(role);
    return t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  };
  const deposit = (account: string, at: number, valueUsd: number) => ({ eventId: `ev-${RUN}-${++ev}`, accountRef: account, type: 'deposit', occurredAt: new Date(at).toISOString(), asset: 'USDT', amount: String(valueUsd), valueUsd, address: WALLET, chain: 'tron' });
  const ingest = async (events: object[]) => {
    const r = await t.container.monitoringIngest.ingest(systemContext('test:exchange'), events);
    assert.equal(r.stored, events.length, JSON.stringify(r));
  };

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ROLES) {
      const roles = [role === 'senior_b' ? 'compliance_senior' : role];
      members.set(role, await createMember(t, clock, { email: `${role}-${RUN}@bank.test`, roles, displayName: `M ${role}`, key: roles[0] === 'compliance_senior' }));
    }
    for (const k of ['a', 'b', 'c']) traders.push(await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), accountRef: `ACC-RUL-${k}-${RUN}` }));
    // Hits land here instead of the alert queue: this file tests the rules, the cases module its sink.
    t.container.monitoring.useAlertSink({
      async raiseIn(_tx, hits) {
        live.push(...hits);
        return { raised: hits.length, absorbed: 0 };
      },
    });
  });
  after(async () => t?.close());

  describe('access', () => {
    it('401 without a session; support and marketing cannot read rules (403, audited); a compliance officer reads but cannot write', async () => {
      expectProblem(await t.app.inject({ url: '/api/v1/monitoring/rules' }), 401, 'unauthenticated');
      expectProblem(await call('support_senior', 'GET', '/api/v1/monitoring/rules'), 403, 'forbidden');
      expectProblem(await call('marketing', 'GET', '/api/v1/monitoring/rules'), 403, 'forbidden');
      await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('support_senior')!.id });
      const list = await call('compliance_officer', 'GET', '/api/v1/monitoring/rules');
      assert.equal(list.statusCode, 200, list.body);
      const src = { format: 'yaml', source: velocityYaml(3) };
      expectProblem(await call('compliance_officer', 'POST', '/api/v1/monitoring/rules', src), 403, 'forbidden');
      expectProblem(await call('compliance_officer', 'PUT', '/api/v1/monitoring/rules/structuring-10k/draft', src), 403, 'forbidden');
      expectProblem(await call('compliance_officer', 'POST', '/api/v1/monitoring/rules/structuring-10k/deactivate', { reason: 'too noisy for us' }), 403, 'forbidden');
      expectProblem(await call('compliance_officer', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'structuring-10k' }), 403, 'forbidden');
      expectProblem(await call('marketing', 'POST', '/api/v1/monitoring/rules', src), 403, 'forbidden');
    });

    it('404 for unknown and malformed rule ids (reads and writes)', async () => {
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/no-such-rule'), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/monitoring/rules/${'x'.repeat(60)}'--`), 404, 'not_found');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/no-such-rule/versions/1/activate', { reason: 'please activate' }), 404, 'not_found');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/no-such-rule/deactivate', { reason: 'please deactivate' }), 404, 'not_found');
    });
  });

  describe('the default rule set', () => {
    it('is installed active (no author), one rule per condition type, and evaluates live from the start', async () => {
      const list = (await call('compliance_officer', 'GET', '/api/v1/monitoring/rules')).json() as RuleList;
      const types = new Set(list.rules.map((r) => r.conditionType));
      for (const ty of ['threshold', 'velocity', 'structuring', 'rapid_in_out', 'high_risk_jurisdiction', 'sanctioned_counterparty', 'dormant_reactivated', 'baseline_deviation', 'all']) assert.ok(types.has(ty as never), ty);
      assert.ok(list.rules.every((r) => r.status === 'active' && r.installed && r.activeVersion === 1));
      assert.ok(t.container.monitoring.status().rules.some((r) => r.id === 'structuring-10k'));
      await expectAudited(t, { action: 'monitoring.rule_list', actorId: members.get('compliance_officer')!.id });
    });

    it('structuring: three deposits just under 10,000 USD within 24 h become one hit set with one dedup key, in the storing transaction', async () => {
      const base = clock.now().getTime() - 20 * H;
      await ingest([deposit(`ACC-RUL-a-${RUN}`, base, 9_100), deposit(`ACC-RUL-a-${RUN}`, base + H, 9_900)]);
      assert.equal(live.filter((h) => h.ruleId === 'structuring-10k').length, 0);
      await ingest([deposit(`ACC-RUL-a-${RUN}`, base + 2 * H, 9_000)]);
      const hits = live.filter((h) => h.ruleId === 'structuring-10k');
      assert.equal(hits.length, 1);
      assert.equal(hits[0]!.traderId, traders[0]);
      assert.equal(hits[0]!.eventIds.length, 3);
      assert.match(hits[0]!.explanation, /^3 transactions between 9,000 and 10,000 USD within 24h/);
      // The evaluator was warmed from the database (the first two events were stored by another batch).
      await ingest([deposit(`ACC-RUL-a-${RUN}`, base + 3 * H, 9_500)]);
      assert.equal(new Set(live.filter((h) => h.ruleId === 'structuring-10k').map((h) => h.dedupKey)).size, 1);
    });
  });

  describe('rule sources', () => {
    it('400 with the problems by path for invalid rules; validate answers them without storing', async () => {
      const bad = expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: velocityYaml(3).replace('6h', 'six hours') }), 400, 'validation_failed');
      assert.deepEqual((bad.errors as { path: string }[]).map((e) => e.path), ['rule.condition.window']);
      const v = (await call('compliance_officer', 'POST', '/api/v1/monitoring/rules/validate', { format: 'json', source: '{"id": "x"' })).json() as ValidationResult;
      assert.equal(v.valid, false);
      assert.match(v.errors[0]!.message, /not valid JSON/);
      const ok = (await call('compliance_officer', 'POST', '/api/v1/monitoring/rules/validate', { format: 'yaml', source: velocityYaml(3) })).json() as ValidationResult;
      assert.equal(ok.valid, true);
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/many-deposits'), 404, 'not_found');
    });

    it('refuses hostile YAML (aliases, custom tags) and oversized sources', async () => {
      const laughs = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: laughs }), 400, 'validation_failed');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: '!!js/function "function () { return 1 }"' }), 400, 'validation_failed');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: `# ${'x'.repeat(70_000)}` }), 400, 'validation_failed');
      const huge = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: 'x'.repeat(400_000) });
      assert.equal(huge.statusCode, 413);
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'toml', source: 'a = 1' }), 400, 'validation_failed');
    });
  });

  describe('drafts, four eyes and live evaluation', () => {
    let approvalId = '';

    it('a draft is stored (not live), can be rewritten, and an id cannot be taken twice', async () => {
      const r = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: velocityYaml(5) });
      assert.equal(r.statusCode, 201, r.body);
      const view = r.json() as RuleView;
      assert.equal(view.status, 'draft');
      assert.equal(view.versions[0]!.state, 'draft');
      assert.equal(view.versions[0]!.source, velocityYaml(5), 'the source is kept as written');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules', { format: 'yaml', source: velocityYaml(5) }), 409, 'conflict');
      const edited = (await call('compliance_senior', 'PUT', '/api/v1/monitoring/rules/many-deposits/draft', { format: 'yaml', source: velocityYaml(4) })).json() as RuleView;
      assert.equal(edited.versions.length, 1);
      assert.equal(edited.versions[0]!.definition.condition.type === 'velocity' && edited.versions[0]!.definition.condition.minCount, 4);
      expectProblem(await call('compliance_senior', 'PUT', '/api/v1/monitoring/rules/many-deposits/draft', { format: 'yaml', source: velocityYaml(4, 'other-id') }), 400, 'validation_failed');
      assert.ok(!t.container.monitoring.status().rules.some((x) => x.id === 'many-deposits'));
      await expectAudited(t, { action: 'monitoring.rule_create', actorId: members.get('compliance_senior')!.id, targetId: 'many-deposits' });
    });

    it('activation is a four-eyes request: the pending version cannot change, the maker cannot approve it', async () => {
      const r = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/many-deposits/versions/1/activate', { reason: 'Deposit bursts seen in Q3' });
      assert.equal(r.statusCode, 202, r.body);
      approvalId = (r.json() as { approvalId: string }).approvalId;
      const view = (await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/many-deposits')).json() as RuleView;
      assert.equal(view.versions[0]!.state, 'pending_activation');
      expectProblem(await call('compliance_senior', 'PUT', '/api/v1/monitoring/rules/many-deposits/draft', { format: 'yaml', source: velocityYaml(2) }), 409, 'conflict');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/many-deposits/versions/1/activate', { reason: 'Deposit bursts seen in Q3' }), 409, 'conflict');
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'my own request' }), 403, 'forbidden');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'not my permission' }), 403, 'forbidden');
      assert.ok(!t.container.monitoring.status().rules.some((x) => x.id === 'many-deposits'));
    });

    it("a second member's approval activates it, and the next ingested batch is evaluated with it", async () => {
      const ok = await call('senior_b', 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'Checked the thresholds' });
      assert.equal(ok.statusCode, 200, ok.body);
      const view = (await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/many-deposits')).json() as RuleView;
      assert.equal(view.status, 'active');
      assert.equal(view.activeVersion, 1);
      assert.equal(view.versions[0]!.approvedBy, members.get('senior_b')!.id);
      const at = clock.now().getTime() - 5 * H;
      await ingest([1, 2, 3, 4].map((k) => deposit(`ACC-RUL-b-${RUN}`, at + k * 60_000, 50)));
      const hits = live.filter((h) => h.ruleId === 'many-deposits');
      assert.equal(hits.length, 1);
      assert.equal(hits[0]!.ruleVersion, 1);
      assert.equal(hits[0]!.explanation, '4 deposits totalling 200 USD within 6h');
      await expectAudited(t, { action: 'approval.approve', actorId: members.get('senior_b')!.id });
    });

    it('editing an active rule makes the next version a draft; the old one evaluates until the new one is approved', async () => {
      const v2 = (await call('compliance_senior', 'PUT', '/api/v1/monitoring/rules/many-deposits/draft', { format: 'json', source: JSON.stringify({ id: 'many-deposits', name: 'Two deposits in six hours', severity: 'low', explanation: '{count} deposits', appliesTo: ['deposit'], condition: { type: 'velocity', window: '6h', minCount: 2 } }) })).json() as RuleView;
      assert.deepEqual(v2.versions.map((v) => [v.version, v.state]), [[2, 'draft'], [1, 'active']]);
      const req = (await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/many-deposits/versions/2/activate', { reason: 'Lower the count to two' })).json() as { approvalId: string };
      assert.equal((await call('senior_b', 'POST', `/api/v1/approvals/${req.approvalId}/approve`, { reason: 'Looks right to me' })).statusCode, 200);
      const view = (await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/many-deposits')).json() as RuleView;
      assert.deepEqual(view.versions.map((v) => [v.version, v.state]), [[2, 'active'], [1, 'retired']]);
      const at = clock.now().getTime() - 4 * H;
      await ingest([deposit(`ACC-RUL-c-${RUN}`, at, 10), deposit(`ACC-RUL-c-${RUN}`, at + 1, 10)]);
      assert.ok(live.some((h) => h.ruleId === 'many-deposits' && h.ruleVersion === 2 && h.traderId === traders[2]));
    });

    it('deactivation takes four eyes too; then the rule stops evaluating', async () => {
      const r = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/many-deposits/deactivate', { reason: 'Replaced by the velocity default' });
      assert.equal(r.statusCode, 202, r.body);
      const { approvalId: id } = r.json() as { approvalId: string };
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/approvals/${id}/approve`, { reason: 'my own request' }), 403, 'forbidden');
      assert.ok(t.container.monitoring.status().rules.some((x) => x.id === 'many-deposits'));
      assert.equal((await call('senior_b', 'POST', `/api/v1/approvals/${id}/approve`, { reason: 'Agreed, it is redundant' })).statusCode, 200);
      const before = live.length;
      const at = clock.now().getTime() - 3 * H;
      await ingest([deposit(`ACC-RUL-c-${RUN}`, at, 10), deposit(`ACC-RUL-c-${RUN}`, at + 1, 10)]);
      assert.ok(!live.slice(before).some((h) => h.ruleId === 'many-deposits'));
      const view = (await call('compliance_officer', 'GET', '/api/v1/monitoring/rules/many-deposits')).json() as RuleView;
      assert.equal(view.status, 'inactive');
      await expectAudited(t, { action: 'monitoring.rule_deactivation_request', actorId: members.get('compliance_senior')!.id, targetId: 'many-deposits' });
    });
  });

  describe('backtest', () => {
    it('equals live evaluation over the same events (alerts = distinct dedup keys, traders), and is audited', async () => {
      // A fresh pattern on trader a: bursts of small deposits, evaluated live by a rule activated for the purpose.
      const from = new Date(clock.now().getTime() - 30 * 24 * H).toISOString();
      const to = clock.now().toISOString();
      const src = { format: 'yaml' as const, source: velocityYaml(3) };
      const dry = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { rule: src, from, to });
      assert.equal(dry.statusCode, 200, dry.body);
      const result = dry.json() as BacktestResult;
      // Live: the default structuring rule saw trader a's pattern; the unsaved velocity rule, run live over the same
      // events with a fresh evaluator, must agree with the backtest.
      const structuring = (await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'structuring-10k', from, to })).json() as BacktestResult;
      const liveStructuring = live.filter((h) => h.ruleId === 'structuring-10k');
      assert.equal(structuring.alerts, new Set(liveStructuring.map((h) => h.dedupKey)).size);
      assert.equal(structuring.traders, new Set(liveStructuring.map((h) => h.traderId)).size);
      assert.equal(structuring.sample[0]!.traderId, traders[0]);
      assert.ok(structuring.eventsScanned >= 4);
      assert.equal(structuring.perDay.reduce((s, d) => s + d.alerts, 0), structuring.alerts);
      // Every deposit stored so far: trader a 4 within 3 h, b 4 within 4 minutes, c two pairs an hour apart.
      assert.equal(result.alerts, 3, JSON.stringify(result));
      assert.equal(result.traders, 3);
      const audit = await expectAudited(t, { action: 'monitoring.rule_backtest', actorId: members.get('compliance_senior')!.id, targetId: 'structuring-10k' });
      assert.ok(audit.fields.includes('monitoring_event.amount_usd'));
      assert.ok(!audit.fields.includes('monitoring_event.payload_ct'), 'the payload is read only for the counterparty rule');
    });

    it('both streaming orders (every trader in time order; trader by trader) give the same result', async () => {
      const deps = { jurisdiction: () => null, walletListed: () => [], now: () => Date.now() };
      const from = new Date(clock.now().getTime() - 30 * 24 * H);
      for (const def of DEFAULT_RULES.filter((r) => ['structuring-10k', 'large-transaction', 'rapid-in-out', 'withdrawal-velocity'].includes(r.id))) {
        const rule = { id: def.id, version: 1, definition: RuleDefinition.parse(def.definition) };
        const run = (mode: 'time' | 'trader') =>
          t.container.writer.auditedRead(systemContext('test'), { action: 'test.backtest' }, (tx) => runBacktest(tx, rule, { from, to: clock.now(), sampleSize: 50, timeLimitMs: 60_000, mode }, deps));
        const [a, b] = [await run('time'), await run('trader')];
        assert.deepEqual({ ...a, durationMs: 0, sample: a.sample.map((x) => x.explanation).sort() }, { ...b, durationMs: 0, sample: b.sample.map((x) => x.explanation).sort() }, def.id);
      }
    });

    it('the counterparty rule decrypts the payload (audited as such); a bad range is a 400', async () => {
      const r = await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'sanctioned-counterparty' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal((r.json() as BacktestResult).alerts, 0, 'no list loaded: nothing is listed');
      const rows = await findAudited(t, { action: 'monitoring.rule_backtest', targetId: 'sanctioned-counterparty' });
      assert.ok(rows.at(-1)!.fields.includes('monitoring_event.payload_ct'));
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'structuring-10k', from: '2026-11-22T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }), 400, 'validation_failed');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'structuring-10k', rule: { format: 'yaml', source: velocityYaml(3) } }), 400, 'validation_failed');
      expectProblem(await call('compliance_senior', 'POST', '/api/v1/monitoring/rules/backtest', { ruleId: 'no-such-rule' }), 404, 'not_found');
    });
  });
});
