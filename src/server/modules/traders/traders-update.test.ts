// Changing a trader's details, from the attacker's side: a role without trader.update, a missing reason, a
// field the member's roles hide, a stale second factor, a malformed or unknown id; then the happy path: values
// re-encrypted, blind indexes moved (the old e-mail no longer finds the trader), the screened-field listeners
// called in the same transaction, and a listener's refusal leaving nothing half-written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import { systemContext } from '../../platform/http/request-context.js';
import type { SyntheticTrader } from '../demo/synthetic.js';
import type { ScreenedFieldChange } from './traders.service.js';

const GRACE: SyntheticTrader = {
  accountRef: 'ACC-0000077-gh1906',
  kind: 'individual',
  risk: 'low',
  kycState: 'approved',
  vip: false,
  activityBand: 'low',
  antiPhishingCode: 'GRACE-APC-77',
  registrationNumber: null,
  persons: [],
  legalName: 'Grace Hopper',
  email: 'grace.hopper@navy.test',
  phone: '+1 202 555 0143',
  country: 'US',
  dateOfBirth: '1906-12-09',
  bankAccount: 'US00BANK0000001234',
  wallets: [],
  balances: [],
};

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

describe('traders: changing a trader’s details', () => {
  let t: TestApp;
  let id: string;
  let senior: TestMember;
  let junior: TestMember;
  let officer: TestMember;
  const changes: ScreenedFieldChange[] = [];
  let refuse = false;
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.4.0.${++n}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const patch = (s: S, traderId: string, payload: object) => t.app.inject({ method: 'PATCH', url: `/api/v1/traders/${traderId}`, headers: s.headers, remoteAddress: s.ip, payload });
  const search = (s: S, by: string, value: string) => t.app.inject({ method: 'POST', url: '/api/v1/traders/search', headers: s.headers, remoteAddress: s.ip, payload: { by, value } });

  before(async () => {
    t = await createTestApp({ clock });
    senior = await createMember(t, clock, { email: 'senior@bank.test', roles: ['support_senior'] });
    junior = await createMember(t, clock, { email: 'junior@bank.test', roles: ['support_junior'] });
    officer = await createMember(t, clock, { email: 'officer@bank.test', roles: ['security_officer'] });
    id = await t.container.demo.createTrader(systemContext('test'), GRACE);
    t.container.traders.onScreenedFieldChange(async (_tx, change) => {
      changes.push(change);
      if (refuse) throw new AppError('conflict', 409, 'refused by a listener');
    });
  });
  after(async () => t?.close());

  it('refuses a role without trader.update (403, audited), and ids that are malformed or unknown (404)', async () => {
    const j = await session(junior);
    expectProblem(await patch(j, id, { email: 'x@y.test', reason: 'trader asked by phone' }), 403, 'forbidden');
    await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: junior.id });
    const s = await session(senior);
    expectProblem(await patch(s, 'not-a-uuid', { email: 'x@y.test', reason: 'trader asked by phone' }), 404, 'not_found');
    expectProblem(await patch(s, '00000000-0000-4000-8000-000000000000', { email: 'x@y.test', reason: 'trader asked by phone' }), 404, 'not_found');
  });

  it('needs a reason (audited denial), at least one known field, and valid values', async () => {
    const s = await session(senior);
    expectProblem(await patch(s, id, { email: 'new@grace.test' }), 400, 'validation_failed');
    await expectAudited(t, { action: 'trader.update', outcome: 'denied', actorId: senior.id, targetId: id });
    expectProblem(await patch(s, id, { reason: 'nothing at all here' }), 400, 'validation_failed');
    expectProblem(await patch(s, id, { country: 'usa', reason: 'trader moved abroad' }), 400, 'validation_failed');
    expectProblem(await patch(s, id, { balance: '1000000', reason: 'make me rich please' }), 400, 'validation_failed');
    expectProblem(await patch(s, id, { legalName: 'x'.repeat(201), reason: 'name change by deed poll' }), 400, 'validation_failed');
  });

  it('refuses a stale second factor (step-up) and a field the member’s roles hide', async () => {
    const s = await session(senior);
    clock.advance(6 * 60_000);
    expectProblem(await patch(s, id, { email: 'late@grace.test', reason: 'trader asked by phone' }), 401, 'step_up_required');
    // A security officer's roles hide identity: even were trader.update granted, they could not overwrite a legal name.
    await assert.rejects(
      t.container.traders.update(systemContext('test'), { id: officer.id, roles: ['security_officer'], permissions: new Set(['trader.read', 'trader.update']) }, id, { legalName: 'Someone Else' }, 'testing hidden fields'),
      (e: AppError) => e.status === 403,
    );
    assert.equal(changes.length, 0, 'nothing changed, nobody told');
  });

  it('changes e-mail and country: re-encrypted, searchable by the new value only, listeners told, audited without values', async () => {
    const s = await session(senior);
    const res = await patch(s, id, { email: 'grace@cobol.test', country: 'GB', reason: 'trader moved; verified by video call' });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json() as { fields: Record<string, unknown> };
    assert.equal(view.fields.country, 'GB');
    assert.equal((await search(s, 'email', 'grace@cobol.test')).json().traders.length, 1);
    assert.equal((await search(s, 'email', GRACE.email)).json().traders.length, 0);
    assert.deepEqual(changes.at(-1), { traderId: id, fields: ['country'], country: { before: 'US', after: 'GB' } });
    const ev = await expectAudited(t, { action: 'trader.update', outcome: 'ok', actorId: senior.id, targetId: id });
    assert.deepEqual([...ev.fields].sort(), ['country', 'email']);
    assert.ok(!JSON.stringify(ev).includes('cobol'), 'the audit event names fields, never values');
    const raw = await t.container.db.system.selectFrom('trader').select(['email_ct']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(!Buffer.from(raw.email_ct).toString('latin1').includes('cobol'), 'stored encrypted');
  });

  it('a listener that refuses aborts the whole change: nothing half-written', async () => {
    const s = await session(senior);
    refuse = true;
    try {
      expectProblem(await patch(s, id, { legalName: 'Grace B. Murray', email: 'gbm@navy.test', reason: 'name change by marriage' }), 409, 'conflict');
    } finally {
      refuse = false;
    }
    assert.equal((await search(s, 'email', 'gbm@navy.test')).json().traders.length, 0);
    assert.equal((await search(s, 'email', 'grace@cobol.test')).json().traders.length, 1);
    assert.deepEqual(changes.at(-1)!.fields, ['legalName']);
  });
});
