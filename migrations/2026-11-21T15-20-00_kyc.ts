// KYC/KYB (issue 5): cases with their workflow history, documents (encrypted under the trader's data key),
// the identity-verification provider's webhook replay guard, and the jurisdiction and risk settings.
//
// Personal data (questionnaire answers, reasons written by staff, file names and contents, provider results, the
// factors of a risk rating) is a ciphertext under the trader's own key, bound to table, column and row. Plain
// columns are states, codes, times, ids, sizes and hashes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table kyc_case (
      id uuid primary key,
      trader_id uuid not null references trader (id),
      kind text not null check (kind in ('individual', 'business')),
      -- Why the case exists: first onboarding, a periodic refresh, or a change (address/country) to review.
      purpose text not null check (purpose in ('onboarding', 'refresh', 'change')),
      state text not null check (state in ('draft', 'submitted', 'in_review', 'approved', 'rejected', 'more_info_needed')),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      assignee_id uuid references staff (id),
      -- SLA: the decision is due by this time (set on submission, by priority); a refresh task's review date.
      due_at timestamptz,
      -- Questionnaire (occupation or business type, expected volume, products), JSON under the trader's key.
      profile_ct bytea,
      risk text check (risk in ('low', 'medium', 'high')),
      -- The rating's factors and their contributions (explainable), JSON under the trader's key.
      risk_factors_ct bytea,
      risk_rated_at timestamptz,
      screening_status text check (screening_status in ('clear', 'hits', 'no_lists', 'unavailable')),
      edd_required boolean not null default false,
      -- Enhanced due diligence checklist: item -> { done, by, at } (who ticked it, when; no personal data).
      edd jsonb not null default '{}'::jsonb,
      -- The four-eyes request a high-risk approval became (approvals module), while it is pending.
      approval_request_id uuid,
      provider_ref_ct bytea,
      provider_result_ct bytea,
      provider_answer text check (provider_answer in ('green', 'red', 'pending')),
      provider_updated_at timestamptz,
      -- Approved cases: when the next periodic review is due (by risk: 1, 2 or 3 years, configurable).
      next_review_at timestamptz,
      decided_by uuid references staff (id),
      decided_at timestamptz,
      submitted_at timestamptz,
      created_by uuid references staff (id),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index kyc_case_trader on kyc_case (trader_id, created_at desc);
    create index kyc_case_state_due on kyc_case (state, due_at);
    create index kyc_case_next_review on kyc_case (next_review_at) where state = 'approved';
    -- At most one open case per trader: a second one would split the reviewer's evidence.
    create unique index kyc_case_one_open on kyc_case (trader_id) where state not in ('approved', 'rejected');
    grant select, insert, update on kyc_case to bulwark_app;

    -- Every transition with its reason: the case's history (append-only for the application).
    create table kyc_case_event (
      id uuid primary key,
      case_id uuid not null references kyc_case (id),
      trader_id uuid not null references trader (id),
      kind text not null,
      from_state text,
      to_state text,
      actor_id uuid references staff (id),
      reason_ct bytea,
      created_at timestamptz not null
    );
    create index kyc_case_event_case on kyc_case_event (case_id, created_at);
    -- The trader timeline's KYC source reads a trader's case events newest first.
    create index kyc_case_event_trader on kyc_case_event (trader_id, created_at desc);
    grant select, insert on kyc_case_event to bulwark_app;

    create table kyc_document (
      id uuid primary key,
      case_id uuid not null references kyc_case (id),
      trader_id uuid not null references trader (id),
      doc_type text not null,
      -- A UBO declaration or a director's ID names the trader_person it is about.
      person_id uuid references trader_person (id),
      filename_ct bytea not null,
      content_type text not null check (content_type in ('image/jpeg', 'image/png', 'application/pdf')),
      size integer not null,
      pages integer not null,
      -- SHA-256 of the stored (metadata-stripped) bytes; the plaintext is never stored.
      sha256 char(64) not null,
      -- Which metadata was removed on upload (segment/chunk names, e.g. APP1/Exif, tEXt): never values.
      stripped text[] not null default '{}',
      content_ct bytea not null,
      uploaded_by uuid references staff (id),
      created_at timestamptz not null
    );
    create index kyc_document_case on kyc_document (case_id, created_at);
    grant select, insert on kyc_document to bulwark_app;

    create table kyc_webhook_nonce (
      signature_sha256 char(64) primary key,
      received_at timestamptz not null
    );
    create index kyc_webhook_nonce_time on kyc_webhook_nonce (received_at);
    grant select, insert, delete on kyc_webhook_nonce to bulwark_app;

    -- Jurisdiction lists and risk settings: every change is a new version (who, when, why); the newest is in force.
    create table kyc_settings_version (
      version integer primary key,
      settings jsonb not null,
      changed_by uuid references staff (id),
      reason text not null,
      created_at timestamptz not null
    );
    grant select, insert on kyc_settings_version to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table kyc_settings_version, kyc_webhook_nonce, kyc_document, kyc_case_event, kyc_case`.execute(db);
}
