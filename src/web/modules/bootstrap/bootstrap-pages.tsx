import { useState } from 'react';
import { Link } from 'react-router-dom';
import { RecoveryCodesPanel } from '../mfa/recovery-codes.js';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';

/** How an operator obtains a fresh set-up link; shown whenever the current one cannot be used. */
function NewLinkInstructions() {
  return (
    <div className="prose">
      <p>A set-up link works once and expires after a short time. To get a new one, on the server:</p>
      <ul>
        <li>
          Restart it with <code>npx bulwark serve</code>. While no administrator exists, the server prints a fresh
          set-up link in its console each time it starts.
        </li>
        <li>
          Or run <code>npx bulwark bootstrap</code>, which prints a new link.
        </li>
      </ul>
      <p>
        Links are only ever printed on the server console. Open the new link in this browser; it sets up the first
        administrator account.
      </p>
      <p>
        If an administrator already exists, <Link to="/login">sign in</Link> or ask an administrator to create your
        account.
      </p>
    </div>
  );
}

export function BootstrapInvalidLink() {
  usePageTitle('Set-up link invalid');
  return (
    <AuthCard size="medium" title="This set-up link is invalid or has expired">
      <p className="lead" data-testid="bootstrap-invalid">
        The link may have been used already, may have expired, or may have been copied incompletely.
      </p>
      <NewLinkInstructions />
    </AuthCard>
  );
}

export function BootstrapMissingToken() {
  usePageTitle('Set-up link needed');
  return (
    <AuthCard size="medium" title="Open the set-up link from the server">
      <p className="lead">
        This page sets up the first administrator, and it needs the one-time link the server printed (it ends in{' '}
        <code>#token=…</code>). For safety the link is removed from the address bar once opened, so reloading this page
        loses it.
      </p>
      <p>If you still have the link, open it again: it keeps working until it is used or expires.</p>
      <NewLinkInstructions />
    </AuthCard>
  );
}

export function BootstrapDone({ email, recoveryCodes }: { email: string; recoveryCodes: string[] }) {
  usePageTitle('Administrator created');
  const [saved, setSaved] = useState(recoveryCodes.length === 0);
  return (
    <AuthCard size={saved ? 'narrow' : 'wide'} title="Administrator account created">
      <div role="status" className="alert alert-success">
        <p className="alert-title">The first administrator account is ready.</p>
        <p className="alert-detail">
          Email: <strong>{email}</strong>
        </p>
      </div>
      {saved ? (
        <>
          <div className="prose">
            <p>
              Sign in with this email and your password, then a fresh code from your authenticator app.
              If your role requires a security key, you will be asked to add one at your first sign-in. Keep your factors safe:
              one is required at every sign-in.
            </p>
            <p>This set-up link no longer works.</p>
          </div>
          <div className="actions">
            <Link to="/login" state={{ email }} className="button button-primary">
              Go to sign in
            </Link>
          </div>
        </>
      ) : (
        <RecoveryCodesPanel codes={recoveryCodes} continueLabel="Continue" onContinue={() => setSaved(true)} />
      )}
    </AuthCard>
  );
}
