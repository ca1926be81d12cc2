// Server state of the screening service: status, the review queue, one hit, a trader's screening, and the actions
// (screen now, screen counterparties, false positive, confirm). Every answer is validated with the shared contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DecideResult, EvidenceDocument, HitDetail, HitPage, ScreeningStatus, ScreenResult, TraderScreening } from '../../../contracts/screening.js';
import { apiRequest } from '../../api.js';

export interface QueueFilters {
  status: 'open' | 'false_positive' | 'confirmed';
  source?: string;
  minScore?: string;
}

export function useScreeningStatus() {
  return useQuery({ queryKey: ['screening', 'status'], queryFn: ({ signal }) => apiRequest('GET', '/api/v1/screening/status', { schema: ScreeningStatus, signal }) });
}

export function useHitQueue(f: QueueFilters, cursor: string | null) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return useQuery({ queryKey: ['screening', 'queue', f, cursor], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/screening/hits?${q.toString()}`, { schema: HitPage, signal }) });
}

export function useHit(id: string) {
  return useQuery({ queryKey: ['screening', 'hit', id], queryFn: ({ signal }) => apiRequest('GET', `/api/v1/screening/hits/${encodeURIComponent(id)}`, { schema: HitDetail, signal }) });
}

export function useTraderScreening(traderId: string) {
  return useQuery({
    queryKey: ['screening', 'trader', traderId],
    queryFn: ({ signal }) => apiRequest('GET', `/api/v1/screening/traders/${encodeURIComponent(traderId)}`, { schema: TraderScreening, signal }),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['screening'] });
}

/** Clears a hit as a false positive, or confirms it as a true match (step-up is asked for by the server). */
export function useDecide(hitId: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: ({ decision, reason }: { decision: 'false-positive' | 'confirm'; reason: string }) =>
      apiRequest('POST', `/api/v1/screening/hits/${encodeURIComponent(hitId)}/${decision}`, { body: { reason }, schema: DecideResult }),
    onSettled: done,
  });
}

/** Screens the trader now, or the addresses of their deposits and withdrawals. */
export function useScreenTrader(traderId: string) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (what: 'screen' | 'counterparties') => apiRequest('POST', `/api/v1/screening/traders/${encodeURIComponent(traderId)}/${what}`, { schema: ScreenResult }),
    onSettled: done,
  });
}

/** Fetches the evidence document and hands it to the browser as a JSON file (never cached: the API answers no-store). */
export async function downloadEvidence(traderId: string): Promise<void> {
  const doc = await apiRequest('GET', `/api/v1/screening/traders/${encodeURIComponent(traderId)}/evidence`, { schema: EvidenceDocument });
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `screening-evidence-${traderId}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
