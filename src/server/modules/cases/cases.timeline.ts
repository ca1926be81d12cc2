// Alerts and case events in a trader's timeline (registered with traders.addTimelineSource as `aml` sources):
// alerts for monitoring.read holders, case events for case.read holders, and the SAR steps recorded on a case
// (restricted 'sar') for sar.read holders only — a support agent sees none of them (tipping-off). The entries say
// what happened, when and by whom from plain columns; explanations, reasons and notes stay in the alert and case
// views, encrypted under the trader's key.
import type { TimelineEntry } from '../../../contracts/traders.js';
import type { AuditedTx } from '../../platform/audit/writer.js';
import { alertsOfTrader } from './alerts.repository.js';
import { eventsOfTrader } from './cases.repository.js';

const iso = (v: Date | string) => new Date(v).toISOString();

/** A trader's alerts, newest first, at or before `before`. */
export async function alertsTimeline(tx: AuditedTx, traderId: string, before: Date, limit: number): Promise<TimelineEntry[]> {
  const rows = await alertsOfTrader(tx, traderId, before, limit);
  return rows.map((r) => ({
    id: `alert:${r.id}`,
    kind: 'aml' as const,
    at: iso(r.detected_at),
    event: 'monitoring.alert_raised',
    summary: `Monitoring alert (${r.severity}) from rule ${r.rule_id} v${r.rule_version} on ${r.event_ids.length} event(s); now ${r.status}${r.case_reference ? ` (${r.case_reference})` : ''}`,
    actor: 'system',
    ip: null,
    country: null,
    outcome: r.status,
    fields: [],
    reason: null,
  }));
}

function summaryOf(kind: string, reference: string, from: string | null, to: string | null): string {
  const s = (v: string) => v.replaceAll('_', ' ');
  if (kind === 'opened') return `Case ${reference} opened`;
  if ((kind === 'status_changed' || kind === 'decision') && to) return `Case ${reference}: ${from ? `${s(from)} → ` : ''}${s(to)}`;
  return `Case ${reference}: ${s(kind.replaceAll('.', ' '))}`;
}

// The trader timeline's case source is for case.read holders, who may lack sar.read: a closing because a SAR was
// filed reads as "closed other" here for everyone (sar.read holders see the SAR steps from their own source).
const neutral = (status: string | null) => (status === 'closed_sar_filed' ? 'closed_other' : status);

function entries(rows: Awaited<ReturnType<typeof eventsOfTrader>>): TimelineEntry[] {
  return rows.map((r) => ({
    id: `case:${r.id}`,
    kind: 'aml' as const,
    at: iso(r.created_at),
    event: `case.${r.kind}`,
    summary: summaryOf(r.kind, r.reference, neutral(r.from_status), neutral(r.to_status)),
    actor: r.display_name ?? 'system',
    ip: null,
    country: null,
    outcome: neutral(r.to_status),
    fields: [],
    reason: null,
  }));
}

/** A trader's case events (the trader is the case's subject), SAR steps left out; newest first. */
export async function casesTimeline(tx: AuditedTx, traderId: string, before: Date, limit: number): Promise<TimelineEntry[]> {
  return entries(await eventsOfTrader(tx, traderId, before, limit, false));
}

/** Only the SAR steps recorded on the trader's cases (for sar.read holders); newest first. */
export async function sarCaseTimeline(tx: AuditedTx, traderId: string, before: Date, limit: number): Promise<TimelineEntry[]> {
  return entries(await eventsOfTrader(tx, traderId, before, limit, true));
}
