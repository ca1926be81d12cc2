// The idle lock screen. Nothing of the signed-in pages is mounted and the query cache holds nothing but who
// is signed in; only the password AND a second factor (a full re-authentication, POST /auth/reauth) unlock it.
// The server knows the session is locked, so a reload or another tab lands here too.
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { usePageTitle } from '../../components/page-title.js';
import { confirmIdentity, webauthnErrorMessage, type FactorInput } from '../mfa/mfa.api.js';
import { SecondFactorForm } from '../mfa/second-factor.js';
import { endIdleSession } from './idle-lock.js';
import { applySession, endSession, useLogout, type Me } from './session.js';

const CHECK_EVERY_MS = 15 * 1000;

export function LockScreen({ me }: { me: Me }) {
  usePageTitle('Locked');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useLogout();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const lockedAt = useRef(Date.now());

  const unlock = useMutation({
    meta: { authCall: true },
    mutationFn: (v: { input: FactorInput; password: string }) => confirmIdentity('reauth', v.input, v.password),
    onSuccess: (next) => applySession(queryClient, next),
    onError: (err) => {
      setResetKey((k) => k + 1);
      if (isApiError(err) && err.code === 'unauthenticated') {
        // The server ended the session meanwhile (idle timeout, revocation): nothing left to unlock.
        endSession(queryClient, 'expired');
        void navigate('/session-ended', { replace: true });
        return;
      }
      const message = webauthnErrorMessage(err);
      setProblem(isApiError(err) ? err : new ApiError({ type: 'about:blank', title: message ?? 'Not unlocked', status: 0, code: 'webauthn_cancelled' }));
    },
  });

  // The server ends the session one idle timeout after the lock (the lock request was its last activity).
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (Date.now() - lockedAt.current >= me.idleTimeoutMs - 30_000) {
        window.clearInterval(timer);
        endIdleSession(queryClient, navigate);
      }
    }, CHECK_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [queryClient, navigate, me.idleTimeoutMs]);

  const refused = problem && (problem.code === 'reauth_failed' || problem.code === 'mfa_failed');
  return (
    <AuthCard title="Screen locked" subtitle={<>Signed in as {me.displayName}. Enter your password and confirm with your second factor to continue.</>}>
      <div data-testid="lock-screen">
        <ProblemAlert error={problem} {...(refused ? { title: 'Not unlocked', detail: 'The password or second factor was not accepted.' } : {})} />
        <SecondFactorForm
          name="unlock"
          methods={me.methods}
          withPassword
          busy={unlock.isPending}
          submitLabel="Unlock"
          busyLabel="Checking…"
          resetKey={resetKey}
          onSubmit={(input, password) => {
            setProblem(null);
            unlock.mutate({ input, password });
          }}
          onChange={() => setProblem(null)}
        />
        <div className="actions">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              void logout
                .mutateAsync()
                .catch(() => undefined)
                .then(() => navigate('/login', { replace: true }));
            }}
          >
            Sign out
          </button>
        </div>
      </div>
    </AuthCard>
  );
}
