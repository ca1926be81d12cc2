// Transaction monitoring (issue 6), part 1: events from the trading engine (deposits, withdrawals, trades, internal
// transfers, logins, security events), as ingested by the signed webhook and the NATS JetStream consumer.
//
// Plain columns are what detection computes over: the trader's id, the event type, times, asset, amounts and their
// USD value, a country code, and a blind index of the counterparty address (for "same address elsewhere" and
// sanctioned-wallet checks). They are pseudonymous (no name, no address, no IP). The identifying parts (counterparty
// address, login IP, transaction hash, the exchange's other fields) are one ciphertext under the trader's own key,
// bound to table, column and the event id; erasing the trader's key leaves only amounts against a random id.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table monitoring_event (
      seq bigint generated always as identity primary key,
      -- The exchange's event id: the idempotency key of both ingestion paths (a duplicate is not stored twice).
      event_id text not null unique check (length(event_id) between 1 and 128),
      trader_id uuid not null references trader (id),
      type text not null check (type in ('deposit', 'withdrawal', 'trade', 'transfer', 'login', 'security')),
      -- The exchange's clock (events may arrive out of order) and ours.
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      asset text check (asset ~ '^[A-Z0-9]{2,12}$'),
      amount numeric(38, 18),
      -- Value in USD at the time of the event, as the exchange reports it: the rules' common unit.
      amount_usd double precision,
      -- ISO 3166-1 alpha-2: a login's country, a counterparty's or a bank's jurisdiction.
      country char(2),
      -- Blind index (HMAC) of the canonical counterparty wallet address.
      counterparty_bidx bytea,
      -- Security events: what happened ('2fa_disabled', 'password_changed', 'api_key_created', …); trades: side.
      detail text check (detail ~ '^[a-z0-9_]{1,40}$'),
      -- Per-trader sequence number from the exchange where it sends one (gaps and regressions are detectable).
      source_seq bigint,
      -- Arrived after a newer event of the same trader (beyond the tolerance) or with a sequence that went back:
      -- stored all the same (monitoring must see late events), flagged so the rules and the analyst know.
      late boolean not null default false,
      payload_ct bytea not null
    );
    create index monitoring_event_trader_time on monitoring_event (trader_id, occurred_at);
    create index monitoring_event_time on monitoring_event (occurred_at);
    create index monitoring_event_counterparty on monitoring_event (counterparty_bidx) where counterparty_bidx is not null;
    grant select, insert on monitoring_event to bulwark_app;
    grant usage on sequence monitoring_event_seq_seq to bulwark_app;

    -- Webhook signatures seen (SHA-256 of the signature): each signed request is accepted once (replay window).
    create table monitoring_webhook_nonce (
      signature_sha256 char(64) primary key,
      received_at timestamptz not null
    );
    create index monitoring_webhook_nonce_time on monitoring_webhook_nonce (received_at);
    -- update: only for the row locks (for update skip locked) of the expiry sweep; rows are never updated.
    grant select, insert, update, delete on monitoring_webhook_nonce to bulwark_app;

    -- Idempotency keys of webhook requests: the same key with the same body gets the stored answer again (event
    -- ids, statuses and reason codes only: no personal data), a different body is refused.
    create table monitoring_idempotency (
      key_sha256 char(64) primary key,
      body_sha256 char(64) not null,
      response text not null,
      created_at timestamptz not null
    );
    create index monitoring_idempotency_time on monitoring_idempotency (created_at);
    grant select, insert, update, delete on monitoring_idempotency to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table monitoring_idempotency, monitoring_webhook_nonce, monitoring_event`.execute(db);
}
