// Suspicious-activity reports (issue 6): drafts from a case, edits, review, exports, filing with the FIU, deadlines.
//
// Plain columns are what the deadline list and the workflow need without a key: the case, the reference, the
// status, times, who did what (staff ids) and the FIU's acknowledgement number (a reference of the FIU, not of the
// trader). Everything about the subject — identity snapshot, transactions with addresses, narrative, reason for
// suspicion — is one JSON ciphertext under the subject trader's key, bound to (table, column, row id): erasing the
// trader's key leaves a reference, a status and dates.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- SAR-YYYY-NNNNNN: the number runs on across years (unique, never reused, no per-year reset race).
    create sequence sar_report_number_seq;
    grant usage on sequence sar_report_number_seq to bulwark_app;

    create table sar_report (
      id uuid primary key,
      case_id uuid not null references aml_case (id),
      -- The trader whose key encrypts content_ct (the case's main subject).
      subject_trader_id uuid not null references trader (id),
      reference text not null unique check (reference ~ '^SAR-[0-9]{4}-[0-9]{6,}$'),
      status text not null check (status in ('draft', 'ready_for_review', 'filed', 'withdrawn')),
      -- Optimistic concurrency: every change bumps it; an edit made against an older version is a 409.
      version integer not null default 1,
      detected_at timestamptz not null,
      due_at timestamptz not null,
      content_ct bytea not null,
      created_by uuid not null references staff (id),
      created_at timestamptz not null,
      updated_by uuid not null references staff (id),
      updated_at timestamptz not null,
      ready_by uuid references staff (id),
      ready_at timestamptz,
      filed_by uuid references staff (id),
      filed_at timestamptz,
      fiu_reference text check (fiu_reference ~ '^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$'),
      withdrawn_by uuid references staff (id),
      withdrawn_at timestamptz,
      check ((status = 'filed') = (filed_at is not null and filed_by is not null and fiu_reference is not null))
    );
    create index sar_report_case on sar_report (case_id, created_at);
    -- The deadline list: open reports by due time.
    create index sar_report_due on sar_report (due_at) where status in ('draft', 'ready_for_review');
    grant select, insert, update on sar_report to bulwark_app;

    create table sar_report_event (
      id uuid primary key,
      -- Insertion order: several steps can share one timestamp (one transaction, or a coarse clock).
      seq bigint generated always as identity,
      sar_id uuid not null references sar_report (id),
      case_id uuid not null references aml_case (id),
      kind text not null check (kind in ('created', 'edited', 'ready', 'reopened', 'exported_goaml', 'exported_pdf', 'filed', 'withdrawn')),
      from_status text,
      to_status text,
      actor_id uuid references staff (id),
      -- Which parts changed (names, never values), e.g. {narrative, reasonForSuspicion}.
      fields text[] not null default '{}',
      -- A withdrawal's reason, under the subject trader's key.
      reason_ct bytea,
      created_at timestamptz not null
    );
    create index sar_report_event_sar on sar_report_event (sar_id, seq);
    create index sar_report_event_case on sar_report_event (case_id, created_at);
    grant select, insert on sar_report_event to bulwark_app;
    grant usage on sequence sar_report_event_seq_seq to bulwark_app;

    -- The reporting entity as the FIU knows it and the goAML code tables in force: versioned, never updated in place.
    create table sar_settings_version (
      version integer primary key,
      settings jsonb not null,
      changed_by uuid references staff (id),
      created_at timestamptz not null
    );
    grant select, insert on sar_settings_version to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table sar_settings_version, sar_report_event, sar_report; drop sequence sar_report_number_seq`.execute(db);
}
