// Withdrawal-limit changes (issue 6): every request to change a trader's daily withdrawal limit at the exchange,
// with its state, as a first-class record (src/server/modules/withdrawal-limits/).
//
// An increase is requested by a member (source 'staff') or by the trader through the exchange (source 'trader',
// no staff maker) and waits for a compliance senior; a decrease for a risk reason is applied at once and recorded
// here already applied. The reasons are free text about the trader: ciphertexts under the trader's own key, bound
// to table, column and row. Plain columns are assets, amounts as the exchange states them, states, codes and times.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table withdrawal_limit_request (
      id uuid primary key,
      trader_id uuid not null references trader (id),
      asset text not null check (asset ~ '^[A-Z0-9]{2,12}$'),
      -- Decimal strings as the exchange states them; the limit read from the exchange when the request was made.
      current_limit text not null check (current_limit ~ '^[0-9]{1,18}(\\.[0-9]{1,8})?$'),
      requested_limit text not null check (requested_limit ~ '^[0-9]{1,18}(\\.[0-9]{1,8})?$'),
      direction text not null check (direction in ('increase', 'decrease')),
      source text not null check (source in ('staff', 'trader')),
      requested_by uuid references staff (id),
      -- The exchange's own request id (source 'trader'): its idempotency key.
      external_id text,
      reason_ct bytea not null,
      status text not null check (status in ('pending', 'applied', 'rejected', 'failed', 'expired')),
      decided_by uuid references staff (id),
      decision_reason_ct bytea,
      decided_at timestamptz,
      applied_at timestamptz,
      -- Why the last application at the exchange failed (exchange_unavailable, exchange_rejected…); retry is possible.
      error_code text,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      -- A staff request names its maker; a trader's request has none (the maker is the trader, via the exchange).
      check ((source = 'staff') = (requested_by is not null)),
      check ((source = 'trader') = (external_id is not null)),
      -- Four eyes, also in the database: whoever asked for an increase never decides it.
      check (direction <> 'increase' or decided_by is null or requested_by is null or decided_by <> requested_by),
      -- Only an increase waits for a decision; a decrease is recorded once applied.
      check (direction = 'increase' or status = 'applied')
    );
    create index withdrawal_limit_request_list on withdrawal_limit_request (created_at desc, id desc);
    create index withdrawal_limit_request_status on withdrawal_limit_request (status, created_at desc, id desc);
    create index withdrawal_limit_request_trader on withdrawal_limit_request (trader_id, created_at desc);
    -- One pending increase per trader and asset: a second one would leave the approver two answers to one question.
    create unique index withdrawal_limit_request_one_pending on withdrawal_limit_request (trader_id, asset) where status = 'pending';
    create unique index withdrawal_limit_request_external on withdrawal_limit_request (external_id) where external_id is not null;
    grant select, insert, update on withdrawal_limit_request to bulwark_app;

    -- Signatures of the exchange's signed requests already received (replay protection), kept for 2 × the skew.
    create table withdrawal_limit_inbound_nonce (
      signature_sha256 text primary key,
      received_at timestamptz not null
    );
    create index withdrawal_limit_inbound_nonce_time on withdrawal_limit_inbound_nonce (received_at);
    grant select, insert, delete on withdrawal_limit_inbound_nonce to bulwark_app;

    -- Issue 4 filed withdrawal-limit changes as generic four-eyes requests (kind exchange.withdrawal_limit), whose
    -- reason was stored in clear and which could not record a failed application. That kind is gone: requests still
    -- pending end as expired (the inbox shows them so) and must be made again here.
    update approval_request set status = 'expired' where kind = 'exchange.withdrawal_limit' and status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table withdrawal_limit_inbound_nonce, withdrawal_limit_request`.execute(db);
}
