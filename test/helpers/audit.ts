// Assertions on the audit log of a test app: read straight from the audit_event table (platform handle),
// never through the API under test, so a route that forgot to audit cannot hide it.
import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';

export interface AuditRow {
  seq: number;
  action: string;
  outcome: string;
  actorType: string;
  actorId: string | null;
  actorIp: string | null;
  sessionIdHash: string | null;
  targetType: string | null;
  targetId: string | null;
  errorCode: string | null;
  reason: string | null;
  fields: string[];
}

export interface AuditMatch {
  action: string;
  outcome?: 'ok' | 'denied' | 'error';
  errorCode?: string | null;
  actorId?: string | null;
  actorIp?: string | null;
  targetId?: string | null;
}

/** Every audit event of the app, oldest first. */
export async function auditRows(t: TestApp): Promise<AuditRow[]> {
  await t.container.writer.drain();
  const rows = await t.container.db.system.selectFrom('audit_event').selectAll().orderBy('seq').execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    action: r.action,
    outcome: r.outcome,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorIp: r.actor_ip,
    sessionIdHash: r.session_id_hash,
    targetType: r.target_type,
    targetId: r.target_id,
    errorCode: r.error_code,
    reason: r.reason,
    fields: r.fields ?? [],
  }));
}

function matches(r: AuditRow, m: AuditMatch): boolean {
  if (r.action !== m.action) return false;
  if (m.outcome !== undefined && r.outcome !== m.outcome) return false;
  if (m.errorCode !== undefined && r.errorCode !== m.errorCode) return false;
  if (m.actorId !== undefined && r.actorId !== m.actorId) return false;
  if (m.actorIp !== undefined && r.actorIp !== m.actorIp) return false;
  if (m.targetId !== undefined && r.targetId !== m.targetId) return false;
  return true;
}

/** The audit events matching m (possibly none). */
export async function findAudited(t: TestApp, m: AuditMatch): Promise<AuditRow[]> {
  return (await auditRows(t)).filter((r) => matches(r, m));
}

/** Asserts that at least one audit event matches m (optionally only among events after `afterSeq`); returns the last one. */
export async function expectAudited(t: TestApp, m: AuditMatch, opts: { afterSeq?: number } = {}): Promise<AuditRow> {
  const all = await auditRows(t);
  const found = all.filter((r) => r.seq > (opts.afterSeq ?? 0) && matches(r, m));
  assert.ok(
    found.length > 0,
    `expected an audit event ${JSON.stringify(m)}; the log has:\n${all
      .map((r) => `  #${r.seq} ${r.action} ${r.outcome} ${r.errorCode ?? ''} actor=${r.actorId ?? r.actorType} ip=${r.actorIp ?? ''}`)
      .join('\n')}`,
  );
  return found.at(-1)!;
}

/** The sequence number of the newest event (to look only at what happens next). */
export async function lastSeq(t: TestApp): Promise<number> {
  return (await auditRows(t)).at(-1)?.seq ?? 0;
}
