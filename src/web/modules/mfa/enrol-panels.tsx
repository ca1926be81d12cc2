// Adding a second factor: an authenticator app (TOTP, with a QR code) or a security key (WebAuthn). Used by
// the enrolment page (first factor) and the Security page (more keys, replacing the authenticator).
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, isApiError } from '../../api.js';
import { applySession } from '../auth/session.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { TotpQr } from '../../components/totp-qr.js';
import { useRegisterKey, useTotpConfirm, useTotpStart, webauthnErrorMessage, type SecurityKeyView } from './mfa.api.js';

function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

function asProblem(err: unknown, fallback: string): ApiError | null {
  if (!err) return null;
  if (isApiError(err)) return err;
  return new ApiError({ type: 'about:blank', title: webauthnErrorMessage(err) ?? fallback, status: 0, code: 'client_error' });
}

/** Set up (or replace) the authenticator app: a proposed secret as a QR code, confirmed with a current code. */
export function TotpEnrolPanel({ onDone, replacing = false }: { onDone(recoveryCodes: string[] | undefined): void; replacing?: boolean }) {
  const start = useTotpStart();
  const confirm = useTotpConfirm();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();

  if (!start.data) {
    return (
      <div className="enrol-panel">
        <ProblemAlert error={asProblem(start.error, 'The set-up could not be started')} />
        <button type="button" className="button button-primary" onClick={() => start.mutate()} disabled={start.isPending}>
          {start.isPending ? 'Preparing…' : replacing ? 'Replace authenticator app' : 'Set up authenticator app'}
        </button>
      </div>
    );
  }
  const proposal = start.data;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const cleaned = code.replace(/[\s-]/g, '');
    if (!/^[0-9]{6}$/.test(cleaned)) {
      setError('Enter the 6-digit code your authenticator app shows for Bulwark.');
      return;
    }
    setError(undefined);
    confirm.mutate(
      { pending: proposal.pending, code: cleaned },
      {
        onSuccess: (res) => {
          // The codes are kept (shown once) before the new session re-renders the app.
          onDone(res.recoveryCodes);
          if (res.session) applySession(queryClient, res.session);
        },
        onError: (err) => {
          setCode('');
          if (isApiError(err) && err.code === 'totp_invalid') {
            setError('This code was not accepted. Check that the device’s clock is set automatically, wait for the next code and try again.');
          }
        },
      },
    );
  };
  return (
    <form name="totp-enrol" noValidate onSubmit={submit} className="form enrol-panel">
      <div className="totp-setup">
        <TotpQr uri={proposal.otpauthUri} />
        <div className="totp-manual">
          <p>Scan the QR code with your authenticator app, or enter this key by hand (time-based, 6 digits, 30 seconds):</p>
          <code className="secret" data-testid="totp-secret" aria-label="Authenticator key">
            {groupSecret(proposal.totpSecret)}
          </code>
        </div>
      </div>
      <ProblemAlert error={confirm.error && !(isApiError(confirm.error) && confirm.error.code === 'totp_invalid') ? asProblem(confirm.error, 'Not saved') : null} />
      <FormField
        label="6-digit code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]*"
        maxLength={7}
        required
        inputClassName="input-code"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={error}
        hint="The code your authenticator app shows for Bulwark now."
      />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={confirm.isPending}>
          {confirm.isPending ? 'Checking…' : 'Confirm authenticator app'}
        </button>
      </div>
    </form>
  );
}

/** Add a security key (or a platform authenticator), named so it can be told apart later. */
export function KeyEnrolPanel({ onDone, defaultName = 'Security key' }: { onDone(key: SecurityKeyView | undefined, recoveryCodes: string[] | undefined): void; defaultName?: string }) {
  const register = useRegisterKey();
  const queryClient = useQueryClient();
  const [name, setName] = useState(defaultName);
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the key a name, for example “Blue YubiKey” or “Work laptop”.');
      return;
    }
    setError(undefined);
    register.mutate(name.trim(), {
      onSuccess: (res) => {
        onDone(res.key, res.recoveryCodes);
        if (res.session) applySession(queryClient, res.session);
      },
    });
  };
  return (
    <form name="key-enrol" noValidate onSubmit={submit} className="form enrol-panel">
      <ProblemAlert error={asProblem(register.error, 'The security key was not added')} />
      <FormField
        label="Key name"
        name="keyName"
        maxLength={60}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={error}
        hint="Shown in your list of keys, so you can revoke the right one if it is lost."
      />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={register.isPending}>
          {register.isPending ? 'Waiting for the key…' : 'Add security key'}
        </button>
      </div>
    </form>
  );
}
