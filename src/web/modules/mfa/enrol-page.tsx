// /mfa/enrol — a member without a (sufficient) second factor: the only thing their session can do is enrol
// one. An authenticator app or a security key; a role that requires a hardware key offers the key only.
// The recovery codes that come with the first factor are shown once, then the member continues signed in.
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';
import { useLogout, useMe } from '../auth/session.js';
import { KeyEnrolPanel, TotpEnrolPanel } from './enrol-panels.js';
import { RecoveryCodesPanel } from './recovery-codes.js';

export function EnrolPage() {
  usePageTitle('Set up your second factor');
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [finished, setFinished] = useState(false);

  if (codes) {
    return (
      <AuthCard size="wide" title="Second factor added">
        <RecoveryCodesPanel codes={codes} continueLabel="Continue to Bulwark" onContinue={() => void navigate('/', { replace: true })} />
      </AuthCard>
    );
  }
  if (me.isPending) {
    return (
      <AuthCard title="Bulwark">
        <p className="muted" role="status">
          Loading…
        </p>
      </AuthCard>
    );
  }
  if (!me.data) return <Navigate to="/login" replace />;
  if (me.data.state === 'mfa_pending') return <Navigate to="/login" replace />;
  if (me.data.state !== 'enrolment_required' || finished) return <Navigate to="/" replace />;

  const done = (recoveryCodes: string[] | undefined) => {
    if (recoveryCodes && recoveryCodes.length > 0) setCodes(recoveryCodes);
    else setFinished(true);
  };
  const hardware = me.data.hardwareKeyRequired;

  return (
    <AuthCard
      size="wide"
      title="Set up your second factor"
      subtitle={
        hardware ? (
          <>Your role requires a security key (phishing-resistant). Until you add one, this is the only thing your session can do.</>
        ) : (
          <>Every sign-in needs a second factor. Until you set one up, this is the only thing your session can do.</>
        )
      }
    >
      {hardware ? null : (
        <section className="form-section" aria-labelledby="enrol-totp">
          <h2 id="enrol-totp" className="section-title">
            Authenticator app
          </h2>
          <p className="muted">An app such as Aegis, 1Password or Google Authenticator shows a new 6-digit code every 30 seconds.</p>
          <TotpEnrolPanel onDone={done} />
        </section>
      )}
      <section className="form-section" aria-labelledby="enrol-key">
        <h2 id="enrol-key" className="section-title">
          Security key
        </h2>
        <p className="muted">
          A hardware key (YubiKey, Titan…) or this device’s built-in authenticator (fingerprint, face, PIN). It cannot be
          phished: it only answers the real Bulwark address.
        </p>
        <KeyEnrolPanel onDone={(_key, recoveryCodes) => done(recoveryCodes)} />
      </section>
      <div className="actions">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            void logout.mutateAsync().catch(() => undefined).then(() => navigate('/login', { replace: true }));
          }}
        >
          Sign out
        </button>
      </div>
    </AuthCard>
  );
}
