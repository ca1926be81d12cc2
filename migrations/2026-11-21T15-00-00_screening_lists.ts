// Sanctions, PEP and wallet lists (issue 5): versioned snapshots per source, their entities, and the stored diff
// against the previous version. Public list data, not personal data of traders: stored in plain text.
//
// A version row is written together with all its entities and its diff in one transaction, so a version that
// exists is complete; the active version of a source is its highest version number. The application may insert
// and read; it never updates or deletes list history (a diff shown to a regulator must stay what it was).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table list_version (
      id uuid primary key,
      source text not null check (source in ('ofac_sdn', 'ofac_cons', 'un_sc', 'eu_fsf', 'uk_sanctions', 'opensanctions', 'ofac_wallets')),
      version int not null check (version > 0),
      format text not null,
      -- SHA-256 of the imported bytes (of the files concatenated in name order for a set).
      sha256 char(64) not null,
      file_names text[] not null,
      byte_size bigint not null,
      published_at timestamptz,
      imported_at timestamptz not null,
      entity_count int not null check (entity_count > 0),
      added_count int not null,
      removed_count int not null,
      changed_count int not null,
      previous_id uuid references list_version (id),
      -- How it came in: 'upload' (API), 'file' (bulwark lists import), 'sync' (download from the publisher).
      origin text not null check (origin in ('upload', 'file', 'sync')),
      origin_url text,
      actor_type text not null,
      actor_id text,
      actor_name text,
      warnings jsonb not null default '[]'::jsonb,
      -- A shrink beyond the limit that an operator allowed on purpose (--allow-shrink).
      shrink_allowed boolean not null default false,
      unique (source, version)
    );
    grant select, insert on list_version to bulwark_app;

    create table list_entity (
      version_id uuid not null references list_version (id),
      entity_id text not null,
      kind text not null,
      name text not null,
      -- The whole ListEntity (aliases, dates, countries, programmes, topics, wallets) as parsed.
      data jsonb not null,
      primary key (version_id, entity_id)
    );
    grant select, insert on list_entity to bulwark_app;

    create table list_change (
      version_id uuid not null references list_version (id),
      entity_id text not null,
      change text not null check (change in ('added', 'removed', 'changed')),
      name text not null,
      -- For 'changed': which fields differ (name, aliases, birthDates, …); the two sides are in before/after.
      fields text[] not null default '{}',
      before jsonb,
      after jsonb,
      primary key (version_id, entity_id)
    );
    create index list_change_by_kind on list_change (version_id, change, entity_id);
    grant select, insert on list_change to bulwark_app;

    -- Every import or sync attempt and its outcome: a list's age is the time since it was last confirmed current
    -- (imported, or found unchanged at the publisher), and failed syncs stay visible.
    create table list_check (
      id uuid primary key,
      source text,
      outcome text not null check (outcome in ('imported', 'unchanged', 'failed')),
      version_id uuid references list_version (id),
      sha256 char(64),
      origin text not null check (origin in ('upload', 'file', 'sync')),
      origin_url text,
      -- For a failure: the problem and where (the parser's message), never a stack trace.
      error text,
      checked_at timestamptz not null
    );
    create index list_check_source on list_check (source, checked_at desc);
    grant select, insert on list_check to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table list_check;
    drop table list_change;
    drop table list_entity;
    drop table list_version;
  `.execute(db);
}
