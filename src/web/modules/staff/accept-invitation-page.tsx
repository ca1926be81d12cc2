// /invite#token=… — a new member accepts an invitation: adds Bulwark to an authenticator app (QR code), chooses
// a password, confirms a code. Built from the first-administrator set-up's parts (card, QR, fields).
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { TotpCode } from '../../../contracts/bootstrap.js';
import { ApiError, isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { captureBootstrapToken, forgetBootstrapToken, isWellFormedToken } from '../bootstrap/bootstrap-token.js';
import { TotpCodeStep, TotpSetupStep, normaliseCode } from '../../components/totp-steps.js';
import { LinkInvalid, LinkMissing } from './link-pages.js';
import { NewPasswordFields, newPasswordErrors, type NewPasswordValues } from '../../components/new-password-fields.js';
import { useInvitationComplete, useInvitationStart, type InvitationStart } from './staff.api.js';

const isSpent = (err: unknown) => isApiError(err) && (err.status === 410 || err.code === 'link_invalid');

export function AcceptInvitationPage() {
  const [token] = useState(captureBootstrapToken);
  const [done, setDone] = useState<string | null>(null);
  const start = useInvitationStart(token !== null && isWellFormedToken(token) ? token : null);
  usePageTitle('Accept invitation');

  if (done !== null) return <InvitationDone email={done} />;
  if (token === null) return <LinkMissing what="invitation" />;
  if (!isWellFormedToken(token)) return <LinkInvalid what="invitation" />;
  if (start.isPending) {
    return (
      <AuthCard title="Accept your invitation">
        <p className="muted" role="status">
          Checking the invitation link…
        </p>
      </AuthCard>
    );
  }
  if (start.isError) {
    if (isSpent(start.error)) return <LinkInvalid what="invitation" />;
    return (
      <AuthCard title="Accept your invitation">
        <ProblemAlert error={isApiError(start.error) ? start.error : null} />
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => void start.refetch()}>
            Try again
          </button>
        </div>
      </AuthCard>
    );
  }
  return <AcceptForm token={token} setup={start.data} onDone={setDone} />;
}

type Field = keyof NewPasswordValues | 'totpCode';

function AcceptForm({ token, setup, onDone }: { token: string; setup: InvitationStart; onDone: (email: string) => void }) {
  const queryClient = useQueryClient();
  const complete = useInvitationComplete();
  const [values, setValues] = useState({ password: '', confirm: '', totpCode: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [spent, setSpent] = useState(false);
  if (spent) return <LinkInvalid what="invitation" />;

  const set = (field: Field) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.target.value;
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((old) => ({ ...old, [field]: undefined }));
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const errs: Partial<Record<Field, string>> = newPasswordErrors(values);
    if (!TotpCode.safeParse(normaliseCode(values.totpCode)).success) errs.totpCode = 'Enter the 6-digit code shown in your authenticator app.';
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    complete.mutate(
      { token, password: values.password, totpCode: normaliseCode(values.totpCode) },
      {
        onSuccess: (res) => {
          forgetBootstrapToken();
          queryClient.removeQueries({ queryKey: ['invitation'] });
          onDone(res.email);
        },
        onError: (err) => {
          if (isSpent(err)) {
            forgetBootstrapToken();
            setSpent(true);
            return;
          }
          if (!isApiError(err)) return setProblem(new ApiError({ type: 'about:blank', title: 'The account could not be created', status: 0, code: 'unknown' }));
          const fe: Partial<Record<Field, string>> = {};
          for (const [k, m] of Object.entries(err.fieldErrors())) if (k === 'password' || k === 'totpCode') fe[k] = m;
          if (err.code === 'totp_invalid') {
            fe.totpCode = 'This code was not accepted. Check that the device’s clock is set automatically, wait for the next code and try again.';
            setValues((v) => ({ ...v, totpCode: '' }));
          }
          setErrors(fe);
          setProblem(err);
        },
      },
    );
  };

  return (
    <AuthCard
      size="wide"
      title="Accept your invitation"
      subtitle={
        <>
          Welcome, <strong>{setup.displayName}</strong>. Your account will be <strong data-testid="invite-email">{setup.email}</strong>. The link
          expires {new Date(setup.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.
        </>
      }
    >
      <ProblemAlert error={problem} />
      <form name="accept-invitation" noValidate onSubmit={onSubmit} className="form">
        <TotpSetupStep
          otpauthUri={setup.otpauthUri}
          totpSecret={setup.totpSecret}
          intro="Scan the QR code with an authenticator app approved by your security team."
          footer={<p className="muted small">You can add a security key after signing in.</p>}
        />
        <section className="form-section" aria-labelledby="step-password">
          <h2 id="step-password" className="section-title">
            <span className="step">2</span> Choose your password
          </h2>
          <div className="form-grid">
            <NewPasswordFields values={values} errors={errors} onChange={set} />
          </div>
        </section>
        <TotpCodeStep value={values.totpCode} onChange={set('totpCode')} error={errors.totpCode} />
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={complete.isPending}>
            {complete.isPending ? 'Creating account…' : 'Create my account'}
          </button>
        </div>
      </form>
    </AuthCard>
  );
}

function InvitationDone({ email }: { email: string }) {
  usePageTitle('Account created');
  return (
    <AuthCard title="Your account is ready">
      <div role="status" className="alert alert-success">
        <p className="alert-title">Account created.</p>
        <p className="alert-detail">
          E-mail: <strong>{email}</strong>
        </p>
      </div>
      <p>Sign in with this e-mail, your password and a fresh code from your authenticator app. This link no longer works.</p>
      <div className="actions">
        <Link to="/login" state={{ email }} className="button button-primary">
          Go to sign in
        </Link>
      </div>
    </AuthCard>
  );
}
