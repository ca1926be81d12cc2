// /security — the member's own sign-in methods: security keys (add, rename, revoke), the authenticator app
// (replace) and recovery codes (regenerate). Every change needs a full re-authentication (password + a second
// factor) within the last 5 minutes: the server says so (reauth_required) and the step-up dialog asks for it.
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { usePageTitle } from '../../components/page-title.js';
import { KeyEnrolPanel, TotpEnrolPanel } from './enrol-panels.js';
import { useMfaStatus, useRegenerateRecoveryCodes, useRenameKey, useRevokeKey, type SecurityKeyView } from './mfa.api.js';
import { RecoveryCodesPanel } from './recovery-codes.js';

export function SecurityPage() {
  usePageTitle('Security');
  const status = useMfaStatus();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [replacingTotp, setReplacingTotp] = useState(false);
  const [confirmRegenerate, setConfirmRegenerate] = useState(false);
  const regenerate = useRegenerateRecoveryCodes();

  if (codes) {
    return (
      <>
        <div className="page-header">
          <h1 className="page-title">Security</h1>
        </div>
        <section className="panel">
          <RecoveryCodesPanel codes={codes} continueLabel="Done" onContinue={() => setCodes(null)} />
        </section>
      </>
    );
  }

  const s = status.data;
  return (
    <>
      <div className="page-header">
        <h1 className="page-title">Security</h1>
      </div>
      <p className="muted prose-width">
        How you sign in to Bulwark. Changes need your password and a second factor from the last 5 minutes; you will be
        asked for them. Every change is recorded in the audit log.
      </p>
      <ProblemAlert error={isApiError(status.error) ? status.error : null} />
      {s ? (
        <>
          <section className="panel" aria-labelledby="keys-title" data-testid="security-keys">
            <div className="panel-head">
              <h2 id="keys-title" className="panel-title">
                Security keys
              </h2>
              {s.hardwareKeyRequired ? <span className="badge">Required by your role</span> : null}
            </div>
            {s.keys.length === 0 ? (
              <p className="muted">No security key yet.</p>
            ) : (
              <div className="table-scroll">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Added</th>
                      <th scope="col">Last used</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.keys.map((k) => (
                      <KeyRow key={k.id} k={k} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {adding ? (
              <KeyEnrolPanel
                onDone={(_key, recoveryCodes) => {
                  setAdding(false);
                  if (recoveryCodes?.length) setCodes(recoveryCodes);
                }}
              />
            ) : (
              <div className="actions">
                <button type="button" className="button" onClick={() => setAdding(true)}>
                  Add a security key
                </button>
              </div>
            )}
          </section>

          <section className="panel" aria-labelledby="totp-title">
            <h2 id="totp-title" className="panel-title">
              Authenticator app
            </h2>
            <p>
              {s.totp ? 'Set up.' : 'Not set up.'}
              {s.hardwareKeyRequired ? ' Your role requires a security key: the authenticator app does not sign you in on its own.' : null}
            </p>
            {replacingTotp ? (
              <TotpEnrolPanel
                replacing={s.totp}
                onDone={(recoveryCodes) => {
                  setReplacingTotp(false);
                  if (recoveryCodes?.length) setCodes(recoveryCodes);
                }}
              />
            ) : (
              <div className="actions">
                <button type="button" className="button" onClick={() => setReplacingTotp(true)}>
                  {s.totp ? 'Replace authenticator app' : 'Set up authenticator app'}
                </button>
              </div>
            )}
          </section>

          <section className="panel" aria-labelledby="recovery-title">
            <h2 id="recovery-title" className="panel-title">
              Recovery codes
            </h2>
            <p data-testid="recovery-left">
              {s.recoveryCodesLeft} of 10 unused. Each works once, if you lose your authenticator or key.
            </p>
            <div className="actions">
              <button type="button" className="button" onClick={() => setConfirmRegenerate(true)}>
                Generate new recovery codes
              </button>
            </div>
          </section>
        </>
      ) : status.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}

      <ConfirmDialog
        open={confirmRegenerate}
        title="Generate new recovery codes?"
        confirmLabel="Generate new codes"
        busyLabel="Generating…"
        busy={regenerate.isPending}
        footer={<ProblemAlert error={isApiError(regenerate.error) ? regenerate.error : null} title="No new codes were generated" />}
        onConfirm={() =>
          regenerate.mutate(undefined, {
            onSuccess: (res) => {
              setConfirmRegenerate(false);
              setCodes(res.recoveryCodes);
            },
          })
        }
        onCancel={() => {
          regenerate.reset();
          setConfirmRegenerate(false);
        }}
      >
        <p>Your current recovery codes stop working at once. The ten new ones are shown once.</p>
      </ConfirmDialog>
    </>
  );
}

function KeyRow({ k }: { k: SecurityKeyView }) {
  const rename = useRenameKey();
  const revoke = useRevokeKey();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(k.name);
  const [confirmRevoke, setConfirmRevoke] = useState(false);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!name.trim()) return;
    rename.mutate({ id: k.id, name: name.trim() }, { onSuccess: () => setEditing(false) });
  };

  return (
    <tr data-testid="security-key-row">
      <td>
        {editing ? (
          <form name="rename-key" className="inline-form" onSubmit={submit}>
            <label className="visually-hidden" htmlFor={`rename-${k.id}`}>
              New name for {k.name}
            </label>
            <input id={`rename-${k.id}`} className="input input-small" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="button button-small" disabled={rename.isPending}>
              Save
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <span className="cell-main">{k.name}</span>
        )}
        {rename.error && isApiError(rename.error) ? <p className="field-error">{rename.error.problem.title}</p> : null}
      </td>
      <td className="nowrap">{formatUtc(k.createdAt)}</td>
      <td className="nowrap">{k.lastUsedAt ? formatUtc(k.lastUsedAt) : 'Never'}</td>
      <td className="nowrap">
        {editing ? null : (
          <>
            <button type="button" className="button button-small" onClick={() => setEditing(true)}>
              Rename
            </button>{' '}
            <button type="button" className="button button-small" onClick={() => setConfirmRevoke(true)}>
              Revoke
            </button>
          </>
        )}
        <ConfirmDialog
          open={confirmRevoke}
          title={`Revoke “${k.name}”?`}
          confirmLabel="Revoke key"
          busyLabel="Revoking…"
          busy={revoke.isPending}
          footer={<ProblemAlert error={isApiError(revoke.error) ? revoke.error : null} title="The key was not revoked" />}
          onConfirm={() => revoke.mutate(k.id, { onSuccess: () => setConfirmRevoke(false) })}
          onCancel={() => {
            revoke.reset();
            setConfirmRevoke(false);
          }}
        >
          <p>The key stops working at once. Do this if it was lost or stolen.</p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}
