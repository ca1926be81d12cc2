// Foundation: the append-only audit log, key storage, staff, sessions, bootstrap tokens, and the trader
// tables the demo seed fills (the traders issue extends them).
import { sql, type Kysely } from 'kysely';

/** The role the application runs as: it may only INSERT and SELECT the audit tables. */
export const APP_ROLE = 'bulwark_app';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'bulwark_app') then
        create role bulwark_app nologin;
      end if;
    end $$;
  `.execute(db);

  await sql`
    create table audit_event (
      seq bigint primary key check (seq > 0),
      time timestamptz not null,
      actor_type text not null check (actor_type in ('staff', 'system', 'anonymous')),
      actor_id text,
      actor_name text,
      actor_ip text,
      session_id_hash text,
      request_id text,
      action text not null,
      target_type text,
      target_id text,
      outcome text not null check (outcome in ('ok', 'denied', 'error')),
      fields text[] not null default '{}',
      reason text,
      error_code text,
      prev_hash char(64) not null,
      -- No unique index on hash: the chain already makes every hash depend on all before it, and the
      -- verifier checks each one; an index would only cost every append.
      hash char(64) not null
    );
    create index audit_event_target_idx on audit_event (target_type, target_id, seq);
    create index audit_event_actor_idx on audit_event (actor_id, seq);

    create table audit_checkpoint (
      tree_size bigint primary key,
      root_hash char(64) not null,
      note text not null,
      created_at timestamptz not null
    );

    -- Append-only, enforced in the database: these triggers fire even for a superuser session and in
    -- replica mode (ENABLE ALWAYS). Someone who drops them can still rewrite rows, which the hash chain
    -- and the signed checkpoints kept outside the database detect.
    create function bulwark_refuse_change() returns trigger language plpgsql as $fn$
    begin
      raise exception 'table % is append-only (% refused)', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
    end
    $fn$;
    create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function bulwark_refuse_change();
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function bulwark_refuse_change();
    alter table audit_event enable always trigger audit_event_no_update;
    alter table audit_event enable always trigger audit_event_no_truncate;
    create trigger audit_checkpoint_no_update before update or delete on audit_checkpoint
      for each row execute function bulwark_refuse_change();
    create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
      for each statement execute function bulwark_refuse_change();
    alter table audit_checkpoint enable always trigger audit_checkpoint_no_update;
    alter table audit_checkpoint enable always trigger audit_checkpoint_no_truncate;

    -- Appends a batch of already-chained events in one round trip: takes the chain lock (held to the end of
    -- the transaction), checks that the chain head is the one the writer computed the batch against, and
    -- inserts. When another writer moved the head, nothing is inserted and the actual head is returned so
    -- the caller can re-link the batch and call again. VOLATILE: in READ COMMITTED each statement below takes
    -- its snapshot after the lock is granted, so it sees the previous holder's committed events.
    -- The lock key is AuditWriter's chain lock, 0x62756c77 ("bulw").
    create function bulwark_audit_append(p_expected_seq bigint, p_expected_hash text, p_events jsonb)
      returns table (head_seq bigint, head_hash text, appended boolean)
      language plpgsql volatile as $fn$
    declare
      h_seq bigint;
      h_hash text;
    begin
      perform pg_advisory_xact_lock(1651862647);
      select e.seq, e.hash into h_seq, h_hash from audit_event e order by e.seq desc limit 1;
      h_seq := coalesce(h_seq, 0);
      h_hash := coalesce(h_hash, repeat('0', 64));
      if h_seq <> p_expected_seq or h_hash <> p_expected_hash then
        return query select h_seq, h_hash, false;
        return;
      end if;
      if (p_events -> 0 ->> 'seq')::bigint <> h_seq + 1 or (p_events -> 0 ->> 'prev_hash') <> h_hash then
        raise exception 'audit batch does not continue the chain at %', h_seq;
      end if;
      insert into audit_event (seq, time, actor_type, actor_id, actor_name, actor_ip, session_id_hash, request_id,
          action, target_type, target_id, outcome, fields, reason, error_code, prev_hash, hash)
        select x.seq, x."time", x.actor_type, x.actor_id, x.actor_name, x.actor_ip, x.session_id_hash, x.request_id,
          x.action, x.target_type, x.target_id, x.outcome, x.fields, x.reason, x.error_code, x.prev_hash, x.hash
        from jsonb_to_recordset(p_events) as x(seq bigint, "time" timestamptz, actor_type text, actor_id text,
          actor_name text, actor_ip text, session_id_hash text, request_id text, action text, target_type text,
          target_id text, outcome text, fields text[], reason text, error_code text, prev_hash text, hash text)
        order by x.seq;
      return query select (p_events -> -1 ->> 'seq')::bigint, p_events -> -1 ->> 'hash', true;
    end
    $fn$;

    create table crypto_key (
      purpose text not null,
      version integer not null check (version > 0),
      wrapped bytea not null,
      status text not null check (status in ('active', 'retired')),
      provider_id text not null,
      created_at timestamptz not null,
      retired_at timestamptz,
      primary key (purpose, version)
    );

    create table subject_key (
      subject_id text not null,
      version integer not null,
      ring_version integer not null,
      wrapped bytea,
      created_at timestamptz not null,
      destroyed_at timestamptz,
      primary key (subject_id, version),
      check ((wrapped is null) = (destroyed_at is not null))
    );
    create index subject_key_ring_idx on subject_key (ring_version) where wrapped is not null;

    create table staff (
      id uuid primary key,
      email_ct bytea not null,
      email_bidx bytea not null unique,
      display_name text not null,
      password_hash text not null,
      totp_secret_ct bytea,
      totp_last_step bigint,
      roles text[] not null default '{}',
      status text not null check (status in ('active', 'disabled', 'locked', 'frozen')),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table staff_session (
      token_hash char(64) primary key,
      staff_id uuid not null references staff (id),
      csrf_hash char(64) not null,
      ip text not null,
      user_agent text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      ended_at timestamptz,
      end_reason text
    );
    create index staff_session_staff_idx on staff_session (staff_id) where ended_at is null;

    create table bootstrap_token (
      id serial primary key,
      token_hash char(64) not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      pending_totp_ct bytea,
      created_at timestamptz not null
    );

    create table trader (
      id uuid primary key,
      account_ref text not null unique,
      kind text not null check (kind in ('individual', 'business')),
      status text not null,
      country char(2) not null,
      legal_name_ct bytea not null,
      name_bidx bytea not null,
      email_ct bytea not null,
      email_bidx bytea not null,
      phone_ct bytea not null,
      phone_bidx bytea not null,
      date_of_birth_ct bytea,
      bank_account_ct bytea,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index trader_email_bidx on trader (email_bidx);
    create index trader_phone_bidx on trader (phone_bidx);
    create index trader_name_bidx on trader (name_bidx);

    create table trader_wallet (
      id uuid primary key,
      trader_id uuid not null references trader (id),
      chain text not null,
      address_ct bytea not null,
      address_bidx bytea not null,
      created_at timestamptz not null
    );
    create index trader_wallet_bidx on trader_wallet (address_bidx);

    create table trader_balance (
      trader_id uuid not null references trader (id),
      asset text not null,
      amount_ct bytea not null,
      updated_at timestamptz not null,
      primary key (trader_id, asset)
    );
  `.execute(db);

  // Least privilege for the application role.
  await sql`
    grant usage on schema public to bulwark_app;
    grant select, insert on audit_event, audit_checkpoint to bulwark_app;
    grant select, insert, update on crypto_key, subject_key to bulwark_app;
    grant select, insert, update, delete on staff, staff_session, bootstrap_token,
      trader, trader_wallet, trader_balance to bulwark_app;
    grant usage on sequence bootstrap_token_id_seq to bulwark_app;
    grant select on kysely_migration, kysely_migration_lock to bulwark_app;
  `.execute(db);
}

export async function down(): Promise<void> {
  // The foundation is never rolled back: the audit log is append-only by design.
  throw new Error('the foundation migration cannot be reverted');
}
