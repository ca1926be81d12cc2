// /staff — members (roles, status, factors, last sign-in) with the administrative actions, and the invite form.
// Every action asks for a reason where the server requires one; the server decides who may do what.
import { useState } from 'react';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ReasonDialog } from './reason-dialog.js';
import { InvitePanel } from './invite-panel.js';
import { NetworksDialog } from './networks-dialog.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { useSignedIn } from '../auth/require-session.js';
import { useCan } from '../roles/roles.api.js';
import { useEndMemberSessions, useIssueReset, useMemberAction, useSetAllowedNetworks, useStaffList, type MemberAction, type StaffMember } from './staff.api.js';
import { SectionFrame } from './section-frame.js';

const STATUS_BADGE: Record<StaffMember['status'], string> = {
  active: 'badge badge-ok',
  disabled: 'badge badge-neutral',
  locked: 'badge badge-denied',
  frozen: 'badge badge-error',
};

const DONE: Record<MemberAction, string> = { disable: 'account disabled, sessions ended', enable: 'account enabled', unlock: 'account unlocked', unfreeze: 'account unfrozen' };

type Pending =
  | { kind: MemberAction; member: StaffMember }
  | { kind: 'reset'; member: StaffMember }
  | { kind: 'sessions'; member: StaffMember }
  | { kind: 'networks'; member: StaffMember };

const ACTION_TEXT: Record<Exclude<Pending['kind'], 'networks'>, { title: (n: string) => string; confirm: string; body: string; required: boolean }> = {
  disable: { title: (n) => `Disable ${n}?`, confirm: 'Disable account', body: 'Every session of this member ends at once and they can no longer sign in.', required: true },
  enable: { title: (n) => `Re-enable ${n}?`, confirm: 'Re-enable account', body: 'The member can sign in again with their password and second factor.', required: true },
  unlock: { title: (n) => `Unlock ${n}?`, confirm: 'Unlock', body: 'The sign-in lock and the failure count are cleared now instead of at the end of the cool-down.', required: true },
  unfreeze: {
    title: (n) => `Unfreeze ${n}?`,
    confirm: 'Unfreeze',
    body: 'The place that froze the account becomes a known place for this member. Make sure the sign-in was really theirs first.',
    required: true,
  },
  reset: {
    title: (n) => `Send ${n} a password-reset link?`,
    confirm: 'Send reset link',
    body: 'A single-use link (48 hours) goes to the member’s own e-mail. You never see it. Their second factor does not change, and choosing a new password ends their sessions.',
    required: false,
  },
  sessions: { title: (n) => `End every session of ${n}?`, confirm: 'End sessions', body: 'The member is signed out on every device at once.', required: false },
};

export function StaffPage() {
  usePageTitle('Staff');
  const me = useSignedIn();
  const canInvite = useCan('staff.invite');
  const list = useStaffList();
  const action = useMemberAction();
  const reset = useIssueReset();
  const endSessions = useEndMemberSessions();
  const networks = useSetAllowedNetworks();
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const open = (p: Pending) => {
    action.reset();
    reset.reset();
    endSessions.reset();
    networks.reset();
    setNotice(null);
    setPending(p);
  };
  const close = () => setPending(null);
  const done = (message: string) => {
    setPending(null);
    setNotice(message);
  };
  const confirm = (reason: string) => {
    if (!pending) return;
    const { member } = pending;
    if (pending.kind === 'reset') {
      reset.mutate({ id: member.id, reason }, { onSuccess: (r) => done(`A reset link was sent to ${r.sentTo}; it expires ${formatUtc(r.expiresAt)} UTC.`) });
    } else if (pending.kind === 'sessions') {
      endSessions.mutate({ id: member.id, reason }, { onSuccess: (r) => done(`${r.ended} session(s) of ${member.displayName} ended.`) });
    } else if (pending.kind !== 'networks') {
      const kind = pending.kind;
      action.mutate({ id: member.id, action: kind, reason }, { onSuccess: () => done(`${member.displayName}: ${DONE[kind]}.`) });
    }
  };

  const busy = action.isPending || reset.isPending || endSessions.isPending;
  const error = action.error ?? reset.error ?? endSessions.error;
  const text = pending && pending.kind !== 'networks' ? ACTION_TEXT[pending.kind] : null;

  return (
    <SectionFrame aside={<span className="muted small">Times in UTC</span>}>
      {notice ? (
        <div role="status" className="alert alert-success panel-notice">
          <p className="alert-title">{notice}</p>
        </div>
      ) : null}
      {list.error ? (
        <SectionErrorPanel error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="members-title" aria-busy={list.isPending}>
          <div className="panel-head">
            <h2 id="members-title" className="panel-title">
              Members
            </h2>
            <button type="button" className="button button-small" onClick={() => void list.refetch()} disabled={list.isFetching}>
              {list.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          {list.data ? <MembersTable members={list.data.members} selfId={me.staffId} onAction={open} /> : <p className="muted">Loading members…</p>}
        </section>
      )}
      {canInvite ? <InvitePanel /> : null}
      {text && pending ? (
        <ReasonDialog
          open
          title={text.title(pending.member.displayName)}
          confirmLabel={text.confirm}
          required={text.required}
          busy={busy}
          error={error}
          onConfirm={confirm}
          onCancel={close}
        >
          <p>{text.body}</p>
        </ReasonDialog>
      ) : null}
      <NetworksDialog
        open={pending?.kind === 'networks'}
        name={pending?.member.displayName ?? ''}
        current={pending?.member.allowedNetworks ?? []}
        busy={networks.isPending}
        error={networks.error}
        onCancel={close}
        onSave={(cidrs) => {
          if (pending) networks.mutate({ id: pending.member.id, cidrs, reason: '' }, { onSuccess: (r) => done(r.allowedNetworks.length ? `Allowed networks saved: ${r.allowedNetworks.join(', ')}.` : 'Allowed networks cleared: no restriction.') });
        }}
      />
    </SectionFrame>
  );
}

function MembersTable({ members, selfId, onAction }: { members: StaffMember[]; selfId: string; onAction: (p: Pending) => void }) {
  // Controls the member cannot use are not shown (the server refuses them anyway, and audits the attempt).
  const can = {
    disable: useCan('staff.disable'),
    unfreeze: useCan('security.unfreeze'),
    reset: useCan('staff.reset'),
    sessions: useCan('session.manage'),
    networks: useCan('staff.networks.edit'),
  };
  if (members.length === 0) return <p className="table-empty">No members yet.</p>;
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid="staff-table">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col">Second factors</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">Networks</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} data-testid={`member-${m.id}`}>
              <td>
                <span className="cell-main">{m.displayName}</span>
                <span className="cell-sub">{m.email}</span>
              </td>
              <td>{m.roles.join(', ') || <span className="muted">none</span>}</td>
              <td>
                <span className={STATUS_BADGE[m.status]} data-testid="member-status">
                  {m.status}
                </span>
                {m.status === 'frozen' && m.frozenReason ? <span className="cell-sub">{m.frozenReason}</span> : null}
                {m.status === 'locked' && m.lockedUntil ? <span className="cell-sub">until {formatUtc(m.lockedUntil)}</span> : null}
              </td>
              <td className="small">
                {m.factors.totp ? 'Authenticator app' : <span className="muted">no app</span>}
                <span className="cell-sub">
                  {m.factors.securityKeys} security key(s), {m.factors.recoveryCodes} recovery code(s)
                </span>
              </td>
              <td className="small nowrap">
                {m.lastSignInAt ? formatUtc(m.lastSignInAt) : <span className="muted">never</span>}
                <span className="cell-sub">{m.activeSessions} active session(s)</span>
              </td>
              <td className="small">{m.allowedNetworks.length ? m.allowedNetworks.join(', ') : <span className="muted">any</span>}</td>
              <td>
                <div className="row-actions">
                  {can.disable && m.status === 'disabled' ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'enable', member: m })}>
                      Enable
                    </button>
                  ) : can.disable && m.id !== selfId ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'disable', member: m })}>
                      Disable
                    </button>
                  ) : null}
                  {can.unfreeze && m.status === 'locked' && m.id !== selfId ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'unlock', member: m })}>
                      Unlock
                    </button>
                  ) : null}
                  {can.unfreeze && m.status === 'frozen' && m.id !== selfId ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'unfreeze', member: m })}>
                      Unfreeze
                    </button>
                  ) : null}
                  {can.reset ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'reset', member: m })}>
                      Reset password
                    </button>
                  ) : null}
                  {can.sessions ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'sessions', member: m })}>
                      End sessions
                    </button>
                  ) : null}
                  {can.networks ? (
                    <button type="button" className="button button-small" onClick={() => onAction({ kind: 'networks', member: m })}>
                      Networks
                    </button>
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
