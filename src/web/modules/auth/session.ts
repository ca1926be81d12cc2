// Server state of the staff session: who is signed in and how far (GET /auth/me), sign-in step 1 and sign-out.
// The second factor, step-up and re-authentication are in modules/mfa.
// The session itself is an HttpOnly cookie the UI never sees; only the CSRF token is kept in memory.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { LoginResponse, MeResponse, type LoginRequest } from '../../../contracts/bootstrap.js';
import { apiRequest, isApiError, setCsrfToken } from '../../api.js';

export type Me = z.infer<typeof MeResponse>;
export type LoginInput = z.input<typeof LoginRequest>;

export const meQueryKey = ['auth', 'me'] as const;

// Set once a session was seen in this tab, so a later 401 reads as "session ended"
// (idle lock, expiry, revocation) rather than "never signed in".
let hadSession = false;
let sessionEnded = false;

/** True when the last session of this tab ended on the server side (idle lock, expiry, revocation). */
export function isSessionEnded(): boolean {
  return sessionEnded;
}

export function clearSessionEnded(): void {
  sessionEnded = false;
}

/**
 * Takes a session the server just issued or rotated (sign-in steps, step-up, re-authentication, unlock): its
 * CSRF token (the old one died with the old token) and who is signed in, in what state.
 */
export function applySession(queryClient: QueryClient, me: Me): void {
  setCsrfToken(me.csrfToken);
  hadSession = true;
  sessionEnded = false;
  queryClient.setQueryData<Me | null>(meQueryKey, me);
}

/** Forgets every cached server answer except who is signed in (the idle lock: data leaves the page). */
export function dropCachedData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
}

/** Marks the session as gone: clears cached server state and the in-memory CSRF token. */
export function endSession(queryClient: QueryClient, reason: 'signed-out' | 'expired'): void {
  setCsrfToken(null);
  if (reason === 'expired' && hadSession) sessionEnded = true;
  hadSession = false;
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
  queryClient.setQueryData<Me | null>(meQueryKey, null);
}

async function fetchMe(signal: AbortSignal): Promise<Me | null> {
  try {
    const me = await apiRequest('GET', '/api/v1/auth/me', { schema: MeResponse, signal });
    setCsrfToken(me.csrfToken);
    hadSession = true;
    return me;
  } catch (err) {
    if (isApiError(err) && err.status === 401) {
      if (hadSession) sessionEnded = true;
      hadSession = false;
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/**
 * The signed-in staff member, `null` when there is no session. Rechecked when the tab regains focus,
 * never on a timer: every authenticated request refreshes the server's idle timer, so background
 * polling would keep an unattended session alive for ever (see useIdleLock for the keep-alive).
 */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 30_000,
    refetchOnWindowFocus: (query) => query.state.data != null,
    retry: false,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { authCall: true },
    mutationFn: (input: LoginInput) =>
      apiRequest('POST', '/api/v1/auth/login', { body: input, schema: LoginResponse, noChallenge: true }),
    // Step 1 of 2: the session exists but can only answer the second factor (state mfa_pending), or enrol one.
    onSuccess: (me) => applySession(queryClient, me),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { authCall: true },
    mutationFn: () => apiRequest('POST', '/api/v1/auth/logout'),
    // Whatever the server answers, the tab forgets the session.
    onSettled: () => endSession(queryClient, 'signed-out'),
  });
}
