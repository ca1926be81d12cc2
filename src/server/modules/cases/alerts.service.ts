// Alerts: the store of rule hits (the AlertSink the rules evaluation calls inside the ingestion transaction), the
// alert queue, an alert's detail with the events behind it, and triage (close with a reason, or escalate to a new
// or an existing case).
//
// Security decisions:
// - Alerts are compliance data (tipping-off): reading needs monitoring.read, triage case.manage (and
//   monitoring.read, checked here: a custom role with case.manage alone cannot act on alerts it cannot see). An
//   alert opens its trader for the `risk` section inside the audited transaction, so a malformed, unknown or
//   unopenable alert id is the same 404.
// - The explanation, its facts and the close reason are encrypted under the trader's key, bound to table/column/
//   alert id. The events' identifying parts (counterparty address, transaction hash, IP) are decrypted for the
//   viewer and shown per their field policy: counterparty and hash are `financial` (masked to the last 4
//   characters or left out), the IP is `security`. Amounts, asset, type and country are plain columns already.
// - The sink runs inside ingestion's transaction: one query for the open alerts of the batch's dedup keys, one
//   batch insert, one subject key per trader per batch. The partial unique index on open dedup keys settles a race
//   between two batches: the loser's hit is absorbed into the winner's alert.
import { randomUUID } from 'node:crypto';
import {
  type AlertDetail,
  type AlertEvent,
  type AlertPage,
  type AlertQueueQuery,
  type AlertSummary,
  type CasePriority,
  type EscalateRequest,
} from '../../../contracts/cases.js';
import { ErrorCode } from '../../../contracts/errors.js';
import { shownAs, type ClassPolicy } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { isCryptoError, type SubjectKey } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import type { AlertSink, RuleHit } from '../monitoring/model.js';
import type { RolesService } from '../roles/index.js';
import { sectionsFor, type Member, type TradersService } from '../traders/index.js';
import * as repo from './alerts.repository.js';
import { ALERT_EVENT_FIELDS } from './cases.fields.js';
import { decodeCursor, encodeCursor, requireReason, type CasesService } from './cases.service.js';

export interface AlertsDeps {
  audited: Audited;
  auditedRead?: Audited | undefined;
  vault: Vault;
  clock: Clock;
  roles: Pick<RolesService, 'fieldAccess'>;
  traders: Pick<TradersService, 'openSection'>;
  cases: Pick<CasesService, 'escalateIn'>;
}

export type AlertsService = ReturnType<typeof createAlertsService>;

/** What explanation_ct holds. */
interface StoredExplanation {
  ruleName: string;
  explanation: string;
  facts: RuleHit['facts'];
}

/** The most event ids shown in an alert's detail (an absorbing alert can grow long; the rest is counted). */
const MAX_EVENTS_SHOWN = 500;

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such alert', { denial: true });
const EXPLANATION = (id: string) => ({ table: 'monitoring_alert', column: 'explanation_ct', rowId: id });
const CLOSE_REASON = (id: string) => ({ table: 'monitoring_alert', column: 'close_reason_ct', rowId: id });
const iso = (v: Date | string) => new Date(v).toISOString();

/** The case priority an escalated alert starts with. */
const PRIORITY_OF: Record<RuleHit['severity'], CasePriority> = { low: 'low', medium: 'normal', high: 'high', critical: 'urgent' };

/** 9500.000000000000000000 → 9500 (numeric(38, 18) reads back with every decimal). */
export function trimDecimal(v: string): string {
  return v.includes('.') ? v.replace(/\.?0+$/, '') : v;
}

/** Merges event ids, keeping the first occurrence's order. */
function mergeIds(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Creates the alerts service (AlertSink, queue, detail, triage). */
export function createAlertsService(d: AlertsDeps) {
  const now = () => d.clock.now();
  const read: Audited = d.auditedRead ?? d.audited;

  /** Per-call cache of subject keys; null once a trader was erased. */
  function keyCache(tx: AuditedTx) {
    const keys = new Map<string, Promise<SubjectKey | null>>();
    return (traderId: string) => {
      let k = keys.get(traderId);
      if (!k) {
        k = d.vault.subjectKey(tx, traderId, { create: false }).catch((err: unknown) => {
          if (isCryptoError(err, 'key_destroyed')) return null;
          throw err;
        });
        keys.set(traderId, k);
      }
      return k;
    };
  }

  function explanationOf(key: SubjectKey | null, row: { id: string; explanation_ct: Uint8Array }): StoredExplanation | null {
    if (!key) return null;
    return JSON.parse(d.vault.decryptForSubject(key, EXPLANATION(row.id), row.explanation_ct)) as StoredExplanation;
  }

  function summary(row: repo.AlertRow, e: StoredExplanation | null): AlertSummary {
    return {
      id: row.id,
      traderId: row.trader_id,
      accountRef: row.account_ref,
      ruleId: row.rule_id,
      ruleVersion: row.rule_version,
      ruleName: e?.ruleName ?? null,
      severity: row.severity,
      status: row.status,
      explanation: e?.explanation ?? null,
      eventCount: row.event_ids.length,
      eventAt: iso(row.event_at),
      detectedAt: iso(row.detected_at),
      caseId: row.case_id,
      caseReference: row.case_reference ?? null,
    };
  }

  /** The member's field policy when their roles show traders' risk (403 otherwise, 404 when they open no trader). */
  async function riskPolicy(tx: AuditedTx, member: Member): Promise<ClassPolicy> {
    const access = await d.roles.fieldAccess(tx, member.roles, 'profile');
    if (!access.canView) throw notFound();
    if (!sectionsFor(member.permissions, access.policy).includes('risk')) throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show the risk section of traders', { denial: true });
    return access.policy;
  }

  async function openAlert(tx: AuditedTx, member: Member, id: string, opts: { lock?: boolean } = {}) {
    if (!isUuid(id)) throw notFound();
    const row = await repo.findAlert(tx, id.toLowerCase(), opts);
    if (!row) throw notFound();
    const t = await d.traders.openSection(tx, member, row.trader_id, 'risk');
    const key = await keyCache(tx)(row.trader_id);
    return { row, t, key };
  }

  /** One identifying part of an event as the member's field policy shows it: full, masked, or left out. */
  function shown(name: 'counterparty' | 'txHash' | 'ip', value: string | null, policy: ClassPolicy, masked: string[]): string | null {
    if (value === null) return null;
    const spec = ALERT_EVENT_FIELDS[name];
    const s = shownAs(spec, policy);
    if (s === 'hidden') return null;
    if (s === 'full') return value;
    masked.push(name);
    return String(spec.mask!(value));
  }

  /** The events behind an alert, their identifying parts decrypted and shown per the member's policy. */
  async function eventsOf(tx: AuditedTx, row: repo.AlertRow, key: SubjectKey | null, policy: ClassPolicy): Promise<{ events: AlertEvent[]; missing: number; fields: Set<string> }> {
    const ids = row.event_ids.slice(0, MAX_EVENTS_SHOWN);
    const rows = await repo.eventsByIds(tx, row.trader_id, ids);
    const fields = new Set<string>();
    const events = rows.map((e): AlertEvent => {
      let p: Record<string, unknown> = {};
      if (key) {
        try {
          p = JSON.parse(d.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: e.event_id }, e.payload_ct)) as Record<string, unknown>;
        } catch (err) {
          // A payload that no longer decrypts (moved ciphertext) is a fault to see, not to hide behind a 500.
          if (!isCryptoError(err)) throw err;
        }
      }
      const str = (...names: string[]) => {
        for (const n of names) if (typeof p[n] === 'string' && p[n]) return p[n] as string;
        return null;
      };
      const masked: string[] = [];
      const counterparty = shown('counterparty', str('counterparty', 'address'), policy, masked);
      const txHash = shown('txHash', str('txHash', 'tx_hash'), policy, masked);
      const ip = shown('ip', str('ip'), policy, masked);
      if (counterparty !== null) fields.add(`event.counterparty${masked.includes('counterparty') ? '.masked' : ''}`);
      if (txHash !== null) fields.add(`event.tx_hash${masked.includes('txHash') ? '.masked' : ''}`);
      if (ip !== null) fields.add(`event.ip${masked.includes('ip') ? '.masked' : ''}`);
      return {
        eventId: e.event_id,
        type: e.type,
        occurredAt: iso(e.occurred_at),
        asset: e.asset,
        amount: e.amount === null ? null : trimDecimal(e.amount),
        amountUsd: e.amount_usd,
        country: e.country,
        detail: e.detail,
        chain: str('chain', 'network'),
        counterparty,
        txHash,
        ip,
        masked,
      };
    });
    return { events, missing: row.event_ids.length - rows.length, fields };
  }

  async function detail(tx: AuditedTx, member: Member, row: repo.AlertRow, key: SubjectKey | null, policy: ClassPolicy): Promise<{ view: AlertDetail; fields: Set<string> }> {
    const e = explanationOf(key, row);
    const ev = await eventsOf(tx, row, key, policy);
    return {
      view: {
        ...summary(row, e),
        facts: e?.facts ?? {},
        events: ev.events,
        missingEvents: ev.missing,
        closeReason: key && row.close_reason_ct ? d.vault.decryptForSubject(key, CLOSE_REASON(row.id), row.close_reason_ct) : null,
        closedByName: row.closed_by_name ?? null,
        closedAt: row.closed_at ? iso(row.closed_at) : null,
        can: { triage: member.permissions.has('case.manage') && row.status === 'open' },
      },
      fields: ev.fields,
    };
  }

  const sink: AlertSink = {
    /**
     * Stores rule hits as alerts in the caller's (ingestion's) transaction: one alert per dedup key; a hit whose key
     * already has an open alert (in the database or earlier in this batch) is absorbed into it: its event ids added,
     * and the explanation and facts replaced by the newest hit's (the pattern as it stands now: "8 deposits", not the
     * "3 deposits" that first crossed the line).
     */
    async raiseIn(tx: AuditedTx, hits: readonly RuleHit[]): Promise<{ raised: number; absorbed: number }> {
      if (!hits.length) return { raised: 0, absorbed: 0 };
      const t = now();
      let absorbed = 0;
      const byKey = new Map<string, { hit: RuleHit; eventIds: string[] }>();
      for (const h of hits) {
        const g = byKey.get(h.dedupKey);
        if (g) {
          g.eventIds = mergeIds(g.eventIds, h.eventIds);
          g.hit = h;
          absorbed++;
        } else {
          byKey.set(h.dedupKey, { hit: h, eventIds: mergeIds([], h.eventIds) });
        }
      }
      await repo.lockDedupKeys(tx, [...byKey.keys()]);
      // One query for the keys of every trader in the batch; a trader without a key yet gets one created.
      const traderIds = [...new Set([...byKey.values()].map((g) => g.hit.traderId))];
      const keys = await d.vault.subjectKeys(tx, traderIds);
      const absorbInto = async (open: { id: string; dedup_key: string; event_ids: string[] }[], groups: Map<string, { hit: RuleHit; eventIds: string[] }>) => {
        for (const o of open) {
          const g = groups.get(o.dedup_key);
          if (!g) continue;
          const merged = mergeIds(o.event_ids, g.eventIds);
          if (merged.length !== o.event_ids.length) {
            const key = keys.get(g.hit.traderId) ?? null;
            const stored: StoredExplanation = { ruleName: g.hit.ruleName, explanation: g.hit.explanation, facts: g.hit.facts };
            await repo.setAlertEvents(tx, o.id, merged, t, key ? d.vault.encryptForSubject(key, EXPLANATION(o.id), JSON.stringify(stored)) : null);
          }
          absorbed++;
          groups.delete(o.dedup_key);
        }
      };
      await absorbInto(await repo.openAlertsByDedupKey(tx, [...byKey.keys()]), byKey);
      const rows: Parameters<typeof repo.insertAlerts>[1] = [];
      const pending = new Map<string, { hit: RuleHit; eventIds: string[] }>();
      for (const { hit, eventIds } of byKey.values()) {
        const key = keys.get(hit.traderId) ?? null;
        // An erased trader has no key to hold an explanation; there is no one left to investigate.
        if (!key) continue;
        const id = randomUUID();
        const stored: StoredExplanation = { ruleName: hit.ruleName, explanation: hit.explanation, facts: hit.facts };
        rows.push({
          id,
          trader_id: hit.traderId,
          rule_id: hit.ruleId,
          rule_version: hit.ruleVersion,
          severity: hit.severity,
          status: 'open',
          dedup_key: hit.dedupKey,
          explanation_ct: d.vault.encryptForSubject(key, EXPLANATION(id), JSON.stringify(stored)),
          event_ids: eventIds,
          event_at: new Date(hit.eventAt),
          detected_at: new Date(hit.detectedAt),
          case_id: null,
          closed_by: null,
          closed_at: null,
          close_reason_ct: null,
          updated_at: t,
        });
        pending.set(hit.dedupKey, { hit, eventIds });
      }
      const inserted = await repo.insertAlerts(tx, rows);
      for (const r of rows) if (inserted.has(r.id)) pending.delete(r.dedup_key);
      // Lost a race with another batch that opened the same key meanwhile: join its alert.
      if (pending.size) await absorbInto(await repo.openAlertsByDedupKey(tx, [...pending.keys()]), pending);
      return { raised: inserted.size, absorbed };
    },
  };

  return {
    /** The AlertSink the monitoring rules hand their hits to (monitoring.useAlertSink). */
    sink,
    raiseIn: sink.raiseIn,

    /** The alert queue: filters, newest first, keyset pages; audited `monitoring.alert_list`. */
    async list(ctx: ActorContext, member: Member, q: AlertQueueQuery): Promise<AlertPage> {
      const filters = (['severity', 'rule', 'trader', 'from', 'to'] as const).filter((k) => q[k] !== undefined).map((k) => `filter.${k}`);
      return read(ctx, { action: 'monitoring.alert_list', target: { type: 'monitoring_alert' }, fields: [`filter.status.${q.status}`, ...filters, 'alert.explanation'] }, async (tx) => {
        const after = decodeCursor(q.cursor);
        await riskPolicy(tx, member);
        if (q.trader !== undefined && !isUuid(q.trader)) return { alerts: [], nextCursor: null };
        const rows = await repo.listAlerts(tx, {
          status: q.status === 'all' ? undefined : q.status,
          severity: q.severity,
          ruleId: q.rule,
          traderId: q.trader?.toLowerCase(),
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to.length === 10 ? `${q.to}T00:00:00Z` : q.to) : undefined,
          after,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const keyOf = keyCache(tx);
        const alerts: AlertSummary[] = [];
        for (const r of page) alerts.push(summary(r, explanationOf(await keyOf(r.trader_id), r)));
        const last = page.at(-1);
        return { alerts, nextCursor: rows.length > q.limit && last ? encodeCursor(last.detected_at, last.id) : null };
      });
    },

    /** A trader's alerts, newest first (profile panel); audited `monitoring.trader_alerts` (target the trader). */
    async ofTrader(ctx: ActorContext, member: Member, traderId: string): Promise<AlertSummary[]> {
      return read(ctx, { action: 'monitoring.trader_alerts', target: { type: 'trader', id: traderId }, fields: ['alert.explanation'] }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'risk');
        const key = await keyCache(tx)(t.id);
        return (await repo.alertsOfTrader(tx, t.id, new Date(now().getTime() + 1000), 100)).map((r) => summary(r, explanationOf(key, r)));
      });
    },

    /** One alert: explanation, facts, the events behind it (masked per policy), triage state; audited `monitoring.alert_view`. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<AlertDetail> {
      return read(ctx, { action: 'monitoring.alert_view', target: { type: 'monitoring_alert', id }, fields: ['alert.explanation', 'alert.facts'] }, async (tx, ev) => {
        const { row, t, key } = await openAlert(tx, member, id);
        const out = await detail(tx, member, row, key, t.policy);
        ev.addFields(...out.fields, ...(row.close_reason_ct ? ['alert.close_reason'] : []));
        return out.view;
      });
    },

    /** Closes an open alert with a reason (required; encrypted); a second close is a 409. Audited `monitoring.alert_close`. */
    async close(ctx: ActorContext, member: Member, id: string, reason: string | undefined): Promise<AlertDetail> {
      return d.audited(ctx, { action: 'monitoring.alert_close', target: { type: 'monitoring_alert', id }, fields: ['alert.close_reason'] }, async (tx) => {
        if (!member.permissions.has('monitoring.read')) throw notFound();
        const { row, t, key } = await openAlert(tx, member, id, { lock: true });
        const why = requireReason(reason, 'for closing the alert');
        if (row.status !== 'open') throw new AppError(ErrorCode.conflict, 409, `This alert is already ${row.status}`);
        if (!key) throw new AppError(ErrorCode.conflict, 409, "This alert's trader was erased");
        const at = now();
        await repo.updateAlert(tx, row.id, { status: 'closed', closed_by: member.id, closed_at: at, close_reason_ct: d.vault.encryptForSubject(key, CLOSE_REASON(row.id), why), updated_at: at });
        const after = (await repo.findAlert(tx, row.id))!;
        return (await detail(tx, member, after, key, t.policy)).view;
      });
    },

    /** Escalates an open alert to a new case or an existing open case; audited `monitoring.alert_escalate`. */
    async escalate(ctx: ActorContext, member: Member, id: string, body: EscalateRequest): Promise<{ alert: AlertSummary; caseId: string; caseReference: string }> {
      return d.audited(ctx, { action: 'monitoring.alert_escalate', target: { type: 'monitoring_alert', id }, fields: [`target.${body.target}`] }, async (tx) => {
        if (!member.permissions.has('monitoring.read')) throw notFound();
        const { row, key } = await openAlert(tx, member, id, { lock: true });
        if (row.status !== 'open') throw new AppError(ErrorCode.conflict, 409, `This alert is already ${row.status}`);
        const e = explanationOf(key, row);
        const c = await d.cases.escalateIn(
          tx,
          member,
          { id: row.id, traderId: row.trader_id, title: `Alert: ${e?.ruleName ?? row.rule_id} (${row.severity})`, defaultPriority: PRIORITY_OF[row.severity] },
          body,
        );
        const at = now();
        await repo.updateAlert(tx, row.id, { status: 'escalated', case_id: c.id, updated_at: at });
        const after = (await repo.findAlert(tx, row.id))!;
        return { alert: summary(after, e), caseId: c.id, caseReference: c.reference };
      });
    },

    /** Counts by status and severity (CLI). */
    async counts(ctx: ActorContext) {
      return read(ctx, { action: 'monitoring.alert_counts', target: { type: 'monitoring_alert' } }, (tx) => repo.countAlerts(tx));
    },
  };
}
