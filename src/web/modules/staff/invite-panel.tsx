// Invite a member: e-mail, name, roles; a reason when a role is privileged (then a second member approves and
// the link goes to the invitee's e-mail only). A link issued at once is shown here once, to copy.
import { useState, type FormEvent } from 'react';
import { DisplayName, Email } from '../../../contracts/bootstrap.js';
import { isApiError } from '../../api.js';
import { CopyCode } from '../../components/copy-code.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useCan } from '../roles/roles.api.js';
import { useInvitableRoles, useInvite, type InviteResult } from './staff.api.js';

export function InvitePanel() {
  const invite = useInvite();
  const roleOptions = useInvitableRoles(useCan('role.read'));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [result, setResult] = useState<InviteResult | null>(null);
  const privileged = roles.some((r) => roleOptions.find((x) => x.name === r)?.privileged);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs: Record<string, string | undefined> = {};
    if (!Email.safeParse(email).success) errs.email = 'Enter a valid e-mail address.';
    if (!DisplayName.safeParse(name).success) errs.displayName = 'Enter the name colleagues will see.';
    if (roles.length === 0) errs.roles = 'Choose at least one role.';
    if (privileged && reason.trim().length < 5) errs.reason = 'A privileged role needs a reason (at least 5 characters) for the approver.';
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    setResult(null);
    invite.mutate(
      { email: email.trim(), displayName: name.trim(), roles, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: (r) => {
          setResult(r);
          setEmail('');
          setName('');
          setRoles([]);
          setReason('');
        },
        onError: (err) => {
          if (isApiError(err)) setErrors(err.fieldErrors());
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title" className="panel-title">
        Invite a member
      </h2>
      {result ? <InviteResultView result={result} onDismiss={() => setResult(null)} /> : null}
      <ProblemAlert error={isApiError(invite.error) ? invite.error : null} title="The invitation was not sent" />
      <form name="invite" noValidate onSubmit={onSubmit} className="form invite-form">
        <div className="form-grid">
          <FormField label="E-mail" name="email" type="email" autoComplete="off" maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
          <FormField label="Display name" name="displayName" autoComplete="off" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} error={errors.displayName} />
        </div>
        <fieldset className="role-picker" aria-describedby={errors.roles ? 'roles-error' : undefined}>
          <legend className="field-label">Roles</legend>
          <ul className="checkbox-list">
            {roleOptions.map((r) => (
              <li key={r.name}>
                <label>
                  <input
                    type="checkbox"
                    name="roles"
                    value={r.name}
                    checked={roles.includes(r.name)}
                    onChange={(e) => setRoles((old) => (e.target.checked ? [...old, r.name] : old.filter((x) => x !== r.name)))}
                  />{' '}
                  {r.label} {r.privileged ? <span className="badge badge-denied">four eyes</span> : null}
                </label>
              </li>
            ))}
          </ul>
          {errors.roles ? (
            <p id="roles-error" className="field-error">
              {errors.roles}
            </p>
          ) : null}
        </fieldset>
        {privileged ? (
          <FormField
            label="Reason (shown to the approver, recorded in the audit log)"
            name="reason"
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errors.reason}
            hint="A privileged role is granted only after another member approves. The link then goes to the invitee’s e-mail only."
          />
        ) : null}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={invite.isPending}>
            {invite.isPending ? 'Inviting…' : privileged ? 'Request approval and invite' : 'Invite'}
          </button>
        </div>
      </form>
    </section>
  );
}

function InviteResultView({ result, onDismiss }: { result: InviteResult; onDismiss: () => void }) {
  if (result.status === 'awaiting_approval') {
    return (
      <div role="status" className="alert alert-info" data-testid="invite-pending">
        <p className="alert-title">Waiting for a second member’s approval</p>
        <p className="alert-detail">
          The invitation of {result.invitation.email} as {result.invitation.roles.join(', ')} is in the approvals inbox. Once another
          member approves it, the link is e-mailed to the invitee (and to nobody else).
        </p>
      </div>
    );
  }
  return (
    <div role="status" className="alert alert-success" data-testid="invite-issued">
      <p className="alert-title">Invitation ready for {result.invitation.email}</p>
      <p className="alert-detail">
        It has also been e-mailed. This link is shown <strong>once</strong>: if you pass it on yourself, use a trusted channel. It works once,
        for 48 hours.
      </p>
      {result.link ? <CopyCode value={result.link} label="Copy invitation link" testId="invite-link" /> : null}
      <div className="actions">
        <button type="button" className="button button-small" onClick={onDismiss}>
          Done: hide the link
        </button>
      </div>
    </div>
  );
}
