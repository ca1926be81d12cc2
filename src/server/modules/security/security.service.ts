// Security alerts: raised by the sign-in guard (new country or network, sign-in from outside the allowed
// ranges, lock-outs), read by security officers, acknowledged and resolved with a note. Every step audited.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type { SecurityAlert } from '../../../contracts/staff.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface NewAlert {
  kind: string;
  severity: AlertSeverity;
  staffId: string | null;
  /** One line with no personal data beyond a country code. */
  summary: string;
  details: Record<string, string | number | boolean | null>;
}

export type SecurityService = ReturnType<typeof createSecurityService>;

type AlertRow = {
  id: string; kind: string; severity: string; staff_id: string | null; summary: string; details: unknown; status: string;
  created_at: Date | string; resolved_by: string | null; resolved_at: Date | string | null; resolution: string | null; staff_name?: string | null;
};

function present(r: AlertRow): SecurityAlert {
  const raw = (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown> | null;
  const details: SecurityAlert['details'] = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity as SecurityAlert['severity'],
    staffId: r.staff_id,
    staffName: r.staff_name ?? null,
    summary: r.summary,
    details,
    status: r.status as SecurityAlert['status'],
    createdAt: new Date(r.created_at).toISOString(),
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    resolution: r.resolution,
  };
}

/** Creates the security alerts service. */
export function createSecurityService(d: { audited: Audited; clock: Clock }) {
  const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such alert', { denial: true });

  const service = {
    /** Raises an alert inside the caller's audited transaction; returns its id. */
    async raiseIn(tx: AuditedTx, a: NewAlert): Promise<string> {
      const id = randomUUID();
      await tx
        .insertInto('security_alert')
        .values({ id, kind: a.kind, severity: a.severity, staff_id: a.staffId, summary: a.summary.slice(0, 300), details: JSON.stringify(a.details), created_at: d.clock.now() })
        .execute();
      return id;
    },

    /** The newest unresolved alert of a kind for a member, if any (its details say what happened). */
    async latestUnresolvedIn(tx: AuditedTx, staffId: string, kind: string): Promise<SecurityAlert | undefined> {
      const r = await tx.selectFrom('security_alert').selectAll().where('staff_id', '=', staffId).where('kind', '=', kind).where('status', '<>', 'resolved').orderBy('created_at', 'desc').executeTakeFirst();
      return r ? present(r) : undefined;
    },

    /** Resolves a member's unresolved alerts of the given kinds (e.g. when a security officer unfreezes them). */
    async resolveForStaffIn(tx: AuditedTx, staffId: string, kinds: string[], by: string | null, note: string): Promise<number> {
      const r = await tx
        .updateTable('security_alert')
        .set({ status: 'resolved', resolved_by: by, resolved_at: d.clock.now(), resolution: note.slice(0, 1000) })
        .where('staff_id', '=', staffId)
        .where('kind', 'in', kinds)
        .where('status', '<>', 'resolved')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Alerts, newest first; unresolved ones (open and acknowledged) by default. */
    async list(ctx: ActorContext, f: { status?: 'open' | 'acknowledged' | 'resolved' | 'unresolved' | undefined; limit: number }): Promise<SecurityAlert[]> {
      return d.audited(ctx, { action: 'security.alert_list', target: { type: 'security_alert' } }, async (tx) => {
        let q = tx
          .selectFrom('security_alert')
          .leftJoin('staff', 'staff.id', 'security_alert.staff_id')
          .selectAll('security_alert')
          .select('staff.display_name as staff_name')
          .orderBy('security_alert.created_at', 'desc')
          .limit(f.limit);
        const status = f.status ?? 'unresolved';
        q = status === 'unresolved' ? q.where('security_alert.status', '<>', 'resolved') : q.where('security_alert.status', '=', status);
        return (await q.execute()).map(present);
      });
    },

    /** Marks an alert as being looked at (with a note). */
    async acknowledge(ctx: ActorContext, id: string, note: string): Promise<SecurityAlert> {
      return d.audited(ctx, { action: 'security.alert_acknowledge', target: { type: 'security_alert', id }, reason: note }, async (tx) => {
        const r = await tx.selectFrom('security_alert').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!r) throw notFound();
        if (r.status !== 'open') throw new AppError(ErrorCode.conflict, 409, `This alert is already ${r.status}`);
        await tx.updateTable('security_alert').set({ status: 'acknowledged', resolution: note }).where('id', '=', id).execute();
        return present({ ...r, status: 'acknowledged', resolution: note });
      });
    },

    /** Closes an alert with a note saying what was found and done. */
    async resolve(ctx: ActorContext, id: string, note: string): Promise<SecurityAlert> {
      return d.audited(ctx, { action: 'security.alert_resolve', target: { type: 'security_alert', id }, reason: note }, async (tx) => {
        const r = await tx.selectFrom('security_alert').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!r) throw notFound();
        if (r.status === 'resolved') throw new AppError(ErrorCode.conflict, 409, 'This alert is already resolved');
        const now = d.clock.now();
        await tx.updateTable('security_alert').set({ status: 'resolved', resolved_by: ctx.actorId, resolved_at: now, resolution: note }).where('id', '=', id).execute();
        return present({ ...r, status: 'resolved', resolved_by: ctx.actorId, resolved_at: now, resolution: note });
      });
    },
  };
  return service;
}
