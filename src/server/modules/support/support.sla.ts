// SLA targets per priority and the clocks shown in the inbox. The due times are computed once, when the ticket
// is created (or its priority changes), and stored on the ticket, so a later change of these constants never
// moves the deadlines of tickets already promised; "remaining" and "breached" are computed from the injected clock.
import type { Sla, TicketPriority } from '../../../contracts/support.js';

const HOUR = 3_600_000;

/**
 * First response / resolution targets: urgent 1 h / 4 h (account takeover, stuck withdrawal), high 4 h / 24 h,
 * normal 8 h / 72 h, low 24 h / 120 h. Calendar hours, not business hours: an exchange never closes.
 */
export const SLA_TARGETS: { readonly [P in TicketPriority]: { firstResponseMs: number; resolutionMs: number } } = {
  urgent: { firstResponseMs: 1 * HOUR, resolutionMs: 4 * HOUR },
  high: { firstResponseMs: 4 * HOUR, resolutionMs: 24 * HOUR },
  normal: { firstResponseMs: 8 * HOUR, resolutionMs: 72 * HOUR },
  low: { firstResponseMs: 24 * HOUR, resolutionMs: 120 * HOUR },
};

/** The due times of a ticket of this priority opened at `createdAt`. */
export function dueTimes(priority: TicketPriority, createdAt: Date): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const t = SLA_TARGETS[priority];
  return { firstResponseDueAt: new Date(createdAt.getTime() + t.firstResponseMs), resolutionDueAt: new Date(createdAt.getTime() + t.resolutionMs) };
}

const iso = (d: Date | string) => new Date(d).toISOString();

function clockOf(due: Date | string, met: Date | string | null, now: Date): Sla['firstResponse'] {
  const dueMs = new Date(due).getTime();
  if (met) return { dueAt: iso(due), metAt: iso(met), remainingMs: null, breached: new Date(met).getTime() > dueMs };
  const remaining = dueMs - now.getTime();
  return { dueAt: iso(due), metAt: null, remainingMs: remaining, breached: remaining < 0 };
}

/** Both SLA clocks of a ticket as of `now`. */
export function slaOf(
  t: { first_response_due_at: Date | string; resolution_due_at: Date | string; first_responded_at: Date | string | null; solved_at: Date | string | null },
  now: Date,
): Sla {
  return {
    firstResponse: clockOf(t.first_response_due_at, t.first_responded_at, now),
    resolution: clockOf(t.resolution_due_at, t.solved_at, now),
  };
}
