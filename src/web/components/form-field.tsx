import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

interface FormFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  /** Extra class on the input, e.g. "input-code" for the six-digit code. */
  inputClassName?: string;
  ref?: Ref<HTMLInputElement>;
  /** Ids of further elements that describe the input (e.g. shared rules shown above a group). */
  describedBy?: string;
}

/** A labelled input with an optional hint and an error message wired through aria-describedby. */
export function FormField({ label, name, error, hint, inputClassName, ref, describedBy: extraDescribedBy, ...input }: FormFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [extraDescribedBy ?? null, hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : null}
      <input
        {...input}
        ref={ref}
        id={id}
        name={name}
        className={inputClassName ? `input ${inputClassName}` : 'input'}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
