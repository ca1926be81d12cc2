// Every built-in role × every permission, from the attacker's side: the expected answer comes from ONE table
// written here by hand (not derived from the registry), and is checked against the database grants and the
// live access gate (a probe route per permission, reached with real sessions). Then: deny by default, and a
// change to a role or to a member's roles applies on the very next request of a live session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { ALL_PERMISSIONS } from '../../platform/authz/permissions.js';
import { FakeClock } from '../../platform/clock.js';
import { enforceRouteDeclarations, installAccessGate } from '../../platform/http/auth.js';
import { installProblemHandlers } from '../../platform/http/problem.js';
import { systemContext } from '../../platform/http/request-context.js';

const ROLES = ['support_junior', 'support_senior', 'marketing', 'compliance_officer', 'compliance_senior', 'security_officer', 'admin', 'auditor'] as const;

// Y = allowed (directly or through a dependency), . = denied.
//                           sj sn mk co cs so ad au
const MATRIX = `
staff.read                   .  .  .  .  .  Y  Y  .
staff.invite                 .  .  .  .  .  .  Y  .
staff.disable                .  .  .  .  .  .  Y  .
staff.reset                  .  .  .  .  .  .  Y  .
staff.networks.edit          .  .  .  .  .  .  Y  .
staff.roles.grant            .  .  .  .  .  .  Y  .
role.read                    .  .  .  .  .  Y  Y  .
role.manage                  .  .  .  .  .  .  Y  .
role.grant.approve           .  .  .  .  .  Y  Y  .
approval.read                .  .  .  Y  Y  Y  Y  .
approval.decide              .  .  .  .  Y  Y  Y  .
session.manage               .  .  .  .  .  Y  Y  .
security.alert.read          .  .  .  .  .  Y  Y  .
security.alert.manage        .  .  .  .  .  Y  .  .
security.unfreeze            .  .  .  .  .  Y  .  .
incident.read                .  .  .  .  .  Y  .  .
incident.manage              .  .  .  .  .  Y  .  .
audit.read                   .  .  .  .  .  Y  Y  Y
audit.export                 .  .  .  .  .  Y  Y  Y
keys.read                    .  .  .  .  .  Y  Y  .
keys.rotate                  .  .  .  .  .  .  Y  .
trader.read                  Y  Y  .  Y  Y  Y  Y  .
trader.search                Y  Y  .  Y  Y  Y  .  .
trader.reveal                .  Y  .  Y  Y  .  .  .
trader.update                .  Y  .  .  .  .  .  .
trader.note.write            Y  Y  .  Y  Y  .  .  .
trader.timeline.read         .  Y  .  Y  Y  Y  .  .
marketing.audience.read      .  .  Y  .  .  .  .  .
marketing.segment.manage     .  .  Y  .  .  .  .  .
consent.read                 Y  Y  .  Y  Y  .  .  .
consent.manage               .  Y  .  .  .  .  .  .
exchange.read                .  .  .  Y  Y  .  .  .
exchange.configure           .  .  .  .  .  .  Y  .
ticket.read                  Y  Y  .  Y  Y  .  .  .
ticket.reply                 Y  Y  .  .  .  .  .  .
ticket.attachment.read       .  Y  .  Y  Y  .  .  .
ticket.canned.manage         .  Y  .  .  .  .  .  .
kyc.read                     .  Y  .  Y  Y  .  .  .
kyc.submit                   .  Y  .  Y  Y  .  .  .
kyc.document.read            .  .  .  Y  Y  .  .  .
kyc.document.download        .  .  .  .  .  .  .  .
kyc.review                   .  .  .  Y  Y  .  .  .
kyc.approve_high_risk        .  .  .  .  Y  .  .  .
kyc.settings.manage          .  .  .  .  Y  .  .  .
screening.read               .  .  .  Y  Y  .  .  .
screening.review             .  .  .  Y  Y  .  .  .
screening.freeze.approve     .  .  .  .  Y  .  .  .
screening.lists.manage       .  .  .  .  Y  .  .  .
monitoring.read              .  .  .  Y  Y  .  .  .
monitoring.rules.manage      .  .  .  .  Y  .  .  .
case.read                    .  .  .  Y  Y  .  .  .
case.manage                  .  .  .  Y  Y  .  .  .
withdrawal_limit.request     .  Y  .  Y  Y  .  .  .
withdrawal_limit.approve     .  .  .  .  Y  .  .  .
withdrawal_limit.decrease    .  .  .  Y  Y  .  .  .
sar.read                     .  .  .  Y  Y  .  .  .
sar.manage                   .  .  .  Y  Y  .  .  .
sar.file                     .  .  .  .  Y  .  .  .
report.read                  .  .  .  Y  Y  .  .  Y
export.create                .  .  .  Y  Y  .  .  .
export.approve               .  .  .  .  Y  .  .  .
`;

function expectedTable(): Map<string, Map<string, boolean>> {
  const byRole = new Map<string, Map<string, boolean>>(ROLES.map((r) => [r, new Map()]));
  for (const line of MATRIX.trim().split('\n')) {
    const [perm, ...marks] = line.trim().split(/\s+/);
    assert.equal(marks.length, ROLES.length, `row ${perm} has one mark per role`);
    marks.forEach((m, i) => byRole.get(ROLES[i]!)!.set(perm!, m === 'Y'));
  }
  return byRole;
}

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

describe('access matrix: every built-in role × every permission', () => {
  let t: TestApp;
  let probe: FastifyInstance;
  const members = new Map<string, TestMember>();
  const expected = expectedTable();

  // Each sign-in from its own address (the sign-in route is rate-limited per address) and in a fresh TOTP step;
  // the session is bound to that address, so its requests come from there too.
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.1.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const probeAs = (s: S, p: string) => probe.inject({ method: 'GET', url: `/probe/${p}`, headers: s.headers, remoteAddress: s.ip });
  const api = (s: S, method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload: payload as object } : {}) });

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ROLES) members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `Member ${role}` }));
    // The live gate of the application, on a probe server with one route per registered permission.
    probe = Fastify();
    enforceRouteDeclarations(probe);
    installProblemHandlers(probe);
    await probe.register(fastifyCookie);
    installAccessGate(probe, { authenticator: t.container.staffAuth, denials: t.container.denials, permissionsFor: t.container.roles.permissionsFor });
    for (const p of ALL_PERMISSIONS) probe.get(`/probe/${p}`, { config: { permission: p } }, async () => ({ ok: true }));
    await probe.ready();
  });
  after(async () => {
    await probe?.close();
    await t?.close();
  });

  it('the table covers exactly the registered permissions (a new permission needs a decision here)', () => {
    for (const role of ROLES) assert.deepEqual([...expected.get(role)!.keys()].sort(), [...ALL_PERMISSIONS].sort());
  });

  it('the grants in the database match the table, role by role', async () => {
    for (const role of ROLES) {
      const granted = await t.container.roles.permissionsFor([role]);
      const want = [...expected.get(role)!].filter(([, y]) => y).map(([p]) => p).sort();
      assert.deepEqual([...granted].sort(), want, role);
    }
  });

  it('the live gate answers every role × permission as the table says, and audits every denial', async () => {
    for (const role of ROLES) {
      const m = members.get(role)!;
      const s = await session(m);
      const seq = await lastSeq(t);
      let denied = 0;
      for (const p of ALL_PERMISSIONS) {
        const res = await probeAs(s, p);
        const allowed = expected.get(role)!.get(p)!;
        assert.equal(res.statusCode, allowed ? 200 : 403, `${role} × ${p}: ${res.body}`);
        if (!allowed) denied++;
      }
      const events = (await findAudited(t, { action: 'access.denied', actorId: m.id, outcome: 'denied' })).filter((e) => e.seq > seq);
      assert.equal(events.length, denied, `${role}: one audited denial per refused permission`);
    }
  });

  it('denies by default: no roles, unknown roles and prototype names', async () => {
    for (const roles of [[], ['root'], ['__proto__', 'constructor'], ['ADMIN', 'admin ']]) {
      const m = await createMember(t, clock, { email: `nobody${roles.length}${roles[0] ?? ''}@bank.test`.replace(/[^a-z0-9@.]/gi, 'x'), roles });
      const s = await session(m);
      for (const p of ALL_PERMISSIONS) assert.equal((await probeAs(s, p)).statusCode, 403, `${JSON.stringify(roles)} × ${p}`);
      assert.equal((await t.container.roles.permissionsFor(roles)).size, 0);
    }
  });

  it('a change to a role applies on the next request of a live session (no restart, no re-login)', async () => {
    const auditor = members.get('auditor')!;
    const admin = members.get('admin')!;
    const s = await session(auditor);
    assert.equal((await probeAs(s, 'keys.read')).statusCode, 403);
    const a = await session(admin);
    const roles = (await api(a, 'GET', '/api/v1/roles')).json() as { roles: { name: string; permissions: string[]; fieldPolicy: unknown; description: string; idleTimeoutMinutes: number; requireHardwareKey: boolean; privileged: boolean }[] };
    const cur = roles.roles.find((r) => r.name === 'auditor')!;
    const put = (permissions: string[]) =>
      api(a, 'PUT', '/api/v1/roles/auditor', {
        description: cur.description, permissions, fieldPolicy: cur.fieldPolicy, idleTimeoutMinutes: cur.idleTimeoutMinutes, requireHardwareKey: cur.requireHardwareKey, privileged: false, reason: 'auditors check key usage this quarter',
      });
    const granted = await put([...cur.permissions, 'keys.read']);
    assert.equal(granted.statusCode, 200, granted.body);
    assert.equal(granted.json().status, 'applied');
    assert.equal((await probeAs(s, 'keys.read')).statusCode, 200, 'granted: the same session may now');
    assert.equal((await put(cur.permissions)).statusCode, 200);
    assert.equal((await probeAs(s, 'keys.read')).statusCode, 403, 'withdrawn: the same session may no longer');
    // Even a change made behind the API's back (no cache to invalidate anywhere).
    await t.container.audited(systemContext('test'), { action: 'test.grant' }, async (tx) => {
      await tx.insertInto('role_permission').values({ role: 'auditor', permission: 'incident.read' }).execute();
    });
    assert.equal((await probeAs(s, 'incident.read')).statusCode, 200);
    await t.container.audited(systemContext('test'), { action: 'test.revoke' }, async (tx) => {
      await tx.deleteFrom('role_permission').where('role', '=', 'auditor').where('permission', '=', 'incident.read').execute();
    });
    assert.equal((await probeAs(s, 'incident.read')).statusCode, 403);
  });

  it("a change to a member's roles applies on the next request of their live session", async () => {
    const junior = await createMember(t, clock, { email: 'junior.two@bank.test', roles: ['support_junior'] });
    const admin = members.get('admin')!;
    const s = await session(junior);
    assert.equal((await probeAs(s, 'audit.read')).statusCode, 403);
    const a = await session(admin);
    const set = (roles: string[]) => api(a, 'PUT', `/api/v1/staff/${junior.id}/roles`, { roles, reason: 'covering the audit rota' });
    const g = await set(['support_junior', 'auditor']);
    assert.equal(g.statusCode, 200, g.body);
    assert.equal((await probeAs(s, 'audit.read')).statusCode, 200);
    assert.equal((await set(['support_junior'])).statusCode, 200);
    assert.equal((await probeAs(s, 'audit.read')).statusCode, 403);
    assert.equal((await probeAs(s, 'trader.read')).statusCode, 200, 'control: the remaining role still works');
  });
});
