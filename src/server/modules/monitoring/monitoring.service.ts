// Transaction monitoring's rules: versioned rule definitions with four-eyes activation and deactivation, the
// backtest, and the live evaluation hook that ingestion calls in the transaction that stores each batch.
//
// Security decisions:
// - Creating and editing rules needs monitoring.rules.manage; reading them monitoring.read. A draft changes nothing
//   live: a version evaluates only once a second member holding monitoring.rules.manage approved its activation
//   (approvals module: maker ≠ checker, step-up on the decision). Deactivating reduces detection, so it takes four
//   eyes as well. The request carries the SHA-256 of the definition; the approval activates exactly what was asked
//   (a pending version cannot be edited, and the hash is checked again when it executes).
// - Rule definitions are metadata, not personal data (plain jsonb); the start-up load reads them on the metadata
//   handle. The backtest reads trader history and is audited (`monitoring.rule_backtest`, naming the columns read).
// - Evaluation state is in memory only (amounts, times, countries; the counterparty address of the batch being
//   evaluated, never kept beyond it): pseudonymous, bounded (LRU), never logged.
//
// One process evaluates: the state of a trader lives in the process that saw their last events. Several evaluating
// processes would each see part of a trader's events; they would have to partition the event stream by trader (a
// NATS subject per trader hash, one consumer per partition). See docs/monitoring-rules.md.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../../../contracts/errors.js';
import {
  RuleDefinition,
  type BacktestRequest,
  type BacktestResult,
  type RuleList,
  type RuleSource,
  type RuleSummary,
  type RuleVersionState,
  type RuleView,
  type ValidationResult,
} from '../../../contracts/monitoring-rules.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { isCryptoError } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { ApprovalKind, ApprovalView } from '../approvals/approvals.service.js';
import type { AlertSink, JurisdictionLookup, MonitoringEvent, RuleHit, SanctionedWalletLookup } from './model.js';
import { runBacktest } from './rules/backtest.js';
import { DAY_MS, DEFAULT_LIMITS, RuleEvaluator, type ActiveRule, type EvaluatorLimits } from './rules/evaluator.js';
import { parseRuleOrThrow, validateRuleSource } from './rules/rule-parser.js';
import * as repo from './rules/rules.repository.js';

export const RULE_ACTIVATE_KIND = 'monitoring.rule_activate';
export const RULE_DEACTIVATE_KIND = 'monitoring.rule_deactivate';
/** How often a process checks whether the active rules changed (another process approved an activation). */
const RULES_CHECK_MS = 2_000;
/** The jurisdiction lists are re-read at most this often. */
const JURISDICTION_CHECK_MS = 5_000;
/** A backtest stops (truncated) after this long; it holds one pooled connection meanwhile. */
export const BACKTEST_TIME_LIMIT_MS = 120_000;
/** A backtest covers at most this range. */
const BACKTEST_MAX_DAYS = 400;

export interface MonitoringDeps {
  audited: Audited;
  auditedRead?: Audited | undefined;
  clock: Clock;
  vault: Vault;
  approvals: { requestIn(tx: AuditedTx, makerId: string, input: { kind: string; payload: unknown; reason: string }): Promise<ApprovalView> };
  /** screening.walletListed / listsLoaded (the active sanctions lists' wallets, in memory). */
  screening: { walletListed: SanctionedWalletLookup; listsLoaded(): boolean };
  /** KYC's jurisdiction lists in force, read in the caller's transaction. */
  jurisdictionLookupIn: (tx: AuditedTx) => Promise<JurisdictionLookup>;
  /** The unguarded handle, for the start-up load of rule definitions (metadata, not personal data). */
  metadataDb: Kysely<DB>;
  /** Where hits go (the cases module's alerts); can be set later with useAlertSink. */
  alertSink?: AlertSink | undefined;
  limits?: EvaluatorLimits | undefined;
  log?: { warn(obj: object, msg: string): void } | undefined;
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such rule', { denial: true });
const conflict = (m: string) => new AppError(ErrorCode.conflict, 409, m);
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const sha256 = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** The state a version shows: a pending activation whose request was rejected or expired is a draft again. */
function effectiveState(state: RuleVersionState, approvalStatus: string | null): RuleVersionState {
  return state === 'pending_activation' && approvalStatus !== null && approvalStatus !== 'pending' ? 'draft' : state;
}

function toActive(rows: { id: string; version: number; definition: unknown }[]): ActiveRule[] {
  // A stored definition that no longer parses is a bug (the schema only grows); fail loudly rather than skip a rule.
  return rows.map((r) => ({ id: r.id, version: r.version, definition: RuleDefinition.parse(r.definition) }));
}

/** Creates the monitoring service (rules, backtest, live evaluation). */
export function createMonitoringService(d: MonitoringDeps) {
  const read: Audited = d.auditedRead ?? d.audited;
  const now = () => d.clock.now();
  let sink = d.alertSink;
  let jurisdiction: JurisdictionLookup = () => null;
  let jurisdictionAt = -Infinity;
  let generation = '';
  let checkedAt = -Infinity;
  /** Set by an approved (de)activation: check the generation on every batch until then (its commit may lag). */
  let dirtyUntil = -Infinity;
  let unsunkHits = 0;
  const evalDeps = { jurisdiction: (c: string) => jurisdiction(c), walletListed: (a: string) => d.screening.walletListed(a), now: () => d.clock.now().getTime() };
  let evaluator = new RuleEvaluator([], evalDeps, d.limits ?? DEFAULT_LIMITS);

  function install(rules: ActiveRule[], gen: string) {
    evaluator = new RuleEvaluator(rules, evalDeps, d.limits ?? DEFAULT_LIMITS);
    generation = gen;
  }

  async function refreshIn(tx: AuditedTx): Promise<void> {
    const t = Date.now();
    if (t - checkedAt >= RULES_CHECK_MS || t < dirtyUntil) {
      checkedAt = t;
      const gen = await repo.generation(tx);
      if (gen !== generation) install(toActive(await repo.activeDefinitions(tx)), gen);
    }
    if (t - jurisdictionAt >= JURISDICTION_CHECK_MS) {
      jurisdiction = await d.jurisdictionLookupIn(tx);
      jurisdictionAt = t;
    }
  }

  /** Reads the state of traders not held: their events of the look-back window, prior activity, day aggregates. */
  async function warmIn(tx: AuditedTx, events: readonly MonitoringEvent[]): Promise<void> {
    const earliest = new Map<string, number>();
    for (const e of events) if (!evaluator.has(e.traderId)) earliest.set(e.traderId, Math.min(earliest.get(e.traderId) ?? Infinity, e.occurredAt));
    if (!earliest.size) return;
    const ids = [...earliest.keys()];
    const lb = evaluator.lookback;
    const minT = Math.min(...earliest.values());
    const since = new Date(minT - lb.windowMs);
    const exclude = events.map((e) => e.eventId);
    const [recent, prior, days] = await Promise.all([
      lb.windowMs > 0 ? repo.recentEvents(tx, ids, since, exclude) : Promise.resolve([]),
      lb.prior ? repo.priorActivity(tx, ids, since) : Promise.resolve([]),
      lb.baselineDays > 0 ? repo.dayAggregates(tx, ids, new Date((Math.floor(minT / DAY_MS) - lb.baselineDays - 1) * DAY_MS), exclude) : Promise.resolve([]),
    ]);
    // Grouped once per batch (not filtered per trader: a batch of 500 new traders would scan the rows 500 times).
    const group = <T,>(rows: readonly T[], idOf: (r: T) => string) => {
      const m = new Map<string, T[]>();
      for (const r of rows) {
        const k = idOf(r);
        const list = m.get(k);
        if (list) list.push(r);
        else m.set(k, [r]);
      }
      return m;
    };
    const recentBy = group(recent, (e) => e.traderId);
    const priorBy = group(prior, (p) => p.trader_id);
    const daysBy = group(days, (x) => x.trader_id);
    for (const id of ids) {
      evaluator.seed(id, {
        events: recentBy.get(id) ?? [],
        prior: Object.fromEntries((priorBy.get(id) ?? []).map((p) => [p.type, p.t])),
        days: daysBy.get(id) ?? [],
      });
    }
  }

  function summaryOf(r: repo.RuleRow): RuleSummary {
    const def = RuleDefinition.parse(r.definition);
    return {
      id: r.id,
      name: def.name,
      severity: def.severity,
      conditionType: def.condition.type,
      status: r.status,
      activeVersion: r.active_version,
      latestVersion: r.latest_version,
      latestState: effectiveState(r.latest_state, r.latest_approval_status),
      pendingDeactivation: r.deactivation_approval_id && r.deactivation_status === 'pending' ? r.deactivation_approval_id : null,
      installed: r.created_by === null,
      changedAt: iso(r.changed_at)!,
    };
  }

  async function viewIn(tx: AuditedTx, id: string): Promise<RuleView> {
    const r = await repo.findRule(tx, id);
    if (!r) throw notFound();
    const versions = await repo.versionsOf(tx, id);
    return {
      ...summaryOf(r),
      versions: versions.map((v) => ({
        version: v.version,
        state: effectiveState(v.state, v.approval_status),
        format: v.source_format,
        source: v.source,
        definition: RuleDefinition.parse(v.definition),
        createdBy: v.created_by,
        createdByName: v.created_by_name,
        createdAt: iso(v.created_at)!,
        approvalId: v.approval_id,
        approvedBy: v.approved_by,
        approvedByName: v.approved_by_name,
        activatedAt: iso(v.activated_at),
        retiredAt: iso(v.retired_at),
      })),
    };
  }

  const activateKind: ApprovalKind<{ ruleId: string; version: number; definitionSha256: string }> = {
    approvePermission: 'monitoring.rules.manage',
    parse(payload) {
      const p = payload as { ruleId?: unknown; version?: unknown; definitionSha256?: unknown };
      if (typeof p?.ruleId !== 'string' || !Number.isInteger(p.version) || typeof p.definitionSha256 !== 'string') throw new AppError(ErrorCode.validation, 400, 'Not a valid rule activation request');
      return { ruleId: p.ruleId, version: p.version as number, definitionSha256: p.definitionSha256 };
    },
    describe: (p) => `Activate version ${p.version} of monitoring rule ${p.ruleId} (it then evaluates every new event; the previous version is retired)`,
    async execute(tx, p, who) {
      await repo.lockRule(tx, p.ruleId);
      const v = await repo.findVersion(tx, p.ruleId, p.version);
      if (!v || v.state !== 'pending_activation' || v.approval_id === null) throw conflict('This rule version is no longer waiting for activation');
      // What is approved is what was asked: the definition must be byte-for-byte the one the maker submitted.
      if (sha256(v.definition) !== p.definitionSha256) throw conflict('The rule version changed since the request; request its activation again');
      if (v.created_by === who.checkerId) throw new AppError(ErrorCode.forbidden, 403, 'You wrote this rule version: another member must approve it', { denial: true });
      const t = now();
      const rule = await repo.findRule(tx, p.ruleId);
      if (rule?.active_version) await repo.updateVersion(tx, p.ruleId, rule.active_version, { state: 'retired', retired_at: t, updated_at: t });
      await repo.updateVersion(tx, p.ruleId, p.version, { state: 'active', approved_by: who.checkerId, activated_at: t, updated_at: t });
      await repo.updateRule(tx, p.ruleId, { status: 'active', active_version: p.version, name: RuleDefinition.parse(v.definition).name, changed_at: t });
      await repo.bumpRevision(tx, p.ruleId);
      dirtyUntil = Date.now() + 10_000;
    },
  };

  const deactivateKind: ApprovalKind<{ ruleId: string; version: number }> = {
    approvePermission: 'monitoring.rules.manage',
    parse(payload) {
      const p = payload as { ruleId?: unknown; version?: unknown };
      if (typeof p?.ruleId !== 'string' || !Number.isInteger(p.version)) throw new AppError(ErrorCode.validation, 400, 'Not a valid rule deactivation request');
      return { ruleId: p.ruleId, version: p.version as number };
    },
    describe: (p) => `Deactivate monitoring rule ${p.ruleId} (version ${p.version} stops evaluating: less detection)`,
    async execute(tx, p) {
      await repo.lockRule(tx, p.ruleId);
      const rule = await repo.findRule(tx, p.ruleId);
      if (!rule || rule.status !== 'active' || rule.active_version !== p.version) throw conflict('The rule changed since this request was made');
      const t = now();
      await repo.updateVersion(tx, p.ruleId, p.version, { state: 'retired', retired_at: t, updated_at: t });
      await repo.updateRule(tx, p.ruleId, { status: 'inactive', active_version: null, deactivation_approval_id: null, changed_at: t });
      await repo.bumpRevision(tx, p.ruleId);
      dirtyUntil = Date.now() + 10_000;
    },
  };

  /** Stores a new draft (new rule, or the next version of an existing one) or rewrites the open draft. */
  async function saveDraftIn(tx: AuditedTx, memberId: string, def: RuleDefinition, src: RuleSource, mode: 'create' | 'edit'): Promise<number> {
    const t = now();
    if (mode === 'create') {
      if (await repo.findRule(tx, def.id)) throw conflict(`A rule with the id ${def.id} exists: edit it instead`);
      await repo.insertRule(tx, { id: def.id, name: def.name, created_by: memberId, now: t });
      await repo.insertVersion(tx, { rule_id: def.id, version: 1, definition: def, source: src.source, source_format: src.format, created_by: memberId, now: t });
      return 1;
    }
    if (!(await repo.lockRule(tx, def.id))) throw notFound();
    const latest = (await repo.versionsOf(tx, def.id))[0]!;
    const state = effectiveState(latest.state, latest.approval_status);
    if (state === 'pending_activation') throw conflict(`Version ${latest.version} is waiting for a second member's approval: it cannot change meanwhile`);
    if (state === 'draft') {
      await repo.updateDraft(tx, def.id, latest.version, { definition: def, source: src.source, source_format: src.format, created_by: memberId, now: t });
      return latest.version;
    }
    await repo.insertVersion(tx, { rule_id: def.id, version: latest.version + 1, definition: def, source: src.source, source_format: src.format, created_by: memberId, now: t });
    return latest.version + 1;
  }

  return {
    activateKind,
    deactivateKind,

    /** Loads the active rules (start-up, on the metadata handle). */
    async loadRules(): Promise<number> {
      const gen = await repo.generation(d.metadataDb);
      install(toActive(await repo.activeDefinitions(d.metadataDb)), gen);
      return evaluator.rules.length;
    },

    /** Plugs in where hits go (the cases module's alerts); until then hits are counted and logged, not stored. */
    useAlertSink(s: AlertSink): void {
      sink = s;
    },

    /** The live evaluator's rules and state size (health, tests). */
    status(): { rules: { id: string; version: number }[]; traders: number; events: number; hitsWithoutSink: number; sanctionsListsLoaded: boolean } {
      return { rules: evaluator.rules.map((r) => ({ id: r.id, version: r.version })), ...evaluator.size(), hitsWithoutSink: unsunkHits, sanctionsListsLoaded: d.screening.listsLoaded() };
    },

    /**
     * The ingestion hook (StoredEventsListener): evaluates the batch's new events in the storing transaction and
     * hands the hits to the alert sink there, so an event is stored if and only if its alerts are.
     */
    async evaluateIn(tx: AuditedTx, events: readonly MonitoringEvent[]): Promise<RuleHit[]> {
      if (!events.length) return [];
      await refreshIn(tx);
      if (!evaluator.rules.length) return [];
      const traders = [...new Set(events.map((e) => e.traderId))];
      try {
        await warmIn(tx, events);
        const hits: RuleHit[] = [];
        const ordered = [...events].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
        for (const e of ordered) for (const h of evaluator.evaluate(e)) hits.push(h);
        if (hits.length) {
          if (sink) await sink.raiseIn(tx, hits);
          else {
            unsunkHits += hits.length;
            d.log?.warn({ hits: hits.length }, 'monitoring: rule hits with no alert sink configured');
          }
        }
        return hits;
      } catch (err) {
        // The batch rolls back: its events must not stay in memory as if stored.
        for (const id of traders) evaluator.forget(id);
        throw err;
      }
    },

    /** Validates a rule source (no storage, no audit: a rule is not trader data). */
    validate(src: RuleSource): ValidationResult {
      return validateRuleSource(src.format, src.source);
    },

    /** Every rule with its latest version; audited `monitoring.rule_list`. */
    async list(ctx: ActorContext): Promise<RuleList> {
      return read(ctx, { action: 'monitoring.rule_list', target: { type: 'monitoring_rule' } }, async (tx) => ({
        rules: (await repo.listRules(tx)).map(summaryOf),
        sanctionsListsLoaded: d.screening.listsLoaded(),
      }));
    },

    /** One rule with all its versions; audited `monitoring.rule_view`. */
    async get(ctx: ActorContext, id: string): Promise<RuleView> {
      return read(ctx, { action: 'monitoring.rule_view', target: { type: 'monitoring_rule', id } }, (tx) => viewIn(tx, id));
    },

    /** Creates a rule as a draft (version 1); audited `monitoring.rule_create`. */
    async create(ctx: ActorContext, memberId: string, src: RuleSource): Promise<RuleView> {
      const def = parseRuleOrThrow(src.format, src.source);
      return d.audited(ctx, { action: 'monitoring.rule_create', target: { type: 'monitoring_rule', id: def.id }, fields: ['rule.definition'] }, async (tx) => {
        await saveDraftIn(tx, memberId, def, src, 'create');
        return viewIn(tx, def.id);
      });
    },

    /** Saves a draft of an existing rule (rewrites the open draft or starts the next version); audited `monitoring.rule_edit`. */
    async saveDraft(ctx: ActorContext, memberId: string, id: string, src: RuleSource): Promise<RuleView> {
      const def = parseRuleOrThrow(src.format, src.source);
      if (def.id !== id) throw new AppError(ErrorCode.validation, 400, 'The rule id cannot change', { fieldErrors: [{ path: 'rule.id', message: `must be ${id}` }] });
      return d.audited(ctx, { action: 'monitoring.rule_edit', target: { type: 'monitoring_rule', id }, fields: ['rule.definition'] }, async (tx, ev) => {
        const version = await saveDraftIn(tx, memberId, def, src, 'edit');
        ev.addFields(`rule.version.${version}`);
        return viewIn(tx, id);
      });
    },

    /** Asks a second member to activate a draft version (four eyes); audited `monitoring.rule_activation_request`. */
    async requestActivation(ctx: ActorContext, memberId: string, id: string, version: number, reason: string): Promise<{ approvalId: string; summary: string }> {
      return d.audited(ctx, { action: 'monitoring.rule_activation_request', target: { type: 'monitoring_rule', id }, fields: [`rule.version.${version}`], reason }, async (tx, ev) => {
        if (!(await repo.lockRule(tx, id))) throw notFound();
        const v = await repo.findVersion(tx, id, version);
        if (!v) throw notFound();
        const state = effectiveState(v.state, v.approval_status);
        if (state !== 'draft') throw conflict(`Version ${version} is ${state.replace('_', ' ')}: only a draft can be activated`);
        const req = await d.approvals.requestIn(tx, memberId, { kind: RULE_ACTIVATE_KIND, payload: { ruleId: id, version, definitionSha256: sha256(v.definition) }, reason });
        await repo.updateVersion(tx, id, version, { state: 'pending_activation', approval_id: req.id, requested_by: memberId, updated_at: now() });
        ev.addFields('result.four_eyes_requested');
        return { approvalId: req.id, summary: req.summary };
      });
    },

    /** Asks a second member to deactivate the active version (less detection: four eyes); audited. */
    async requestDeactivation(ctx: ActorContext, memberId: string, id: string, reason: string): Promise<{ approvalId: string; summary: string }> {
      return d.audited(ctx, { action: 'monitoring.rule_deactivation_request', target: { type: 'monitoring_rule', id }, reason }, async (tx, ev) => {
        if (!(await repo.lockRule(tx, id))) throw notFound();
        const r = (await repo.findRule(tx, id))!;
        if (r.status !== 'active' || r.active_version === null) throw conflict('The rule is not active');
        if (r.deactivation_approval_id && r.deactivation_status === 'pending') throw conflict('A deactivation of this rule is already waiting for approval');
        const req = await d.approvals.requestIn(tx, memberId, { kind: RULE_DEACTIVATE_KIND, payload: { ruleId: id, version: r.active_version }, reason });
        await repo.updateRule(tx, id, { deactivation_approval_id: req.id });
        ev.addFields('result.four_eyes_requested');
        return { approvalId: req.id, summary: req.summary };
      });
    },

    /**
     * Runs a stored version (default: the latest) or an unsaved source over stored history (default: the last 90
     * days), synchronously within BACKTEST_TIME_LIMIT_MS; audited `monitoring.rule_backtest` (it reads trader history).
     */
    async backtest(ctx: ActorContext, req: BacktestRequest): Promise<BacktestResult> {
      const to = req.to ? new Date(req.to) : now();
      const from = req.from ? new Date(req.from) : new Date(to.getTime() - 90 * DAY_MS);
      if (!(from < to)) throw new AppError(ErrorCode.validation, 400, 'The range must start before it ends', { fieldErrors: [{ path: 'body.from', message: 'before to' }] });
      if (to.getTime() - from.getTime() > BACKTEST_MAX_DAYS * DAY_MS) throw new AppError(ErrorCode.validation, 400, `A backtest covers at most ${BACKTEST_MAX_DAYS} days`, { fieldErrors: [{ path: 'body.from', message: `at most ${BACKTEST_MAX_DAYS} days before to` }] });
      const unsaved = req.rule ? parseRuleOrThrow(req.rule.format, req.rule.source) : undefined;
      const fields = ['monitoring_event.type', 'monitoring_event.occurred_at', 'monitoring_event.amount_usd', 'monitoring_event.country'];
      return read(ctx, { action: 'monitoring.rule_backtest', target: { type: 'monitoring_rule', id: req.ruleId ?? unsaved?.id ?? null }, fields }, async (tx, ev) => {
        let rule: ActiveRule;
        if (unsaved) rule = { id: unsaved.id, version: 0, definition: unsaved };
        else {
          const versions = await repo.versionsOf(tx, req.ruleId!);
          const v = req.version === undefined ? versions[0] : versions.find((x) => x.version === req.version);
          if (!v) throw notFound();
          rule = { id: v.rule_id, version: v.version, definition: RuleDefinition.parse(v.definition) };
        }
        const lookup = await d.jurisdictionLookupIn(tx);
        const keys = new Map<string, Awaited<ReturnType<Vault['subjectKey']>> | null>();
        const out = await runBacktest(tx, rule, { from, to, sampleSize: req.sampleSize, timeLimitMs: BACKTEST_TIME_LIMIT_MS }, {
          jurisdiction: lookup,
          walletListed: d.screening.walletListed,
          now: () => Date.now(),
          counterpartyOf: async (t, traderId, eventId, payload) => {
            ev.addFields('monitoring_event.payload_ct');
            if (!keys.has(traderId)) {
              keys.clear();
              try {
                keys.set(traderId, await d.vault.subjectKey(t, traderId, { create: false }));
              } catch (err) {
                // An erased trader's counterparties are gone with their key.
                if (!isCryptoError(err)) throw err;
                keys.set(traderId, null);
              }
            }
            const key = keys.get(traderId);
            if (!key) return null;
            const p = JSON.parse(d.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: eventId }, payload)) as { address?: string };
            return p.address ?? null;
          },
        });
        return { ruleId: rule.id, version: unsaved ? null : rule.version, from: from.toISOString(), to: to.toISOString(), ...out };
      });
    },
  };
}
