// `bulwark sars list` and `bulwark sars overdue` spawned as an operator runs them, against a data directory seeded
// in-process with one overdue draft: references, case references, statuses and deadlines are printed, the subject's
// name, account and the narrative never are; `overdue` exits 2 while there is an overdue report (for monitoring).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, runBulwark, showRun as show } from '../../../../test/helpers/cli.js';
import { loadConfig } from '../../config/config.js';
import { createContainer } from '../../container.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import { insertStaff } from '../staff-auth/staff-auth.repository.js';

const NAME = 'Olivia Overdue';
const NARRATIVE = 'Rapid in and out through three fresh wallets';

describe('bulwark sars', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  let reference = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-sars-'));
    ({ env, drop } = await cliEnv(dir));
    // Seeded through the product's own services (then closed: the data directory belongs to one process).
    const c = await createContainer(loadConfig(env), { createKeyFile: true });
    try {
      const ctx = systemContext('test:seed');
      const traderId = await c.demo.createTrader(ctx, { ...syntheticTrader(1), kind: 'individual', persons: [], registrationNumber: null, legalName: NAME, accountRef: 'ACC-CLI-OLIVIA' });
      const staffId = randomUUID();
      const caseId = randomUUID();
      await c.audited(ctx, { action: 'test.seed', target: { type: 'test' } }, async (tx) => {
        const v = c.vault;
        await insertStaff(tx, {
          id: staffId,
          email_ct: v.encrypt({ table: 'staff', column: 'email_ct', rowId: staffId }, 'officer@cli.test'),
          email_bidx: v.blindIndex('staff.email', 'officer@cli.test'),
          display_name: 'CLI Officer',
          password_hash: 'x',
          totp_secret_ct: null,
          totp_last_step: null,
          roles: ['compliance_officer'],
          status: 'active',
          created_at: new Date(),
          updated_at: new Date(),
        });
        const key = await v.subjectKey(tx, traderId, { create: false });
        const alertId = randomUUID();
        await tx
          .insertInto('monitoring_alert')
          .values({
            id: alertId,
            trader_id: traderId,
            rule_id: 'rapid-in-out',
            rule_version: 1,
            severity: 'high',
            status: 'escalated',
            dedup_key: `cli:${traderId}`,
            explanation_ct: v.encryptForSubject(key, { table: 'monitoring_alert', column: 'explanation_ct', rowId: alertId }, '{}'),
            event_ids: [],
            event_at: new Date('2020-01-01T00:00:00Z'),
            // Detected long ago: the 30-day deadline has passed whatever today is.
            detected_at: new Date('2020-01-01T00:00:00Z'),
            case_id: null,
            closed_by: null,
            closed_at: null,
            close_reason_ct: null,
          } as never)
          .execute();
        await tx
          .insertInto('aml_case')
          .values({
            id: caseId,
            reference: 'CASE-2020-000001',
            status: 'investigating',
            priority: 'high',
            queue: 'aml',
            assignee_id: null,
            subject_trader_id: traderId,
            title_ct: v.encryptForSubject(key, { table: 'aml_case', column: 'title_ct', rowId: caseId }, 'Rapid in and out'),
            opened_by: null,
            opened_at: new Date('2020-01-02T00:00:00Z'),
            due_at: null,
            closed_at: null,
          } as never)
          .execute();
        await tx.insertInto('aml_case_link').values({ case_id: caseId, kind: 'alert', ref: alertId, added_by: null, added_at: new Date() }).execute();
      });
      const member = { id: staffId, roles: ['compliance_officer'], permissions: new Set(['trader.read', 'monitoring.read', 'case.read', 'case.manage', 'sar.read', 'sar.manage']) };
      const sar = await c.sar.create(ctx, member, caseId, { narrative: NARRATIVE });
      reference = sar.sar.reference;
    } finally {
      await c.close();
    }
  });
  after(async () => {
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('list prints references, cases, statuses and deadlines, no personal data; a bad --status exits 1', async () => {
    const r = await runBulwark(['sars', 'list'], env);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, new RegExp(`^${reference}\\s+CASE-2020-000001\\s+draft\\s+due 2020-01-31\\s+OVERDUE by \\d+ day\\(s\\)$`, 'm'));
    assert.doesNotMatch(r.stdout + r.stderr, /Olivia|ACC-CLI-OLIVIA|fresh wallets/);
    const json = await runBulwark(['sars', 'list', '--status', 'all', '--json'], env);
    assert.equal(json.code, 0, show(json));
    const rows = JSON.parse(json.stdout) as { reference: string; overdue: boolean; dueAt: string }[];
    assert.deepEqual(rows.map((x) => [x.reference, x.overdue, x.dueAt]), [[reference, true, '2020-01-31T00:00:00.000Z']]);
    assert.deepEqual(Object.keys(rows[0]!).sort(), ['caseReference', 'daysLeft', 'detectedAt', 'dueAt', 'filedAt', 'fiuReference', 'overdue', 'reference', 'status']);
    const filed = await runBulwark(['sars', 'list', '--status', 'filed'], env);
    assert.equal(filed.stdout.trim(), 'no reports', show(filed));
    const bad = await runBulwark(['sars', 'list', '--status', 'everything'], env);
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stderr, /--status must be one of/);
  });

  test('overdue lists the overdue report and exits 2', async () => {
    const r = await runBulwark(['sars', 'overdue'], env);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stdout, new RegExp(`^${reference}\\s`, 'm'));
    assert.doesNotMatch(r.stdout, /Olivia|ACC-CLI-OLIVIA/);
  });
});
