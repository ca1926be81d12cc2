// /staff/invitations — every invitation and its state (awaiting approval, pending, used, revoked, expired);
// open ones can be revoked, after which their link stops working. Links themselves are never listed.
import { useState } from 'react';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { useInvitations, useRevokeInvitation } from './staff.api.js';
import { SectionFrame } from './section-frame.js';

const BADGE: Record<string, string> = {
  awaiting_approval: 'badge badge-denied',
  pending: 'badge badge-ok',
  used: 'badge badge-neutral',
  revoked: 'badge badge-error',
  expired: 'badge badge-neutral',
};

export function InvitationsPage() {
  usePageTitle('Invitations');
  const list = useInvitations();
  const revoke = useRevokeInvitation();
  const [target, setTarget] = useState<{ id: string; email: string } | null>(null);

  return (
    <SectionFrame aside={<span className="muted small">Times in UTC</span>}>
      {list.error ? (
        <SectionErrorPanel error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="inv-title">
          <h2 id="inv-title" className="panel-title">
            Invitations
          </h2>
          {!list.data ? (
            <p className="muted">Loading…</p>
          ) : list.data.invitations.length === 0 ? (
            <p className="table-empty">No invitations yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="table table-dense" data-testid="invitations-table">
                <thead>
                  <tr>
                    <th scope="col">Invitee</th>
                    <th scope="col">Roles</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.invitations.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <span className="cell-main">{i.displayName}</span>
                        <span className="cell-sub">{i.email}</span>
                      </td>
                      <td>{i.roles.join(', ')}</td>
                      <td>
                        <span className={BADGE[i.status] ?? 'badge'}>{i.status.replace('_', ' ')}</span>
                      </td>
                      <td className="small nowrap">{formatUtc(i.createdAt)}</td>
                      <td className="small nowrap">{formatUtc(i.expiresAt)}</td>
                      <td>
                        {i.status === 'pending' || i.status === 'awaiting_approval' ? (
                          <button type="button" className="button button-small" onClick={() => (revoke.reset(), setTarget({ id: i.id, email: i.email }))}>
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <ConfirmDialog
        open={target !== null}
        title="Revoke this invitation?"
        confirmLabel="Revoke"
        busyLabel="Revoking…"
        busy={revoke.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() => target && revoke.mutate(target.id, { onSuccess: () => setTarget(null) })}
        footer={<ProblemAlert error={isApiError(revoke.error) ? revoke.error : null} />}
      >
        <p>The link sent to {target?.email} stops working at once.</p>
      </ConfirmDialog>
    </SectionFrame>
  );
}
