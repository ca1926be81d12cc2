// Transaction monitoring (issue 6), part 2: rules and their versions, with the default rule set installed active.
//
// A rule is a slug id and a status; each edit is a new version (definition as validated JSON, plus the source as
// the author wrote it, YAML or JSON). A version moves draft → pending_activation (a four-eyes request) → active →
// retired; at most one version of a rule is active. Rule definitions are not personal data (thresholds, windows,
// templates): plain columns. `created_by` null means "installed with Bulwark" (the default set below), not a member.
//
// The default set is frozen here as written on the day (a later change of defaults is a new migration, or an edit
// by compliance with four eyes); a test checks that each source still parses to the stored definition.
import { sql, type Kysely } from 'kysely';

interface DefaultRule {
  id: string;
  name: string;
  source: string;
  definition: Record<string, unknown>;
}

const rule = (id: string, name: string, severity: string, explanation: string, appliesTo: string[], condition: Record<string, unknown>, description: string, conditionYaml: string): DefaultRule => ({
  id,
  name,
  definition: { id, name, description, severity, explanation, appliesTo, condition },
  source: [
    `id: ${id}`,
    `name: ${name}`,
    `description: ${description}`,
    `severity: ${severity}`,
    `explanation: "${explanation}"`,
    `appliesTo: [${appliesTo.join(', ')}]`,
    'condition:',
    conditionYaml,
    '',
  ].join('\n'),
});

export const DEFAULT_RULES: DefaultRule[] = [
  rule(
    'large-transaction',
    'Large single transaction',
    'medium',
    'A {eventType} of {amountUsd} USD, at or above {minAmountUsd} USD',
    ['deposit', 'withdrawal'],
    { type: 'threshold', minAmountUsd: 10000 },
    'One deposit or withdrawal of 10,000 USD or more',
    '  type: threshold\n  minAmountUsd: 10000',
  ),
  rule(
    'withdrawal-velocity',
    'Many withdrawals in a day',
    'medium',
    '{count} withdrawals totalling {sumUsd} USD within {window}',
    ['withdrawal'],
    { type: 'velocity', window: '24h', minCount: 10 },
    'Ten or more withdrawals within 24 hours',
    '  type: velocity\n  window: 24h\n  minCount: 10',
  ),
  rule(
    'structuring-10k',
    'Structuring below 10,000 USD',
    'high',
    '{count} transactions between {lowUsd} and {thresholdUsd} USD within {window} (total {sumUsd} USD)',
    ['deposit', 'withdrawal'],
    { type: 'structuring', thresholdUsd: 10000, band: 0.1, minCount: 3, window: '24h' },
    'Three or more deposits or withdrawals just under 10,000 USD (9,000 to 9,999.99) within 24 hours',
    '  type: structuring\n  thresholdUsd: 10000\n  band: 0.1\n  minCount: 3\n  window: 24h',
  ),
  rule(
    'rapid-in-out',
    'Rapid in and out',
    'high',
    'Withdrawal of {withdrawalUsd} USD, {percent} % of the {depositsUsd} USD deposited within {window} before it',
    ['withdrawal'],
    { type: 'rapid_in_out', window: '24h', minPercent: 90, minDepositsUsd: 5000 },
    'A withdrawal of 90 % or more of the deposits (at least 5,000 USD) received within 24 hours before it',
    '  type: rapid_in_out\n  window: 24h\n  minPercent: 90\n  minDepositsUsd: 5000',
  ),
  rule(
    'high-risk-jurisdiction',
    'High-risk or blocked jurisdiction',
    'medium',
    'A {eventType} involving {country}, on the {list} list',
    ['deposit', 'withdrawal', 'login'],
    { type: 'high_risk_jurisdiction', lists: ['blocked', 'high_risk'], minAmountUsd: 0 },
    "A login, deposit or withdrawal whose country is on KYC's blocked or high-risk list",
    '  type: high_risk_jurisdiction\n  lists: [blocked, high_risk]',
  ),
  rule(
    'sanctioned-counterparty',
    'Counterparty wallet on a sanctions list',
    'critical',
    'A {eventType} of {amountUsd} USD with a wallet listed on {listSource} (entry {listEntityId})',
    ['deposit', 'withdrawal'],
    { type: 'sanctioned_counterparty' },
    'The source or destination wallet of a deposit or withdrawal is on an active sanctions list',
    '  type: sanctioned_counterparty',
  ),
  rule(
    'dormant-reactivated',
    'Dormant account suddenly active',
    'medium',
    'A {eventType} of {amountUsd} USD after {dormantDays} days without activity',
    ['deposit', 'withdrawal'],
    { type: 'dormant_reactivated', dormantDays: 180, minAmountUsd: 5000, activityTypes: ['deposit', 'withdrawal', 'trade', 'transfer'] },
    'No deposit, withdrawal, trade or transfer for 180 days, then one of 5,000 USD or more',
    '  type: dormant_reactivated\n  dormantDays: 180\n  minAmountUsd: 5000',
  ),
  rule(
    'withdrawal-baseline',
    "Withdrawals far above the trader's own baseline",
    'medium',
    'Withdrawals of {valueUsd} USD today, {ratio} times the daily mean of {baselineUsd} USD over {baselineDays} days',
    ['withdrawal'],
    { type: 'baseline_deviation', measure: 'daily_sum', factor: 10, baselineDays: 90, minHistoryDays: 30, minAmountUsd: 10000 },
    "A day's withdrawals above 10 times the trader's mean daily withdrawals of the previous 90 days (30 days of history at least; 10,000 USD at least)",
    '  type: baseline_deviation\n  measure: daily_sum\n  factor: 10\n  baselineDays: 90\n  minHistoryDays: 30\n  minAmountUsd: 10000',
  ),
  rule(
    'high-risk-login-then-withdrawal',
    'Login from a high-risk country, then a large withdrawal',
    'critical',
    'A login from {country} ({list} list) and a withdrawal of {amountUsd} USD within {window}',
    ['login', 'withdrawal'],
    {
      type: 'all',
      window: '24h',
      conditions: [
        { type: 'high_risk_jurisdiction', appliesTo: ['login'], lists: ['blocked', 'high_risk'], minAmountUsd: 0 },
        { type: 'threshold', appliesTo: ['withdrawal'], minAmountUsd: 5000 },
      ],
    },
    'A login from a blocked or high-risk country and a withdrawal of 5,000 USD or more within 24 hours',
    '  type: all\n  window: 24h\n  conditions:\n    - type: high_risk_jurisdiction\n      appliesTo: [login]\n    - type: threshold\n      appliesTo: [withdrawal]\n      minAmountUsd: 5000',
  ),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table monitoring_rule (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text not null,
      -- draft: never activated; active: one version evaluates live; inactive: deactivated (with four eyes).
      status text not null check (status in ('draft', 'active', 'inactive')),
      active_version integer,
      -- A deactivation request waiting for a second member.
      deactivation_approval_id uuid,
      -- null: installed with Bulwark (the default set), not written by a member.
      created_by uuid references staff (id),
      created_at timestamptz not null,
      changed_at timestamptz not null,
      -- Incremented by every change of what evaluates live: each process compares the sum to reload its rules.
      revision integer not null default 0
    );
    grant select, insert, update on monitoring_rule to bulwark_app;

    create table monitoring_rule_version (
      rule_id text not null references monitoring_rule (id),
      version integer not null check (version >= 1),
      state text not null check (state in ('draft', 'pending_activation', 'active', 'retired')),
      -- The validated definition (not personal data) and the source as its author wrote it.
      definition jsonb not null,
      source text not null check (length(source) <= 65536),
      source_format text not null check (source_format in ('yaml', 'json')),
      created_by uuid references staff (id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      -- The four-eyes request that activates it; who asked and who approved.
      approval_id uuid,
      requested_by uuid references staff (id),
      approved_by uuid references staff (id),
      activated_at timestamptz,
      retired_at timestamptz,
      primary key (rule_id, version)
    );
    create unique index monitoring_rule_version_one_active on monitoring_rule_version (rule_id) where state = 'active';
    grant select, insert, update on monitoring_rule_version to bulwark_app;
  `.execute(db);
  // Installed active, so monitoring works from the first event; created_by null = installed.
  for (const r of DEFAULT_RULES) {
    await sql`insert into monitoring_rule (id, name, status, active_version, created_by, created_at, changed_at)
              values (${r.id}, ${r.name}, 'active', 1, null, now(), now())`.execute(db);
    await sql`insert into monitoring_rule_version (rule_id, version, state, definition, source, source_format, created_by, created_at, updated_at, activated_at)
              values (${r.id}, 1, 'active', ${JSON.stringify(r.definition)}::jsonb, ${r.source}, 'yaml', null, now(), now(), now())`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table monitoring_rule_version, monitoring_rule`.execute(db);
}
