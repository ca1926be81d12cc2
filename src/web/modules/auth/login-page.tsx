// /login — email, password and a TOTP code. Every failure reads the same, so the page
// reveals nothing about which part was wrong or whether the account exists.
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { isApiError, type ApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { usePageTitle } from '../../components/page-title.js';
import { clearSessionEnded, useLogin, useMe } from './session.js';

// Fixed wording, whatever the server's detail says: no hint about which factor failed.
const GENERIC_FAILURE = { title: 'Sign-in failed', detail: 'The email, password or code is not correct. Check them and try again.' };

interface LoginState {
  from?: string;
  email?: string;
}

function readState(state: unknown): LoginState {
  if (typeof state !== 'object' || state === null) return {};
  const s = state as Record<string, unknown>;
  return {
    // Only same-app paths: never an absolute URL (open redirect).
    from: typeof s.from === 'string' && s.from.startsWith('/') && !s.from.startsWith('//') ? s.from : undefined,
    email: typeof s.email === 'string' ? s.email : undefined,
  };
}

type Field = 'email' | 'password' | 'totpCode';

export function LoginPage() {
  usePageTitle('Sign in');
  const location = useLocation();
  const navigate = useNavigate();
  const me = useMe();
  const login = useLogin();
  const state = readState(location.state);
  const [email, setEmail] = useState(state.email ?? '');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const firstInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (state.email ? passwordInput : firstInput).current?.focus();
    // Focus once on arrival only.
  }, []);

  if (me.data && !login.isPending) return <Navigate to={state.from ?? '/'} replace />;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const code = totpCode.replace(/[\s-]/g, '');
    const errs: Partial<Record<Field, string>> = {};
    if (!email.trim()) errs.email = 'Enter your email.';
    if (!password) errs.password = 'Enter your password.';
    if (!/^[0-9]{6}$/.test(code)) errs.totpCode = 'Enter the 6-digit code from your authenticator app.';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    login.mutate(
      { email: email.trim(), password, totpCode: code },
      {
        onSuccess: () => {
          clearSessionEnded();
          void navigate(state.from ?? '/', { replace: true });
        },
        onError: (err) => {
          setPassword('');
          setTotpCode('');
          if (isApiError(err)) setProblem(err);
          passwordInput.current?.focus();
        },
      },
    );
  };

  const onChange = (setter: (v: string) => void, field: Field) => (e: ChangeEvent<HTMLInputElement>) => {
    setter(e.target.value);
    if (errors[field]) setErrors((old) => ({ ...old, [field]: undefined }));
  };

  // 401 always reads the same; other problems (rate limit, server down) are shown as sent.
  const generic = problem?.status === 401 ? GENERIC_FAILURE : {};

  return (
    <AuthCard title="Sign in to Bulwark" subtitle="Staff access only. You need your authenticator app.">
      <ProblemAlert error={problem} {...generic} />
      <form name="login" noValidate onSubmit={onSubmit} className="form">
        <FormField
          ref={firstInput}
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={onChange(setEmail, 'email')}
          error={errors.email}
        />
        <FormField
          ref={passwordInput}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={onChange(setPassword, 'password')}
          error={errors.password}
        />
        <FormField
          label="6-digit code"
          name="totpCode"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          inputClassName="input-code"
          value={totpCode}
          onChange={onChange(setTotpCode, 'totpCode')}
          error={errors.totpCode}
          hint="From your authenticator app."
        />
        <div className="actions">
          <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </AuthCard>
  );
}
