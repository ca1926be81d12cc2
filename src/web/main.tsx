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
import './styles.css';

// Take a bootstrap token out of the address bar before anything else runs (router, history).
if (window.location.pathname === '/bootstrap') captureBootstrapToken();

const router = createAppRouter();

// A 401 on any signed-in request means the server ended the session (idle lock, expiry,
// revocation): forget it and let the guard send the member to the "session ended" page.
function onApiError(error: unknown, isAuthCall: boolean): void {
  if (isApiError(error) && error.status === 401 && !isAuthCall) {
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
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
