// Staff sessions as their owners and administrators see them: list, end one, end a member's, end everyone's.
// URLs carry an opaque public id derived from the token hash (never the token, never its hash): one-way, so
// an id seen on screen or in a log cannot be turned back into anything that opens the session.
import { createHash } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type { SessionView } from '../../../contracts/staff.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import { countryOf } from '../../platform/net/ip.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export type SessionsService = ReturnType<typeof createSessionsService>;

/** The public id of a session: SHA-256 of its token hash under a label, 128 bits, base64url. */
export function sessionPublicId(tokenHash: string): string {
  return createHash('sha256').update(`bulwark-session-id/1\0${tokenHash.trim()}`).digest('base64url').slice(0, 22);
}

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such session', { denial: true });

/** Creates the sessions service. */
export function createSessionsService(d: { audited: Audited; clock: Clock }) {
  async function liveOf(tx: AuditedTx, staffId: string) {
    return tx
      .selectFrom('staff_session')
      .select(['token_hash', 'created_at', 'last_seen_at', 'ip', 'country', 'user_agent'])
      .where('staff_id', '=', staffId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', d.clock.now())
      .orderBy('created_at', 'desc')
      .execute();
  }

  function present(rows: Awaited<ReturnType<typeof liveOf>>, currentHash: string | null): SessionView[] {
    return rows.map((r) => ({
      id: sessionPublicId(r.token_hash),
      createdAt: new Date(r.created_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      ip: r.ip,
      country: r.country ?? countryOf(r.ip),
      userAgent: r.user_agent,
      current: currentHash !== null && r.token_hash.trim() === currentHash.trim(),
    }));
  }

  const service = {
    /** Ends every live session of a member inside the caller's transaction; returns how many ended. */
    async endAllOfIn(tx: AuditedTx, staffId: string, reason: string, exceptTokenHash?: string): Promise<number> {
      let q = tx
        .updateTable('staff_session')
        .set({ ended_at: d.clock.now(), end_reason: reason.slice(0, 64) })
        .where('staff_id', '=', staffId)
        .where('ended_at', 'is', null);
      if (exceptTokenHash) q = q.where('token_hash', '<>', exceptTokenHash);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** The caller's own live sessions, the current one flagged. */
    async listMine(ctx: ActorContext, me: { id: string; sessionIdHash: string }): Promise<SessionView[]> {
      return d.audited(ctx, { action: 'session.list', target: { type: 'staff', id: me.id } }, async (tx) => present(await liveOf(tx, me.id), me.sessionIdHash));
    },

    /** Ends one of the caller's own sessions (another member's id answers 404). */
    async endMine(ctx: ActorContext, me: { id: string }, publicId: string): Promise<void> {
      await d.audited(ctx, { action: 'session.end', target: { type: 'session', id: publicId } }, async (tx) => {
        const hit = (await liveOf(tx, me.id)).find((r) => sessionPublicId(r.token_hash) === publicId);
        if (!hit) throw notFound();
        await tx.updateTable('staff_session').set({ ended_at: d.clock.now(), end_reason: 'ended_by_owner' }).where('token_hash', '=', hit.token_hash).where('ended_at', 'is', null).execute();
      });
    },

    /** A member's live sessions (administrators and security officers). */
    async listOf(ctx: ActorContext, staffId: string): Promise<SessionView[]> {
      return d.audited(ctx, { action: 'session.list', target: { type: 'staff', id: staffId } }, async (tx) => {
        const exists = await tx.selectFrom('staff').select('id').where('id', '=', staffId).executeTakeFirst();
        if (!exists) throw new AppError(ErrorCode.notFound, 404, 'No such staff member', { denial: true });
        return present(await liveOf(tx, staffId), ctx.sessionIdHash);
      });
    },

    /** Ends every session of one member. */
    async endAllOf(ctx: ActorContext, staffId: string, reason: string | undefined): Promise<number> {
      return d.audited(ctx, { action: 'session.end_member', target: { type: 'staff', id: staffId }, reason }, async (tx) => {
        const exists = await tx.selectFrom('staff').select('id').where('id', '=', staffId).executeTakeFirst();
        if (!exists) throw new AppError(ErrorCode.notFound, 404, 'No such staff member', { denial: true });
        // The caller's own current session survives when they end their own others ("sign out everywhere else").
        return service.endAllOfIn(tx, staffId, 'ended_by_admin', staffId === ctx.actorId ? (ctx.sessionIdHash ?? undefined) : undefined);
      });
    },

    /** Ends every live session of every member except the caller's current one (incident response). */
    async endEveryone(ctx: ActorContext, reason: string): Promise<number> {
      return d.audited(ctx, { action: 'session.end_all', target: { type: 'staff_session' }, reason }, async (tx) => {
        let q = tx.updateTable('staff_session').set({ ended_at: d.clock.now(), end_reason: 'ended_for_everyone' }).where('ended_at', 'is', null);
        if (ctx.sessionIdHash) q = q.where('token_hash', '<>', ctx.sessionIdHash);
        return Number((await q.executeTakeFirst()).numUpdatedRows);
      });
    },
  };
  return service;
}
