// Support desk: replay protection for the signed inbound webhooks. A signature seen once is refused for as long
// as its timestamp could still be accepted (±5 minutes); rows older than that are deleted as new ones arrive.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_inbound_nonce (
      -- SHA-256 of the signature header: the signature covers timestamp and body, so it names one request.
      signature_sha256 char(64) primary key,
      received_at timestamptz not null
    );
    create index support_inbound_nonce_time on support_inbound_nonce (received_at);
    grant select, insert, delete on support_inbound_nonce to bulwark_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table support_inbound_nonce`.execute(db);
}
