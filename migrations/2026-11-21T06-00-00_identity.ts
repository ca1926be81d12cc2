// Staff identity and access: roles as data, field policies, invitations, second factors, throttling,
// adaptive sign-in rules, security alerts, four-eyes approvals and the e-mail outbox.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Roles are data (editable by administrators); permissions are code (one registry) and are granted here.
    create table role (
      name text primary key check (name ~ '^[a-z][a-z0-9_]{1,62}$'),
      description text not null default '',
      builtin boolean not null default false,
      -- Granting a privileged role needs a second member's approval (four eyes).
      privileged boolean not null default false,
      -- Members must sign in with a hardware key (WebAuthn), not only TOTP.
      require_hardware_key boolean not null default false,
      -- Idle timeout for sessions of members with this role (the strictest of a member's roles applies).
      idle_timeout_minutes integer not null default 10 check (idle_timeout_minutes between 1 and 15),
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create table role_permission (
      role text not null references role (name) on delete cascade,
      permission text not null,
      primary key (role, permission)
    );
    -- Per role and field class: what a member sees of trader fields.
    create table role_field_policy (
      role text not null references role (name) on delete cascade,
      field_class text not null check (field_class in ('public', 'contact', 'identity', 'financial', 'security', 'secret')),
      visibility text not null check (visibility in ('full', 'masked', 'reveal', 'hidden')),
      primary key (role, field_class),
      check (field_class <> 'secret' or visibility = 'hidden')
    );

    alter table staff
      add column failed_logins integer not null default 0,
      add column locked_until timestamptz,
      add column frozen_reason text,
      add column allowed_cidrs text[] not null default '{}',
      add column password_changed_at timestamptz,
      add column invited_by uuid;

    alter table staff_session
      add column mfa_at timestamptz,
      add column mfa_method text,
      add column idle_timeout_ms integer not null default 600000,
      add column country text;

    -- One-time links: invitations of new members and password resets (which never bypass the second factor).
    create table staff_invitation (
      id uuid primary key,
      kind text not null check (kind in ('invite', 'reset')),
      token_hash char(64) not null unique,
      staff_id uuid references staff (id),
      email_ct bytea,
      email_bidx bytea,
      display_name text,
      roles text[] not null default '{}',
      created_by text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz,
      pending_totp_ct bytea
    );

    create table webauthn_credential (
      id text primary key,
      staff_id uuid not null references staff (id),
      name text not null,
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      aaguid text,
      device_type text,
      backed_up boolean not null default false,
      created_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index webauthn_credential_staff_idx on webauthn_credential (staff_id) where revoked_at is null;

    -- Pending WebAuthn ceremonies: the challenge is single use and short-lived.
    create table webauthn_challenge (
      id uuid primary key,
      staff_id uuid references staff (id),
      session_hash char(64),
      purpose text not null check (purpose in ('register', 'authenticate')),
      challenge text not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );

    create table recovery_code (
      staff_id uuid not null references staff (id),
      code_hash text not null,
      created_at timestamptz not null,
      used_at timestamptz,
      primary key (staff_id, code_hash)
    );

    -- Sign-in throttling, per account and per address: growing delays and lock-out.
    create table sign_in_throttle (
      key text primary key,
      failures integer not null default 0,
      last_failure_at timestamptz,
      blocked_until timestamptz
    );

    -- Where a member has signed in from: a country or network never seen before freezes the account.
    create table staff_known_location (
      staff_id uuid not null references staff (id),
      kind text not null check (kind in ('country', 'network')),
      value text not null,
      first_seen timestamptz not null,
      last_seen timestamptz not null,
      primary key (staff_id, kind, value)
    );

    create table security_alert (
      id uuid primary key,
      kind text not null,
      severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
      staff_id uuid references staff (id),
      summary text not null,
      details jsonb not null default '{}',
      status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
      created_at timestamptz not null,
      resolved_by uuid references staff (id),
      resolved_at timestamptz,
      resolution text
    );
    create index security_alert_open_idx on security_alert (created_at) where status <> 'resolved';

    -- Four eyes: a request made by one member, decided by another who holds the approving permission.
    create table approval_request (
      id uuid primary key,
      kind text not null,
      payload jsonb not null,
      reason text not null,
      maker_id uuid not null references staff (id),
      status text not null check (status in ('pending', 'approved', 'rejected', 'expired', 'executed', 'failed')),
      checker_id uuid references staff (id),
      decided_at timestamptz,
      decision_reason text,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      check (checker_id is null or checker_id <> maker_id)
    );
    create index approval_request_pending_idx on approval_request (created_at) where status = 'pending';

    -- Outgoing e-mail: sent over SMTP when configured, and always kept for the development outbox page.
    create table email_outbox (
      id uuid primary key,
      to_ct bytea not null,
      subject text not null,
      body_ct bytea not null,
      created_at timestamptz not null,
      sent_at timestamptz,
      error text
    );
  `.execute(db);

  await sql`
    grant select, insert, update, delete on role, role_permission, role_field_policy, staff_invitation,
      webauthn_credential, webauthn_challenge, recovery_code, sign_in_throttle, staff_known_location,
      security_alert, approval_request, email_outbox to bulwark_app;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the identity migration cannot be reverted');
}
