// Roles and role grants from the attacker's side: privileged grants and changes to privileged roles wait for a
// second member; the maker, the grantee and holders of the role cannot be that member; removals apply at once;
// built-in roles are seeded but an administrator's edits are never undone; unknown ids answer 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

interface RoleDto {
  name: string;
  description: string;
  builtin: boolean;
  privileged: boolean;
  requireHardwareKey: boolean;
  idleTimeoutMinutes: number;
  permissions: string[];
  effectivePermissions: string[];
  fieldPolicy: Record<string, string>;
  members: number;
}

describe('roles and role grants', () => {
  let t: TestApp;
  let adminA: TestMember;
  let adminB: TestMember;
  let officer: TestMember;
  let junior: TestMember;
  let target: TestMember;
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.3.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const call = (s: S, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  const rolesOf = async (id: string) => (await t.container.db.system.selectFrom('staff').select('roles').where('id', '=', id).executeTakeFirstOrThrow()).roles;
  const roleList = async (s: S) => (await call(s, 'GET', '/api/v1/roles')).json().roles as RoleDto[];
  const settings = (r: RoleDto) => ({
    description: r.description,
    permissions: r.permissions,
    fieldPolicy: r.fieldPolicy,
    idleTimeoutMinutes: r.idleTimeoutMinutes,
    requireHardwareKey: r.requireHardwareKey,
    privileged: r.privileged,
  });

  before(async () => {
    t = await createTestApp({ clock });
    adminA = await createMember(t, clock, { email: 'ann.admin@bank.test', roles: ['admin'], displayName: 'Ann Admin' });
    adminB = await createMember(t, clock, { email: 'bob.admin@bank.test', roles: ['admin'], displayName: 'Bob Admin' });
    officer = await createMember(t, clock, { email: 'sol.security@bank.test', roles: ['security_officer'], displayName: 'Sol Security' });
    junior = await createMember(t, clock, { email: 'jo.junior@bank.test', roles: ['support_junior'], displayName: 'Jo Junior' });
    target = await createMember(t, clock, { email: 'tia.target@bank.test', roles: ['support_junior'], displayName: 'Tia Target' });
  });
  after(async () => t?.close());

  it('lists roles with permissions, field policies and the registry; refused without role.read', async () => {
    const a = await session(adminA);
    const res = await call(a, 'GET', '/api/v1/roles');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { roles: RoleDto[]; permissions: { name: string; privileged: boolean }[]; fieldClasses: { name: string }[] };
    assert.deepEqual(body.roles.map((r) => r.name).sort(), ['admin', 'auditor', 'compliance_officer', 'compliance_senior', 'marketing', 'security_officer', 'support_junior', 'support_senior']);
    const admin = body.roles.find((r) => r.name === 'admin')!;
    assert.equal(admin.privileged, true);
    assert.equal(admin.requireHardwareKey, true);
    assert.equal(admin.members, 2);
    assert.equal(body.roles.find((r) => r.name === 'support_junior')!.fieldPolicy.contact, 'masked');
    assert.ok(body.permissions.some((p) => p.name === 'withdrawal_limit.approve' && p.privileged));
    assert.deepEqual(body.fieldClasses.map((c) => c.name), ['public', 'contact', 'identity', 'financial', 'security', 'secret']);
    await expectAudited(t, { action: 'role.list', outcome: 'ok', actorId: adminA.id });
    const j = await session(junior);
    expectProblem(await call(j, 'GET', '/api/v1/roles'), 403, 'forbidden');
    const me = await call(j, 'GET', '/api/v1/me/permissions');
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), { roles: ['support_junior'], permissions: ['consent.read', 'ticket.read', 'ticket.reply', 'trader.note.write', 'trader.read', 'trader.search'] });
  });

  it('a non-privileged grant applies at once; a privileged one waits for a second member and changes nothing until then', async () => {
    const a = await session(adminA);
    const ok = await call(a, 'PUT', `/api/v1/staff/${target.id}/roles`, { roles: ['support_junior', 'auditor'], reason: 'helps with the audit' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().added, ['auditor']);
    assert.deepEqual(await rolesOf(target.id), ['support_junior', 'auditor']);
    await expectAudited(t, { action: 'staff.roles.change', outcome: 'ok', actorId: adminA.id, targetId: target.id });

    // Privileged: admin added, auditor removed in the same change. The removal applies at once; the grant waits.
    const res = await call(a, 'PUT', `/api/v1/staff/${target.id}/roles`, { roles: ['support_junior', 'admin'], reason: 'new administrator for EMEA' });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json();
    assert.deepEqual(body.removed, ['auditor']);
    assert.deepEqual(body.added, []);
    assert.deepEqual(body.pending.roles, ['admin']);
    assert.deepEqual(await rolesOf(target.id), ['support_junior'], 'not granted yet');
    const tt = await session(target);
    expectProblem(await call(tt, 'GET', '/api/v1/roles'), 403, 'forbidden');
    const approvalId = body.pending.approvalId as string;

    // The maker cannot approve; a member without role.grant.approve cannot; the inbox shows it to a checker.
    expectProblem(await call(a, 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'looks right to me' }), 403, 'forbidden');
    await expectAudited(t, { action: 'approval.approve', outcome: 'denied', actorId: adminA.id, targetId: approvalId });
    const j = await session(junior);
    expectProblem(await call(j, 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'looks right to me' }), 403, 'forbidden');
    const o = await session(officer);
    const inbox = (await call(o, 'GET', '/api/v1/approvals')).json().requests as { id: string; summary: string; kind: string }[];
    assert.equal(inbox.find((r) => r.id === approvalId)?.summary, 'Grant admin to Tia Target');
    assert.deepEqual(await rolesOf(target.id), ['support_junior']);

    const approved = await call(o, 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'confirmed with the CISO' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().status, 'executed');
    assert.deepEqual(await rolesOf(target.id), ['support_junior', 'admin']);
    await expectAudited(t, { action: 'approval.approve', outcome: 'ok', actorId: officer.id, targetId: approvalId });
    // Applies on the target's next request (the MFA gate may ask them to enrol a hardware key first: admin needs one).
    const after = await call(tt, 'GET', '/api/v1/roles');
    assert.ok([200, 403].includes(after.statusCode));
    if (after.statusCode === 403) assert.notEqual(after.json().code, 'forbidden', 'not a permission refusal any more');
    // Removal applies at once, no approval.
    const rm = await call(a, 'PUT', `/api/v1/staff/${target.id}/roles`, { roles: ['support_junior'], reason: 'project finished' });
    assert.equal(rm.statusCode, 200, rm.body);
    assert.deepEqual(await rolesOf(target.id), ['support_junior']);
  });

  it('the grantee cannot approve their own grant, even holding role.grant.approve', async () => {
    const a = await session(adminA);
    const res = await call(a, 'PUT', `/api/v1/staff/${officer.id}/roles`, { roles: ['security_officer', 'admin'], reason: 'needs admin for the migration' });
    assert.equal(res.statusCode, 202, res.body);
    const id = res.json().pending.approvalId as string;
    const o = await session(officer);
    expectProblem(await call(o, 'POST', `/api/v1/approvals/${id}/approve`, { reason: 'sure, grant it to me' }), 403, 'forbidden');
    assert.deepEqual(await rolesOf(officer.id), ['security_officer']);
    const b = await session(adminB);
    const rej = await call(b, 'POST', `/api/v1/approvals/${id}/reject`, { reason: 'not needed for the migration' });
    assert.equal(rej.json().status, 'rejected');
    assert.deepEqual(await rolesOf(officer.id), ['security_officer']);
  });

  it('any grant to oneself waits for a second member, even of an ordinary role', async () => {
    const a = await session(adminA);
    const res = await call(a, 'PUT', `/api/v1/staff/${adminA.id}/roles`, { roles: ['admin', 'auditor'], reason: 'I want to read reports' });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json().pending.roles, ['auditor']);
    assert.deepEqual(await rolesOf(adminA.id), ['admin']);
  });

  it('refuses removing the last active administrator; 404 for unknown and malformed ids; 400 for unknown roles', async () => {
    const a = await session(adminA);
    assert.equal((await call(a, 'PUT', `/api/v1/staff/${adminB.id}/roles`, { roles: ['support_senior'], reason: 'moving to support' })).statusCode, 200);
    expectProblem(await call(a, 'PUT', `/api/v1/staff/${adminA.id}/roles`, { roles: ['auditor'], reason: 'stepping down now' }), 409, 'conflict');
    assert.deepEqual(await rolesOf(adminA.id), ['admin']);
    for (const id of ['00000000-0000-4000-8000-000000000009', 'nope', "1'--"]) {
      expectProblem(await call(a, 'PUT', `/api/v1/staff/${id}/roles`, { roles: ['auditor'], reason: 'someone new here' }), 404, 'not_found');
    }
    expectProblem(await call(a, 'PUT', `/api/v1/staff/${junior.id}/roles`, { roles: ['superuser'], reason: 'someone new here' }), 400, 'validation_failed');
    expectProblem(await call(a, 'PUT', `/api/v1/staff/${junior.id}/roles`, { roles: ['auditor'], reason: 'x' }), 400, 'validation_failed');
    const j = await session(junior);
    expectProblem(await call(j, 'PUT', `/api/v1/staff/${junior.id}/roles`, { roles: ['admin'], reason: 'promote myself' }), 403, 'forbidden');
    // Restore B for the next tests (admin is privileged: through four eyes).
    const g = await call(a, 'PUT', `/api/v1/staff/${adminB.id}/roles`, { roles: ['admin'], reason: 'back to admin duty' });
    const o = await session(officer);
    assert.equal((await call(o, 'POST', `/api/v1/approvals/${g.json().pending.approvalId}/approve`, { reason: 'confirmed in person' })).statusCode, 200);
  });

  it('changing a non-privileged role applies at once; a privileged one, or one that would become privileged, waits', async () => {
    const a = await session(adminA);
    const roles = await roleList(a);
    const senior = roles.find((r) => r.name === 'support_senior')!;
    const applied = await call(a, 'PUT', '/api/v1/roles/support_senior', { ...settings(senior), fieldPolicy: { ...senior.fieldPolicy, contact: 'full' }, reason: 'seniors call customers back' });
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(applied.json().status, 'applied');
    assert.equal(applied.json().role.fieldPolicy.contact, 'full');
    const ev = await expectAudited(t, { action: 'role.update', outcome: 'ok', targetId: 'support_senior' });
    assert.deepEqual(ev.fields, ['field_policy.contact']);
    assert.equal(ev.reason, 'seniors call customers back');

    const cs = roles.find((r) => r.name === 'compliance_senior')!;
    const pending = await call(a, 'PUT', '/api/v1/roles/compliance_senior', { ...settings(cs), fieldPolicy: { ...cs.fieldPolicy, security: 'full' }, reason: 'investigations need API keys' });
    assert.equal(pending.statusCode, 202, pending.body);
    assert.equal(pending.json().status, 'pending');
    assert.equal((await roleList(a)).find((r) => r.name === 'compliance_senior')!.fieldPolicy.security, 'masked', 'unchanged until approved');

    // Escalation through a non-privileged role: giving it a privileged permission makes it privileged, so it waits.
    const junior = roles.find((r) => r.name === 'support_junior')!;
    const esc = await call(a, 'PUT', '/api/v1/roles/support_junior', { ...settings(junior), permissions: [...junior.permissions, 'role.manage'], reason: 'juniors manage roles now' });
    assert.equal(esc.statusCode, 202, esc.body);
    assert.ok(!(await roleList(a)).find((r) => r.name === 'support_junior')!.permissions.includes('role.manage'));

    const o = await session(officer);
    const ok = await call(o, 'POST', `/api/v1/approvals/${pending.json().approvalId}/approve`, { reason: 'agreed with compliance' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await roleList(a)).find((r) => r.name === 'compliance_senior')!.fieldPolicy.security, 'full');
    const inbox = (await call(o, 'GET', '/api/v1/approvals')).json().requests as { id: string; summary: string }[];
    assert.match(inbox.find((r) => r.id === esc.json().approvalId)!.summary, /^Change privileged role support_junior: grant role\.manage/);
    assert.equal((await call(o, 'POST', `/api/v1/approvals/${esc.json().approvalId}/reject`, { reason: 'juniors do not manage roles' })).statusCode, 200);
  });

  it('a holder of the role cannot approve a change to it; a request made stale by another change cannot be executed', async () => {
    const a = await session(adminA);
    const so = (await roleList(a)).find((r) => r.name === 'security_officer')!;
    const r1 = await call(a, 'PUT', '/api/v1/roles/security_officer', { ...settings(so), idleTimeoutMinutes: 5, reason: 'shorter sessions for officers' });
    const r2 = await call(a, 'PUT', '/api/v1/roles/security_officer', { ...settings(so), fieldPolicy: { ...so.fieldPolicy, identity: 'masked' }, reason: 'officers see masked identity' });
    assert.equal(r1.statusCode, 202);
    assert.equal(r2.statusCode, 202);
    const o = await session(officer);
    expectProblem(await call(o, 'POST', `/api/v1/approvals/${r1.json().approvalId}/approve`, { reason: 'fine by me, I hold it' }), 403, 'forbidden');
    const b = await session(adminB);
    assert.equal((await call(b, 'POST', `/api/v1/approvals/${r1.json().approvalId}/approve`, { reason: 'agreed: five minutes' })).statusCode, 200);
    assert.equal((await roleList(a)).find((r) => r.name === 'security_officer')!.idleTimeoutMinutes, 5);
    // r2 was made against the old settings: approving it now would silently undo r1.
    expectProblem(await call(b, 'POST', `/api/v1/approvals/${r2.json().approvalId}/approve`, { reason: 'agreed: masked identity' }), 409, 'conflict');
    assert.equal((await roleList(a)).find((r) => r.name === 'security_officer')!.fieldPolicy.identity, 'hidden');
  });

  it('creates custom roles; refuses duplicates, unknown permissions, a visible secret and a timeout above 15 minutes', async () => {
    const a = await session(adminA);
    const base = {
      description: 'Reads tickets only',
      permissions: ['ticket.read'],
      fieldPolicy: { public: 'full', contact: 'hidden', identity: 'hidden', financial: 'hidden', security: 'hidden', secret: 'hidden' },
      idleTimeoutMinutes: 10,
      requireHardwareKey: false,
      privileged: false,
      reason: 'new contractor team',
    };
    const created = await call(a, 'POST', '/api/v1/roles', { ...base, name: 'ticket_reader' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().builtin, false);
    await expectAudited(t, { action: 'role.create', outcome: 'ok', targetId: 'ticket_reader' });
    expectProblem(await call(a, 'POST', '/api/v1/roles', { ...base, name: 'ticket_reader' }), 409, 'conflict');
    expectProblem(await call(a, 'POST', '/api/v1/roles', { ...base, name: 'x2', permissions: ['god.mode'] }), 400, 'validation_failed');
    expectProblem(await call(a, 'POST', '/api/v1/roles', { ...base, name: 'x3', fieldPolicy: { ...base.fieldPolicy, secret: 'masked' } }), 400, 'validation_failed');
    expectProblem(await call(a, 'POST', '/api/v1/roles', { ...base, name: 'x4', idleTimeoutMinutes: 16 }), 400, 'validation_failed');
    expectProblem(await call(a, 'POST', '/api/v1/roles', { ...base, name: '__proto__' }), 400, 'validation_failed');
    // A custom role holding a privileged permission is stored as privileged (so granting it needs four eyes).
    const p = await call(a, 'POST', '/api/v1/roles', { ...base, name: 'key_rotator', permissions: ['keys.rotate'] });
    assert.equal(p.json().privileged, true);
    const g = await call(a, 'PUT', `/api/v1/staff/${junior.id}/roles`, { roles: ['support_junior', 'key_rotator'], reason: 'rotation duty' });
    assert.equal(g.statusCode, 202, g.body);
    expectProblem(await call(a, 'PUT', '/api/v1/roles/no_such_role', { ...base }), 404, 'not_found');
  });

  it('start-up seeds missing built-in roles and never undoes an administrator’s edit', async () => {
    assert.deepEqual(await t.container.roles.ensureBuiltInRoles(), []);
    const a = await session(adminA);
    assert.equal((await roleList(a)).find((r) => r.name === 'support_senior')!.fieldPolicy.contact, 'full', 'the edit made above survives');
    const seq = await lastSeq(t);
    await t.container.audited(systemContext('test'), { action: 'test.drop_role' }, async (tx) => {
      await tx.deleteFrom('role').where('name', '=', 'marketing').execute();
    });
    assert.deepEqual(await t.container.roles.ensureBuiltInRoles(), ['marketing']);
    assert.deepEqual([...(await t.container.roles.permissionsFor(['marketing']))].sort(), ['marketing.audience.read', 'marketing.segment.manage']);
    await expectAudited(t, { action: 'role.create_built_in', outcome: 'ok' }, { afterSeq: seq });
  });
});
