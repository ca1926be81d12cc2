// SLA badges: what is due next (first response, then resolution), how long is left, or that it was breached.
import type { Sla } from '../../../contracts/support.js';

/** "3 h 20 min" from milliseconds (absolute value). */
export function formatDuration(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  const h = Math.floor(min / 60);
  if (h >= 48) return `${Math.floor(h / 24)} d ${h % 24} h`;
  return h ? `${h} h ${min % 60} min` : `${min} min`;
}

export function SlaBadge({ sla, closed }: { sla: Sla; closed: boolean }) {
  const clock = sla.firstResponse.metAt === null ? { label: 'First reply', c: sla.firstResponse } : { label: 'Resolution', c: sla.resolution };
  if (closed || clock.c.remainingMs === null) {
    return sla.resolution.breached || sla.firstResponse.breached ? <span className="badge badge-neutral">SLA missed</span> : <span className="badge badge-ok">SLA met</span>;
  }
  if (clock.c.breached) {
    return (
      <span className="badge badge-error" data-sla="breached">
        {clock.label} overdue {formatDuration(clock.c.remainingMs)}
      </span>
    );
  }
  const soon = clock.c.remainingMs < 3_600_000;
  return (
    <span className={soon ? 'badge badge-denied' : 'badge badge-neutral'} data-sla={soon ? 'due-soon' : 'ok'}>
      {clock.label} in {formatDuration(clock.c.remainingMs)}
    </span>
  );
}
