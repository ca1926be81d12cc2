// Invitations from the attacker's side: links are single use, expire after 48 hours, stop working when revoked,
// need the right TOTP code; invitations to privileged roles stay pending until ANOTHER member approves, and then
// the link goes only to the invitee's mailbox. Passwords: 12–128 characters, not among the 10,000 commonest,
// not containing the e-mail's local part. No endpoint ever returns a password hash or a TOTP secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { acceptInvitation, call, linkToken, nextLoopback, outboxTo, signInFresh, type Client } from '../../../../test/helpers/identity.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, totpAt, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { isCommonPassword, passwordProblem } from '../staff-auth/password.js';

const clock = new FakeClock('2026-11-21T09:00:00.000Z');
const GOOD = 'tangerine orbit under seven quiet bridges';

describe('invitations', () => {
  let t: TestApp;
  let admin: TestMember;
  let officer: TestMember;
  let junior: TestMember;
  let adminH: Client;

  const signIn = (m: TestMember) => signInFresh(t, m, clock);
  const invite = (c: Client, payload: Record<string, unknown>) => call(t, c, { method: 'POST', url: '/api/v1/staff/invitations', payload });
  const start = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/invitations/start', payload: { token }, remoteAddress: nextLoopback() });
  const complete = (token: string, password: string, totpCode: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/invitations/complete', payload: { token, password, totpCode }, remoteAddress: nextLoopback() });

  before(async () => {
    t = await createTestApp({ clock });
    admin = await createMember(t, clock, { email: 'ada.admin@bank.test', roles: ['admin'], displayName: 'Ada Admin' });
    officer = await createMember(t, clock, { email: 'sol.officer@bank.test', roles: ['security_officer'], displayName: 'Sol Officer' });
    junior = await createMember(t, clock, { email: 'jo.junior@bank.test', roles: ['support_junior'], displayName: 'Jo Junior' });
    adminH = await signIn(admin);
  });
  after(async () => t?.close());

  it('refuses the anonymous (401), members without staff.invite (403) and unknown roles (400)', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/staff/invitations', payload: { email: 'x@bank.test', displayName: 'X', roles: ['support_junior'] } });
    expectProblem(anon, 401, 'unauthenticated');
    clock.advance(31_000);
    const jH = await signIn(junior);
    expectProblem(await invite(jH, { email: 'x@bank.test', displayName: 'X', roles: ['support_junior'] }), 403, 'forbidden');
    expectProblem(await invite(adminH, { email: 'x@bank.test', displayName: 'X', roles: ['galactic_emperor'] }), 400, 'validation_failed');
    expectProblem(await invite(adminH, { email: 'ada.admin@bank.test', displayName: 'Ada again', roles: ['support_junior'] }), 409, 'conflict');
  });

  it('issues a one-time link for a non-privileged role, shows it once, e-mails it, and it works exactly once', async () => {
    const seq = await lastSeq(t);
    const res = await invite(adminH, { email: 'Nina.New@Bank.test', displayName: 'Nina New', roles: ['support_junior'] });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.status, 'issued');
    assert.equal(body.invitation.email, 'nina.new@bank.test');
    const token = linkToken(body.link);
    assert.ok(token, 'the link carries its token in the fragment');
    assert.match(body.link, /\/invite#token=/);
    await expectAudited(t, { action: 'staff.invite', outcome: 'ok', actorId: admin.id }, { afterSeq: seq });
    const mail = await outboxTo(t, 'nina.new@bank.test');
    assert.equal(mail.length, 1);
    assert.equal(linkToken(mail[0]!.body), token);
    // The list shows it as pending, never the link or its hash.
    const list = await call(t, adminH, { url: '/api/v1/staff/invitations' });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(token!));
    assert.equal(list.json().invitations.find((i: { id: string }) => i.id === body.invitation.id).status, 'pending');

    // Wrong TOTP: refused, and the link still works.
    const s1 = await start(token!);
    assert.equal(s1.statusCode, 200, s1.body);
    const secret = s1.json().totpSecret as string;
    assert.equal(s1.json().email, 'nina.new@bank.test');
    const wrongCode = totpAt(secret, new Date(clock.now().getTime() + 10 * 60_000));
    expectProblem(await complete(token!, GOOD, wrongCode), 400, 'totp_invalid');

    const ok = await complete(token!, GOOD, totpAt(secret, clock.now()));
    assert.equal(ok.statusCode, 201, ok.body);
    const staffId = ok.json().staffId as string;
    await expectAudited(t, { action: 'staff.invitation_accept', outcome: 'ok', targetId: staffId });
    const row = await t.container.db.system.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
    assert.deepEqual(row.roles, ['support_junior']);
    assert.equal(row.status, 'active');
    assert.equal(row.invited_by, admin.id);
    assert.ok(row.totp_secret_ct && row.password_hash.startsWith('$argon2id$'));

    // Single use: the same link is dead for start and complete alike.
    expectProblem(await start(token!), 410, 'link_invalid');
    expectProblem(await complete(token!, GOOD, totpAt(secret, clock.now())), 410, 'link_invalid');
    await expectAudited(t, { action: 'staff.invitation_start', outcome: 'denied' });

    // The new member signs in with what they chose.
    clock.advance(31_000);
    await signInFresh(t, { email: 'nina.new@bank.test', password: GOOD, secret }, clock);
  });

  it('expires after 48 hours', async () => {
    const res = await invite(adminH, { email: 'late.larry@bank.test', displayName: 'Larry Late', roles: ['support_junior'] });
    assert.equal(res.statusCode, 201, res.body);
    const token = linkToken(res.json().link)!;
    clock.advance(48 * 3600_000 - 60_000);
    assert.equal((await start(token)).statusCode, 200, 'still valid a minute before 48 h');
    clock.advance(61_000);
    expectProblem(await start(token), 410, 'link_invalid');
    // Sessions idled out meanwhile.
    adminH = await signIn(admin);
    const list = await call(t, adminH, { url: '/api/v1/staff/invitations' });
    const inv = list.json().invitations.find((i: { email: string }) => i.email === 'late.larry@bank.test');
    assert.equal(inv.status, 'expired');
  });

  it('stops working when revoked', async () => {
    const res = await invite(adminH, { email: 'rev.rita@bank.test', displayName: 'Rita Revoked', roles: ['support_junior'] });
    const { link, invitation } = res.json();
    const token = linkToken(link)!;
    const s = await start(token);
    assert.equal(s.statusCode, 200);
    const del = await call(t, adminH, { method: 'DELETE', url: `/api/v1/staff/invitations/${invitation.id}` });
    assert.equal(del.statusCode, 204, del.body);
    expectProblem(await start(token), 410, 'link_invalid');
    expectProblem(await complete(token, GOOD, totpAt(s.json().totpSecret, clock.now())), 410, 'link_invalid');
    await expectAudited(t, { action: 'staff.invitation_revoke', outcome: 'ok', targetId: invitation.id });
    // Revoking twice (or an unknown id) is a 404.
    expectProblem(await call(t, adminH, { method: 'DELETE', url: `/api/v1/staff/invitations/${invitation.id}` }), 404, 'not_found');
  });

  it('enforces the password rules on acceptance: 12–128 characters, not common, not the e-mail name', async () => {
    const res = await invite(adminH, { email: 'paula.pass@bank.test', displayName: 'Paula Pass', roles: ['support_junior'] });
    const token = linkToken(res.json().link)!;
    const secret = (await start(token)).json().totpSecret as string;
    const code = () => totpAt(secret, clock.now());
    // Common passwords (from the shipped top-10,000 list), whatever their case.
    assert.ok(isCommonPassword('qwerty123456') && isCommonPassword('1qaz2wsx3edc'));
    for (const pw of ['qwerty123456', 'QWERTY123456', '1qaz2wsx3edc']) {
      const r = await complete(token, pw, code());
      expectProblem(r, 400, 'password_rejected');
      assert.match(r.json().detail ?? r.json().title, /common/i);
    }
    const local = await complete(token, 'my name is Paula.Pass and I like it', code());
    expectProblem(local, 400, 'password_rejected');
    expectProblem(await complete(token, 'short pass1', code()), 400, 'password_rejected');
    expectProblem(await complete(token, 'x'.repeat(129), code()), 400, 'password_rejected');
    // No composition rules: 128 of anything is fine (here emoji and spaces included).
    const long = `🦊 ${'correct horse '.repeat(9)}`.padEnd(128, 'z');
    assert.equal([...long].length, 128);
    const ok = await complete(token, long, code());
    assert.equal(ok.statusCode, 201, ok.body);
    // The same rules hold for every caller of the shared check (bootstrap included).
    assert.match(passwordProblem('Qwerty123456', 'a@b.test') ?? '', /common/);
    assert.equal(passwordProblem(GOOD, 'someone@bank.test'), null);
  });

  it('privileged roles: pending until another member approves; the maker cannot approve; the link goes only to the invitee', async () => {
    expectProblem(await invite(adminH, { email: 'new.admin@bank.test', displayName: 'Nora Admin', roles: ['admin'] }), 400, 'validation_failed');
    const res = await invite(adminH, { email: 'new.admin@bank.test', displayName: 'Nora Admin', roles: ['admin'], reason: 'second administrator for the night shift' });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json();
    assert.equal(body.status, 'awaiting_approval');
    assert.equal(body.link, null);
    assert.ok(body.approvalId);
    assert.deepEqual(await outboxTo(t, 'new.admin@bank.test'), [], 'nothing is sent before approval');
    const invs = (await call(t, adminH, { url: '/api/v1/staff/invitations' })).json().invitations;
    assert.equal(invs.find((i: { id: string }) => i.id === body.invitation.id).status, 'awaiting_approval');

    // The inbox line names the roles, not the person.
    const inbox = await call(t, adminH, { url: '/api/v1/approvals' });
    const req = inbox.json().requests.find((r: { id: string }) => r.id === body.approvalId);
    assert.equal(req.kind, 'staff.invite_privileged');
    assert.equal(req.summary, 'Invite Nora Admin (…@bank.test) with the role(s) admin');
    assert.ok(!JSON.stringify(req).includes('new.admin'), 'the address itself is not in the request');
    const stored = await t.container.db.system.selectFrom('approval_request').select('payload').where('id', '=', body.approvalId).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(stored.payload).includes('new.admin'));

    // Self-approval is refused (and the invitation stays closed), even right after a second factor (step-up).
    clock.advance(31_000);
    adminH = await signIn(admin);
    const self = await call(t, adminH, { method: 'POST', url: `/api/v1/approvals/${body.approvalId}/approve`, payload: { reason: 'I approve my own request' } });
    expectProblem(self, 403, 'forbidden');
    assert.match(self.body, /own request/);
    assert.deepEqual(await outboxTo(t, 'new.admin@bank.test'), []);

    // A member without role.grant.approve cannot approve either.
    clock.advance(31_000);
    const jH = await signIn(junior);
    const byJunior = await call(t, jH, { method: 'POST', url: `/api/v1/approvals/${body.approvalId}/approve`, payload: { reason: 'looks fine to me' } });
    assert.equal(byJunior.statusCode, 403, byJunior.body);

    // Another member with the permission approves: the link is e-mailed to the invitee, shown to nobody.
    clock.advance(31_000);
    const oH = await signIn(officer);
    const ok = await call(t, oH, { method: 'POST', url: `/api/v1/approvals/${body.approvalId}/approve`, payload: { reason: 'confirmed with the CISO by phone' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'executed');
    assert.ok(!/#token=/.test(ok.body), 'the checker does not see the link');
    const mail = await outboxTo(t, 'new.admin@bank.test');
    assert.equal(mail.length, 1);
    const token = linkToken(mail[0]!.body)!;
    const { staffId } = await acceptInvitation(t, clock, token, GOOD);
    const row = await t.container.db.system.selectFrom('staff').select(['roles', 'invited_by']).where('id', '=', staffId).executeTakeFirstOrThrow();
    assert.deepEqual(row.roles, ['admin']);
    assert.equal(row.invited_by, admin.id);
  });

  it('a revoked privileged invitation cannot be approved into life', async () => {
    const res = await invite(adminH, { email: 'ghost.officer@bank.test', displayName: 'Ghost', roles: ['security_officer'], reason: 'backfill for the security team' });
    assert.equal(res.statusCode, 202, res.body);
    const { invitation, approvalId } = res.json();
    assert.equal((await call(t, adminH, { method: 'DELETE', url: `/api/v1/staff/invitations/${invitation.id}` })).statusCode, 204);
    clock.advance(31_000);
    const oH = await signIn(officer);
    const r = await call(t, oH, { method: 'POST', url: `/api/v1/approvals/${approvalId}/approve`, payload: { reason: 'approving a revoked one' } });
    assert.equal(r.statusCode, 409, r.body);
    assert.deepEqual(await outboxTo(t, 'ghost.officer@bank.test'), []);
  });

  it('the CLI (break-glass, audited as the CLI) issues a privileged invitation directly', async () => {
    const ctx = { ...systemContext('cli:staff.invite'), actorName: 'cli:staff.invite (os user test)' };
    const r = await t.container.staff.invite(ctx, { id: null }, { email: 'break.glass@bank.test', displayName: 'Bea Glass', roles: ['admin'] }, { breakGlass: true });
    assert.equal(r.status, 'issued');
    assert.ok(linkToken(r.link!));
    const ev = await expectAudited(t, { action: 'staff.invite', outcome: 'ok' });
    assert.equal(ev.actorType, 'system');
    // Without break-glass, a system actor cannot file a privileged invitation (no maker for four eyes).
    await assert.rejects(t.container.staff.invite(ctx, { id: null }, { email: 'other.glass@bank.test', displayName: 'O', roles: ['admin'], reason: 'needs four eyes' }), (e: Error & { status?: number }) => e.status === 403);
  });

  it('no endpoint returns a password hash or a TOTP secret', async () => {
    const rows = await t.container.db.system.selectFrom('staff').select(['id', 'password_hash', 'totp_secret_ct']).execute();
    const secrets: string[] = [];
    for (const r of rows) {
      secrets.push(r.password_hash, r.password_hash.split('$').at(-1)!);
      if (r.totp_secret_ct) secrets.push(await t.container.vault.decrypt({ table: 'staff', column: 'totp_secret_ct', rowId: r.id }, r.totp_secret_ct));
    }
    secrets.push(admin.secret, officer.secret, junior.secret, admin.password, GOOD);
    clock.advance(31_000);
    adminH = await signIn(admin);
    const oH = await signIn(officer);
    // Every GET route of the API (from the OpenAPI document), path parameters filled with a member's id.
    const doc = (await call(t, adminH, { url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const urls = Object.entries(doc.paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([path]) => path.replace(/\{[^}]+\}/g, junior.id))
      .concat(['/api/v1/approvals?status=executed', '/api/v1/security/alerts?status=resolved']);
    assert.ok(urls.includes('/api/v1/staff') && urls.length > 10, `routes found: ${urls.join(' ')}`);
    for (const [client, who] of [[adminH, 'admin'], [oH, 'officer']] as const) {
      for (const url of urls) {
        const res = await call(t, client, { url });
        for (const s of secrets) assert.ok(!res.body.includes(s), `${who} ${url} leaks a secret`);
        assert.ok(!/\$argon2/.test(res.body), `${who} ${url} leaks a hash`);
      }
    }
    const alerts = await call(t, oH, { url: '/api/v1/security/alerts' });
    assert.equal(alerts.statusCode, 200);
    for (const s of secrets) assert.ok(!alerts.body.includes(s));
  });
});
