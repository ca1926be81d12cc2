// Staff accounts: invitations (with four eyes for privileged roles), acceptance (password + TOTP), password
// resets that never bypass the second factor, disable/enable, unlock, unfreeze, allowed IP ranges and the staff
// list. Administrators never set or see a password or an MFA secret: links go to the member's own e-mail (or,
// for a non-privileged invitation, once to the inviting administrator), and every answer is an allow-list.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Invitation, StaffMember } from '../../../contracts/staff.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { inRanges, parseCidr } from '../../platform/net/ip.js';
import type { ApprovalsService } from '../approvals/approvals.service.js';
import type { EmailService } from '../email/email.service.js';
import type { SecurityService } from '../security/security.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { SignInGuard } from '../sign-in-guard/sign-in-guard.service.js';
import { hashPassword, passwordProblem } from '../staff-auth/password.js';
import { matchTotpStep, newTotpSecret, totpUri } from '../staff-auth/totp.js';
import * as repo from './staff.repository.js';

/** Lifetime of an invitation or reset link. */
export const LINK_TTL_MS = 48 * 3600_000;
export const INVITE_PRIVILEGED = 'staff.invite_privileged';

/** The built-in roles (used while the role table has no row for them) and those that need four eyes. */
const BUILT_IN_ROLE_NAMES = new Set(['support_junior', 'support_senior', 'marketing', 'compliance_officer', 'compliance_senior', 'security_officer', 'admin', 'auditor']);
const PRIVILEGED_BY_DEFAULT = new Set(['admin', 'security_officer', 'compliance_senior']);

export interface StaffDeps {
  audited: Audited;
  /** Platform handle, for the read that must precede slow password hashing (outside any transaction). */
  db: Kysely<DB>;
  vault: Vault;
  clock: Clock;
  email: EmailService;
  approvals: ApprovalsService;
  guard: SignInGuard;
  sessions: SessionsService;
  security: SecurityService;
  publicUrl: string;
}

export interface Viewer {
  id: string | null;
  permissions: ReadonlySet<string>;
}

export type StaffService = ReturnType<typeof createStaffService>;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** j***@d***.com: enough to recognise an address one knows, not enough to learn one. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const name = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${name.slice(0, 1)}***${tld}`;
}

const linkInvalid = () => new AppError(ErrorCode.linkInvalid, 410, 'This link is invalid, expired or already used', { denial: true });
const noSuchMember = () => new AppError(ErrorCode.notFound, 404, 'No such staff member', { denial: true });
const reasonRequired = (path = 'body.reason') =>
  new AppError(ErrorCode.validation, 400, 'Give a reason (at least 5 characters)', { fieldErrors: [{ path, message: 'required' }] });

function rejectPassword(problem: string): AppError {
  return new AppError(ErrorCode.passwordRejected, 400, problem, { fieldErrors: [{ path: 'body.password', message: problem }] });
}

function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** Creates the staff accounts service and registers its four-eyes kind. */
export function createStaffService(d: StaffDeps) {
  const inviteUrl = (token: string) => `${d.publicUrl}/invite#token=${token}`;
  const resetUrl = (token: string) => `${d.publicUrl}/reset-password#token=${token}`;
  const emailBinding = (table: 'staff' | 'staff_invitation', rowId: string) => ({ table, column: 'email_ct', rowId });

  function inviteMessage(to: string, name: string, roles: string[], url: string, expiresAt: Date) {
    return {
      to,
      subject: 'Your invitation to Bulwark',
      text:
        `Hello ${name},\n\nyou have been invited to Bulwark, the back office, with the role(s): ${roles.join(', ')}.\n\n` +
        `Open this link to choose your password and set up your authenticator app (it works once, until ${expiresAt.toISOString()} UTC):\n\n${url}\n\n` +
        `Nobody from Bulwark or your company will ever ask you for your password or codes. If you did not expect this message, ignore it and tell your security team.\n`,
    };
  }

  /** Validates role names and says whether any of them is privileged (four eyes). */
  async function checkRoles(tx: AuditedTx, roles: string[]): Promise<{ privileged: boolean }> {
    const unique = [...new Set(roles)];
    const rows = await repo.rolesByName(tx, unique);
    const known = new Map(rows.map((r) => [r.name, r.privileged]));
    let privileged = false;
    for (const r of unique) {
      if (known.has(r)) privileged ||= known.get(r) === true;
      else if (BUILT_IN_ROLE_NAMES.has(r)) privileged ||= PRIVILEGED_BY_DEFAULT.has(r);
      else throw new AppError(ErrorCode.validation, 400, `Unknown role ${r}`, { fieldErrors: [{ path: 'body.roles', message: `unknown role ${r}` }] });
    }
    return { privileged };
  }

  function invitationView(r: { id: string; token_hash: string; display_name: string | null; roles: string[]; created_by: string; created_at: Date | string; expires_at: Date | string; used_at: Date | string | null; revoked_at: Date | string | null }, email: string, now: Date): Invitation {
    let status: Invitation['status'];
    if (r.revoked_at) status = 'revoked';
    else if (r.used_at) status = 'used';
    else if (new Date(r.expires_at).getTime() <= now.getTime()) status = 'expired';
    else if (r.token_hash.startsWith(repo.AWAITING_PREFIX)) status = 'awaiting_approval';
    else status = 'pending';
    return {
      id: r.id,
      email,
      displayName: r.display_name ?? '',
      roles: r.roles,
      status,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: new Date(r.expires_at).toISOString(),
    };
  }

  // Four eyes for invitations to privileged roles: the invitation exists from the start but cannot be opened
  // (its token_hash is a marker, not a digest); the approval gives it a real token, and the link goes ONLY to
  // the invitee's e-mail. Neither the maker nor the checker ever holds it, so neither can enrol in their place.
  // The payload names the invitee by display name and e-mail domain only (the approver checks "who, from which
  // organisation, as what"); the address itself stays encrypted in the invitation row.
  d.approvals.register<{ invitationId: string; roles: string[]; displayName: string; emailDomain: string }>(INVITE_PRIVILEGED, {
    approvePermission: 'role.grant.approve',
    parse(p) {
      const o = p as { invitationId?: unknown; roles?: unknown; displayName?: unknown; emailDomain?: unknown };
      if (typeof o?.invitationId !== 'string' || !/^[0-9a-f-]{36}$/i.test(o.invitationId) || !Array.isArray(o.roles) || !o.roles.every((r) => typeof r === 'string')) {
        throw new AppError(ErrorCode.validation, 400, 'Invalid invitation request');
      }
      const displayName = typeof o.displayName === 'string' ? o.displayName.slice(0, 120) : '';
      const emailDomain = typeof o.emailDomain === 'string' ? o.emailDomain.slice(0, 253) : '';
      return { invitationId: o.invitationId, roles: o.roles as string[], displayName, emailDomain };
    },
    describe: (p) => `Invite ${p.displayName || 'a new staff member'}${p.emailDomain ? ` (…@${p.emailDomain})` : ''} with the role(s) ${p.roles.join(', ')}`,
    async execute(tx, p) {
      const now = d.clock.now();
      const row = await tx.selectFrom('staff_invitation').selectAll().where('id', '=', p.invitationId).forUpdate().executeTakeFirst();
      if (!row || row.revoked_at || row.used_at || !row.token_hash.startsWith(repo.AWAITING_PREFIX) || !row.email_ct || !row.email_bidx) {
        throw new AppError(ErrorCode.conflict, 409, 'This invitation was revoked or already issued');
      }
      if (await repo.staffExistsByEmail(tx, row.email_bidx)) throw new AppError(ErrorCode.conflict, 409, 'This e-mail address already belongs to a member');
      const token = newToken();
      const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
      await tx.updateTable('staff_invitation').set({ token_hash: hashToken(token), expires_at: expiresAt }).where('id', '=', row.id).execute();
      const to = await d.vault.decrypt(emailBinding('staff_invitation', row.id), row.email_ct);
      await d.email.enqueueIn(tx, inviteMessage(to, row.display_name ?? '', row.roles, inviteUrl(token), expiresAt));
      // The decision commits after this returns: deliver shortly after.
      d.email.kickSoon();
    },
  });

  const service = {
    /** Staff list: roles, status, factor counts, last sign-in; e-mail in full only for members who invite. */
    async list(ctx: ActorContext, viewer: Viewer): Promise<StaffMember[]> {
      const full = viewer.permissions.has('staff.invite');
      return d.audited(ctx, { action: 'staff.list', target: { type: 'staff' }, fields: full ? ['email'] : [] }, async (tx) => {
        const now = d.clock.now();
        const rows = await repo.listStaff(tx, now);
        const out: StaffMember[] = [];
        for (const r of rows) {
          const email = await d.vault.decrypt(emailBinding('staff', r.id), r.email_ct);
          const locked = r.locked_until !== null && new Date(r.locked_until).getTime() > now.getTime();
          out.push({
            id: r.id,
            displayName: r.display_name,
            email: full ? email : maskEmail(email),
            emailMasked: !full,
            roles: r.roles,
            status: (r.status === 'active' && locked ? 'locked' : r.status) as StaffMember['status'],
            frozenReason: r.frozen_reason,
            lockedUntil: locked ? iso(r.locked_until) : null,
            failedSignIns: r.failed_logins,
            factors: { totp: r.has_totp ? 1 : 0, securityKeys: Number(r.security_keys ?? 0), recoveryCodes: Number(r.recovery_codes ?? 0) },
            allowedNetworks: r.allowed_cidrs,
            lastSignInAt: iso(r.last_sign_in as Date | string | null),
            activeSessions: Number(r.active_sessions ?? 0),
            createdAt: new Date(r.created_at).toISOString(),
          });
        }
        return out;
      });
    },

    /**
     * Invites a member. Non-privileged roles: the link is issued now (returned once and e-mailed). Privileged
     * roles: a four-eyes request is filed and the link is e-mailed to the invitee once another member approves.
     * `breakGlass` (the CLI, an operator with server access) issues a privileged invitation directly.
     */
    async invite(
      ctx: ActorContext,
      maker: { id: string | null },
      input: { email: string; displayName: string; roles: string[]; reason?: string | undefined },
      opts: { breakGlass?: boolean } = {},
    ): Promise<{ status: 'issued' | 'awaiting_approval'; invitation: Invitation; link: string | null; approvalId: string | null; expiresAt: Date }> {
      const email = input.email.trim().toLowerCase();
      const bidx = d.vault.blindIndex('staff.email', email);
      const id = randomUUID();
      const out = await d.audited(ctx, { action: 'staff.invite', target: { type: 'staff_invitation', id }, reason: input.reason }, async (tx) => {
        const now = d.clock.now();
        const { privileged } = await checkRoles(tx, input.roles);
        if (await repo.staffExistsByEmail(tx, bidx)) throw new AppError(ErrorCode.conflict, 409, 'This e-mail address already belongs to a member');
        if (await repo.openInvitationExists(tx, bidx, now)) throw new AppError(ErrorCode.conflict, 409, 'An invitation to this address is still open: revoke it first');
        const base = {
          id,
          kind: 'invite',
          email_ct: d.vault.encrypt(emailBinding('staff_invitation', id), email),
          email_bidx: bidx,
          display_name: input.displayName,
          roles: [...new Set(input.roles)],
          created_by: maker.id ?? ctx.actorName ?? 'system',
          created_at: now,
        };
        if (privileged && !opts.breakGlass) {
          if (!maker.id) throw new AppError(ErrorCode.forbidden, 403, 'Only a signed-in member can request a privileged invitation');
          if (!input.reason || input.reason.trim().length < 5) throw reasonRequired();
          const approval = await d.approvals.requestIn(tx, maker.id, { kind: INVITE_PRIVILEGED, payload: { invitationId: id, roles: base.roles, displayName: input.displayName, emailDomain: email.split('@')[1] ?? '' }, reason: input.reason });
          const expiresAt = new Date(approval.expiresAt);
          await repo.insertInvitation(tx, { ...base, token_hash: `${repo.AWAITING_PREFIX}${approval.id}`, expires_at: expiresAt });
          return { status: 'awaiting_approval' as const, link: null, approvalId: approval.id, expiresAt, row: { ...base, token_hash: repo.AWAITING_PREFIX, expires_at: expiresAt, used_at: null, revoked_at: null } };
        }
        const token = newToken();
        const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
        await repo.insertInvitation(tx, { ...base, token_hash: hashToken(token), expires_at: expiresAt });
        const link = inviteUrl(token);
        await d.email.enqueueIn(tx, inviteMessage(email, input.displayName, base.roles, link, expiresAt));
        return { status: 'issued' as const, link, approvalId: null, expiresAt, row: { ...base, token_hash: 'issued', expires_at: expiresAt, used_at: null, revoked_at: null } };
      });
      d.email.kick();
      return { status: out.status, link: out.link, approvalId: out.approvalId, expiresAt: out.expiresAt, invitation: invitationView(out.row, email, d.clock.now()) };
    },

    /** Invitations, newest first, with their state. */
    async listInvitations(ctx: ActorContext): Promise<Invitation[]> {
      return d.audited(ctx, { action: 'staff.invitation_list', target: { type: 'staff_invitation' }, fields: ['email'] }, async (tx) => {
        const now = d.clock.now();
        const rows = await repo.listInvitations(tx, 200);
        const out: Invitation[] = [];
        for (const r of rows) {
          const email = r.email_ct ? await d.vault.decrypt(emailBinding('staff_invitation', r.id), r.email_ct) : '';
          out.push(invitationView(r, email, now));
        }
        return out;
      });
    },

    /** Revokes an open invitation: its link stops working at once. */
    async revokeInvitation(ctx: ActorContext, id: string): Promise<void> {
      await d.audited(ctx, { action: 'staff.invitation_revoke', target: { type: 'staff_invitation', id } }, async (tx) => {
        const r = await tx
          .updateTable('staff_invitation')
          .set({ revoked_at: d.clock.now(), pending_totp_ct: null })
          .where('id', '=', id)
          .where('kind', '=', 'invite')
          .where('used_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new AppError(ErrorCode.notFound, 404, 'No open invitation with this id', { denial: true });
      });
    },

    /** Step 1 of accepting: checks the link and proposes a TOTP secret, kept encrypted against the invitation. */
    async startInvitation(ctx: ActorContext, token: string) {
      return d.audited(ctx, { action: 'staff.invitation_start', target: { type: 'staff_invitation' } }, async (tx, ev) => {
        const row = await repo.findUsableLink(tx, 'invite', hashToken(token), d.clock.now(), true);
        if (!row || !row.email_ct) throw linkInvalid();
        ev.setTarget('staff_invitation', row.id);
        const email = await d.vault.decrypt(emailBinding('staff_invitation', row.id), row.email_ct);
        const secret = newTotpSecret();
        const ct = d.vault.encrypt({ table: 'staff_invitation', column: 'pending_totp_ct', rowId: row.id }, secret);
        await tx.updateTable('staff_invitation').set({ pending_totp_ct: ct }).where('id', '=', row.id).execute();
        return { totpSecret: secret, otpauthUri: totpUri(secret, 'Bulwark', email), email, displayName: row.display_name ?? '', expiresAt: new Date(row.expires_at).toISOString() };
      });
    },

    /** Step 2: creates the member with password and TOTP, and spends the link. */
    async completeInvitation(ctx: ActorContext, input: { token: string; password: string; totpCode: string }) {
      const tokenHash = hashToken(input.token);
      const pre = await repo.findUsableLink(d.db, 'invite', tokenHash, d.clock.now());
      let passwordHash = '';
      if (pre?.email_ct) {
        const email = await d.vault.decrypt(emailBinding('staff_invitation', pre.id), pre.email_ct);
        const problem = passwordProblem(input.password, email);
        if (problem) throw rejectPassword(problem);
        // Slow on purpose; done before the transaction so it does not hold a database lane.
        passwordHash = await hashPassword(input.password);
      }
      const staffId = randomUUID();
      return d.audited(ctx, { action: 'staff.invitation_accept', target: { type: 'staff', id: staffId } }, async (tx) => {
        const now = d.clock.now();
        const row = await repo.findUsableLink(tx, 'invite', tokenHash, now, true);
        if (!row || row.id !== pre?.id || !row.email_ct || !row.email_bidx || !passwordHash) throw linkInvalid();
        if (!row.pending_totp_ct) throw new AppError(ErrorCode.badRequest, 400, 'Start the set-up from the link first');
        const secret = await d.vault.decrypt({ table: 'staff_invitation', column: 'pending_totp_ct', rowId: row.id }, row.pending_totp_ct);
        const step = matchTotpStep(secret, input.totpCode, now);
        if (step === null) {
          throw new AppError(ErrorCode.totpInvalid, 400, 'The code from the authenticator app is not valid', { fieldErrors: [{ path: 'body.totpCode', message: 'not valid' }] });
        }
        if (await repo.staffExistsByEmail(tx, row.email_bidx)) throw new AppError(ErrorCode.conflict, 409, 'This e-mail address already belongs to a member');
        const email = await d.vault.decrypt(emailBinding('staff_invitation', row.id), row.email_ct);
        const invitedBy = /^[0-9a-f-]{36}$/i.test(row.created_by) ? row.created_by : null;
        await repo.insertStaff(tx, {
          id: staffId,
          email_ct: d.vault.encrypt(emailBinding('staff', staffId), email),
          email_bidx: row.email_bidx,
          display_name: row.display_name ?? email,
          password_hash: passwordHash,
          totp_secret_ct: d.vault.encrypt({ table: 'staff', column: 'totp_secret_ct', rowId: staffId }, secret),
          // The enrolment code is spent: it cannot be replayed to sign in.
          totp_last_step: step,
          roles: row.roles,
          status: 'active',
          created_at: now,
          updated_at: now,
          password_changed_at: now,
          invited_by: invitedBy,
        });
        // Spent after the member exists (the link names them); losing a race here rolls the member back too.
        if (!(await repo.consumeLink(tx, row.id, now, staffId))) throw linkInvalid();
        return { staffId, email };
      });
    },

    /** Sends the member a password-reset link (48 h, single use). The caller never sees the link. */
    async issueReset(ctx: ActorContext, staffId: string, reason: string | undefined): Promise<{ sentTo: string; expiresAt: string }> {
      const out = await d.audited(ctx, { action: 'staff.reset_issue', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        const now = d.clock.now();
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        await repo.revokeOpenLinksOf(tx, staffId, 'reset', now);
        const token = newToken();
        const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
        await repo.insertInvitation(tx, {
          id: randomUUID(),
          kind: 'reset',
          token_hash: hashToken(token),
          staff_id: staffId,
          display_name: s.display_name,
          created_by: ctx.actorId ?? ctx.actorName ?? 'system',
          created_at: now,
          expires_at: expiresAt,
        });
        const to = await d.vault.decrypt(emailBinding('staff', staffId), s.email_ct);
        await d.email.enqueueIn(tx, {
          to,
          subject: 'Bulwark: choose a new password',
          text:
            `Hello ${s.display_name},\n\nan administrator started a password reset for your Bulwark account. Open this link to choose a new password (it works once, until ${expiresAt.toISOString()} UTC):\n\n${resetUrl(token)}\n\n` +
            `Your second factor does not change: you will need it at your next sign-in. Choosing a new password signs you out everywhere.\nIf you did not ask for this, tell your security team.\n`,
        });
        return { sentTo: maskEmail(to), expiresAt: expiresAt.toISOString() };
      });
      d.email.kick();
      return out;
    },

    /** Step 1 of a reset: checks the link. */
    async startReset(ctx: ActorContext, token: string) {
      return d.audited(ctx, { action: 'staff.reset_start', target: { type: 'staff' } }, async (tx, ev) => {
        const row = await repo.findUsableLink(tx, 'reset', hashToken(token), d.clock.now());
        if (!row || !row.staff_id) throw linkInvalid();
        ev.setTarget('staff', row.staff_id);
        const s = await tx.selectFrom('staff').select(['email_ct', 'display_name']).where('id', '=', row.staff_id).executeTakeFirst();
        if (!s) throw linkInvalid();
        const email = await d.vault.decrypt(emailBinding('staff', row.staff_id), s.email_ct);
        return { displayName: s.display_name, email: maskEmail(email), expiresAt: new Date(row.expires_at).toISOString() };
      });
    },

    /** Step 2 of a reset: sets the new password and ends every session. Second factors are untouched. */
    async completeReset(ctx: ActorContext, input: { token: string; password: string }): Promise<{ email: string }> {
      const tokenHash = hashToken(input.token);
      const pre = await repo.findUsableLink(d.db, 'reset', tokenHash, d.clock.now());
      const member = pre?.staff_id ? await d.db.selectFrom('staff').select(['id', 'email_ct']).where('id', '=', pre.staff_id).executeTakeFirst() : undefined;
      let passwordHash = '';
      let email = '';
      if (member) {
        email = await d.vault.decrypt(emailBinding('staff', member.id), member.email_ct);
        const problem = passwordProblem(input.password, email);
        if (problem) throw rejectPassword(problem);
        passwordHash = await hashPassword(input.password);
      }
      return d.audited(ctx, { action: 'staff.password_reset', target: { type: 'staff', id: member?.id ?? null } }, async (tx) => {
        const now = d.clock.now();
        const row = await repo.findUsableLink(tx, 'reset', tokenHash, now, true);
        if (!row || !member || row.id !== pre?.id || row.staff_id !== member.id || !passwordHash) throw linkInvalid();
        if (!(await repo.consumeLink(tx, row.id, now, member.id))) throw linkInvalid();
        await tx.updateTable('staff').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', member.id).execute();
        // Whoever held the old password is out; the owner signs in again with the new one AND their second factor.
        await d.sessions.endAllOfIn(tx, member.id, 'password_reset');
        return { email: maskEmail(email) };
      });
    },

    /** Disables an account: every session ends at once, open reset links are revoked. */
    async disable(ctx: ActorContext, staffId: string, reason: string): Promise<void> {
      await d.audited(ctx, { action: 'staff.disable', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        if (staffId === ctx.actorId) throw new AppError(ErrorCode.conflict, 409, 'You cannot disable your own account', { denial: true });
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        if (s.status === 'disabled') throw new AppError(ErrorCode.conflict, 409, 'This account is already disabled');
        const now = d.clock.now();
        await tx.updateTable('staff').set({ status: 'disabled', updated_at: now }).where('id', '=', staffId).execute();
        await d.sessions.endAllOfIn(tx, staffId, 'account_disabled');
        await repo.revokeOpenLinksOf(tx, staffId, 'reset', now);
      });
    },

    /** Re-enables a disabled account (a frozen one needs a security officer's unfreeze instead). */
    async enable(ctx: ActorContext, staffId: string, reason: string): Promise<void> {
      await d.audited(ctx, { action: 'staff.enable', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        if (s.status !== 'disabled') throw new AppError(ErrorCode.conflict, 409, `This account is ${s.status}, not disabled`);
        await tx.updateTable('staff').set({ status: 'active', updated_at: d.clock.now() }).where('id', '=', staffId).execute();
      });
    },

    /** Lifts a sign-in lock before its cool-down ends and clears the failure counters. */
    async unlock(ctx: ActorContext, staffId: string, reason: string): Promise<void> {
      if (reason.trim().length < 5) throw reasonRequired();
      await d.audited(ctx, { action: 'staff.unlock', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        if (staffId === ctx.actorId) throw new AppError(ErrorCode.forbidden, 403, 'Another security officer must unlock your account', { denial: true });
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        await tx.updateTable('staff').set({ locked_until: null, failed_logins: 0, updated_at: d.clock.now() }).where('id', '=', staffId).execute();
        await tx.updateTable('staff').set({ status: 'active' }).where('id', '=', staffId).where('status', '=', 'locked').execute();
        await tx.deleteFrom('sign_in_throttle').where('key', '=', d.guard.accountKeyOf(s.email_bidx)).execute();
        await d.security.resolveForStaffIn(tx, staffId, ['account_locked'], ctx.actorId, reason);
      });
    },

    /** Unfreezes an account frozen by a sign-in from a new place; that place becomes known for the member. */
    async unfreeze(ctx: ActorContext, staffId: string, reason: string): Promise<void> {
      if (reason.trim().length < 5) throw reasonRequired();
      await d.audited(ctx, { action: 'staff.unfreeze', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        if (staffId === ctx.actorId) throw new AppError(ErrorCode.forbidden, 403, 'Another security officer must unfreeze your account', { denial: true });
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        if (s.status !== 'frozen') throw new AppError(ErrorCode.conflict, 409, 'This account is not frozen');
        const now = d.clock.now();
        const alert = await d.security.latestUnresolvedIn(tx, staffId, 'new_location');
        const known: { staff_id: string; kind: string; value: string; first_seen: Date; last_seen: Date }[] = [];
        if (typeof alert?.details.country === 'string') known.push({ staff_id: staffId, kind: 'country', value: alert.details.country, first_seen: now, last_seen: now });
        if (typeof alert?.details.network === 'string') known.push({ staff_id: staffId, kind: 'network', value: alert.details.network, first_seen: now, last_seen: now });
        if (known.length) await tx.insertInto('staff_known_location').values(known).onConflict((oc) => oc.columns(['staff_id', 'kind', 'value']).doUpdateSet({ last_seen: now })).execute();
        await tx.updateTable('staff').set({ status: 'active', frozen_reason: null, updated_at: now }).where('id', '=', staffId).execute();
        await d.security.resolveForStaffIn(tx, staffId, ['new_location'], ctx.actorId, reason);
      });
    },

    /** Replaces a member's allowed IP ranges ([] = no restriction); sessions from outside them end now. */
    async setAllowedNetworks(ctx: ActorContext, staffId: string, cidrs: string[], reason: string | undefined): Promise<string[]> {
      const parsed: string[] = [];
      cidrs.forEach((c, i) => {
        const p = parseCidr(c);
        if (!p) throw new AppError(ErrorCode.validation, 400, `"${c.slice(0, 64)}" is not an IP address or CIDR range`, { fieldErrors: [{ path: `body.cidrs.${i}`, message: 'not an IP address or CIDR range' }] });
        if (!parsed.includes(p.text)) parsed.push(p.text);
      });
      return d.audited(ctx, { action: 'staff.allowed_networks_set', target: { type: 'staff', id: staffId }, reason, fields: ['allowed_cidrs'] }, async (tx) => {
        const s = await repo.findStaffForUpdate(tx, staffId);
        if (!s) throw noSuchMember();
        if (staffId === ctx.actorId && ctx.ip && !inRanges(ctx.ip, parsed)) {
          throw new AppError(ErrorCode.conflict, 409, 'These ranges do not include the address you are using now: you would lock yourself out');
        }
        await tx.updateTable('staff').set({ allowed_cidrs: parsed, updated_at: d.clock.now() }).where('id', '=', staffId).execute();
        if (parsed.length > 0) {
          const live = await tx.selectFrom('staff_session').select(['token_hash', 'ip']).where('staff_id', '=', staffId).where('ended_at', 'is', null).execute();
          const outside = live.filter((l) => !inRanges(l.ip, parsed)).map((l) => l.token_hash);
          if (outside.length) {
            await tx.updateTable('staff_session').set({ ended_at: d.clock.now(), end_reason: 'network_not_allowed' }).where('token_hash', 'in', outside).where('ended_at', 'is', null).execute();
          }
        }
        return parsed;
      });
    },
  };
  return service;
}
