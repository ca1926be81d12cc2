// Server state of the key rings: versions, how many values each still protects, and rotation.
// Response shapes are the shared contracts (src/contracts/keys.ts), checked with Zod. No key material
// ever reaches the browser: the server sends versions and counts only.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api.js';
import { KeyStatus, RotateResponse } from '../../../contracts/keys.js';

export { KeyStatus };

/** The ring whose versions encrypt trader fields and wrap per-subject keys (the one rotation adds to). */
export const FIELD_PURPOSE = 'field';

export const keysStatusKey = ['keys', 'status'] as const;

/**
 * Key status. While `pollMs` is set the status is re-read on that interval (the caller stops it once
 * re-encryption is done): a bounded poll, so an idle screen does not keep the session alive for ever.
 */
export function useKeyStatus(pollMs: number | false = false) {
  return useQuery({
    queryKey: keysStatusKey,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/keys/status', { schema: KeyStatus, signal }),
    refetchInterval: pollMs,
  });
}

/** Adds a field-key version; the server re-encrypts existing values in the background. */
export function useRotateFieldKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('POST', '/api/v1/keys/rotate', { schema: RotateResponse }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysStatusKey }),
  });
}

/** Values and wrapped subject keys still under field-key versions older than the active one. */
export function pendingOnOlderVersions(s: KeyStatus): { values: number; subjectKeys: number } {
  const active = activeFieldVersion(s);
  let values = 0;
  let subjectKeys = 0;
  for (const u of s.usage) {
    if (active !== null && u.version < active) {
      values += u.values;
      subjectKeys += u.subjectKeys;
    }
  }
  return { values, subjectKeys };
}

export function activeFieldVersion(s: KeyStatus): number | null {
  const active = s.rings.filter((r) => r.purpose === FIELD_PURPOSE && r.status === 'active').map((r) => r.version);
  return active.length > 0 ? Math.max(...active) : null;
}
