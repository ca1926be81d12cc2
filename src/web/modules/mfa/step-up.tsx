// Step-up and re-authentication, for any page. The server answers 401 `step_up_required` when an action needs
// a second factor used within the last 5 minutes, and 401 `reauth_required` before a change of sign-in
// methods (password + a second factor). <StepUpProvider> installs the api.ts handler for both: the dialog
// opens, the person confirms, the session is rotated (new token, new CSRF token) and the refused request is
// retried once — pages need no code of their own. <StepUpDialog> can also be used directly, and
// useConfirmIdentity() asks for a confirmation up front.
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, isApiError, setAuthChallengeHandler, type AuthChallenge } from '../../api.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { applySession, useMe } from '../auth/session.js';
import { confirmIdentity, webauthnErrorMessage, type FactorInput, type MfaMethod } from './mfa.api.js';
import { SecondFactorForm } from './second-factor.js';

export type { AuthChallenge };

interface StepUpDialogProps {
  open: boolean;
  kind: AuthChallenge;
  /** true once the server accepted the confirmation (the new session is already applied). */
  onDone(ok: boolean): void;
}

const TEXT: Record<AuthChallenge, { title: string; lead: string; submit: string }> = {
  step_up: {
    title: 'Confirm it’s you',
    lead: 'This action needs a fresh confirmation with your second factor.',
    submit: 'Confirm',
  },
  reauth: {
    title: 'Confirm your password and second factor',
    lead: 'Changing how you sign in needs your password and a second factor, within the last 5 minutes.',
    submit: 'Confirm',
  },
};

/** The confirmation dialog (native <dialog>: focus trap and inert background come from the browser). */
export function StepUpDialog({ open, kind, onDone }: StepUpDialogProps) {
  const me = useMe();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [resetKey, setResetKey] = useState(0);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setProblem(null);
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  const all: MfaMethod[] = me.data?.methods ?? [];
  // A recovery code is a way back in, not a confirmation of an action.
  const methods = kind === 'step_up' ? all.filter((m) => m !== 'recovery') : all;

  const submit = async (input: FactorInput, password: string) => {
    setBusy(true);
    setProblem(null);
    try {
      const next = await confirmIdentity(kind, input, password);
      applySession(queryClient, next);
      onDone(true);
    } catch (err) {
      const message = webauthnErrorMessage(err);
      setProblem(
        isApiError(err)
          ? err
          : new ApiError({ type: 'about:blank', title: message ?? 'The confirmation did not go through', status: 0, code: 'webauthn_cancelled' }),
      );
      setResetKey((k) => k + 1);
    } finally {
      setBusy(false);
    }
  };

  const text = TEXT[kind];
  const refused = problem && (problem.code === 'mfa_failed' || problem.code === 'reauth_failed');
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      data-testid="step-up-dialog"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onDone(false);
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {text.title}
      </h2>
      <div className="dialog-body">
        <p>{text.lead}</p>
        <ProblemAlert
          error={problem}
          {...(refused ? { title: 'Not confirmed', detail: 'The password or second factor was not accepted. Try again.' } : {})}
        />
        {open ? (
          <SecondFactorForm
            name={kind === 'step_up' ? 'step-up' : 'reauth'}
            methods={methods}
            withPassword={kind === 'reauth'}
            busy={busy}
            submitLabel={text.submit}
            busyLabel="Checking…"
            resetKey={resetKey}
            onSubmit={(input, password) => void submit(input, password)}
            onChange={() => setProblem(null)}
          />
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => onDone(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

const ConfirmContext = createContext<(kind: AuthChallenge) => Promise<boolean>>(async () => false);

/** Asks for a step-up or re-authentication now (e.g. before starting a change); resolves true when confirmed. */
export function useConfirmIdentity(): (kind: AuthChallenge) => Promise<boolean> {
  return useContext(ConfirmContext);
}

/**
 * Answers every step_up_required / reauth_required of the API with the dialog (api.ts retries the request once
 * after a confirmation). Requests that need one while the dialog is open wait for the same answer; a
 * re-authentication also satisfies a step-up, so it takes precedence.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [kind, setKind] = useState<AuthChallenge | null>(null);
  const waiters = useRef<((ok: boolean) => void)[]>([]);

  const ask = useCallback(
    (wanted: AuthChallenge) =>
      new Promise<boolean>((resolve) => {
        waiters.current.push(resolve);
        setKind((open) => (open === 'reauth' ? open : wanted));
      }),
    [],
  );

  useEffect(() => {
    setAuthChallengeHandler(ask);
    return () => setAuthChallengeHandler(null);
  }, [ask]);

  const done = (ok: boolean) => {
    const pending = waiters.current;
    waiters.current = [];
    setKind(null);
    for (const resolve of pending) resolve(ok);
  };

  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <StepUpDialog open={kind !== null} kind={kind ?? 'step_up'} onDone={done} />
    </ConfirmContext.Provider>
  );
}
