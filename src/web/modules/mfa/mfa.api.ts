// Server state of the second factor: answering it (sign-in step 2, step-up, re-authentication, unlock) and the
// member's own factors (TOTP, security keys, recovery codes). Every answer that rotates the session hands the
// new CSRF token and state to applySession().
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { z } from 'zod';
import { FactorChangeResponse, MfaStatus, RecoveryCodesResponse, SecurityKey, TotpEnrolStart, WebAuthnOptions } from '../../../contracts/auth.js';
import { MeResponse, type MfaMethod } from '../../../contracts/bootstrap.js';
import { apiRequest } from '../../api.js';
import { applySession, meQueryKey, type Me } from '../auth/session.js';

export type { MfaMethod };
export type MfaStatusView = z.infer<typeof MfaStatus>;
export type TotpProposal = z.infer<typeof TotpEnrolStart>;
export type SecurityKeyView = z.infer<typeof SecurityKey>;

/** A second factor as the person gives it: a code typed in, or a security key touched. */
export type FactorInput = { method: 'totp'; code: string } | { method: 'recovery'; code: string } | { method: 'webauthn' };

/** The answer sent to the server (a security key's assertion is made here, with a fresh challenge). */
export type FactorAnswer = { method: 'totp'; code: string } | { method: 'recovery'; code: string } | { method: 'webauthn'; response: unknown };

export const mfaStatusKey = ['mfa', 'status'] as const;

/** Asks the browser for an assertion with a fresh single-use challenge bound to this session. */
export async function assertWithSecurityKey(): Promise<unknown> {
  const { options } = await apiRequest('POST', '/api/v1/auth/mfa/webauthn/options', { schema: WebAuthnOptions, noChallenge: true });
  return startAuthentication({ optionsJSON: options as never });
}

/** Turns what the person gave into an answer (touching the key when that is the method). */
export async function toAnswer(input: FactorInput): Promise<FactorAnswer> {
  if (input.method === 'webauthn') return { method: 'webauthn', response: await assertWithSecurityKey() };
  return input;
}

/** Sign-in step 2: the pending second factor. The session is replaced by a new one (new token). */
export function useAnswerSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { authCall: true },
    mutationFn: async (input: FactorInput): Promise<Me> => {
      const a = await toAnswer(input);
      const [path, body] =
        a.method === 'webauthn'
          ? ['/api/v1/auth/mfa/webauthn/verify', { response: a.response }]
          : a.method === 'totp'
            ? ['/api/v1/auth/mfa/totp', { code: a.code }]
            : ['/api/v1/auth/mfa/recovery', { code: a.code }];
      return apiRequest('POST', path, { body, schema: MeResponse, noChallenge: true });
    },
    onSuccess: (me) => applySession(queryClient, me),
  });
}

/** Step-up (a factor now) or re-authentication (password + a factor); both rotate the session. */
export async function confirmIdentity(kind: 'step_up' | 'reauth', input: FactorInput, password?: string): Promise<Me> {
  const factor = await toAnswer(input);
  return kind === 'step_up'
    ? apiRequest('POST', '/api/v1/auth/step-up', { body: factor, schema: MeResponse, noChallenge: true })
    : apiRequest('POST', '/api/v1/auth/reauth', { body: { password: password ?? '', factor }, schema: MeResponse, noChallenge: true });
}

/** Locks the session on the server: until password + second factor it reaches nothing (any tab, any reload). */
export async function lockSession(): Promise<void> {
  await apiRequest('POST', '/api/v1/auth/lock', { noChallenge: true });
}

/** The member's own factors (no secrets). */
export function useMfaStatus() {
  return useQuery({
    queryKey: mfaStatusKey,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/mfa', { schema: MfaStatus, signal }),
  });
}

/**
 * After a factor change: refresh the factor list. When the change completed a sign-in (`session` in the answer),
 * the caller applies the new session with applySession() once it has kept what it must show (recovery codes).
 */
function useAfterChange() {
  const queryClient = useQueryClient();
  return (res: { session?: Me | undefined }) => {
    if (!res.session) void queryClient.invalidateQueries({ queryKey: meQueryKey });
    void queryClient.invalidateQueries({ queryKey: mfaStatusKey });
  };
}

/** Proposes a new TOTP secret (nothing is stored until a code from it is confirmed). */
export function useTotpStart() {
  return useMutation({ mutationFn: () => apiRequest('POST', '/api/v1/mfa/totp/start', { schema: TotpEnrolStart }) });
}

/** Confirms the proposed TOTP secret with a current code. */
export function useTotpConfirm() {
  const after = useAfterChange();
  return useMutation({
    mutationFn: (input: { pending: string; code: string }) =>
      apiRequest('POST', '/api/v1/mfa/totp/confirm', { body: input, schema: FactorChangeResponse }),
    onSuccess: after,
  });
}

/** Adds a security key: options (re-authentication first if needed), the browser's ceremony, verification. */
export function useRegisterKey() {
  const after = useAfterChange();
  return useMutation({
    mutationFn: async (name: string) => {
      const { options } = await apiRequest('POST', '/api/v1/mfa/keys/options', { schema: WebAuthnOptions });
      const response = await startRegistration({ optionsJSON: options as never });
      return apiRequest('POST', '/api/v1/mfa/keys', { body: { name, response }, schema: FactorChangeResponse });
    },
    onSuccess: after,
  });
}

export function useRenameKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; name: string }) =>
      apiRequest('PATCH', `/api/v1/mfa/keys/${encodeURIComponent(input.id)}`, { body: { name: input.name }, schema: SecurityKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusKey }),
  });
}

export function useRevokeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/api/v1/mfa/keys/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusKey }),
  });
}

/** Replaces every recovery code with ten new ones (shown once). */
export function useRegenerateRecoveryCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('POST', '/api/v1/mfa/recovery-codes', { schema: RecoveryCodesResponse }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mfaStatusKey }),
  });
}

/** A readable message for a WebAuthn ceremony the browser refused or the person cancelled. */
export function webauthnErrorMessage(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  if (err.name === 'NotAllowedError' || err.name === 'AbortError') return 'The security key request was cancelled or timed out. Try again.';
  if (err.name === 'InvalidStateError') return 'This security key is already registered.';
  if (err.name === 'SecurityError') return 'Security keys need a secure address (HTTPS or localhost).';
  if (err.name === 'NotSupportedError') return 'This browser or device does not support security keys.';
  return null;
}
