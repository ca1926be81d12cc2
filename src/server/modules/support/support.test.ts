// The support desk from the attacker's side: roles (marketing/auditor 403, junior sees masked contact and cannot
// open attachments or manage canned replies), IDOR (another trader's ticket, random and malformed ids), the
// anti-phishing refusal (nothing stored or sent), signed webhooks (missing/bad signature, stale timestamp, replay,
// unknown sender), attachments typed by content and size-limited, redaction before storage (the plain secret is
// nowhere in the database), SLA clocks from the injected clock, and the audit rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader, type SyntheticTrader } from '../demo/synthetic.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './index.js';
import { MAX_ATTACHMENT_BYTES } from './support.attachments.js';

const SECRET = 'test-webhook-secret-0123456789abcdef0123456789';
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n').toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

function trader(over: Partial<SyntheticTrader>): SyntheticTrader {
  return { ...syntheticTrader(1), kind: 'individual', persons: [], registrationNumber: null, ...over };
}

describe('support desk', () => {
  let t: TestApp;
  let adaId: string;
  let bobId: string;
  const ADA_EMAIL = 'ada.lovelace@analytical.test';
  const m: Record<string, TestMember> = {};
  let n = 0;
  const session = async (who: TestMember) => {
    clock.advance(31_000);
    const ip = `127.3.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, who, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const call = (s: S, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });

  const inbound = (path: 'messages' | 'email', body: object | string, opts: { ts?: number; secret?: string; sig?: string } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(clock.now().getTime() / 1000);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/support/inbound/${path}`,
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: opts.sig ?? signInbound(opts.secret ?? SECRET, ts, raw) },
      payload: raw,
    });
  };
  /** Sends a trader message and returns the ticket it landed on (the newest ticket of that trader). */
  const traderWrites = async (body: object) => {
    clock.advance(1000);
    const res = await inbound('messages', body);
    assert.equal(res.statusCode, 202, res.body);
    const row = await t.container.db.system.selectFrom('ticket').select(['id', 'number']).orderBy('number', 'desc').executeTakeFirstOrThrow();
    return { id: row.id, number: Number(row.number) };
  };

  let junior: S, senior: S, marketing: S, auditor: S, compliance: S;

  before(async () => {
    t = await createTestApp({ clock, env: { SUPPORT_WEBHOOK_SECRET: SECRET } });
    for (const role of ['support_junior', 'support_senior', 'marketing', 'auditor', 'compliance_officer']) {
      m[role] = await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}` });
    }
    adaId = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-ADA-1', legalName: 'Ada Lovelace', email: ADA_EMAIL, phone: '+44 20 7946 0958', antiPhishingCode: 'BLUE-FOX-42' }));
    bobId = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-BOB-2', legalName: 'Bob Builder', email: 'bob@builder.test', antiPhishingCode: null }));
    junior = await session(m.support_junior!);
    senior = await session(m.support_senior!);
    marketing = await session(m.marketing!);
    auditor = await session(m.auditor!);
    compliance = await session(m.compliance_officer!);
  });
  after(async () => t?.close());

  describe('signed inbound webhooks', () => {
    it('refuses a missing, wrong or stale signature (401, audited as a denied security event)', async () => {
      const body = { accountRef: 'ACC-ADA-1', body: 'hello' };
      const unsigned = await t.app.inject({ method: 'POST', url: '/api/v1/support/inbound/messages', payload: body });
      expectProblem(unsigned, 401, 'webhook_signature_invalid');
      expectProblem(await inbound('messages', body, { secret: 'another-secret-of-sufficient-length-000000' }), 401, 'webhook_signature_invalid');
      expectProblem(await inbound('messages', body, { sig: 'sha256=' + '0'.repeat(64) }), 401, 'webhook_signature_invalid');
      const stale = Math.floor(clock.now().getTime() / 1000) - 6 * 60;
      expectProblem(await inbound('messages', body, { ts: stale }), 401, 'webhook_signature_invalid');
      const future = Math.floor(clock.now().getTime() / 1000) + 6 * 60;
      expectProblem(await inbound('messages', body, { ts: future }), 401, 'webhook_signature_invalid');
      // A signed body that was changed afterwards.
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, JSON.stringify(body));
      expectProblem(await inbound('messages', { ...body, body: 'changed' }, { ts, sig }), 401, 'webhook_signature_invalid');
      const rows = await findAudited(t, { action: 'ticket.inbound_rejected', outcome: 'denied' });
      assert.ok(rows.length >= 6);
      assert.ok(rows.some((r) => r.fields.includes('reason.timestamp')));
      assert.equal(await t.container.db.system.selectFrom('ticket').select('id').executeTakeFirst(), undefined, 'nothing stored');
    });

    it('refuses a replay of an accepted request (409, audited)', async () => {
      const raw = JSON.stringify({ accountRef: 'ACC-ADA-1', subject: 'Replay test', body: 'first delivery' });
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, raw);
      assert.equal((await inbound('messages', raw, { ts, sig })).statusCode, 202);
      expectProblem(await inbound('messages', raw, { ts, sig }), 409, 'webhook_replayed');
      await expectAudited(t, { action: 'ticket.inbound', outcome: 'denied', errorCode: 'webhook_replayed' });
      const count = await t.container.db.system.selectFrom('ticket_message').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    it('validates the body only after the signature, as problem+json', async () => {
      expectProblem(await inbound('messages', { accountRef: 'ACC-ADA-1' }), 400, 'validation_failed');
      expectProblem(await inbound('messages', '{not json'), 400, 'bad_request');
    });

    it('an unknown sender gets the same 202 and is dropped (audited), by API and by e-mail', async () => {
      const before = await lastSeq(t);
      const a = await inbound('messages', { accountRef: 'ACC-NOBODY', body: 'hello' });
      const b = await inbound('email', { dmarc: 'pass', from: 'Mallory <mallory@evil.test>', subject: 'hi', text: 'is this address a customer?' });
      const known = await inbound('email', { dmarc: 'pass', from: `Ada <${ADA_EMAIL}>`, subject: 'Question', text: 'Where is my deposit?' });
      for (const r of [a, b, known]) assert.equal(r.statusCode, 202);
      assert.equal(a.body, known.body, 'the answer does not tell known from unknown senders');
      const dropped = (await findAudited(t, { action: 'ticket.inbound', outcome: 'ok' })).filter((r) => r.seq > before && r.fields.includes('result.dropped_unknown_sender'));
      assert.equal(dropped.length, 2);
    });

    it('an e-mail whose sender the gateway could not authenticate (DMARC not pass) is dropped, even from a known address', async () => {
      const before = await lastSeq(t);
      for (const dmarc of ['fail', 'none', 'temperror']) {
        const r = await inbound('email', { dmarc, from: `Ada <${ADA_EMAIL}>`, subject: 'Please change my withdrawal address', text: 'To bc1q-attacker' });
        assert.equal(r.statusCode, 202, 'the same answer as for a delivered message');
      }
      const dropped = (await findAudited(t, { action: 'ticket.inbound', outcome: 'ok' })).filter((r) => r.seq > before && r.fields.includes('result.dropped_unauthenticated_sender'));
      assert.equal(dropped.length, 3);
      const stored = await t.container.db.system.selectFrom('ticket_message').select('id').where('created_at', '>', clock.now()).execute();
      assert.equal(stored.length, 0);
      expectProblem(await inbound('email', { from: `Ada <${ADA_EMAIL}>`, subject: 'x', text: 'no verdict at all' }), 400, 'validation_failed');
    });

    it('an e-mail with [#n] in the subject lands on that ticket; a closed one opens a new ticket', async () => {
      const first = await traderWrites({ accountRef: 'ACC-ADA-1', subject: 'Card payment', body: 'My card payment failed.' });
      clock.advance(1000);
      await inbound('email', { dmarc: 'pass', from: ADA_EMAIL, subject: `Re: [#${first.number}] Reply from support`, text: 'Still failing.' });
      const view = (await call(senior, 'GET', `/api/v1/support/tickets/${first.id}`)).json();
      assert.deepEqual(view.messages.map((x: { body: string }) => x.body), ['My card payment failed.', 'Still failing.']);
      // Bob's e-mail naming Ada's ticket does not land on it.
      clock.advance(1000);
      await inbound('email', { dmarc: 'pass', from: 'bob@builder.test', subject: `[#${first.number}]`, text: 'sneaky' });
      const again = (await call(senior, 'GET', `/api/v1/support/tickets/${first.id}`)).json();
      assert.equal(again.messages.length, 2);
      assert.equal((await call(senior, 'PATCH', `/api/v1/support/tickets/${first.id}`, { status: 'closed' })).statusCode, 200);
      clock.advance(1000);
      await inbound('email', { dmarc: 'pass', from: ADA_EMAIL, subject: `Re: [#${first.number}]`, text: 'One more thing.' });
      const newest = await t.container.db.system.selectFrom('ticket').select(['id', 'number']).orderBy('number', 'desc').executeTakeFirstOrThrow();
      assert.notEqual(newest.id, first.id);
    });
  });

  describe('without SUPPORT_WEBHOOK_SECRET', () => {
    it('inbound answers 503 inbound_not_configured', async () => {
      const t2 = await createTestApp({ clock });
      try {
        const res = await t2.app.inject({ method: 'POST', url: '/api/v1/support/inbound/email', payload: { from: 'a@b.c', text: 'x' } });
        expectProblem(res, 503, 'inbound_not_configured');
      } finally {
        await t2.close();
      }
    });
  });

  describe('roles and ids', () => {
    let adaTicket: { id: string; number: number };
    let bobTicket: { id: string; number: number };
    before(async () => {
      adaTicket = await traderWrites({ accountRef: 'ACC-ADA-1', subject: 'Login issue', body: 'I cannot log in.', attachments: [{ filename: 'screen.png', contentBase64: PNG_1X1 }] });
      bobTicket = await traderWrites({ accountRef: 'ACC-BOB-2', subject: 'Bob asks', body: 'Hello from Bob.' });
    });

    it('marketing and auditors get 403 everywhere; the denial is audited', async () => {
      for (const s of [marketing, auditor]) {
        expectProblem(await call(s, 'GET', '/api/v1/support/tickets'), 403, 'forbidden');
        expectProblem(await call(s, 'GET', `/api/v1/support/tickets/${adaTicket.id}`), 403, 'forbidden');
        expectProblem(await call(s, 'GET', `/api/v1/traders/${adaId}/tickets`), 403, 'forbidden');
        expectProblem(await call(s, 'GET', '/api/v1/support/canned-replies'), 403, 'forbidden');
      }
      await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: m.marketing!.id });
      await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: m.auditor!.id });
    });

    it('junior support sees the chat and MASKED contact; compliance sees it in full', async () => {
      const j = await call(junior, 'GET', `/api/v1/support/tickets/${adaTicket.id}`);
      assert.equal(j.statusCode, 200, j.body);
      const jv = j.json();
      assert.equal(jv.contact.email, 'a***@a***.test');
      assert.equal(jv.contact.phone, '***58');
      assert.equal(jv.contact.displayName, 'Ada');
      assert.deepEqual(jv.masked.sort(), ['email', 'phone']);
      assert.ok(!j.body.includes(ADA_EMAIL) && !j.body.includes('7946'));
      assert.equal(jv.messages[0].body, 'I cannot log in.');
      assert.equal(jv.canOpenAttachments, false);
      assert.equal(jv.messages[0].attachments[0].filename, 'screen.png');
      const ev = await expectAudited(t, { action: 'ticket.view', outcome: 'ok', actorId: m.support_junior!.id });
      assert.ok(ev.fields.includes('contact.email:masked'));
      const c = (await call(compliance, 'GET', `/api/v1/support/tickets/${adaTicket.id}`)).json();
      assert.equal(c.contact.email, ADA_EMAIL);
    });

    it('junior support cannot open attachment content; seniors get it inline with nosniff and a sandbox CSP (audited)', async () => {
      const view = (await call(senior, 'GET', `/api/v1/support/tickets/${adaTicket.id}`)).json();
      const att = view.messages[0].attachments[0];
      assert.equal(att.contentType, 'image/png');
      const url = `/api/v1/support/tickets/${adaTicket.id}/attachments/${att.id}`;
      expectProblem(await call(junior, 'GET', url), 403, 'forbidden');
      const res = await call(senior, 'GET', url);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/png');
      assert.match(String(res.headers['content-disposition']), /^inline; filename="screen.png"/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['content-security-policy'], 'sandbox');
      assert.equal(res.rawPayload.toString('base64'), PNG_1X1);
      await expectAudited(t, { action: 'ticket.attachment_open', outcome: 'ok', actorId: m.support_senior!.id, targetId: att.id });
      // The attachment id under another ticket: 404, audited as a denial.
      expectProblem(await call(senior, 'GET', `/api/v1/support/tickets/${bobTicket.id}/attachments/${att.id}`), 404, 'not_found');
      expectProblem(await call(senior, 'GET', `/api/v1/support/tickets/${adaTicket.id}/attachments/not-an-id`), 404, 'not_found');
    });

    it('IDOR: random and malformed ticket ids are 404; the per-trader list shows only that trader', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '1', "' or 1=1 --"]) {
        expectProblem(await call(senior, 'GET', `/api/v1/support/tickets/${encodeURIComponent(id)}`), 404, 'not_found');
        expectProblem(await call(senior, 'POST', `/api/v1/support/tickets/${encodeURIComponent(id)}/notes`, { body: 'x' }), 404, 'not_found');
      }
      expectProblem(await call(senior, 'GET', '/api/v1/traders/00000000-0000-4000-8000-000000000000/tickets'), 404, 'not_found');
      const bob = (await call(junior, 'GET', `/api/v1/traders/${bobId}/tickets`)).json();
      assert.ok(bob.tickets.length >= 1);
      assert.ok(bob.tickets.every((x: { traderId: string }) => x.traderId === bobId));
      assert.ok(!bob.tickets.some((x: { id: string }) => x.id === adaTicket.id));
      await expectAudited(t, { action: 'trader.tickets_view', outcome: 'ok', targetId: bobId });
    });

    it('canned replies: everyone with ticket.read lists them, only ticket.canned.manage changes them; {{displayName}} is filled in', async () => {
      expectProblem(await call(junior, 'POST', '/api/v1/support/canned-replies', { name: 'x', body: 'y' }), 403, 'forbidden');
      const made = await call(senior, 'POST', '/api/v1/support/canned-replies', { name: 'Greeting', body: 'Hello {{displayName}}, thanks for writing to us.' });
      assert.equal(made.statusCode, 201, made.body);
      const id = made.json().cannedReply.id as string;
      expectProblem(await call(senior, 'POST', '/api/v1/support/canned-replies', { name: 'Greeting', body: 'dup' }), 409, 'conflict');
      expectProblem(await call(junior, 'PUT', `/api/v1/support/canned-replies/${id}`, { name: 'x', body: 'y' }), 403, 'forbidden');
      expectProblem(await call(junior, 'DELETE', `/api/v1/support/canned-replies/${id}`), 403, 'forbidden');
      assert.equal((await call(junior, 'GET', '/api/v1/support/canned-replies')).json().cannedReplies.length, 1);
      const rendered = await call(junior, 'GET', `/api/v1/support/tickets/${adaTicket.id}/canned-replies/${id}`);
      assert.equal(rendered.json().body, 'Hello Ada, thanks for writing to us.');
      const sent = await call(junior, 'POST', `/api/v1/support/tickets/${adaTicket.id}/replies`, { cannedReplyId: id });
      assert.equal(sent.statusCode, 201, sent.body);
      const view = (await call(junior, 'GET', `/api/v1/support/tickets/${adaTicket.id}`)).json();
      assert.equal(view.messages.at(-1).body, 'Hello Ada, thanks for writing to us.');
      await expectAudited(t, { action: 'canned_reply.create', outcome: 'ok', targetId: id });
      expectProblem(await call(senior, 'DELETE', '/api/v1/support/canned-replies/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      assert.equal((await call(senior, 'DELETE', `/api/v1/support/canned-replies/${id}`)).statusCode, 204);
    });
  });

  describe('replies, notes, redaction', () => {
    it('a reply carries the anti-phishing code and the ticket number; it is e-mailed to the trader', async () => {
      const tk = await traderWrites({ accountRef: 'ACC-ADA-1', subject: 'Deposit missing', body: 'My EUR deposit has not arrived.' });
      const res = await call(junior, 'POST', `/api/v1/support/tickets/${tk.id}/replies`, { body: 'We are looking into it.' });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual(res.json().redacted, []);
      const out = await t.container.email.listOutbox(systemContext('test'), 5);
      const mail = out.find((x) => x.subject.includes(`[#${tk.number}]`))!;
      assert.ok(mail, 'queued');
      assert.equal(mail.to, ADA_EMAIL);
      assert.equal(mail.body.split('\n')[0], 'Your anti-phishing code: BLUE-FOX-42');
      assert.ok(mail.body.includes('We are looking into it.'));
      assert.ok(!mail.subject.includes('Deposit'), 'the ticket subject never goes into the clear-text e-mail subject');
      await expectAudited(t, { action: 'ticket.reply', outcome: 'ok', targetId: tk.id, actorId: m.support_junior!.id });
      const view = (await call(junior, 'GET', `/api/v1/support/tickets/${tk.id}`)).json();
      assert.equal(view.ticket.status, 'pending');
      assert.ok(view.ticket.sla.firstResponse.metAt);
    });

    it('a reply for a trader without an anti-phishing code is refused (422) and nothing is stored or sent', async () => {
      const tk = await traderWrites({ accountRef: 'ACC-BOB-2', subject: 'No code', body: 'Please help.' });
      const count = async (table: 'ticket_message' | 'email_outbox') =>
        Number((await t.container.db.system.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      const before = { msgs: await count('ticket_message'), mails: await count('email_outbox') };
      const res = await call(senior, 'POST', `/api/v1/support/tickets/${tk.id}/replies`, { body: 'Hello Bob' });
      const body = expectProblem(res, 422, 'anti_phishing_code_missing');
      assert.match(String(body.title), /ask the trader to set one/);
      expectProblem(await call(senior, 'POST', '/api/v1/support/tickets', { traderId: bobId, subject: 'Hi', body: 'Hello' }), 422, 'anti_phishing_code_missing');
      assert.deepEqual({ msgs: await count('ticket_message'), mails: await count('email_outbox') }, before);
      await expectAudited(t, { action: 'ticket.reply', outcome: 'error', errorCode: 'anti_phishing_code_missing' });
    });

    it('staff can open a ticket for a trader (the first message is sent as a reply)', async () => {
      const res = await call(senior, 'POST', '/api/v1/support/tickets', { traderId: adaId, subject: 'Your KYC documents', body: 'Please upload a new proof of address.', priority: 'high', tags: ['kyc'] });
      assert.equal(res.statusCode, 201, res.body);
      const view = (await call(senior, 'GET', `/api/v1/support/tickets/${res.json().ticketId}`)).json();
      assert.equal(view.ticket.channel, 'staff');
      assert.equal(view.ticket.priority, 'high');
      assert.equal(view.messages[0].kind, 'reply');
      expectProblem(await call(junior, 'POST', '/api/v1/support/tickets', { traderId: 'nope', subject: 'x', body: 'y' }), 404, 'not_found');
      expectProblem(await call(junior, 'POST', '/api/v1/support/tickets', { traderId: adaId, subject: '', body: 'y' }), 400, 'validation_failed');
    });

    it('internal notes are kept apart (kind internal) and never e-mailed', async () => {
      const tk = await traderWrites({ accountRef: 'ACC-ADA-1', subject: 'Note test', body: 'Hi' });
      const outBefore = (await t.container.email.listOutbox(systemContext('test'), 200)).length;
      const res = await call(junior, 'POST', `/api/v1/support/tickets/${tk.id}/notes`, { body: 'Checked with payments: a known delay.' });
      assert.equal(res.statusCode, 201);
      const view = (await call(junior, 'GET', `/api/v1/support/tickets/${tk.id}`)).json();
      assert.deepEqual(view.messages.map((x: { kind: string }) => x.kind), ['trader', 'internal']);
      assert.equal(view.messages[1].authorName, 'M support_junior');
      assert.equal((await t.container.email.listOutbox(systemContext('test'), 200)).length, outBefore);
      await expectAudited(t, { action: 'ticket.note_add', outcome: 'ok', targetId: tk.id });
    });

    it('secrets are redacted before storage (inbound, replies, notes), the agent is warned, the kinds audited; the plain secret is nowhere in the database', async () => {
      const card = '4111 1111 1111 1111';
      const tk = await traderWrites({
        accountRef: 'ACC-ADA-1',
        subject: `My words ${SEED}`,
        body: `Please restore my wallet, words: ${SEED}. Thanks`,
        attachments: [{ filename: 'words.txt', contentBase64: b64(`my words\n${SEED}\n`) }],
      });
      await expectAudited(t, { action: 'ticket.secret_redacted', targetId: tk.id });
      const note = await call(senior, 'POST', `/api/v1/support/tickets/${tk.id}/notes`, { body: `The trader also sent card ${card}` });
      assert.deepEqual(note.json().redacted, ['card_number']);
      const reply = await call(senior, 'POST', `/api/v1/support/tickets/${tk.id}/replies`, { body: `Never share these: ${SEED}` });
      assert.deepEqual(reply.json().redacted, ['seed_phrase']);
      const ev = await expectAudited(t, { action: 'ticket.secret_redacted', targetId: tk.id, actorId: m.support_senior!.id });
      assert.deepEqual(ev.fields, ['redacted.seed_phrase']);
      const view = (await call(senior, 'GET', `/api/v1/support/tickets/${tk.id}`)).json();
      assert.equal(view.ticket.subject, 'My words [redacted: seed phrase]');
      assert.equal(view.messages[0].body, 'Please restore my wallet, words: [redacted: seed phrase]. Thanks');
      assert.deepEqual(view.messages[0].redactions, ['seed_phrase']);
      assert.equal(view.messages[1].body, 'The trader also sent card [redacted: card number]');
      const txtId = view.messages[0].attachments[0].id;
      const txt = await call(senior, 'GET', `/api/v1/support/tickets/${tk.id}/attachments/${txtId}`);
      assert.equal(txt.body, 'my words\n[redacted: seed phrase]\n');
      assert.match(String(txt.headers['content-disposition']), /^attachment;/);
      // Nothing anywhere: decrypt every stored message, subject, attachment and e-mail, and read every audit row.
      const db = t.container.db.system;
      const v = t.container.vault;
      const haystack: string[] = [];
      for (const r of await db.selectFrom('ticket_message').selectAll().execute()) {
        const key = await v.subjectKey(db, r.trader_id, { create: false });
        haystack.push(v.decryptForSubject(key, { table: 'ticket_message', column: 'body_ct', rowId: r.id }, r.body_ct));
      }
      for (const r of await db.selectFrom('ticket').selectAll().execute()) {
        const key = await v.subjectKey(db, r.trader_id, { create: false });
        haystack.push(v.decryptForSubject(key, { table: 'ticket', column: 'subject_ct', rowId: r.id }, r.subject_ct));
      }
      for (const r of await db.selectFrom('ticket_attachment').selectAll().execute()) {
        const key = await v.subjectKey(db, r.trader_id, { create: false });
        haystack.push(v.decryptForSubject(key, { table: 'ticket_attachment', column: 'content_ct', rowId: r.id }, r.content_ct));
      }
      for (const mail of await t.container.email.listOutbox(systemContext('test'), 200)) haystack.push(mail.subject, mail.body);
      haystack.push(JSON.stringify(await db.selectFrom('audit_event').selectAll().execute(), (_k, x) => (typeof x === 'bigint' ? String(x) : x)));
      const all = haystack.join('\n');
      assert.ok(!all.includes(SEED), 'seed phrase stored somewhere');
      assert.ok(!all.includes('sausage worth useful'), 'part of the seed phrase stored somewhere');
      assert.ok(!all.includes(card) && !all.includes('4111111111111111'), 'card number stored somewhere');
    });
  });

  describe('attachments', () => {
    const send = (filename: string, contentBase64: string) => inbound('messages', { accountRef: 'ACC-ADA-1', subject: 'file', body: 'see attached', attachments: [{ filename, contentBase64 }] });

    it('types by content: a .png holding a PDF, HTML or SVG is refused; a real PDF is accepted', async () => {
      clock.advance(1000);
      expectProblem(await send('receipt.png', PDF), 415, 'unsupported_media_type');
      expectProblem(await send('receipt.png', b64('<html><body><script>alert(1)</script></body></html>')), 415, 'unsupported_media_type');
      expectProblem(await send('receipt.png', b64('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')), 415, 'unsupported_media_type');
      expectProblem(await send('page.txt', b64('<!DOCTYPE html><p>hi</p>')), 415, 'unsupported_media_type');
      expectProblem(await send('tool.exe', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]).toString('base64')), 415, 'unsupported_media_type');
      expectProblem(await send('x.png', '***not base64***'), 400, 'validation_failed');
      clock.advance(1000);
      assert.equal((await send('statement.pdf', PDF)).statusCode, 202);
    });

    it('refuses an attachment over the size limit (413) and stores nothing', async () => {
      clock.advance(1000);
      const before = await t.container.db.system.selectFrom('ticket_attachment').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x41).toString('base64');
      expectProblem(await send('big.txt', big), 413, 'payload_too_large');
      const after = await t.container.db.system.selectFrom('ticket_attachment').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(after.n, before.n);
    });
  });

  describe('inbox, SLA, updates', () => {
    it('SLA clocks follow the injected clock; priority changes move the due times', async () => {
      const tk = await traderWrites({ accountRef: 'ACC-ADA-1', subject: 'SLA test', body: 'tick tock' });
      let s = (await call(senior, 'GET', `/api/v1/support/tickets/${tk.id}`)).json().ticket.sla;
      assert.equal(s.firstResponse.remainingMs, 8 * 3600_000);
      assert.equal(s.resolution.remainingMs, 72 * 3600_000);
      assert.equal(s.firstResponse.breached, false);
      clock.advance(9 * 3600_000);
      // Sessions idle out over 9 hours: sign in again.
      senior = await session(m.support_senior!);
      junior = await session(m.support_junior!);
      s = (await call(senior, 'GET', `/api/v1/support/tickets/${tk.id}`)).json().ticket.sla;
      assert.equal(s.firstResponse.breached, true);
      assert.equal(s.firstResponse.remainingMs, Date.parse(s.firstResponse.dueAt) - clock.now().getTime());
      assert.ok(s.firstResponse.remainingMs <= -3600_000);
      const created = Date.parse(s.resolution.dueAt) - 72 * 3600_000;
      const up = await call(senior, 'PATCH', `/api/v1/support/tickets/${tk.id}`, { priority: 'urgent' });
      assert.equal(up.statusCode, 200, up.body);
      assert.equal(up.json().sla.resolution.dueAt, new Date(created + 4 * 3600_000).toISOString());
      assert.equal(up.json().sla.resolution.breached, true);
      await expectAudited(t, { action: 'ticket.update', outcome: 'ok', targetId: tk.id });
    });

    it('filters (assignee me/unassigned, status, priority, tag) and cursor pagination', async () => {
      const tk = await traderWrites({ accountRef: 'ACC-BOB-2', subject: 'Filter test', body: 'filter me' });
      expectProblem(await call(junior, 'PATCH', `/api/v1/support/tickets/${tk.id}`, { assigneeId: '00000000-0000-4000-8000-000000000000' }), 400, 'validation_failed');
      expectProblem(await call(junior, 'PATCH', `/api/v1/support/tickets/${tk.id}`, {}), 400, 'validation_failed');
      expectProblem(await call(junior, 'PATCH', `/api/v1/support/tickets/${tk.id}`, { queue: 'Not A Queue' }), 400, 'validation_failed');
      const r = await call(junior, 'PATCH', `/api/v1/support/tickets/${tk.id}`, { assigneeId: m.support_junior!.id, tags: ['vip', 'vip'], priority: 'low' });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().tags, ['vip']);
      const mine = (await call(junior, 'GET', '/api/v1/support/tickets?assignee=me')).json();
      assert.deepEqual(mine.tickets.map((x: { id: string }) => x.id), [tk.id]);
      assert.equal(mine.tickets[0].assigneeName, 'M support_junior');
      const unassigned = (await call(junior, 'GET', '/api/v1/support/tickets?assignee=unassigned')).json();
      assert.ok(!unassigned.tickets.some((x: { id: string }) => x.id === tk.id));
      assert.deepEqual((await call(junior, 'GET', '/api/v1/support/tickets?tag=vip')).json().tickets.map((x: { id: string }) => x.id), [tk.id]);
      assert.ok((await call(junior, 'GET', '/api/v1/support/tickets?priority=low')).json().tickets.every((x: { priority: string }) => x.priority === 'low'));
      assert.ok((await call(junior, 'GET', '/api/v1/support/tickets?status=closed')).json().tickets.every((x: { status: string }) => x.status === 'closed'));
      // Walk the whole inbox one ticket at a time.
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { tickets: { number: number }[]; nextCursor: string | null } = (await call(junior, 'GET', `/api/v1/support/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
        seen.push(...page.tickets.map((x: { number: number }) => x.number));
        cursor = page.nextCursor;
      } while (cursor);
      const total = await t.container.db.system.selectFrom('ticket').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(seen.length, Number(total.n));
      assert.deepEqual([...seen].sort((a, b) => b - a), seen);
      expectProblem(await call(junior, 'GET', '/api/v1/support/tickets?cursor=abc'), 400, 'bad_request');
      expectProblem(await call(junior, 'GET', '/api/v1/support/tickets?status=bogus'), 400, 'validation_failed');
      await expectAudited(t, { action: 'ticket.list', outcome: 'ok', actorId: m.support_junior!.id });
    });

    it('the demo seed makes tickets with chat history and redacts its planted seed phrase', async () => {
      const made = await t.container.support.seedDemo(systemContext('test'), [adaId, bobId]);
      assert.equal(made, 2);
      const bobs = (await call(senior, 'GET', `/api/v1/traders/${bobId}/tickets`)).json().tickets;
      const seeded = bobs.find((x: { subject: string }) => x.subject === 'Help restoring my wallet');
      const view = (await call(senior, 'GET', `/api/v1/support/tickets/${seeded.id}`)).json();
      assert.match(view.messages[0].body, /\[redacted: seed phrase\]/);
    });
  });
});
