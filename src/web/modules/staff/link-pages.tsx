// What a one-time link page shows when the link cannot be used (missing, malformed, spent or expired).
import { Link } from 'react-router-dom';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';

export function LinkInvalid({ what }: { what: 'invitation' | 'reset' }) {
  usePageTitle('Link invalid');
  return (
    <AuthCard size="medium" title={what === 'invitation' ? 'This invitation link is invalid or has expired' : 'This reset link is invalid or has expired'}>
      <p className="lead" data-testid="link-invalid">
        The link may have been used already, revoked, expired (links last 48 hours), or copied incompletely.
      </p>
      <div className="prose">
        <p>
          Ask an administrator for a new {what === 'invitation' ? 'invitation' : 'password reset'}. For your safety,
          links are only sent to your own e-mail address, and an administrator never chooses or sees your password.
        </p>
        <p>
          If you already have an account, <Link to="/login">sign in</Link>.
        </p>
      </div>
    </AuthCard>
  );
}

export function LinkMissing({ what }: { what: 'invitation' | 'reset' }) {
  usePageTitle('Link needed');
  return (
    <AuthCard size="medium" title={what === 'invitation' ? 'Open the invitation link from your e-mail' : 'Open the reset link from your e-mail'}>
      <p className="lead">
        This page needs the one-time link you received (it ends in <code>#token=…</code>). For safety the link is removed
        from the address bar once opened, so reloading this page loses it.
      </p>
      <p>If you still have the link, open it again: it keeps working until it is used or expires.</p>
    </AuthCard>
  );
}
