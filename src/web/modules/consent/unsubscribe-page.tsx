// /unsubscribe#<token> — the public page a trader reaches from the link in an e-mail. No sign-in: the signed token
// is the only credential, and it can do one thing (opt out of one category). The token travels in the fragment, so
// it never reaches access logs or Referer headers; it is taken out of the address bar at once and kept in memory.
import { useState } from 'react';
import { CONSENT_CATEGORY_LABELS } from '../../../contracts/consent.js';
import { isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useUnsubscribe, useUnsubscribeInfo } from './consent.api.js';

let captured: string | null = null;

/** Reads the token from location.hash once and removes it from the address bar and the history entry. */
function captureToken(): string | null {
  const hash = window.location.hash;
  if (hash.length > 1) {
    captured = decodeURIComponent(hash.slice(1));
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
  }
  return captured;
}

export function UnsubscribePage() {
  usePageTitle('Unsubscribe');
  const [token] = useState(captureToken);
  const info = useUnsubscribeInfo(token);
  const unsubscribe = useUnsubscribe();

  if (token === null || (info.isError && isApiError(info.error) && info.error.status === 400)) {
    return (
      <AuthCard title="Unsubscribe">
        <div role="alert" className="alert alert-error">
          <p className="alert-title">This unsubscribe link is not valid</p>
          <p className="alert-detail">Open the link from the e-mail again, exactly as it was sent. If it still does not work, contact support.</p>
        </div>
      </AuthCard>
    );
  }
  if (info.isPending) {
    return (
      <AuthCard title="Unsubscribe">
        <p className="muted" role="status">
          Checking the link…
        </p>
      </AuthCard>
    );
  }
  if (info.isError) {
    return (
      <AuthCard title="Unsubscribe">
        <ProblemAlert error={isApiError(info.error) ? info.error : null} />
      </AuthCard>
    );
  }
  const label = CONSENT_CATEGORY_LABELS[info.data.category];
  if (unsubscribe.isSuccess) {
    return (
      <AuthCard title="You are unsubscribed">
        <div role="status" className="alert alert-success" data-testid="unsubscribed">
          <p className="alert-title">You will no longer receive: {label}.</p>
          <p className="alert-detail">Other messages about your account (security notices, support replies) are not affected.</p>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Unsubscribe">
      <p>
        Stop receiving <strong>{label}</strong> from us?
      </p>
      <ProblemAlert error={isApiError(unsubscribe.error) ? unsubscribe.error : null} />
      <div className="actions">
        <button type="button" className="button button-primary" disabled={unsubscribe.isPending} onClick={() => unsubscribe.mutate(token)}>
          {unsubscribe.isPending ? 'Unsubscribing…' : 'Unsubscribe'}
        </button>
      </div>
    </AuthCard>
  );
}
