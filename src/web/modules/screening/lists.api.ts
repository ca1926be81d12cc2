// Server state of the sanctions lists: the overview (per source: active version, age, stale state), one version
// with a page of its diff, upload import and sync. Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ListImportResult, ListsOverview, ListSyncResult, ListVersionDetail, type ListImportRequest } from '../../../contracts/screening-lists.js';
import { apiRequest } from '../../api.js';

export function useListsOverview() {
  return useQuery({ queryKey: ['lists', 'overview'], queryFn: ({ signal }) => apiRequest('GET', '/api/v1/screening/lists', { schema: ListsOverview, signal }) });
}

export function useListVersion(id: string, change: '' | 'added' | 'removed' | 'changed', offset: number, limit = 50) {
  return useQuery({
    queryKey: ['lists', 'version', id, change, offset, limit],
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ offset: String(offset), limit: String(limit) });
      if (change) q.set('change', change);
      return apiRequest('GET', `/api/v1/screening/lists/versions/${encodeURIComponent(id)}?${q.toString()}`, { schema: ListVersionDetail, signal });
    },
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['lists'] });
}

export function useImportList() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: ListImportRequest) => apiRequest('POST', '/api/v1/screening/lists/imports', { body, schema: ListImportResult }),
    onSettled: done,
  });
}

export function useSyncLists() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (body: { allowShrink: boolean }) => apiRequest('POST', '/api/v1/screening/lists/sync', { body, schema: ListSyncResult }),
    onSettled: done,
  });
}

/** A File as base64 (for the JSON upload), without a data: prefix. */
export async function fileToBase64(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
