// Four eyes from the attacker's side: approving one's own request, approving without the kind's permission,
// deciding twice, deciding after expiry. The approved action runs in the same transaction as the decision.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited } from '../../../../test/helpers/audit.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

const clock = new FakeClock('2026-11-21T09:00:00.000Z');
const ctxOf = (m: TestMember): ActorContext => ({ actorType: 'staff', actorId: m.id, actorName: m.displayName, ip: '127.0.0.1', sessionIdHash: null, requestId: null });

describe('four-eyes approvals', () => {
  let t: TestApp;
  let maker: TestMember;
  let checker: TestMember;
  let bystander: TestMember;
  const executed: string[] = [];

  before(async () => {
    t = await createTestApp({ clock });
    maker = await createMember(t, clock, { email: 'maker@bank.test', roles: ['admin'], displayName: 'Mia Maker' });
    checker = await createMember(t, clock, { email: 'checker@bank.test', roles: ['security_officer'], displayName: 'Carl Checker' });
    bystander = await createMember(t, clock, { email: 'junior@bank.test', roles: ['support_junior'], displayName: 'Jo Junior' });
    t.container.approvals.register<{ note: string }>('test.action', {
      approvePermission: 'approval.decide',
      parse(p) {
        const note = (p as { note?: unknown })?.note;
        if (typeof note !== 'string' || note.length > 50) throw new AppError('validation_failed', 400, 'bad payload');
        return { note };
      },
      describe: (p) => `do ${p.note}`,
      async execute(tx, p) {
        // Proves the action runs inside the decision's transaction: a failure here undoes the decision.
        if (p.note === 'explode') throw new Error('executor failed');
        await tx.selectFrom('approval_request').select('id').limit(1).execute();
        executed.push(p.note);
      },
    });
  });
  after(async () => t?.close());

  const perms = (roles: string[]) => new Set(roles.includes('support_junior') ? [] : ['approval.read', 'approval.decide']);

  it('refuses the maker approving their own request, and audits the attempt', async () => {
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'a' }, reason: 'routine change' });
    await assert.rejects(t.container.approvals.decide(ctxOf(maker), { id: maker.id, permissions: perms(['admin']) }, r.id, 'approve', 'looks fine to me'), (e: AppError) => e.status === 403);
    await expectAudited(t, { action: 'approval.approve', outcome: 'denied', targetId: r.id });
    assert.deepEqual(executed, []);
  });

  it('refuses a checker without the permission the kind names', async () => {
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'b' }, reason: 'routine change' });
    await assert.rejects(t.container.approvals.decide(ctxOf(bystander), { id: bystander.id, permissions: perms(['support_junior']) }, r.id, 'approve', 'sure, why not'), (e: AppError) => e.status === 403);
    assert.ok(!executed.includes('b'));
  });

  it('executes on approval by another member, exactly once; a second decision is refused', async () => {
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'c' }, reason: 'routine change' });
    const v = await t.container.approvals.decide(ctxOf(checker), { id: checker.id, permissions: perms(['security_officer']) }, r.id, 'approve', 'checked the ticket');
    assert.equal(v.status, 'executed');
    assert.equal(v.checkerId, checker.id);
    assert.deepEqual(executed.filter((x) => x === 'c'), ['c']);
    await assert.rejects(t.container.approvals.decide(ctxOf(checker), { id: checker.id, permissions: perms(['security_officer']) }, r.id, 'approve', 'approve again'), (e: AppError) => e.status === 409);
    await assert.rejects(t.container.approvals.decide(ctxOf(checker), { id: checker.id, permissions: perms(['security_officer']) }, r.id, 'reject', 'changed my mind'), (e: AppError) => e.status === 409);
    assert.deepEqual(executed.filter((x) => x === 'c'), ['c']);
    await expectAudited(t, { action: 'approval.approve', outcome: 'ok', targetId: r.id });
  });

  it('a failing action leaves the request pending (decision and action commit together)', async () => {
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'explode' }, reason: 'routine change' });
    await assert.rejects(t.container.approvals.decide(ctxOf(checker), { id: checker.id, permissions: perms(['security_officer']) }, r.id, 'approve', 'checked the ticket'));
    const row = await t.container.db.system.selectFrom('approval_request').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
  });

  it('expires: an old request can no longer be approved', async () => {
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'd' }, reason: 'routine change', ttlHours: 1 });
    clock.advance(61 * 60 * 1000);
    const v = await t.container.approvals.decide(ctxOf(checker), { id: checker.id, permissions: perms(['security_officer']) }, r.id, 'approve', 'checked the ticket');
    assert.equal(v.status, 'expired');
    assert.ok(!executed.includes('d'));
  });

  it('refuses a request without a reason and an invalid payload', async () => {
    await assert.rejects(t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'e' }, reason: ' ' }), (e: AppError) => e.status === 400);
    await assert.rejects(t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 42 }, reason: 'routine change' }), (e: AppError) => e.status === 400);
    await assert.rejects(t.container.approvals.request(ctxOf(maker), { kind: 'nope', payload: {}, reason: 'routine change' }), (e: AppError) => e.status === 400);
  });

  it('over HTTP: a junior member cannot see the inbox; the maker cannot approve their own request', async () => {
    clock.advance(60_000);
    const junior = await signInAs(t, bystander, clock);
    const inbox = await t.app.inject({ url: '/api/v1/approvals', headers: junior.headers });
    assert.equal(inbox.statusCode, 403);
    const r = await t.container.approvals.request(ctxOf(maker), { kind: 'test.action', payload: { note: 'f' }, reason: 'routine change' });
    const m = await signInAs(t, maker, clock);
    const self = await t.app.inject({ method: 'POST', url: `/api/v1/approvals/${r.id}/approve`, headers: m.headers, payload: { reason: 'self approval attempt' } });
    assert.equal(self.statusCode, 403);
    assert.equal(self.headers['content-type'], 'application/problem+json; charset=utf-8');
    const list = await t.app.inject({ url: '/api/v1/approvals', headers: m.headers });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().requests.some((x: { id: string; summary: string }) => x.id === r.id && x.summary === 'do f'));
  });
});
