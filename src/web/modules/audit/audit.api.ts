// Server state of the audit log: events (keyset pages, newest first), anchoring status, verification and the
// signed export. Response shapes mirror src/server/modules/audit/audit.routes.ts and are checked with Zod.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiDownload, apiRequest, type ApiDownload } from '../../api.js';

export const AuditEvent = z.object({
  seq: z.number(),
  time: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorIp: z.string().nullable(),
  sessionIdHash: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
  errorCode: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

const EventsPage = z.object({ events: z.array(AuditEvent), nextBefore: z.number().nullable() });

export const AuditStatus = z.object({
  verifierKey: z.string(),
  origin: z.string(),
  anchored: z.object({ size: z.number(), rootHash: z.string() }),
  latestCheckpoint: z.string().nullable(),
});
export type AuditStatus = z.infer<typeof AuditStatus>;

export const VerifyResult = z.object({
  ok: z.boolean(),
  eventsChecked: z.number(),
  treeSize: z.number(),
  rootHash: z.string(),
  checkpointsChecked: z.number(),
  firstBadSeq: z.number().optional(),
  problem: z.string().optional(),
  verifierKey: z.string(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

/** The filters the events endpoint accepts; empty means "any". */
export interface AuditFilters {
  action: string;
  actorId: string;
  targetType: string;
  targetId: string;
}

export const FILTER_KEYS = ['action', 'actorId', 'targetType', 'targetId'] as const satisfies readonly (keyof AuditFilters)[];

/** What the server accepts in a filter value (same rule as its `ident` schema). */
export const FILTER_VALUE = /^[\w.:@/-]{1,200}$/;

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
