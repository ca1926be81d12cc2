// The second-factor form, shared by sign-in (step 2), step-up, re-authentication and the lock screen: the
// person picks how to answer (authenticator code, security key, recovery code) among what their account has,
// optionally after their password.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { FormField } from '../../components/form-field.js';
import type { FactorInput, MfaMethod } from './mfa.api.js';

const LABELS: Record<MfaMethod, string> = {
  webauthn: 'Security key',
  totp: 'Authenticator app',
  recovery: 'Recovery code',
};

interface SecondFactorFormProps {
  /** The methods offered, in order of preference (the first is selected). */
  methods: MfaMethod[];
  /** Ask for the password too (re-authentication, unlock). */
  withPassword?: boolean;
  busy: boolean;
  submitLabel: string;
  busyLabel?: string;
  /** Form name (for tests and autofill). */
  name: string;
  onSubmit(input: FactorInput, password: string): void;
  /** Called when the person switches method or edits (to clear an error shown above). */
  onChange?(): void;
  /** Incremented by the parent after a failed attempt: the code and password fields are cleared. */
  resetKey?: number;
}

export function SecondFactorForm({ methods, withPassword = false, busy, submitLabel, busyLabel, name, onSubmit, onChange, resetKey = 0 }: SecondFactorFormProps) {
  const [method, setMethod] = useState<MfaMethod | undefined>(methods[0]);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const groupId = useId();
  const codeRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!method || !methods.includes(method)) setMethod(methods[0]);
  }, [methods, method]);

  useEffect(() => {
    if (resetKey === 0) return;
    setCode('');
    setPassword('');
    (withPassword ? passwordRef : codeRef).current?.focus();
  }, [resetKey, withPassword]);

  if (!method) {
    return (
      <p role="alert" className="alert alert-error">
        No second factor is available for this account. Ask a security officer for help.
      </p>
    );
  }

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setErrors({});
    if (withPassword && !password) {
      setErrors({ password: 'Enter your password.' });
      passwordRef.current?.focus();
      return;
    }
    if (method === 'webauthn') {
      onSubmit({ method: 'webauthn' }, password);
      return;
    }
    const cleaned = code.replace(/[\s-]/g, '');
    if (method === 'totp' && !/^[0-9]{6}$/.test(cleaned)) {
      setErrors({ code: 'Enter the 6-digit code from your authenticator app.' });
      codeRef.current?.focus();
      return;
    }
    if (method === 'recovery' && !/^[A-Za-z2-7]{24}$/.test(cleaned)) {
      setErrors({ code: 'Enter one of your recovery codes (24 letters and digits).' });
      codeRef.current?.focus();
      return;
    }
    onSubmit({ method, code: cleaned.toUpperCase() }, password);
  };

  return (
    <form name={name} noValidate onSubmit={submit} className="form">
      {withPassword ? (
        <FormField
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            onChange?.();
          }}
          error={errors.password}
        />
      ) : null}
      {methods.length > 1 ? (
        <fieldset className="method-picker" aria-describedby={`${groupId}-hint`}>
          <legend className="field-label">Second factor</legend>
          <p id={`${groupId}-hint`} className="visually-hidden">
            Choose how to confirm it is you.
          </p>
          <div className="method-options">
            {methods.map((m) => (
              <label key={m} className={m === method ? 'method-option method-option-selected' : 'method-option'}>
                <input
                  type="radio"
                  name={`${name}-method`}
                  value={m}
                  checked={m === method}
                  onChange={() => {
                    setMethod(m);
                    setCode('');
                    setErrors({});
                    onChange?.();
                  }}
                />
                {LABELS[m]}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      {method === 'totp' ? (
        <FormField
          ref={codeRef}
          label="6-digit code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          inputClassName="input-code"
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
            onChange?.();
          }}
          error={errors.code}
          hint="From your authenticator app."
        />
      ) : null}
      {method === 'recovery' ? (
        <FormField
          ref={codeRef}
          label="Recovery code"
          name="recoveryCode"
          autoComplete="off"
          spellCheck={false}
          maxLength={24}
          required
          inputClassName="input-code"
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
            onChange?.();
          }}
          error={errors.code}
          hint="One of the ten codes you saved when you set up your account. Each works once."
        />
      ) : null}
      {method === 'webauthn' ? (
        <p className="muted">
          {methods.length > 1 ? null : <strong>Security key. </strong>}
          Select the button, then touch your security key or use your device&rsquo;s fingerprint, face or PIN when the
          browser asks.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy && busyLabel ? busyLabel : method === 'webauthn' ? `${submitLabel} with security key` : submitLabel}
        </button>
      </div>
    </form>
  );
}
