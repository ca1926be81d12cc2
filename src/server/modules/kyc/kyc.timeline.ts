// KYC case events in a trader's timeline (registered with traders.addTimelineSource, shown to kyc.read holders
// only): case opened, documents added, submitted, taken, decided, provider results, jurisdiction checks, refresh.
// Reasons stay in the case view (they are encrypted under the trader's key there); the timeline says what
// happened, when, by whom.
import type { TimelineEntry } from '../../../contracts/traders.js';
import type { AuditedTx } from '../../platform/audit/writer.js';

const SUMMARIES: Record<string, string> = {
  created: 'KYC case opened',
  documents_added: 'Documents added to the KYC case',
  assigned: 'KYC case assigned',
  provider_result: 'Identity-verification provider answered',
  jurisdiction_blocked: 'Blocked jurisdiction: onboarding refused',
  jurisdiction_change: 'Country changed to a restricted jurisdiction: review opened',
  refresh_opened: 'Periodic KYC review opened',
  senior_signoff_requested: 'High-risk approval sent for senior sign-off (four eyes)',
};

/** One summary line for a case event. */
function summaryOf(kind: string, from: string | null, to: string | null): string {
  if (kind === 'transition' && to) return from ? `KYC case ${from.replaceAll('_', ' ')} → ${to.replaceAll('_', ' ')}` : `KYC case ${to.replaceAll('_', ' ')}`;
  return SUMMARIES[kind] ?? `KYC case: ${kind.replaceAll('_', ' ')}`;
}

/** A trader's KYC case events, newest first, at or before `before`. */
export async function kycTimeline(tx: AuditedTx, traderId: string, before: Date, limit: number): Promise<TimelineEntry[]> {
  const rows = await tx
    .selectFrom('kyc_case_event as e')
    .leftJoin('staff as s', 's.id', 'e.actor_id')
    .select(['e.id', 'e.kind', 'e.from_state', 'e.to_state', 'e.created_at', 's.display_name'])
    .where('e.trader_id', '=', traderId)
    .where('e.created_at', '<=', before)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: `kyc:${r.id}`,
    kind: 'kyc' as const,
    at: new Date(r.created_at).toISOString(),
    event: `kyc.${r.kind}`,
    summary: summaryOf(r.kind, r.from_state, r.to_state),
    actor: r.display_name ?? 'system',
    ip: null,
    country: null,
    outcome: r.to_state,
    fields: [],
    reason: null,
  }));
}
