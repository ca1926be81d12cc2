// /bootstrap — set-up of the first administrator from the one-time link the server prints.
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { DisplayName, Email, Password, TotpCode } from '../../../contracts/bootstrap.js';
import { ApiError, isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { FormField } from '../../components/form-field.js';
import { NewPasswordFields, newPasswordErrors, type PasswordLength } from '../../components/new-password-fields.js';
import { TotpCodeStep, TotpSetupStep, normaliseCode } from '../../components/totp-steps.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { usePageTitle } from '../../components/page-title.js';
import { useBootstrapComplete, useBootstrapStart, type BootstrapStart } from './bootstrap.api.js';
import { BootstrapDone, BootstrapInvalidLink, BootstrapMissingToken } from './bootstrap-pages.js';
import { captureBootstrapToken, forgetBootstrapToken, isWellFormedToken } from './bootstrap-token.js';

const INVALID_TOKEN_CODES = new Set(['bootstrap_token_invalid', 'bootstrap_token_expired', 'bootstrap_token_used']);

function isInvalidLink(err: unknown): boolean {
  return isApiError(err) && (err.status === 410 || INVALID_TOKEN_CODES.has(err.code));
}

export function BootstrapPage() {
  // Captured during the first render so the fragment leaves the address bar at once.
  const [token] = useState(captureBootstrapToken);
  const [created, setCreated] = useState<{ email: string; recoveryCodes: string[] } | null>(null);
  const start = useBootstrapStart(token !== null && isWellFormedToken(token) ? token : null);

  if (created !== null) return <BootstrapDone email={created.email} recoveryCodes={created.recoveryCodes} />;
  if (token === null) return <BootstrapMissingToken />;
  if (!isWellFormedToken(token)) return <BootstrapInvalidLink />;
  if (start.isPending) return <BootstrapLoading />;
  if (start.isError) {
    if (isInvalidLink(start.error)) return <BootstrapInvalidLink />;
    return <BootstrapStartFailed error={start.error} onRetry={() => void start.refetch()} />;
  }
  return <BootstrapForm token={token} setup={start.data} onCreated={setCreated} />;
}

function BootstrapLoading() {
  usePageTitle('Set up Bulwark');
  return (
    <AuthCard title="Set up the first administrator">
      <p className="muted" role="status">
        Checking the set-up link…
      </p>
    </AuthCard>
  );
}

function BootstrapStartFailed({ error, onRetry }: { error: Error; onRetry: () => void }) {
  usePageTitle('Set up Bulwark');
  return (
    <AuthCard title="Set up the first administrator">
      <ProblemAlert error={isApiError(error) ? error : null} />
      {!isApiError(error) ? (
        <p role="alert" className="alert alert-error">
          The set-up could not be started.
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </AuthCard>
  );
}

type Field = 'displayName' | 'email' | 'password' | 'confirm' | 'totpCode';
type Errors = Partial<Record<Field, string>>;

interface FormState {
  displayName: string;
  email: string;
  password: string;
  confirm: string;
  totpCode: string;
}

/** The contract's Password counts UTF-16 code units (string length), so the form counts the same way. */
const utf16Length: PasswordLength = (password) => password.length;

const PASSWORD_RULES =
  'Use 12 to 128 characters. There are no rules about digits, capitals or symbols: a long passphrase of several unrelated words is a good choice. Use a password you do not use anywhere else.';

/** Client-side checks mirror the server's contract; the server remains the authority. */
function validate(v: FormState): Errors {
  const errors: Errors = {};
  if (!DisplayName.safeParse(v.displayName).success) errors.displayName = 'Enter your name as colleagues will see it (up to 120 characters).';
  if (!Email.safeParse(v.email).success) errors.email = 'Enter a valid email address.';
  Object.assign(errors, newPasswordErrors(v, utf16Length));
  if (!errors.password && !Password.safeParse(v.password).success) errors.password = 'This password is not accepted.';
  if (!TotpCode.safeParse(normaliseCode(v.totpCode)).success) errors.totpCode = 'Enter the 6-digit code shown in your authenticator app.';
  return errors;
}

function formatExpiry(iso: string): string | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are listed.
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

const FIELD_ORDER: Field[] = ['displayName', 'email', 'password', 'confirm', 'totpCode'];

function BootstrapForm({
  token,
  setup,
  onCreated,
}: {
  token: string;
  setup: BootstrapStart;
  onCreated: (created: { email: string; recoveryCodes: string[] }) => void;
}) {
  usePageTitle('Set up Bulwark');
  const queryClient = useQueryClient();
  const complete = useBootstrapComplete();
  const [values, setValues] = useState<FormState>({ displayName: '', email: '', password: '', confirm: '', totpCode: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [linkSpent, setLinkSpent] = useState(false);
  const expiry = formatExpiry(setup.expiresAt);

  if (linkSpent) return <BootstrapInvalidLink />;

  const set = (field: Field) => (e: ChangeEvent<HTMLInputElement>) => {
    const value = e.target.value;
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((old) => ({ ...old, [field]: undefined }));
  };

  const focusFirstError = (errs: Errors) => {
    const first = FIELD_ORDER.find((f) => errs[f]);
    if (first) document.querySelector<HTMLInputElement>(`form[name="bootstrap"] [name="${first}"]`)?.focus();
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const errs = validate(values);
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) {
      focusFirstError(errs);
      return;
    }
    complete.mutate(
      {
        token,
        displayName: values.displayName.trim(),
        email: values.email.trim(),
        password: values.password,
        totpCode: normaliseCode(values.totpCode),
      },
      {
        onSuccess: (res) => {
          forgetBootstrapToken();
          // The TOTP secret is no longer needed in this tab.
          queryClient.removeQueries({ queryKey: ['bootstrap'] });
          onCreated({ email: res.email, recoveryCodes: res.recoveryCodes });
        },
        onError: (err) => {
          if (isInvalidLink(err)) {
            forgetBootstrapToken();
            setLinkSpent(true);
            return;
          }
          if (!isApiError(err)) {
            setProblem(new ApiError({ type: 'about:blank', title: 'The account could not be created', status: 0, code: 'unknown' }));
            return;
          }
          const fieldErrors: Errors = {};
          for (const [key, message] of Object.entries(err.fieldErrors())) {
            if ((FIELD_ORDER as string[]).includes(key)) fieldErrors[key as Field] = message;
          }
          if (err.code === 'totp_invalid') {
            fieldErrors.totpCode =
              'This code was not accepted. Check that the device’s clock is set automatically, wait for the next code and try again.';
            setValues((v) => ({ ...v, totpCode: '' }));
          }
          setErrors(fieldErrors);
          setProblem(err);
          focusFirstError(fieldErrors);
        },
      },
    );
  };

  return (
    <AuthCard
      size="wide"
      title="Set up the first administrator"
      subtitle={
        <>
          This account will hold every permission. Set it up on a device you trust.
          {expiry ? <> The set-up link expires {expiry}.</> : null}
        </>
      }
    >
      <ProblemAlert error={problem} />
      <form name="bootstrap" noValidate onSubmit={onSubmit} className="form">
        <TotpSetupStep
          otpauthUri={setup.otpauthUri}
          totpSecret={setup.totpSecret}
          intro="Scan the QR code with an authenticator app (for example Aegis, Google Authenticator, 1Password or a hardware-backed app approved by your security team)."
        />

        <section className="form-section" aria-labelledby="step-account">
          <h2 id="step-account" className="section-title">
            <span className="step">2</span> Your account
          </h2>
          <div className="form-grid">
            <FormField
              label="Display name"
              name="displayName"
              autoComplete="name"
              required
              maxLength={120}
              value={values.displayName}
              onChange={set('displayName')}
              error={errors.displayName}
            />
            <FormField
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              value={values.email}
              onChange={set('email')}
              error={errors.email}
            />
            <NewPasswordFields values={values} errors={errors} onChange={set} rules={PASSWORD_RULES} length={utf16Length} />
          </div>
        </section>

        <TotpCodeStep value={values.totpCode} onChange={set('totpCode')} error={errors.totpCode} />

        <div className="actions">
          <button type="submit" className="button button-primary" disabled={complete.isPending}>
            {complete.isPending ? 'Creating account…' : 'Create administrator account'}
          </button>
        </div>
      </form>
    </AuthCard>
  );
}
