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

    -- Part C (alerts and cases): the workflow, SLA, decisions, notes, attachments and the case timeline.
    alter table monitoring_alert add column updated_at timestamptz;
    create index monitoring_alert_case on monitoring_alert (case_id) where case_id is not null;
    create index monitoring_alert_list on monitoring_alert (detected_at desc, id desc);

    -- open → investigating → pending_decision → closed_no_action | closed_sar_filed | closed_other (docs/cases.md).
    alter table aml_case add constraint aml_case_status check (status in ('open', 'investigating', 'pending_decision', 'closed_no_action', 'closed_sar_filed', 'closed_other'));
    alter table aml_case add column updated_at timestamptz;
    -- The closing decision: which one, by whom, when; its reason is free text under the subject trader's key.
    alter table aml_case add column decision text check (decision in ('no_action', 'sar_filed', 'other'));
    alter table aml_case add column decision_reason_ct bytea;
    alter table aml_case add column decided_by uuid references staff (id);
    alter table aml_case add column decided_at timestamptz;
    create index aml_case_list on aml_case (opened_at desc, id desc);
    create index aml_case_subject on aml_case (subject_trader_id, opened_at);
    create index aml_case_due on aml_case (due_at) where closed_at is null;
    -- CASE-YYYY-NNNNNN: one sequence for every year (the number never repeats, the year is the opening year).
    create sequence aml_case_reference_seq;
    grant usage on sequence aml_case_reference_seq to bulwark_app;

    -- Every change of a case as an event: who, when, what. The detail (a reason, a note's first words never:
    -- only what changed) is a ciphertext under the subject trader's key. restricted = 'sar': shown only to sar.read
    -- holders (tipping-off: SAR steps on a case must not reach members who may not know a SAR exists).
    create table aml_case_event (
      id uuid primary key,
      -- Insertion order: several events of one request share a timestamp, and the timeline must keep their order.
      seq bigint generated always as identity,
      case_id uuid not null references aml_case (id),
      trader_id uuid not null references trader (id),
      kind text not null check (kind ~ '^[a-z_.]{1,60}$'),
      from_status text,
      to_status text,
      actor_id uuid references staff (id),
      detail_ct bytea,
      restricted text check (restricted in ('sar')),
      created_at timestamptz not null
    );
    create index aml_case_event_case on aml_case_event (case_id, seq);
    create index aml_case_event_trader on aml_case_event (trader_id, created_at desc, seq desc);
    grant select, insert on aml_case_event to bulwark_app;
    grant usage on sequence aml_case_event_seq_seq to bulwark_app;

    create table aml_case_note (
      id uuid primary key,
      case_id uuid not null references aml_case (id),
      author_id uuid references staff (id),
      body_ct bytea not null,
      created_at timestamptz not null
    );
    create index aml_case_note_case on aml_case_note (case_id, created_at);
    grant select, insert on aml_case_note to bulwark_app;

    -- Evidence files: typed by content, size-limited, name and content encrypted under the subject trader's key.
    create table aml_case_attachment (
      id uuid primary key,
      case_id uuid not null references aml_case (id),
      filename_ct bytea not null,
      content_type text not null,
      size integer not null check (size > 0),
      sha256 text not null,
      content_ct bytea not null,
      uploaded_by uuid references staff (id),
      created_at timestamptz not null
    );
    create index aml_case_attachment_case on aml_case_attachment (case_id, created_at);
    grant select, insert on aml_case_attachment to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table aml_case_attachment, aml_case_note, aml_case_event, aml_case_link, aml_case, monitoring_alert; drop sequence aml_case_reference_seq`.execute(db);
}
