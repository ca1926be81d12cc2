// Server state of marketing segments and their audience (display name and e-mail of consenting traders only).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AudiencePage, Segment, SegmentList, type SegmentInput, type SegmentPatch } from '../../../contracts/consent.js';
import { apiRequest } from '../../api.js';

const segmentsKey = ['marketing', 'segments'] as const;

export function useSegments() {
  return useQuery({ queryKey: segmentsKey, queryFn: ({ signal }) => apiRequest('GET', '/api/v1/marketing/segments', { schema: SegmentList, signal }) });
}

export function useSaveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: SegmentInput & SegmentPatch }) =>
      id === null
        ? apiRequest('POST', '/api/v1/marketing/segments', { body, schema: Segment })
        : apiRequest('PATCH', `/api/v1/marketing/segments/${encodeURIComponent(id)}`, { body, schema: Segment }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['marketing'] }),
  });
}

export function useDeleteSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/api/v1/marketing/segments/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['marketing'] }),
  });
}

/** The audience, page by page ("Load more" fetches the next page with the opaque cursor). */
export function useAudience(segmentId: string | null) {
  return useInfiniteQuery({
    queryKey: ['marketing', 'audience', segmentId],
    enabled: segmentId !== null,
    initialPageParam: null as string | null,
    getNextPageParam: (last: AudiencePage) => last.nextCursor,
    queryFn: ({ pageParam, signal }) =>
      apiRequest('GET', `/api/v1/marketing/segments/${encodeURIComponent(segmentId ?? '')}/audience${pageParam ? `?cursor=${encodeURIComponent(pageParam)}` : ''}`, {
        schema: AudiencePage,
        signal,
      }),
  });
}
