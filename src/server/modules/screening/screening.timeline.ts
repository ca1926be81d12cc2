// AML screening events in a trader's timeline (registered with traders.addTimelineSource, shown to screening.read
// holders only — a support agent must not learn that a trader was flagged): each screening with its trigger and
// result, each hit opened (list, entity, score) and each decision on a hit. Rationales stay in the hit view.
import { sql } from 'kysely';
import type { TimelineEntry } from '../../../contracts/traders.js';
import type { AuditedTx } from '../../platform/audit/writer.js';

const entry = (e: Omit<TimelineEntry, 'kind' | 'ip' | 'country' | 'fields' | 'reason'>): TimelineEntry => ({ ...e, kind: 'aml', ip: null, country: null, fields: [], reason: null });

/** A trader's screenings, hits and decisions, newest first, at or before `before` (each source up to `limit`). */
export async function screeningTimeline(tx: AuditedTx, traderId: string, before: Date, limit: number): Promise<TimelineEntry[]> {
  const [runs, hits, decisions] = await Promise.all([
    tx
      .selectFrom('screening_run as r')
      // actor_id is text (a staff id, or empty for jobs): compare as text.
      .leftJoin('staff as s', (j) => j.on(sql<boolean>`s.id::text = r.actor_id`))
      .select(['r.id', 'r.trigger', 'r.scope', 'r.status', 'r.candidate_count', 'r.created_at', 's.display_name'])
      .where('r.trader_id', '=', traderId)
      .where('r.created_at', '<=', before)
      .orderBy('r.created_at', 'desc')
      .limit(limit)
      .execute(),
    tx
      .selectFrom('screening_hit')
      .select(['id', 'source', 'entity_name', 'subject_kind', 'score', 'opened_at'])
      .where('trader_id', '=', traderId)
      .where('opened_at', '<=', before)
      .orderBy('opened_at', 'desc')
      .limit(limit)
      .execute(),
    tx
      .selectFrom('screening_decision as d')
      .innerJoin('screening_hit as h', 'h.id', 'd.hit_id')
      .leftJoin('staff as s', 's.id', 'd.reviewer_id')
      .select(['d.id', 'd.decision', 'd.created_at', 'h.source', 'h.entity_name', 's.display_name'])
      .where('d.trader_id', '=', traderId)
      .where('d.created_at', '<=', before)
      .orderBy('d.created_at', 'desc')
      .limit(limit)
      .execute(),
  ]);
  const status = (s: string) => (s === 'clear' ? 'clear' : s === 'hits' ? 'possible match' : 'no lists loaded');
  return [
    ...runs.map((r) =>
      entry({
        id: `aml:run:${r.id}`,
        at: new Date(r.created_at).toISOString(),
        event: 'screening.run',
        summary: `Screened (${r.trigger.replaceAll('_', ' ')}, ${r.scope}): ${status(r.status)}${r.candidate_count ? `, ${r.candidate_count} candidate(s)` : ''}`,
        actor: r.display_name ?? 'system',
        outcome: r.status,
      }),
    ),
    ...hits.map((h) =>
      entry({
        id: `aml:hit:${h.id}`,
        at: new Date(h.opened_at).toISOString(),
        event: 'screening.hit',
        summary: `Possible match (${h.subject_kind}) on ${h.source}: ${h.entity_name}, score ${Number(h.score).toFixed(2)}`,
        actor: 'system',
        outcome: 'open',
      }),
    ),
    ...decisions.map((x) =>
      entry({
        id: `aml:decision:${x.id}`,
        at: new Date(x.created_at).toISOString(),
        event: `screening.${x.decision}`,
        summary: `Hit on ${x.source} (${x.entity_name}) ${x.decision === 'false_positive' ? 'cleared as a false positive' : x.decision === 'confirmed' ? 'confirmed as a true match' : 're-opened'}`,
        actor: x.display_name ?? 'system',
        outcome: x.decision,
      }),
    ),
  ];
}
