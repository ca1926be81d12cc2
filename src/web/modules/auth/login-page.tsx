// /login — two steps. Step 1: email and password (every failure reads the same, so the page reveals nothing
// about which part was wrong or whether the account exists). Step 2: the second factor the member chooses
// among theirs — authenticator code, security key or recovery code. A member without a second factor goes on
// to enrol one (/mfa/enrol).
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { usePageTitle } from '../../components/page-title.js';
import { useAnswerSignIn, webauthnErrorMessage } from '../mfa/mfa.api.js';
import { SecondFactorForm } from '../mfa/second-factor.js';
import { clearSessionEnded, useLogin, useLogout, useMe, type Me } from './session.js';

// Fixed wording, whatever the server's detail says: no hint about which part failed.
const GENERIC_FAILURE = { title: 'Sign-in failed', detail: 'The email or password is not correct. Check them and try again.' };
const FACTOR_FAILURE = { title: 'Not accepted', detail: 'The code or security key was not accepted. Try again.' };

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

type Field = 'email' | 'password';

export function LoginPage() {
  const location = useLocation();
  const me = useMe();
  const state = readState(location.state);
  const target = state.from ?? '/';

  if (me.data?.state === 'active' || me.data?.state === 'locked') return <Navigate to={target} replace />;
  if (me.data?.state === 'enrolment_required') return <Navigate to="/mfa/enrol" replace />;
  if (me.data?.state === 'mfa_pending') return <SecondStep me={me.data} target={target} />;
  return <PasswordStep initialEmail={state.email ?? ''} />;
}

function PasswordStep({ initialEmail }: { initialEmail: string }) {
  usePageTitle('Sign in');
  const login = useLogin();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const firstInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (initialEmail ? passwordInput : firstInput).current?.focus();
    // Focus once on arrival only.
  }, []);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const errs: Partial<Record<Field, string>> = {};
    if (!email.trim()) errs.email = 'Enter your email.';
    if (!password) errs.password = 'Enter your password.';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    login.mutate(
      { email: email.trim(), password },
      {
        // The session now waits for the second factor: LoginPage re-renders as step 2 (or goes to enrolment).
        onSuccess: () => clearSessionEnded(),
        onError: (err) => {
          setPassword('');
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
    <AuthCard title="Sign in to Bulwark" subtitle="Staff access only. You will also need your authenticator app or security key.">
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
        <div className="actions">
          <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </AuthCard>
  );
}

function SecondStep({ me, target }: { me: Me; target: string }) {
  usePageTitle('Second factor');
  const answer = useAnswerSignIn();
  const logout = useLogout();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [resetKey, setResetKey] = useState(0);

  const onSubmit = (input: Parameters<typeof answer.mutate>[0]) => {
    setProblem(null);
    answer.mutate(input, {
      onSuccess: (next) => {
        clearSessionEnded();
        if (next.state === 'active') void navigate(target, { replace: true });
        else if (next.state === 'enrolment_required') void navigate('/mfa/enrol', { replace: true });
      },
      onError: (err) => {
        setResetKey((k) => k + 1);
        const message = webauthnErrorMessage(err);
        setProblem(
          isApiError(err) ? err : new ApiError({ type: 'about:blank', title: message ?? 'The security key could not be used', status: 0, code: 'webauthn_cancelled' }),
        );
        // The pending session ended (it expired, or the account was frozen): start again.
        if (isApiError(err) && err.code === 'unauthenticated') void navigate('/session-ended', { replace: true });
      },
    });
  };

  const refused = problem && (problem.code === 'mfa_failed' || problem.code === 'login_failed');
  return (
    <AuthCard
      title="Confirm it’s you"
      subtitle={
        me.hardwareKeyRequired ? (
          <>Signing in as {me.displayName}. Your role requires a security key.</>
        ) : (
          <>Signing in as {me.displayName}. Use your second factor.</>
        )
      }
    >
      <ProblemAlert error={problem} {...(refused ? FACTOR_FAILURE : {})} />
      <SecondFactorForm
        name="second-factor"
        methods={me.methods}
        busy={answer.isPending}
        submitLabel="Verify"
        busyLabel="Checking…"
        resetKey={resetKey}
        onSubmit={(input) => onSubmit(input)}
        onChange={() => setProblem(null)}
      />
      <div className="actions">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            void logout.mutateAsync().catch(() => undefined);
          }}
        >
          Use another account
        </button>
      </div>
    </AuthCard>
  );
}
