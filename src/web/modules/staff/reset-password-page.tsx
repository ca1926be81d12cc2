// /reset-password#token=… — a member chooses a new password from the link an administrator had sent to them.
// The second factor is untouched: it is still needed at the next sign-in. Every session of the member ends.
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { captureBootstrapToken, forgetBootstrapToken, isWellFormedToken } from '../bootstrap/bootstrap-token.js';
import { LinkInvalid, LinkMissing } from './link-pages.js';
import { NewPasswordFields, newPasswordErrors, type NewPasswordValues } from '../../components/new-password-fields.js';
import { useResetComplete, useResetStart } from './staff.api.js';

const isSpent = (err: unknown) => isApiError(err) && (err.status === 410 || err.code === 'link_invalid');

export function ResetPasswordPage() {
  usePageTitle('Choose a new password');
  const [token] = useState(captureBootstrapToken);
  const start = useResetStart(token !== null && isWellFormedToken(token) ? token : null);
  const complete = useResetComplete();
  const [values, setValues] = useState<NewPasswordValues>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof NewPasswordValues, string>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [spent, setSpent] = useState(false);

  if (complete.isSuccess) {
    return (
      <AuthCard title="Password changed">
        <div role="status" className="alert alert-success">
          <p className="alert-title">Your new password is set.</p>
        </div>
        <p>
          You have been signed out everywhere. Sign in with your new password <strong>and your second factor</strong> (authenticator app or
          security key), which has not changed.
        </p>
        <div className="actions">
          <Link to="/login" className="button button-primary">
            Go to sign in
          </Link>
        </div>
      </AuthCard>
    );
  }
  if (token === null) return <LinkMissing what="reset" />;
  if (!isWellFormedToken(token) || spent || (start.isError && isSpent(start.error))) return <LinkInvalid what="reset" />;
  if (start.isPending) {
    return (
      <AuthCard title="Choose a new password">
        <p className="muted" role="status">
          Checking the link…
        </p>
      </AuthCard>
    );
  }
  if (start.isError) {
    return (
      <AuthCard title="Choose a new password">
        <ProblemAlert error={isApiError(start.error) ? start.error : null} />
      </AuthCard>
    );
  }

  const set = (field: keyof NewPasswordValues) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.target.value;
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((old) => ({ ...old, [field]: undefined }));
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const errs = newPasswordErrors(values);
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    complete.mutate(
      { token, password: values.password },
      {
        onSuccess: () => forgetBootstrapToken(),
        onError: (err) => {
          if (isSpent(err)) {
            forgetBootstrapToken();
            setSpent(true);
            return;
          }
          if (!isApiError(err)) return;
          setErrors({ password: err.fieldErrors().password });
          setProblem(err);
        },
      },
    );
  };

  return (
    <AuthCard size="medium" title="Choose a new password" subtitle={<>For {start.data.displayName} ({start.data.email}).</>}>
      <ProblemAlert error={problem} />
      <form name="reset-password" noValidate onSubmit={onSubmit} className="form">
        <div className="form-grid">
          <NewPasswordFields values={values} errors={errors} onChange={set} />
        </div>
        <p className="muted small">Your authenticator app and security keys stay as they are: you will need one of them to sign in.</p>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={complete.isPending}>
            {complete.isPending ? 'Saving…' : 'Set new password'}
          </button>
        </div>
      </form>
    </AuthCard>
  );
}
