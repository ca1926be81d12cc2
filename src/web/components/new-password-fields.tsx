// Password + confirmation with the NIST rules stated plainly (12–128 characters, no composition rules),
// shared by the first-administrator set-up, invitation and password-reset pages.
import type { ChangeEvent, ReactNode } from 'react';
import { FormField } from './form-field.js';

export interface NewPasswordValues {
  password: string;
  confirm: string;
}

/** How a password's length is counted: by default in characters (code points). */
export type PasswordLength = (password: string) => number;
const codePoints: PasswordLength = (password) => [...password].length;

/** Client-side checks mirroring the server (which also refuses common passwords and the e-mail's name). */
export function newPasswordErrors(v: NewPasswordValues, length: PasswordLength = codePoints): Partial<Record<keyof NewPasswordValues, string>> {
  const errors: Partial<Record<keyof NewPasswordValues, string>> = {};
  const n = length(v.password);
  if (n < 12) errors.password = `Use at least 12 characters (this one has ${n}).`;
  else if (n > 128) errors.password = `Use at most 128 characters (this one has ${n}).`;
  if (v.confirm !== v.password) errors.confirm = 'The two passwords do not match.';
  return errors;
}

const DEFAULT_RULES = (
  <>
    Use 12 to 128 characters. There are no rules about digits, capitals or symbols: a long passphrase of several unrelated
    words is a good choice. Very common passwords and passwords containing the name part of your e-mail address are
    refused. Use a password you do not use anywhere else.
  </>
);

export function NewPasswordFields({
  values,
  errors,
  onChange,
  rules = DEFAULT_RULES,
  length = codePoints,
}: {
  values: NewPasswordValues;
  errors: Partial<Record<keyof NewPasswordValues, string>>;
  onChange: (field: keyof NewPasswordValues) => (e: ChangeEvent<HTMLInputElement>) => void;
  /** The text of the "Choosing a password" note. */
  rules?: ReactNode;
  /** How the counter under the field counts; should match the one given to newPasswordErrors. */
  length?: PasswordLength;
}) {
  return (
    <>
      <div className="form-note span-2" id="password-rules">
        <p className="form-note-title">Choosing a password</p>
        <p>{rules}</p>
      </div>
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={values.password}
        onChange={onChange('password')}
        error={errors.password}
        describedBy="password-rules"
        hint={
          <span className="counter" aria-live="polite">
            {length(values.password)} of 12–128 characters
          </span>
        }
      />
      <FormField
        label="Confirm password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        value={values.confirm}
        onChange={onChange('confirm')}
        error={errors.confirm}
        hint="Type the same password again."
      />
    </>
  );
}
