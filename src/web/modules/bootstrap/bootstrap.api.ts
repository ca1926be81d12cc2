import { useMutation, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  BootstrapCompleteResponse,
  BootstrapStartResponse,
  type BootstrapCompleteRequest,
} from '../../../contracts/bootstrap.js';
import { apiRequest } from '../../api.js';

export type BootstrapStart = z.infer<typeof BootstrapStartResponse>;
export type BootstrapCompleteInput = z.input<typeof BootstrapCompleteRequest>;

/**
 * Starts set-up: the server checks the token and issues the TOTP secret. Run once per token —
 * never refetched — because a second call could issue a different secret than the QR code shows.
 */
export function useBootstrapStart(token: string | null) {
  return useQuery({
    queryKey: ['bootstrap', 'start', token],
    queryFn: () =>
      // No abort signal: an unmount must not cancel and re-send the request (a new secret each time).
      apiRequest('POST', '/api/v1/bootstrap/start', { body: { token }, schema: BootstrapStartResponse }),
    enabled: token !== null,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: false,
  });
}

export function useBootstrapComplete() {
  return useMutation({
    meta: { authCall: true },
    mutationFn: (input: BootstrapCompleteInput) =>
      apiRequest('POST', '/api/v1/bootstrap/complete', { body: input, schema: BootstrapCompleteResponse }),
  });
}
