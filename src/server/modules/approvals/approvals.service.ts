// Four eyes: a request (kind, payload, reason) made by one member and approved or rejected by another who
// holds the permission the kind names. The maker can never decide their own request, nobody decides twice,
// requests expire, and an approval executes the action in the same audited transaction as the decision.
// The routes that decide declare `stepUp: true` (a second factor used within the last 5 minutes).
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Permission } from '../../platform/authz/permissions.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface ApprovalKind<P> {
  /** Who may approve or reject this kind. */
  approvePermission: Permission;
  /** Validates and normalises the payload when the request is made (throw AppError 400 when invalid). */
  parse(payload: unknown): P;
  /** One line for the inbox: what will happen if approved (no personal data values). */
  describe(payload: P): string;
  /** Carries out the approved action inside the decision's audited transaction. */
  execute(tx: AuditedTx, payload: P, who: { makerId: string; checkerId: string }): Promise<void>;
}

export interface Checker {
  id: string;
  permissions: ReadonlySet<string>;
}

export interface ApprovalView {
  id: string;
  kind: string;
  summary: string;
  reason: string;
  makerId: string;
  /** Display names, for the inbox (null where the list was not asked for them). */
  makerName: string | null;
  status: string;
  checkerId: string | null;
  checkerName: string | null;
  decisionReason: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

export type ApprovalsService = ReturnType<typeof createApprovalsService>;

const DEFAULT_TTL_HOURS = 48;

/** Creates the four-eyes service; feature modules register their kinds at start-up. */
export function createApprovalsService(d: { audited: Audited; clock: Clock }) {
  const kinds = new Map<string, ApprovalKind<unknown>>();

  function kindOf(name: string): ApprovalKind<unknown> {
    const k = kinds.get(name);
    if (!k) throw new AppError(ErrorCode.badRequest, 400, `Unknown approval kind ${name}`);
    return k;
  }

  function view(r: {
    id: string; kind: string; payload: unknown; reason: string; maker_id: string; status: string; checker_id: string | null;
    decision_reason: string | null; created_at: Date | string; expires_at: Date | string; decided_at: Date | string | null;
    maker_name?: string | null; checker_name?: string | null;
  }): ApprovalView {
    const k = kinds.get(r.kind);
    let summary = r.kind;
    try {
      if (k) summary = k.describe(k.parse(r.payload));
    } catch {
      /* an old payload that no longer parses is still listed by kind */
    }
    return {
      id: r.id,
      kind: r.kind,
      summary,
      reason: r.reason,
      makerId: r.maker_id,
      makerName: r.maker_name ?? null,
      status: r.status,
      checkerId: r.checker_id,
      checkerName: r.checker_name ?? null,
      decisionReason: r.decision_reason,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: new Date(r.expires_at).toISOString(),
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    };
  }

  return {
    /** Registers a kind of request (once, at start-up). */
    register<P>(name: string, kind: ApprovalKind<P>): void {
      if (kinds.has(name)) throw new Error(`approval kind ${name} registered twice`);
      kinds.set(name, kind as ApprovalKind<unknown>);
    },

    /** Files a request on behalf of the maker. Runs in the caller's audited transaction when `tx` is given. */
    async requestIn(tx: AuditedTx, makerId: string, input: { kind: string; payload: unknown; reason: string; ttlHours?: number }): Promise<ApprovalView> {
      const k = kindOf(input.kind);
      const payload = k.parse(input.payload);
      const reason = input.reason.trim();
      if (reason.length < 5) throw new AppError(ErrorCode.validation, 400, 'Give a reason (at least 5 characters)', { fieldErrors: [{ path: 'body.reason', message: 'required' }] });
      const now = d.clock.now();
      const row = {
        id: randomUUID(),
        kind: input.kind,
        payload: JSON.stringify(payload),
        reason,
        maker_id: makerId,
        status: 'pending',
        created_at: now,
        expires_at: new Date(now.getTime() + (input.ttlHours ?? DEFAULT_TTL_HOURS) * 3_600_000),
      };
      await tx.insertInto('approval_request').values(row).execute();
      return view({ ...row, payload, checker_id: null, decision_reason: null, decided_at: null });
    },

    /** Files a request as its own audited action. */
    async request(ctx: ActorContext, input: { kind: string; payload: unknown; reason: string; ttlHours?: number }): Promise<ApprovalView> {
      if (!ctx.actorId) throw new AppError(ErrorCode.unauthenticated, 401, 'Sign in to continue');
      return d.audited(ctx, { action: 'approval.request', target: { type: 'approval_request' }, reason: input.reason }, async (tx, ev) => {
        const v = await this.requestIn(tx, ctx.actorId!, input);
        ev.setTarget('approval_request', v.id);
        return v;
      });
    },

    /** Approves (and executes) or rejects a pending request. */
    async decide(ctx: ActorContext, checker: Checker, id: string, decision: 'approve' | 'reject', reason: string): Promise<ApprovalView> {
      const action = decision === 'approve' ? 'approval.approve' : 'approval.reject';
      return d.audited(ctx, { action, target: { type: 'approval_request', id }, reason }, async (tx) => {
        // Row lock: two checkers deciding at once are serialised; the second sees the first's decision.
        const r = await tx.selectFrom('approval_request').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!r) throw new AppError(ErrorCode.notFound, 404, 'No such request', { denial: true });
        const now = d.clock.now();
        if (r.status !== 'pending') throw new AppError(ErrorCode.conflict, 409, `This request is already ${r.status}`, { denial: true });
        if (new Date(r.expires_at).getTime() <= now.getTime()) {
          await tx.updateTable('approval_request').set({ status: 'expired' }).where('id', '=', id).execute();
          // The expiry is recorded, and the caller told: the request must be made again.
          return view({ ...r, status: 'expired' });
        }
        if (r.maker_id === checker.id) {
          throw new AppError(ErrorCode.forbidden, 403, 'You cannot decide your own request: another member must', { denial: true });
        }
        const k = kindOf(r.kind);
        if (!checker.permissions.has(k.approvePermission)) {
          throw new AppError(ErrorCode.forbidden, 403, 'You do not hold the permission that approves this request', { denial: true });
        }
        if (reason.trim().length < 5) {
          throw new AppError(ErrorCode.validation, 400, 'Give a reason (at least 5 characters)', { fieldErrors: [{ path: 'body.reason', message: 'required' }] });
        }
        if (decision === 'approve') await k.execute(tx, k.parse(r.payload), { makerId: r.maker_id, checkerId: checker.id });
        const status = decision === 'approve' ? 'executed' : 'rejected';
        await tx
          .updateTable('approval_request')
          .set({ status, checker_id: checker.id, decided_at: now, decision_reason: reason.trim() })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .execute();
        return view({ ...r, status, checker_id: checker.id, decided_at: now, decision_reason: reason.trim() });
      });
    },

    /** Requests, newest first; pending ones by default. Reading the inbox is audited. */
    async list(ctx: ActorContext, f: { status?: string | undefined; limit: number }): Promise<ApprovalView[]> {
      return d.audited(ctx, { action: 'approval.list', target: { type: 'approval_request' } }, async (tx) => {
        const now = d.clock.now();
        // Lazily expire what timed out, so the inbox never offers a dead request.
        await tx.updateTable('approval_request').set({ status: 'expired' }).where('status', '=', 'pending').where('expires_at', '<=', now).execute();
        let q = tx
          .selectFrom('approval_request')
          .leftJoin('staff as maker', 'maker.id', 'approval_request.maker_id')
          .leftJoin('staff as checker', 'checker.id', 'approval_request.checker_id')
          .selectAll('approval_request')
          .select(['maker.display_name as maker_name', 'checker.display_name as checker_name'])
          .orderBy('approval_request.created_at', 'desc')
          .limit(f.limit);
        q = q.where('approval_request.status', '=', f.status ?? 'pending');
        return (await q.execute()).map(view);
      });
    },

    /** Number of kinds registered (for tests and status). */
    kinds(): string[] {
      return [...kinds.keys()];
    },
  };
}
