// The authenticator-app steps of the account set-up forms (first administrator, invitation): add Bulwark to the
// app from a QR code or a typed key, then confirm with a current code.
import type { ChangeEvent, ReactNode } from 'react';
import { FormField } from './form-field.js';
import { TotpQr } from './totp-qr.js';

/** A typed code without the spaces or dashes people copy along with it. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/** The base32 secret in groups of four, easier to type by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Step 1: the proposed secret as a QR code and as a key to type. */
export function TotpSetupStep({
  otpauthUri,
  totpSecret,
  intro,
  footer,
}: {
  otpauthUri: string;
  totpSecret: string;
  /** What to scan the QR code with. */
  intro: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <section className="form-section" aria-labelledby="step-authenticator">
      <h2 id="step-authenticator" className="section-title">
        <span className="step">1</span> Add Bulwark to your authenticator app
      </h2>
      <div className="totp-setup">
        <TotpQr uri={otpauthUri} />
        <div className="totp-manual">
          <p>{intro}</p>
          <p>If you cannot scan it, enter this key by hand (time-based, 6 digits, 30 seconds):</p>
          <code className="secret" data-testid="totp-secret" aria-label="Authenticator key">
            {groupSecret(totpSecret)}
          </code>
          {footer}
        </div>
      </div>
    </section>
  );
}

/** Step 3: a current code from the app, proving it was set up. */
export function TotpCodeStep({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement>) => void;
  error: string | undefined;
}) {
  return (
    <section className="form-section" aria-labelledby="step-code">
      <h2 id="step-code" className="section-title">
        <span className="step">3</span> Confirm your authenticator
      </h2>
      <FormField
        label="6-digit code"
        name="totpCode"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]*"
        maxLength={7}
        required
        inputClassName="input-code"
        value={value}
        onChange={onChange}
        error={error}
        hint="The code your authenticator app shows for Bulwark now."
      />
    </section>
  );
}
