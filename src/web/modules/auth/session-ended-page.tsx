import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';
import { clearSessionEnded } from './session.js';

/** Shown when the server ended the session: idle lock, absolute lifetime, or revocation. */
export function SessionEndedPage() {
  usePageTitle('Session ended');
  useEffect(() => clearSessionEnded(), []);
  return (
    <AuthCard title="Your session has ended">
      <p className="lead" data-testid="session-ended">
        For your security you have been signed out.
      </p>
      <div className="prose">
        <p>
          Sessions lock after 10 minutes without activity and end after 12 hours. A session also ends when it is
          revoked by a security officer or used from a different network or browser.
        </p>
        <p>Work you had not saved may need to be entered again.</p>
      </div>
      <div className="actions">
        <Link to="/login" className="button button-primary">
          Sign in again
        </Link>
      </div>
    </AuthCard>
  );
}
