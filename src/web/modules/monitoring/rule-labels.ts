// Display labels of the rule language (condition types, version states, severities).
import type { ConditionType, RuleVersionState } from '../../../contracts/monitoring-rules.js';

export const CONDITION_LABELS: Record<ConditionType, string> = {
  threshold: 'Single-transaction threshold',
  velocity: 'Velocity',
  structuring: 'Structuring',
  rapid_in_out: 'Rapid in and out',
  high_risk_jurisdiction: 'High-risk jurisdiction',
  sanctioned_counterparty: 'Sanctioned counterparty',
  dormant_reactivated: 'Dormant account reactivated',
  baseline_deviation: 'Deviation from baseline',
  all: 'All of (combination)',
  any: 'Any of (combination)',
};

export const STATE_LABELS: Record<RuleVersionState, string> = {
  draft: 'draft',
  pending_activation: 'waiting for approval',
  active: 'active',
  retired: 'retired',
};

export const STATE_BADGES: Record<RuleVersionState, string> = {
  draft: 'badge badge-neutral',
  pending_activation: 'badge badge-warning',
  active: 'badge badge-ok',
  retired: 'badge badge-neutral',
};

export const SEVERITY_BADGES: Record<string, string> = {
  low: 'badge badge-neutral',
  medium: 'badge badge-warning',
  high: 'badge badge-error',
  critical: 'badge badge-error',
};

/** A starting point for a new rule (YAML). */
export const NEW_RULE_TEMPLATE = `id: my-new-rule
name: Many withdrawals in a day
description: Ten or more withdrawals within 24 hours
severity: medium
explanation: "{count} withdrawals totalling {sumUsd} USD within {window}"
appliesTo: [withdrawal]
condition:
  type: velocity
  window: 24h
  minCount: 10
`;
