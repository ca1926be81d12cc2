// E-mail: delivered over real SMTP (an in-process smtp-server) when SMTP_URL is set, always kept in the outbox
// with recipient and body encrypted (bound to their row), retried after a failure, and the development outbox
// page refused in production when a real relay is configured.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { expectAudited } from '../../../../test/helpers/audit.js';
import { call, linkToken, signInFresh } from '../../../../test/helpers/identity.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { smtpOptions } from './email.service.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

async function startSmtp(opts: { rejectRcpt?: () => boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (opts.rejectRcpt?.()) return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const clock = new FakeClock('2026-11-21T09:00:00.000Z');

describe('e-mail over SMTP', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let refuse = false;

  before(async () => {
    smtp = await startSmtp({ rejectRcpt: () => refuse });
    t = await createTestApp({ clock, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Bulwark <no-reply@bank.test>' } });
  });
  after(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('delivers an invitation to the invitee over SMTP and marks it sent', async () => {
    const admin = await createMember(t, clock, { email: 'ada.admin@bank.test', roles: ['admin'], displayName: 'Ada' });
    const c = await signInFresh(t, admin, clock);
    const res = await call(t, c, { method: 'POST', url: '/api/v1/staff/invitations', payload: { email: 'ivy.invitee@bank.test', displayName: 'Ivy', roles: ['support_junior'] } });
    assert.equal(res.statusCode, 201, res.body);
    await t.container.email.idle();
    await t.container.email.deliverPending();
    const got = smtp.received.find((m) => m.to.includes('ivy.invitee@bank.test'));
    assert.ok(got, 'the SMTP server received the invitation');
    assert.equal(got.from, 'no-reply@bank.test');
    assert.match(got.data, /Subject: Your invitation to Bulwark/);
    // The body is quoted-printable: undo soft line breaks and =XX escapes before looking for the link.
    const text = got.data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    assert.equal(linkToken(text), linkToken(res.json().link));
    const row = await t.container.db.system.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.ok(row.sent_at);
    // Recipient and body are ciphertexts, bound to their row and column.
    assert.ok(!Buffer.from(row.to_ct).toString('latin1').includes('ivy.invitee'));
    assert.ok(!Buffer.from(row.body_ct).toString('latin1').includes('#token='));
    await assert.rejects(t.container.vault.decrypt({ table: 'email_outbox', column: 'body_ct', rowId: row.id }, row.to_ct));
    // Outside production the outbox page is available (and reading it is audited).
    const box = await call(t, c, { url: '/api/v1/dev/outbox' });
    assert.equal(box.statusCode, 200);
    assert.equal(box.json().delivers, true);
    assert.ok(box.json().messages.some((m: { to: string; sentAt: string | null }) => m.to === 'ivy.invitee@bank.test' && m.sentAt));
    await expectAudited(t, { action: 'email.outbox_read', outcome: 'ok', actorId: admin.id });
  });

  it('keeps a message the relay refused and retries it', async () => {
    refuse = true;
    await t.container.audited(systemContext('test'), { action: 'test.mail' }, async (tx) => {
      await t.container.email.enqueueIn(tx, { to: 'bounce.bob@bank.test', subject: 'test', text: 'hello' });
    });
    assert.equal(await t.container.email.deliverPending(), 0);
    const failed = await t.container.db.system.selectFrom('email_outbox').select(['sent_at', 'error']).where('subject', '=', 'test').executeTakeFirstOrThrow();
    assert.equal(failed.sent_at, null);
    assert.match(failed.error ?? '', /550/);
    assert.ok(!(failed.error ?? '').includes('bounce.bob'), 'no address in the stored error');
    refuse = false;
    assert.equal(await t.container.email.deliverPending(), 1);
    assert.ok(smtp.received.some((m) => m.to.includes('bounce.bob@bank.test')));
  });

  it('requires TLS towards a relay that is not on this machine', () => {
    assert.equal(smtpOptions('smtp://relay.bank.test:587').requireTLS, true);
    assert.equal(smtpOptions('smtp://127.0.0.1:2525').requireTLS, false);
    const s = smtpOptions('smtps://user%40bank:p%40ss@relay.bank.test');
    assert.equal(s.secure, true);
    assert.equal(s.port, 465);
    assert.deepEqual(s.auth, { user: 'user@bank', pass: 'p@ss' });
  });
});

describe('the development outbox in production', () => {
  it('is refused when a real relay is configured', async () => {
    const t = await createTestApp({ clock, env: { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const admin = await createMember(t, clock, { email: 'ada.admin@bank.test', roles: ['admin'], displayName: 'Ada' });
      const c = await signInFresh(t, admin, clock);
      expectProblem(await call(t, c, { url: '/api/v1/dev/outbox' }), 404, 'not_found');
    } finally {
      await t.close();
    }
  });
});
