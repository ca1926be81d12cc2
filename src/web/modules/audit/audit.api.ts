// Server state of the audit log: events (keyset pages, newest first), anchoring status, verification and the
// signed export. Response shapes are the shared contracts (src/contracts/audit.ts), checked with Zod.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiDownload, apiRequest, type ApiDownload } from '../../api.js';
import { AuditEvent, AuditEventsPage, AuditStatus, AuditVerifyResult, FILTER_VALUE } from '../../../contracts/audit.js';

export { AuditEvent, AuditStatus, FILTER_VALUE };
export const VerifyResult = AuditVerifyResult;
export type VerifyResult = AuditVerifyResult;
const EventsPage = AuditEventsPage;

/** The filters the events endpoint accepts; empty means "any". */
export interface AuditFilters {
  action: string;
  actorId: string;
  targetType: string;
  targetId: string;
}

export const FILTER_KEYS = ['action', 'actorId', 'targetType', 'targetId'] as const satisfies readonly (keyof AuditFilters)[];

const PAGE_SIZE = 100;

export const auditKeys = {
  all: ['audit'] as const,
  status: ['audit', 'status'] as const,
  events: (f: AuditFilters) => ['audit', 'events', f] as const,
};

/** Pages of events, newest first; `fetchNextPage` loads older ones. Every page read is itself audited. */
export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: auditKeys.events(filters),
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (pageParam !== null) q.set('before', String(pageParam));
      for (const k of FILTER_KEYS) if (filters[k]) q.set(k, filters[k]);
      return apiRequest('GET', `/api/v1/audit/events?${q}`, { schema: EventsPage, signal });
    },
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
  });
}

export function useAuditStatus() {
  return useQuery({
    queryKey: auditKeys.status,
    queryFn: ({ signal }) => apiRequest('GET', '/api/v1/audit/status', { schema: AuditStatus, signal }),
  });
}

/** Walks chain, tree and signatures on the server now. The check itself is audited, so the list is refreshed. */
export function useVerifyAudit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('POST', '/api/v1/audit/verify', { schema: VerifyResult }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}

/** Fetches a signed export of [from, to] (ISO instants, either may be absent) and hands it to the browser. */
export function useAuditExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (range: { from?: string | undefined; to?: string | undefined }): Promise<ApiDownload> => {
      const q = new URLSearchParams();
      if (range.from) q.set('from', range.from);
      if (range.to) q.set('to', range.to);
      const qs = q.toString();
      return apiDownload(`/api/v1/audit/export${qs ? `?${qs}` : ''}`);
    },
    // Exporting anchors the log (a new checkpoint) and is audited.
    onSettled: () => queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}

/** Offers a Blob to the user as a download (a temporary object URL on an <a download>). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked once the browser has taken the file; revoking at once can cancel the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Size and root hash of a signed checkpoint note (C2SP tlog-checkpoint: origin, size, base64 root, blank, signatures). */
export function parseCheckpoint(note: string): { origin: string; size: number; rootHash: string } | null {
  const [origin, size, root] = note.split('\n');
  if (!origin || !size || !root || !/^[0-9]+$/.test(size)) return null;
  return { origin, size: Number(size), rootHash: root };
}
