// zod-config must run before any module that builds Zod schemas (the shared contracts).
import './zod-config.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { isApiError } from './api.js';
import { createAppRouter } from './app.js';
import { endSession, meQueryKey } from './modules/auth/session.js';
import { captureBootstrapToken } from './modules/bootstrap/bootstrap-token.js';
import { StepUpProvider } from './modules/mfa/step-up.js';
import './styles.css';

// Take a one-time token (bootstrap, invitation, password reset) out of the address bar before anything else
// runs (router, history).
if (['/bootstrap', '/invite', '/reset-password'].includes(window.location.pathname)) captureBootstrapToken();

const router = createAppRouter();

// 401s that do not mean "the session ended": the server asks for a step-up or a re-authentication (the
// step-up dialog answers them), or a second factor was not accepted.
const CHALLENGES = new Set(['step_up_required', 'reauth_required', 'mfa_failed', 'reauth_failed']);
// 403s that mean the session changed state (locked in another tab, a role now requires a key): re-read it.
const STATE_CHANGES = new Set(['mfa_required', 'mfa_enrolment_required', 'session_locked']);

// A 401 on any signed-in request means the server ended the session (idle lock, expiry,
// revocation): forget it and let the guard send the member to the "session ended" page.
function onApiError(error: unknown, isAuthCall: boolean): void {
  if (isApiError(error) && error.status === 403 && STATE_CHANGES.has(error.code)) {
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
    return;
  }
  if (isApiError(error) && error.status === 401 && !isAuthCall && !CHALLENGES.has(error.code)) {
    endSession(queryClient, 'expired');
    void router.navigate('/session-ended', { replace: true });
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => onApiError(error, query.queryKey[0] === meQueryKey[0] || query.queryKey[0] === 'bootstrap'),
  }),
  mutationCache: new MutationCache({
    onError: (error, _vars, _ctx, mutation) => onApiError(error, mutation.options.meta?.['authCall'] === true),
  }),
  defaultOptions: {
    queries: {
      // Client errors are answers, not glitches: do not retry them.
      retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});

const container = document.getElementById('root');
if (!container) throw new Error('missing #root');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      {/* Answers step_up_required / reauth_required from any page with a dialog, then retries the request. */}
      <StepUpProvider>
        <RouterProvider router={router} />
      </StepUpProvider>
    </QueryClientProvider>
  </StrictMode>,
);
