// Contracts of transaction-monitoring rules (issue 6): the rule language (one schema for JSON and YAML sources),
// versions and their states, validation answers, backtests. Shared by the server (parsing, route schemas, the last
// filter of every answer) and the web UI (the editor shows the same error paths the server reports).
//
// A rule is data, never code: every condition is one of a closed set of types with numeric parameters, so a rule
// author cannot make the evaluator run anything but the built-in checks. Amounts are USD (the exchange's
// `amountUsd`), durations are `<n>s|m|h|d` strings.
import { z } from 'zod';

export const RULE_EVENT_TYPES = ['deposit', 'withdrawal', 'trade', 'transfer', 'login', 'security'] as const;
export const RULE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CONDITION_TYPES = [
  'threshold',
  'velocity',
  'structuring',
  'rapid_in_out',
  'high_risk_jurisdiction',
  'sanctioned_counterparty',
  'dormant_reactivated',
  'baseline_deviation',
  'all',
  'any',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Longest window a rule may use: it bounds the per-trader state kept in memory. */
export const MAX_WINDOW_MS = 31 * 86_400_000;
/** Longest baseline or dormancy look-back (days). */
export const MAX_LOOKBACK_DAYS = 366;
/** A rule source (YAML or JSON as written) is at most this long. */
export const MAX_RULE_SOURCE_BYTES = 64 * 1024;
/** Nesting depth of all/any combinations. */
export const MAX_COMBINATION_DEPTH = 3;

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a `<n>s|m|h|d` duration (the schema has validated it). */
export function durationMs(d: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

// One check, so a malformed duration is reported once (and never reaches durationMs).
const Duration = z.string().superRefine((d, ctx) => {
  if (!/^\d{1,6}[smhd]$/.test(d)) ctx.addIssue({ code: 'custom', message: 'a duration such as 30m, 24h or 7d' });
  else if (durationMs(d) === 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
  else if (durationMs(d) > MAX_WINDOW_MS) ctx.addIssue({ code: 'custom', message: 'at most 31 days' });
});

const Usd = z.number().finite().nonnegative().max(1e12);
const EventTypes = z.array(z.enum(RULE_EVENT_TYPES)).min(1).max(RULE_EVENT_TYPES.length);
const Assets = z.array(z.string().regex(/^[A-Z0-9]{2,12}$/, 'an asset code such as BTC')).min(1).max(50);

/** Conditions may name the event types they look at; otherwise the rule's `appliesTo` holds. */
const common = { appliesTo: EventTypes.optional() };

export const ThresholdCondition = z.strictObject({
  type: z.literal('threshold'),
  ...common,
  /** A single event with amountUsd ≥ this. */
  minAmountUsd: Usd,
  assets: Assets.optional(),
});

export const VelocityCondition = z
  .strictObject({
    type: z.literal('velocity'),
    ...common,
    window: Duration,
    /** At least this many matching events within the window (the current one included). */
    minCount: z.number().int().min(1).max(100_000).optional(),
    /** Their amounts sum to at least this. */
    minSumUsd: Usd.optional(),
    assets: Assets.optional(),
  })
  .refine((c) => c.minCount !== undefined || c.minSumUsd !== undefined, { message: 'give minCount, minSumUsd or both', path: ['minCount'] });

export const StructuringCondition = z.strictObject({
  type: z.literal('structuring'),
  ...common,
  /** The reporting threshold being avoided: events in [threshold × (1 − band), threshold) count. */
  thresholdUsd: Usd.refine((v) => v > 0, 'must be above zero'),
  band: z.number().gt(0).lt(1),
  minCount: z.number().int().min(2).max(10_000),
  window: Duration,
});

export const RapidInOutCondition = z.strictObject({
  type: z.literal('rapid_in_out'),
  /** Withdrawals are checked against the deposits received within the window before them. */
  window: Duration,
  /** The withdrawal is at least this percentage of those deposits. */
  minPercent: z.number().gt(0).max(1000),
  /** Deposits below this total are ignored (no alert for a 5-dollar round trip). */
  minDepositsUsd: Usd.default(0),
});

export const HighRiskJurisdictionCondition = z.strictObject({
  type: z.literal('high_risk_jurisdiction'),
  ...common,
  /** Which KYC lists count: blocked, high_risk, or both (default). */
  lists: z.array(z.enum(['blocked', 'high_risk'])).min(1).max(2).default(['blocked', 'high_risk']),
  minAmountUsd: Usd.default(0),
});

export const SanctionedCounterpartyCondition = z.strictObject({
  type: z.literal('sanctioned_counterparty'),
  ...common,
});

export const DormantReactivatedCondition = z.strictObject({
  type: z.literal('dormant_reactivated'),
  ...common,
  /** No activity (events of `activityTypes`) for at least this many days before the event… */
  dormantDays: z.number().int().min(1).max(MAX_LOOKBACK_DAYS),
  /** …and the event is at least this large. */
  minAmountUsd: Usd,
  activityTypes: EventTypes.default(['deposit', 'withdrawal', 'trade', 'transfer']),
});

export const BaselineDeviationCondition = z
  .strictObject({
    type: z.literal('baseline_deviation'),
    ...common,
    /** `amount`: the event's amount; `daily_sum`: the UTC day's total so far. */
    measure: z.enum(['amount', 'daily_sum']),
    /** Fires when the measure is strictly greater than factor × baseline. */
    factor: z.number().gt(1).max(1000),
    /** The baseline is the mean over these full UTC days before the event's day. */
    baselineDays: z.number().int().min(1).max(MAX_LOOKBACK_DAYS),
    /** The trader's first known activity must be at least this many days before the event's day. */
    minHistoryDays: z.number().int().min(1).max(MAX_LOOKBACK_DAYS),
    /** Never below this amount (USD), whatever the baseline. */
    minAmountUsd: Usd.default(0),
  })
  .refine((c) => c.minHistoryDays <= c.baselineDays, { message: 'at most baselineDays', path: ['minHistoryDays'] });

export type ThresholdCondition = z.infer<typeof ThresholdCondition>;
export type VelocityCondition = z.infer<typeof VelocityCondition>;
export type StructuringCondition = z.infer<typeof StructuringCondition>;
export type RapidInOutCondition = z.infer<typeof RapidInOutCondition>;
export type HighRiskJurisdictionCondition = z.infer<typeof HighRiskJurisdictionCondition>;
export type SanctionedCounterpartyCondition = z.infer<typeof SanctionedCounterpartyCondition>;
export type DormantReactivatedCondition = z.infer<typeof DormantReactivatedCondition>;
export type BaselineDeviationCondition = z.infer<typeof BaselineDeviationCondition>;
export type LeafCondition =
  | ThresholdCondition
  | VelocityCondition
  | StructuringCondition
  | RapidInOutCondition
  | HighRiskJurisdictionCondition
  | SanctionedCounterpartyCondition
  | DormantReactivatedCondition
  | BaselineDeviationCondition;
export interface Combination {
  type: 'all' | 'any';
  appliesTo?: (typeof RULE_EVENT_TYPES)[number][] | undefined;
  /** all: every condition has fired for the trader within this window (ending at the event that completes it). */
  window?: string | undefined;
  conditions: Condition[];
}
export type Condition = LeafCondition | Combination;

const Leaf = z.union([
  ThresholdCondition,
  VelocityCondition,
  StructuringCondition,
  RapidInOutCondition,
  HighRiskJurisdictionCondition,
  SanctionedCounterpartyCondition,
  DormantReactivatedCondition,
  BaselineDeviationCondition,
]);

function conditionAt(depth: number): z.ZodType<Condition> {
  if (depth >= MAX_COMBINATION_DEPTH) return Leaf as z.ZodType<Condition>;
  const inner = z.lazy(() => conditionAt(depth + 1));
  const combo = z
    .strictObject({
      type: z.enum(['all', 'any']),
      ...common,
      window: Duration.optional(),
      conditions: z.array(inner).min(2).max(10),
    })
    .refine((c) => c.type === 'any' || c.window !== undefined, { message: "an 'all' combination needs a window", path: ['window'] });
  return z.union([Leaf, combo]) as z.ZodType<Condition>;
}

/** One condition of the closed set (all/any nest at most MAX_COMBINATION_DEPTH deep). */
export const Condition: z.ZodType<Condition> = conditionAt(0);

export const RuleId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a slug: lower-case letters, digits and hyphens (2–63)');

/** A rule as authored (YAML or JSON). */
export const RuleDefinition = z.strictObject({
  id: RuleId,
  name: z.string().trim().min(3).max(120),
  description: z.string().trim().max(2000).default(''),
  severity: z.enum(RULE_SEVERITIES),
  /** Rendered with the hit's facts: `{count} deposits within {window}`. Unknown placeholders are refused. */
  explanation: z.string().trim().min(3).max(500),
  /** The event types the rule evaluates (rapid_in_out: withdrawals). */
  appliesTo: EventTypes,
  condition: Condition,
});
export type RuleDefinition = z.infer<typeof RuleDefinition>;

export const RULE_VERSION_STATES = ['draft', 'pending_activation', 'active', 'retired'] as const;
export type RuleVersionState = (typeof RULE_VERSION_STATES)[number];

export const SourceFormat = z.enum(['yaml', 'json']);
export type SourceFormat = z.infer<typeof SourceFormat>;

/** A rule source as written in the editor or a file. */
export const RuleSource = z.strictObject({
  format: SourceFormat,
  source: z.string().min(1).max(MAX_RULE_SOURCE_BYTES),
});
export type RuleSource = z.infer<typeof RuleSource>;

export const FieldProblem = z.object({ path: z.string(), message: z.string() });

export const ValidationResult = z.object({
  valid: z.boolean(),
  errors: z.array(FieldProblem),
  rule: RuleDefinition.nullable(),
  /** What the rule reads from history (the backtest's pre-filter). */
  conditionTypes: z.array(z.enum(CONDITION_TYPES)),
});
export type ValidationResult = z.infer<typeof ValidationResult>;

export const RuleVersionView = z.object({
  version: z.number().int(),
  state: z.enum(RULE_VERSION_STATES),
  format: SourceFormat,
  source: z.string(),
  definition: RuleDefinition,
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  approvalId: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedByName: z.string().nullable(),
  activatedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
});
export type RuleVersionView = z.infer<typeof RuleVersionView>;

export const RuleSummary = z.object({
  id: z.string(),
  name: z.string(),
  severity: z.enum(RULE_SEVERITIES),
  conditionType: z.enum(CONDITION_TYPES),
  status: z.enum(['draft', 'active', 'inactive']),
  activeVersion: z.number().int().nullable(),
  latestVersion: z.number().int(),
  latestState: z.enum(RULE_VERSION_STATES),
  /** A deactivation waiting for a second member. */
  pendingDeactivation: z.string().nullable(),
  /** Installed with the default rule set (no author). */
  installed: z.boolean(),
  changedAt: z.string(),
});
export type RuleSummary = z.infer<typeof RuleSummary>;

export const RuleList = z.object({
  rules: z.array(RuleSummary),
  /** Whether the screening lists are loaded (without them the sanctioned-counterparty rule cannot fire). */
  sanctionsListsLoaded: z.boolean(),
});
export type RuleList = z.infer<typeof RuleList>;

export const RuleView = RuleSummary.extend({ versions: z.array(RuleVersionView) });
export type RuleView = z.infer<typeof RuleView>;

export const ReasonBody = z.strictObject({ reason: z.string().trim().min(5).max(500) });

export const ApprovalRequested = z.object({ approvalId: z.string(), summary: z.string() });

export const BacktestRequest = z
  .strictObject({
    /** A stored rule version… */
    ruleId: RuleId.optional(),
    version: z.number().int().min(1).optional(),
    /** …or a source not stored yet. */
    rule: RuleSource.optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    sampleSize: z.number().int().min(0).max(200).default(20),
  })
  .refine((b) => (b.ruleId !== undefined) !== (b.rule !== undefined), { message: 'give ruleId (and version) or rule, not both', path: ['ruleId'] });
export type BacktestRequest = z.infer<typeof BacktestRequest>;

export const BacktestResult = z.object({
  ruleId: z.string(),
  version: z.number().int().nullable(),
  from: z.string(),
  to: z.string(),
  /** Distinct alerts (dedup keys) the rule would have raised. */
  alerts: z.number().int(),
  /** Rule hits before deduplication. */
  hits: z.number().int(),
  traders: z.number().int(),
  perDay: z.array(z.object({ day: z.string(), alerts: z.number().int() })),
  sample: z.array(z.object({ traderId: z.string(), eventAt: z.string(), explanation: z.string(), eventCount: z.number().int() })),
  eventsScanned: z.number().int(),
  durationMs: z.number(),
  /** The run stopped at its time limit: the counts cover history up to `scannedUntilTrader`. */
  truncated: z.boolean(),
});
export type BacktestResult = z.infer<typeof BacktestResult>;
