// Withdrawal-limit changes (issue 6). A request to change a trader's daily withdrawal limit at the exchange is a
// record of its own (withdrawal_limit_request) with its state, so the page can list requests as they stand:
//
// - An increase is requested by a member holding withdrawal_limit.request (support_senior, compliance) with a
//   reason, or by the trader through the exchange (a signed, replay-protected request whose request id is the
//   idempotency key). It waits for a member holding withdrawal_limit.approve (compliance_senior) who did not make it,
//   with a second factor from the last 5 minutes (the routes declare stepUp). On approval the new limit is set at
//   the exchange inside the decision's transaction: success → `applied`; an exchange failure → `failed` with its
//   error code (the decision and the failure are recorded, nothing else changed) and an approver may retry.
// - A decrease for a risk reason (withdrawal_limit.decrease, compliance) is applied at once, with a reason; a
//   "decrease" to the current limit or above is refused (409): raising a limit always takes four eyes.
//
// Why not the generic approvals module: a trader's own request has no staff maker (approval_request.maker_id is a
// staff member), its reason would be stored in clear there (here it is a ciphertext under the trader's key, so
// erasing the trader erases it), and an approval whose action fails is rolled back there, so "failed, retry" could
// not be recorded. This table is the one source of truth for these requests and their decisions; the approvals
// page links to the withdrawal-limits page.
//
// The current limit is read from the exchange outside any database transaction (as every exchange read is: a slow
// exchange must not hold an audit lane): 1. audited `withdrawal_limit.read` opens the trader (404 first) and checks
// the input; 2. the exchange answers; 3. the request (or the decrease) is written in its own audited transaction.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import type { InboundWithdrawalLimitRequest, TraderWithdrawalLimits, WithdrawalLimitList, WithdrawalLimitListQuery, WithdrawalLimitRequestView } from '../../../contracts/withdrawal-limits.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { AuditOutcome } from '../../platform/audit/canonical.js';
import type { Clock } from '../../platform/clock.js';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import { ExchangeError, problemOf, type ExchangeService } from '../exchange/index.js';
import type { Member, TradersService } from '../traders/index.js';
import * as repo from './withdrawal-limits.repository.js';
import type { RequestRow } from './withdrawal-limits.repository.js';

export interface WithdrawalLimitsDeps {
  audited: Audited;
  record: (ctx: ActorContext, spec: { action: string; target?: { type: string; id?: string | null } }, outcome: AuditOutcome, code?: string | null) => Promise<void>;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'idByAccountRef' | 'accountOf'>;
  exchange: Pick<ExchangeService, 'connectorIn'>;
  /** EXCHANGE_WEBHOOK_SECRET: the exchange signs its requests on a trader's behalf with it (unset: 503). */
  webhookSecret: string | undefined;
}

/** How long an increase waits for a decision before it must be made again (as the approvals inbox). */
export const REQUEST_TTL_HOURS = 48;
/** A signature verifies for ±5 minutes; remember it a little longer than that window is wide. */
const NONCE_KEEP_MS = 2 * 5 * 60_000 + 60_000;

const REQUEST_FIELDS = ['withdrawal_limit_request.requested_limit', 'withdrawal_limit_request.reason'];

const reasonError = () =>
  new AppError(ErrorCode.validation, 400, 'Give a reason (at least 5 characters)', { fieldErrors: [{ path: 'body.reason', message: 'at least 5 characters' }], denial: true });
const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such withdrawal-limit request', { denial: true });
const conflict = (message: string) => new AppError(ErrorCode.conflict, 409, message, { denial: true });
const noLimit = () =>
  new AppError(ErrorCode.validation, 400, 'The exchange has no withdrawal limit for this asset', { fieldErrors: [{ path: 'body.asset', message: 'no limit at the exchange' }] });

/** Compares two non-negative decimal strings exactly (no floating point): -1, 0 or 1. */
export function compareAmounts(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+(?=\d)/, '');
  const bInt = bi.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, '0');
  const y = bf.padEnd(n, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The stable code a failed application is recorded with (the problem the API would answer). */
function failureCode(err: ExchangeError): string {
  const p = problemOf(err);
  return p instanceof AppError ? p.code : ErrorCode.exchangeRejected;
}

function encodeCursor(r: { created_at: Date | string; id: string }): string {
  return Buffer.from(`${new Date(r.created_at).toISOString()}|${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError(ErrorCode.validation, 400, 'Not a valid cursor', { fieldErrors: [{ path: 'querystring.cursor', message: 'not a cursor this list gave' }] });
  }
  return { createdAt, id };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export type WithdrawalLimitsService = ReturnType<typeof createWithdrawalLimitsService>;

/** Creates the withdrawal-limits service (see the file comment). */
export function createWithdrawalLimitsService(d: WithdrawalLimitsDeps) {
  const now = () => d.clock.now();
  const at = (column: string, rowId: string) => ({ table: 'withdrawal_limit_request', column, rowId });

  /**
   * Reasons are free text about the trader's money (and a risk decrease's reason may name a suspicion that must not
   * reach trader-facing staff): shown to those who decide or decrease (compliance) and to the member who wrote it.
   */
  const seesReasons = (member: Member, row: { requested_by: string | null }) =>
    member.permissions.has('withdrawal_limit.approve') || member.permissions.has('withdrawal_limit.decrease') || row.requested_by === member.id;

  /** Presents rows, decrypting reasons only where the member may see them (one key per trader); names the field in the audit event. */
  async function present(tx: AuditedTx, member: Member, rows: RequestRow[], onReason: () => void): Promise<WithdrawalLimitRequestView[]> {
    const keys = new Map<string, SubjectKey | null>();
    const keyOf = async (traderId: string) => {
      if (!keys.has(traderId)) {
        // A trader whose key was destroyed (erasure) keeps the request's facts; its reasons are gone.
        keys.set(traderId, await d.vault.subjectKey(tx, traderId, { create: false }).catch(() => null));
      }
      return keys.get(traderId)!;
    };
    const out: WithdrawalLimitRequestView[] = [];
    for (const r of rows) {
      let reason: string | null = null;
      let decisionReason: string | null = null;
      if (seesReasons(member, r)) {
        const key = await keyOf(r.trader_id);
        if (key) {
          reason = d.vault.decryptForSubject(key, at('reason_ct', r.id), r.reason_ct);
          if (r.decision_reason_ct) decisionReason = d.vault.decryptForSubject(key, at('decision_reason_ct', r.id), r.decision_reason_ct);
          onReason();
        }
      }
      const expired = r.status === 'pending' && new Date(r.expires_at).getTime() <= now().getTime();
      out.push({
        id: r.id,
        traderId: r.trader_id,
        accountRef: r.account_ref,
        asset: r.asset,
        currentLimit: r.current_limit,
        requestedLimit: r.requested_limit,
        direction: r.direction,
        source: r.source,
        requestedBy: r.requested_by,
        requestedByName: r.requested_by_name,
        reason,
        status: expired ? 'expired' : r.status,
        decidedBy: r.decided_by,
        decidedByName: r.decided_by_name,
        decisionReason,
        decidedAt: iso(r.decided_at),
        appliedAt: iso(r.applied_at),
        errorCode: r.error_code,
        attempts: r.attempts,
        createdAt: iso(r.created_at)!,
        expiresAt: iso(r.expires_at)!,
      });
    }
    return out;
  }

  async function presentOne(tx: AuditedTx, member: Member, id: string, ev: { addFields(...n: string[]): void }): Promise<WithdrawalLimitRequestView> {
    const row = await repo.findRequest(tx, id);
    if (!row) throw notFound();
    return (await present(tx, member, [row], () => ev.addFields('withdrawal_limit_request.reason')))[0]!;
  }

  /** Step 1 of a change: opens the trader (404 first), checks the reason, and takes the connector. */
  async function prepare(ctx: ActorContext, member: Member, traderId: string, reason: string | undefined) {
    return d.audited(ctx, { action: 'withdrawal_limit.read', target: { type: 'trader', id: traderId }, fields: ['withdrawal_limits.current'] }, async (tx) => {
      // The record-level check: may this member open this trader at all (withdrawal_limit.* depend on trader.read,
      // the rule of the notes section). A missing trader and a forbidden one are the same 404.
      const t = await d.traders.openSection(tx, member, traderId, 'notes');
      const why = reason?.trim();
      if (!why || why.length < 5) throw reasonError();
      return { traderId: t.id, accountRef: t.accountRef, connector: await d.exchange.connectorIn(tx), reason: why };
    });
  }

  /** Step 2: the exchange's current limit for the asset (outside any transaction). */
  async function currentLimit(connector: Awaited<ReturnType<ExchangeService['connectorIn']>>, accountRef: string, asset: string): Promise<string> {
    let limits;
    try {
      limits = await connector.dailyLimits(accountRef);
    } catch (err) {
      throw problemOf(err);
    }
    const l = limits.find((x) => x.asset === asset);
    if (!l) throw noLimit();
    return l.dailyLimit;
  }

  /** Files an increase (staff or trader) in the caller's audited transaction; refuses a non-increase and a second pending one. */
  async function fileIncrease(
    tx: AuditedTx,
    input: { traderId: string; asset: string; current: string; requested: string; reason: string; source: 'staff' | 'trader'; requestedBy: string | null; externalId: string | null },
  ): Promise<string> {
    if (compareAmounts(input.requested, input.current) <= 0) {
      throw conflict(`This is not an increase: the current daily ${input.asset} limit is ${input.current}. Lowering a limit is a decrease (applied at once by compliance).`);
    }
    const t = now();
    await repo.expireOverdue(tx, t, { traderId: input.traderId, asset: input.asset });
    if (await repo.findPending(tx, input.traderId, input.asset)) {
      throw conflict(`An increase of the ${input.asset} limit of this trader is already waiting for a decision`);
    }
    const id = randomUUID();
    const key = await d.vault.subjectKey(tx, input.traderId, { create: true });
    await repo.insertRequest(tx, {
      id,
      trader_id: input.traderId,
      asset: input.asset,
      current_limit: input.current,
      requested_limit: input.requested,
      direction: 'increase',
      source: input.source,
      requested_by: input.requestedBy,
      external_id: input.externalId,
      reason_ct: d.vault.encryptForSubject(key, at('reason_ct', id), input.reason),
      status: 'pending',
      created_at: t,
      expires_at: new Date(t.getTime() + REQUEST_TTL_HOURS * 3_600_000),
    });
    return id;
  }

  /** Sets the approved limit at the exchange inside the decision's transaction; records applied or failed. */
  async function apply(tx: AuditedTx, row: RequestRow, from: 'pending' | 'failed', checkerId: string, decisionReasonCt: Uint8Array | null, ev: { addFields(...n: string[]): void }) {
    const account = await d.traders.accountOf(tx, row.trader_id);
    if (!account) throw notFound();
    const connector = await d.exchange.connectorIn(tx);
    const t = now();
    const decided = from === 'pending' ? { decided_by: checkerId, decided_at: t, decision_reason_ct: decisionReasonCt } : {};
    try {
      await connector.setWithdrawalLimit(account.account_ref, { asset: row.asset, dailyLimit: row.requested_limit });
    } catch (err) {
      if (!(err instanceof ExchangeError)) throw err;
      // The decision stands and the failure is recorded (no half state: the exchange did not confirm the change).
      const code = failureCode(err);
      await repo.updateRequest(tx, row.id, from, { ...decided, status: 'failed', error_code: code, attempts: row.attempts + 1 });
      ev.addFields('withdrawal_limit_request.status', `result.apply_failed.${code}`);
      return;
    }
    await repo.updateRequest(tx, row.id, from, { ...decided, status: 'applied', applied_at: t, error_code: null, attempts: row.attempts + 1 });
    ev.addFields('withdrawal_limit_request.status', 'result.applied');
  }

  /** Loads a request for a decision under its row lock, with the four-eyes and state checks. */
  async function forDecision(tx: AuditedTx, checker: Member, id: string, allowed: readonly string[]): Promise<RequestRow> {
    if (!isUuid(id)) throw notFound();
    const row = await repo.findRequest(tx, id.toLowerCase(), { lock: true });
    if (!row) throw notFound();
    // The record-level rule of the trader applies to decisions too.
    await d.traders.openSection(tx, checker, row.trader_id, 'notes');
    if (row.status === 'pending' && new Date(row.expires_at).getTime() <= now().getTime()) {
      throw conflict('This request has expired: it must be made again');
    }
    if (!allowed.includes(row.status)) throw conflict(`This request is already ${row.status}`);
    if (row.direction !== 'increase') throw conflict('A decrease is applied when it is made; there is nothing to decide');
    if (row.requested_by === checker.id) {
      throw new AppError(ErrorCode.forbidden, 403, 'You cannot decide your own request: another member must', { denial: true });
    }
    return row;
  }

  return {
    /** Requests, newest first, filtered by status and source (keyset pages); audited `withdrawal_limit.list`. */
    async list(ctx: ActorContext, member: Member, q: WithdrawalLimitListQuery): Promise<WithdrawalLimitList> {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      return d.audited(ctx, { action: 'withdrawal_limit.list', target: { type: 'withdrawal_limit_request' } }, async (tx, ev) => {
        // Lazily expire what timed out, so the list never offers a dead request for a decision.
        await repo.expireOverdue(tx, now());
        const rows = await repo.listRequests(tx, { status: q.status, source: q.source, traderId: q.traderId, after, limit: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        let reasons = false;
        const requests = await present(tx, member, page, () => (reasons = true));
        if (reasons) ev.addFields('withdrawal_limit_request.reason');
        return { requests, nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!) : null };
      });
    },

    /** One request; audited `withdrawal_limit.view` (404 for a malformed or unknown id). */
    async get(ctx: ActorContext, member: Member, id: string): Promise<WithdrawalLimitRequestView> {
      return d.audited(ctx, { action: 'withdrawal_limit.view', target: { type: 'withdrawal_limit_request', id: isUuid(id) ? id : null } }, async (tx, ev) => {
        if (!isUuid(id)) throw notFound();
        const row = await repo.findRequest(tx, id.toLowerCase());
        if (!row) throw notFound();
        await d.traders.openSection(tx, member, row.trader_id, 'notes');
        return (await present(tx, member, [row], () => ev.addFields('withdrawal_limit_request.reason')))[0]!;
      });
    },

    /**
     * A trader's limits at the exchange now and the requests about them (the profile panel). The requests come
     * from the database even when the exchange is down (then `limits` is null and `exchangeError` says why).
     */
    async forTrader(ctx: ActorContext, member: Member, traderId: string): Promise<TraderWithdrawalLimits> {
      const opened = await d.audited(ctx, { action: 'withdrawal_limit.read', target: { type: 'trader', id: traderId }, fields: ['withdrawal_limits.current'] }, async (tx, ev) => {
        const t = await d.traders.openSection(tx, member, traderId, 'notes');
        await repo.expireOverdue(tx, now(), { traderId: t.id });
        const rows = await repo.listRequests(tx, { traderId: t.id, limit: 20 });
        const requests = await present(tx, member, rows, () => ev.addFields('withdrawal_limit_request.reason'));
        let connector: Awaited<ReturnType<ExchangeService['connectorIn']>> | null = null;
        let exchangeError: string | null = null;
        try {
          connector = await d.exchange.connectorIn(tx);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          exchangeError = err.code;
        }
        return { accountRef: t.accountRef, requests, connector, exchangeError };
      });
      if (!opened.connector) return { limits: [], requests: opened.requests, exchangeError: opened.exchangeError };
      try {
        return { limits: await opened.connector.dailyLimits(opened.accountRef), requests: opened.requests, exchangeError: null };
      } catch (err) {
        const p = problemOf(err);
        if (!(p instanceof AppError)) throw p;
        return { limits: [], requests: opened.requests, exchangeError: p.code };
      }
    },

    /** A member's request to raise a limit (four eyes; nothing reaches the exchange until approved). Audited `withdrawal_limit.request`. */
    async requestIncrease(ctx: ActorContext, member: Member, traderId: string, input: { asset: string; dailyLimit: string; reason?: string | undefined }): Promise<WithdrawalLimitRequestView> {
      const p = await prepare(ctx, member, traderId, input.reason);
      const current = await currentLimit(p.connector, p.accountRef, input.asset);
      return d.audited(ctx, { action: 'withdrawal_limit.request', target: { type: 'trader', id: p.traderId }, fields: REQUEST_FIELDS }, async (tx, ev) => {
        const id = await fileIncrease(tx, {
          traderId: p.traderId,
          asset: input.asset,
          current,
          requested: input.dailyLimit,
          reason: p.reason,
          source: 'staff',
          requestedBy: member.id,
          externalId: null,
        });
        return presentOne(tx, member, id, ev);
      });
    },

    /** Lowers a limit at once for a risk reason (withdrawal_limit.decrease); refuses anything not below the current limit. Audited `withdrawal_limit.decrease`. */
    async decrease(ctx: ActorContext, member: Member, traderId: string, input: { asset: string; dailyLimit: string; reason?: string | undefined }): Promise<WithdrawalLimitRequestView> {
      const p = await prepare(ctx, member, traderId, input.reason);
      const current = await currentLimit(p.connector, p.accountRef, input.asset);
      return d.audited(ctx, { action: 'withdrawal_limit.decrease', target: { type: 'trader', id: p.traderId }, fields: REQUEST_FIELDS }, async (tx, ev) => {
        if (compareAmounts(input.dailyLimit, current) >= 0) {
          throw conflict(`This is not a decrease: the current daily ${input.asset} limit is ${current}. Raising a limit needs a request that a compliance senior approves.`);
        }
        const connector = await d.exchange.connectorIn(tx);
        // Containment: the exchange is called inside the transaction so the record says what really happened;
        // when it fails, nothing is stored and the member sees the exchange's problem.
        try {
          await connector.setWithdrawalLimit(p.accountRef, { asset: input.asset, dailyLimit: input.dailyLimit });
        } catch (err) {
          throw problemOf(err);
        }
        const id = randomUUID();
        const t = now();
        const key = await d.vault.subjectKey(tx, p.traderId, { create: true });
        await repo.insertRequest(tx, {
          id,
          trader_id: p.traderId,
          asset: input.asset,
          current_limit: current,
          requested_limit: input.dailyLimit,
          direction: 'decrease',
          source: 'staff',
          requested_by: member.id,
          external_id: null,
          reason_ct: d.vault.encryptForSubject(key, at('reason_ct', id), p.reason),
          status: 'applied',
          decided_by: member.id,
          decided_at: t,
          applied_at: t,
          attempts: 1,
          created_at: t,
          expires_at: t,
        });
        return presentOne(tx, member, id, ev);
      });
    },

    /** Approves an increase and sets it at the exchange (maker ≠ checker; the route needs step-up). Audited `withdrawal_limit.approve`. */
    async approve(ctx: ActorContext, checker: Member, id: string, reason: string): Promise<WithdrawalLimitRequestView> {
      return d.audited(ctx, { action: 'withdrawal_limit.approve', target: { type: 'withdrawal_limit_request', id: isUuid(id) ? id : null }, fields: ['withdrawal_limit_request.decision_reason'] }, async (tx, ev) => {
        const row = await forDecision(tx, checker, id, ['pending']);
        const key = await d.vault.subjectKey(tx, row.trader_id, { create: true });
        await apply(tx, row, 'pending', checker.id, d.vault.encryptForSubject(key, at('decision_reason_ct', row.id), reason.trim()), ev);
        return presentOne(tx, checker, row.id, ev);
      });
    },

    /** Rejects a pending increase, or closes a failed one without applying it. Audited `withdrawal_limit.reject`. */
    async reject(ctx: ActorContext, checker: Member, id: string, reason: string): Promise<WithdrawalLimitRequestView> {
      return d.audited(ctx, { action: 'withdrawal_limit.reject', target: { type: 'withdrawal_limit_request', id: isUuid(id) ? id : null }, fields: ['withdrawal_limit_request.decision_reason'] }, async (tx, ev) => {
        const row = await forDecision(tx, checker, id, ['pending', 'failed']);
        const key = await d.vault.subjectKey(tx, row.trader_id, { create: true });
        await repo.updateRequest(tx, row.id, row.status, {
          status: 'rejected',
          decided_by: checker.id,
          decided_at: now(),
          decision_reason_ct: d.vault.encryptForSubject(key, at('decision_reason_ct', row.id), reason.trim()),
        });
        return presentOne(tx, checker, row.id, ev);
      });
    },

    /** Applies an approved increase whose application failed, again (an approver, not the maker; step-up). Audited `withdrawal_limit.retry`. */
    async retry(ctx: ActorContext, checker: Member, id: string): Promise<WithdrawalLimitRequestView> {
      return d.audited(ctx, { action: 'withdrawal_limit.retry', target: { type: 'withdrawal_limit_request', id: isUuid(id) ? id : null } }, async (tx, ev) => {
        const row = await forDecision(tx, checker, id, ['failed']);
        await apply(tx, row, 'failed', checker.id, null, ev);
        return presentOne(tx, checker, row.id, ev);
      });
    },

    /**
     * The exchange's signed request on a trader's behalf (the route verified the signature). The same request id
     * answers the same request again; a replayed signature is refused; an unknown account is a 404.
     */
    async inbound(ctx: ActorContext, signatureSha256: string, body: InboundWithdrawalLimitRequest): Promise<{ id: string; status: WithdrawalLimitRequestView['status'] }> {
      const target = { type: 'webhook', id: 'exchange_withdrawal_limit' };
      const step = await d.audited(ctx, { action: 'withdrawal_limit.inbound', target }, async (tx, ev) => {
        const t = now();
        if (!(await repo.rememberSignature(tx, signatureSha256, t, new Date(t.getTime() - NONCE_KEEP_MS)))) {
          throw new AppError(ErrorCode.webhookReplayed, 401, 'This request was already received (replay)', { denial: true });
        }
        const seen = await repo.findByExternalId(tx, body.requestId);
        if (seen) {
          ev.setTarget('withdrawal_limit_request', seen.id);
          ev.addFields('result.duplicate');
          return { done: { id: seen.id, status: seen.status } } as const;
        }
        const traderId = await d.traders.idByAccountRef(tx, body.accountRef);
        if (!traderId) throw new AppError(ErrorCode.notFound, 404, 'No trader has this account reference');
        ev.setTarget('trader', traderId);
        return { traderId, connector: await d.exchange.connectorIn(tx) } as const;
      });
      if (step.done) return step.done;
      const { traderId, connector } = step;
      const current = await currentLimit(connector, body.accountRef, body.asset);
      return d.audited(ctx, { action: 'withdrawal_limit.request', target: { type: 'trader', id: traderId }, fields: REQUEST_FIELDS }, async (tx) => {
        // Two deliveries of one request id at once: the second finds the first here (or the unique index refuses it).
        const seen = await repo.findByExternalId(tx, body.requestId);
        if (seen) return { id: seen.id, status: seen.status };
        const id = await fileIncrease(tx, {
          traderId,
          asset: body.asset,
          current,
          requested: body.dailyLimit,
          reason: body.reason,
          source: 'trader',
          requestedBy: null,
          externalId: body.requestId,
        });
        return { id, status: 'pending' as const };
      });
    },

    /** Records a refused signed request (a security event) before the route answers 401. */
    async rejectInbound(ctx: ActorContext, reason: string): Promise<void> {
      await d.record(ctx, { action: 'withdrawal_limit.inbound', target: { type: 'webhook', id: 'exchange_withdrawal_limit' } }, 'denied', `signature_${reason}`);
    },

    /** The secret the exchange signs with (undefined: the endpoint answers 503). */
    get webhookSecret(): string | undefined {
      return d.webhookSecret;
    },

    /** Ids, states, assets and amounts of recent requests (the CLI; no personal data). Audited `withdrawal_limit.list`. */
    async listPlain(ctx: ActorContext, f: { status?: WithdrawalLimitRequestView['status'] | undefined; limit: number }) {
      return d.audited(ctx, { action: 'withdrawal_limit.list', target: { type: 'withdrawal_limit_request' } }, async (tx) => {
        await repo.expireOverdue(tx, now());
        return repo.listPlain(tx, f);
      });
    },
  };
}
