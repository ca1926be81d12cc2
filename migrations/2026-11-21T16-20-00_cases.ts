// Alerts and cases (issue 6): every rule hit becomes an alert; triage closes it with a reason or escalates it to a
// case; a case links traders, events, alerts and screening hits and keeps its own timeline.
//
// Free text (explanations, titles, notes, reasons) is a ciphertext under the trader's key where the record has one
// subject trader; plain columns are states, severities, times, ids and rule references.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table monitoring_alert (
      id uuid primary key,
      trader_id uuid not null references trader (id),
      rule_id text not null,
      rule_version integer not null,
      severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
      status text not null check (status in ('open', 'closed', 'escalated')),
      -- One alert per rule, trader and window: a hit whose dedup key is already open adds no second alert.
      dedup_key text not null,
      -- The rendered explanation and the facts behind it, JSON under the trader's key.
      explanation_ct bytea not null,
      -- The exchange event ids behind the hit.
      event_ids text[] not null,
      event_at timestamptz not null,
      detected_at timestamptz not null,
      case_id uuid,
      closed_by uuid references staff (id),
      closed_at timestamptz,
      close_reason_ct bytea
    );
    create index monitoring_alert_queue on monitoring_alert (status, severity, detected_at);
    create index monitoring_alert_trader on monitoring_alert (trader_id, detected_at);
    create unique index monitoring_alert_open_dedup on monitoring_alert (dedup_key) where status = 'open';
    grant select, insert, update on monitoring_alert to bulwark_app;

    create table aml_case (
      id uuid primary key,
      -- Human reference shown to staff and quoted in reports: CASE-2026-000123.
      reference text not null unique,
      status text not null,
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      queue text not null,
      assignee_id uuid references staff (id),
      -- The trader whose key encrypts the case's free text (the main subject).
      subject_trader_id uuid not null references trader (id),
      title_ct bytea not null,
      opened_by uuid references staff (id),
      opened_at timestamptz not null,
      due_at timestamptz,
      closed_at timestamptz
    );
    grant select, insert, update on aml_case to bulwark_app;

    create table aml_case_link (
      case_id uuid not null references aml_case (id),
      kind text not null check (kind in ('trader', 'alert', 'event', 'screening_hit')),
      ref text not null,
      added_by uuid references staff (id),
      added_at timestamptz not null,
      primary key (case_id, kind, ref)
    );
    create index aml_case_link_ref on aml_case_link (kind, ref);
    grant select, insert, delete on aml_case_link to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table aml_case_link, aml_case, monitoring_alert`.execute(db);
}
