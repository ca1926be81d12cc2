// Outgoing e-mail: invitations, password-reset links and security notices. Every message is first written to
// email_outbox inside the audited transaction of the action that sends it (recipient and body encrypted under
// the field ring, bound to their row), then delivered over SMTP after the commit when SMTP_URL is set. Without
// SMTP the outbox is the only copy, and the development outbox page shows it.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { DB } from '../../platform/db/schema.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface EmailDeps {
  audited: Audited;
  /** Platform handle for delivery bookkeeping after the sending action committed. */
  db: Kysely<DB>;
  vault: Vault;
  clock: Clock;
  smtpUrl: string | undefined;
  from: string;
  env: 'development' | 'production' | 'test';
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export interface OutgoingEmail {
  to: string;
  /** Stored in clear: never put personal data or secrets in a subject. */
  subject: string;
  text: string;
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  body: string;
  createdAt: string;
  sentAt: string | null;
  error: string | null;
}

export type EmailService = ReturnType<typeof createEmailService>;

/** Messages older than this are no longer retried. */
const RETRY_FOR_MS = 24 * 3600_000;
const POLL_EVERY_MS = 30_000;

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || (isIP(h) === 4 && h.startsWith('127.')) || h === '::1';
}

/** nodemailer options from SMTP_URL. A relay that is not on this machine must speak TLS (smtps, or STARTTLS). */
export function smtpOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    // Links in these messages are credentials: never send them in clear over the network.
    requireTLS: !secure && !isLoopbackHost(u.hostname),
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** Creates the e-mail service (outbox + SMTP delivery). */
export function createEmailService(d: EmailDeps) {
  const transport: Transporter | undefined = d.smtpUrl ? nodemailer.createTransport(smtpOptions(d.smtpUrl)) : undefined;
  const binding = (id: string, column: 'to_ct' | 'body_ct') => ({ table: 'email_outbox', column, rowId: id });
  let chain: Promise<number> = Promise.resolve(0);
  let timer: NodeJS.Timeout | undefined;
  const pending = new Set<Promise<unknown>>();

  async function deliverOnce(): Promise<number> {
    if (!transport) return 0;
    const now = d.clock.now();
    const rows = await d.db
      .selectFrom('email_outbox')
      .select(['id', 'to_ct', 'subject', 'body_ct'])
      .where('sent_at', 'is', null)
      .where('created_at', '>', new Date(now.getTime() - RETRY_FOR_MS))
      .orderBy('created_at')
      .limit(50)
      .execute();
    let sent = 0;
    for (const r of rows) {
      // Claim first, so that two server processes never send the same message.
      const claim = await d.db.updateTable('email_outbox').set({ sent_at: d.clock.now(), error: null }).where('id', '=', r.id).where('sent_at', 'is', null).executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) continue;
      try {
        const to = await d.vault.decrypt(binding(r.id, 'to_ct'), r.to_ct);
        const text = await d.vault.decrypt(binding(r.id, 'body_ct'), r.body_ct);
        await transport.sendMail({ from: d.from, to, subject: r.subject, text, headers: { 'Auto-Submitted': 'auto-generated' } });
        sent++;
      } catch (err) {
        // Only the error's code is kept: SMTP replies can quote the recipient's address.
        const e = err as { code?: string; responseCode?: number };
        const error = `${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}`.slice(0, 100);
        await d.db.updateTable('email_outbox').set({ sent_at: null, error }).where('id', '=', r.id).execute();
        d.log.warn({ outboxId: r.id, error }, 'e-mail delivery failed; will retry');
      }
    }
    return sent;
  }

  const service = {
    /** True when the development outbox page may be shown (not in production with a real mail relay). */
    outboxAvailable: d.env !== 'production' || !d.smtpUrl,
    /** True when messages leave the building (SMTP_URL is set). */
    delivers: Boolean(transport),

    /** Queues a message inside the caller's audited transaction; it is delivered after the commit. */
    async enqueueIn(tx: AuditedTx, msg: OutgoingEmail): Promise<string> {
      const id = randomUUID();
      await tx
        .insertInto('email_outbox')
        .values({
          id,
          to_ct: d.vault.encrypt(binding(id, 'to_ct'), msg.to),
          subject: msg.subject.replace(/[\r\n]+/g, ' ').slice(0, 200),
          body_ct: d.vault.encrypt(binding(id, 'body_ct'), msg.text),
          created_at: d.clock.now(),
        })
        .execute();
      return id;
    },

    /** Delivers every queued message now (runs are serialised); resolves with how many were sent. */
    async deliverPending(): Promise<number> {
      const run = chain.then(deliverOnce, deliverOnce);
      chain = run.catch(() => 0);
      return run;
    },

    /** Starts delivery in the background (call after the sending action committed). */
    kick(delayMs = 0): void {
      if (!transport) return;
      const p = new Promise((r) => setTimeout(r, delayMs))
        .then(() => service.deliverPending())
        .catch((err) => d.log.error({ err }, 'e-mail delivery run failed'))
        .finally(() => pending.delete(p));
      pending.add(p);
    },

    /** Kicks delivery for a message queued inside a transaction that commits later (e.g. an approval). */
    kickSoon(): void {
      for (const ms of [50, 500, 2000]) service.kick(ms);
    },

    /** Waits for background deliveries started so far (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await chain;
    },

    /** Retries undelivered messages periodically (the server starts it; CLI one-shots do not). */
    start(): void {
      if (!transport || timer) return;
      timer = setInterval(() => service.kick(), POLL_EVERY_MS);
      timer.unref();
      service.kick();
    },

    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await service.idle();
      transport?.close();
    },

    /** The newest messages, decrypted, for the development outbox page. Reading it is audited. */
    async listOutbox(ctx: ActorContext, limit: number): Promise<OutboxMessage[]> {
      return d.audited(ctx, { action: 'email.outbox_read', target: { type: 'email_outbox' } }, async (tx) => {
        const rows = await tx.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
        const out: OutboxMessage[] = [];
        for (const r of rows) {
          out.push({
            id: r.id,
            to: await d.vault.decrypt(binding(r.id, 'to_ct'), r.to_ct),
            subject: r.subject,
            body: await d.vault.decrypt(binding(r.id, 'body_ct'), r.body_ct),
            createdAt: new Date(r.created_at).toISOString(),
            sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
            error: r.error,
          });
        }
        return out;
      });
    },
  };
  return service;
}
