// Screening (issue 5): every screening of a trader and its evidence, the hits waiting for review, the reviewers'
// decisions (append-only), and the list-change re-screening batches.
//
// Personal data (the screened names, dates of birth, wallet addresses, the explanations that quote them, the
// reviewers' rationales) is stored only encrypted under the trader's own data key (evidence_ct, explanation_ct,
// reason_ct), so erasing a trader's key erases it here too. Subjects are named by reference (the trader, a
// trader_person or trader_wallet row, or an exchange transfer) and by a keyed hash of the screened fields (HMAC,
// so a low-entropy name cannot be guessed back from it). List data (entity ids, names, topics) is public.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table screening_batch (
      id uuid primary key,
      trigger text not null check (trigger in ('list_change', 'manual')),
      -- The list version whose activation started the batch and the one it replaced (public list data).
      list_version_id text,
      previous_version_id text,
      list_versions jsonb not null,
      delta_added int not null default 0,
      delta_changed int not null default 0,
      delta_removed int not null default 0,
      -- SHA-256 of the screened delta entities (ids and contents), so the batch names exactly what it searched.
      delta_sha256 char(64),
      algorithm_version text not null,
      threshold real not null,
      status text not null check (status in ('running', 'done', 'failed')),
      traders_screened int not null default 0,
      subjects_screened int not null default 0,
      traders_with_hits int not null default 0,
      error text,
      started_at timestamptz not null,
      finished_at timestamptz
    );
    create index screening_batch_started on screening_batch (started_at);
    grant select, insert, update on screening_batch to bulwark_app;

    create table screening_run (
      id uuid primary key,
      trader_id uuid not null references trader(id),
      batch_id uuid references screening_batch(id),
      trigger text not null check (trigger in ('onboarding', 'field_change', 'list_change', 'counterparty', 'manual')),
      -- full: every subject against every active list; delta: against a list delta; counterparty: transfer addresses.
      scope text not null check (scope in ('full', 'delta', 'counterparty')),
      status text not null check (status in ('clear', 'hits', 'no_lists_loaded')),
      actor_type text not null,
      actor_id text,
      list_versions jsonb not null,
      algorithm_version text,
      threshold real,
      subject_count int not null,
      candidate_count int not null,
      -- Subjects (kind, reference, keyed hash) and every candidate with score and explanation, encrypted.
      evidence_ct bytea not null,
      created_at timestamptz not null
    );
    create index screening_run_trader on screening_run (trader_id, created_at desc);
    grant select, insert on screening_run to bulwark_app;

    create table screening_hit (
      id uuid primary key,
      trader_id uuid not null references trader(id),
      subject_kind text not null check (subject_kind in ('trader', 'director', 'ubo', 'wallet', 'counterparty')),
      subject_ref text not null,
      -- HMAC of the screened fields when the hit was last raised or decided (a change re-opens a false positive).
      subject_hash bytea not null,
      source text not null,
      entity_id text not null,
      entity_name text not null,
      entity_kind text not null,
      entity_topics text[] not null,
      entity_sha256 char(64) not null,
      score real not null,
      explanation_ct bytea not null,
      status text not null check (status in ('open', 'false_positive', 'confirmed')),
      first_run_id uuid not null references screening_run(id),
      last_run_id uuid not null references screening_run(id),
      decided_by uuid references staff(id),
      decided_at timestamptz,
      -- The four-eyes request to freeze the account (screening.freeze), once a reviewer confirmed the match.
      freeze_approval_id uuid,
      -- Set by the cases module (issue 6) when it opens the case for a confirmed match.
      case_id uuid,
      opened_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (trader_id, subject_kind, subject_ref, source, entity_id)
    );
    create index screening_hit_queue on screening_hit (status, opened_at, id);
    create index screening_hit_trader on screening_hit (trader_id);
    grant select, insert, update on screening_hit to bulwark_app;

    create table screening_decision (
      id uuid primary key,
      hit_id uuid not null references screening_hit(id),
      trader_id uuid not null references trader(id),
      decision text not null check (decision in ('false_positive', 'confirmed', 'reopened')),
      reason_ct bytea,
      -- Why a false positive was re-opened (subject_changed, entity_changed), in words a reviewer reads.
      system_note text,
      reviewer_id uuid references staff(id),
      subject_hash bytea not null,
      entity_sha256 char(64) not null,
      approval_id uuid,
      created_at timestamptz not null
    );
    create index screening_decision_hit on screening_decision (hit_id, created_at);
    -- The trader timeline's AML source reads a trader's decisions newest first.
    create index screening_decision_trader on screening_decision (trader_id, created_at desc);
    -- Append-only: decisions are evidence.
    grant select, insert on screening_decision to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table screening_decision;
    drop table screening_hit;
    drop table screening_run;
    drop table screening_batch;
  `.execute(db);
}
