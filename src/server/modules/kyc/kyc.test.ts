// KYC/KYB cases from the attacker's side: roles (marketing and junior support 403, support senior opens cases but
// cannot open documents, audited), IDOR (another case's document, random and malformed ids), uploads (not
// multipart, oversized, too many, polyglot, lying type, per-case limit), metadata gone and ciphertext at rest, the
// workflow (illegal transitions 409, the submitter cannot decide, more information then approval), four eyes on a
// high-risk approval (EDD first, the maker cannot approve their own request), the provider webhook (forged,
// stale, replayed, unknown case; a RED result is evidence, not a decision), jurisdictions (a blocked country
// refused with the reason recorded; settings by kyc.settings.manage only; a country change opens a review), and
// the refresh job with an injected clock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { PlaintextScanner, scanAllTables } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import type { CaseView } from '../../../contracts/kyc.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader, type SyntheticTrader } from '../demo/synthetic.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../support/index.js';
import { MAX_DOCUMENT_BYTES } from './kyc.documents.js';
import { GPS_TEXT, JPEG, jpegWithMetadata, multipart, pdf, PNG, ZIP } from './kyc.fixtures.js';

const SECRET = 'kyc-provider-secret-0123456789abcdef0123456789';
const clock = new FakeClock('2026-11-22T09:00:00.000Z');

function trader(over: Partial<SyntheticTrader>): SyntheticTrader {
  return { ...syntheticTrader(1), kind: 'individual', persons: [], registrationNumber: null, ...over };
}

const ROLES = ['support_junior', 'support_senior', 'marketing', 'compliance_officer', 'compliance_senior'] as const;
type Role = (typeof ROLES)[number] | 'officer_b' | 'archivist' | 'senior_b';

describe('kyc cases', () => {
  let t: TestApp;
  const members = new Map<Role, TestMember>();
  const sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  let n = 0;
  const ids: Record<string, string> = {};

  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.4.${++n >> 8}.${n & 255}`;
      const signed = await signInAs(t, members.get(role)!, clock, 'test-agent', ip);
      sessions.set(role, (s = { headers: signed.headers, ip }));
    }
    return s;
  };
  const call = async (role: Role, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
    const s = await as(role);
    return t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  };
  const upload = async (role: Role, caseId: string, type: string, files: { filename: string; type: string; content: Buffer }[], extra: Record<string, string> = {}) => {
    const s = await as(role);
    const body = multipart({ type, ...extra }, files);
    return t.app.inject({ method: 'POST', url: `/api/v1/kyc/cases/${caseId}/documents`, headers: { ...s.headers, ...body.headers }, remoteAddress: s.ip, payload: body.payload });
  };
  const webhook = (body: object | string, opts: { ts?: number; secret?: string; sig?: string } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(clock.now().getTime() / 1000);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/kyc/webhooks/provider',
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: opts.sig ?? signInbound(opts.secret ?? SECRET, ts, raw) },
      payload: raw,
    });
  };
  const kycState = async (traderId: string) =>
    (await t.container.db.system.selectFrom('trader').select(['kyc_state', 'risk']).where('id', '=', traderId).executeTakeFirstOrThrow());
  const profile = { activity: 'employee', expectedMonthlyVolume: 'under_10k', products: ['spot'] };

  /** A case for a trader with the questionnaire and the individual documents, ready to submit. */
  async function readyCase(traderId: string, p: object = profile): Promise<string> {
    const res = await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId });
    assert.equal(res.statusCode, 201, res.body);
    const id = (res.json() as CaseView).case.id;
    assert.equal((await call('support_senior', 'PUT', `/api/v1/kyc/cases/${id}/profile`, p)).statusCode, 200);
    assert.equal((await upload('support_senior', id, 'government_id', [{ filename: 'passport.jpg', type: 'image/jpeg', content: JPEG }])).statusCode, 201);
    assert.equal((await upload('support_senior', id, 'proof_of_address', [{ filename: 'bill.pdf', type: 'application/pdf', content: await pdf(1, 'Utility bill') }])).statusCode, 201);
    assert.equal((await upload('support_senior', id, 'selfie', [{ filename: 'selfie.png', type: 'image/png', content: PNG }])).statusCode, 201);
    return id;
  }

  before(async () => {
    t = await createTestApp({ clock, env: { KYC_PROVIDER_WEBHOOK_SECRET: SECRET } });
    for (const role of ROLES) {
      members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}`, key: role === 'compliance_senior' }));
    }
    members.set('officer_b', await createMember(t, clock, { email: 'officer_b@bank.test', roles: ['compliance_officer'], displayName: 'M officer_b' }));
    members.set('senior_b', await createMember(t, clock, { email: 'senior_b@bank.test', roles: ['compliance_senior'], displayName: 'M senior_b', key: true }));
    // A custom role holding the download permission (no built-in role has it), on top of compliance officer.
    const now = clock.now();
    await t.container.db.system.insertInto('role').values({ name: 'kyc_download', created_at: now, updated_at: now }).execute();
    await t.container.db.system.insertInto('role_permission').values({ role: 'kyc_download', permission: 'kyc.document.download' }).execute();
    members.set('archivist', await createMember(t, clock, { email: 'archivist@bank.test', roles: ['compliance_officer', 'kyc_download'], displayName: 'M archivist' }));
    const make = (over: Partial<SyntheticTrader>) => t.container.demo.createTrader(systemContext('test'), trader(over));
    ids.ada = await make({ accountRef: 'ACC-KYC-ADA', legalName: 'Ada Lovelace', country: 'GB', kycState: 'not_started' });
    ids.bob = await make({ accountRef: 'ACC-KYC-BOB', legalName: 'Bob Builder', country: 'DE', kycState: 'not_started' });
    ids.iran = await make({ accountRef: 'ACC-KYC-IR', legalName: 'Blocked Person', country: 'IR', kycState: 'not_started' });
    ids.risky = await make({ accountRef: 'ACC-KYC-VE', legalName: 'Risky Trader', country: 'VE', kycState: 'not_started' });
    ids.dora = await make({ accountRef: 'ACC-KYC-DORA', legalName: 'Dora Decider', country: 'ES', kycState: 'not_started' });
    ids.carl = await make({ accountRef: 'ACC-KYC-CARL', legalName: 'Carl Change', country: 'FR', kycState: 'approved' });
  });
  after(async () => t?.close());

  describe('access', () => {
    it('401 without a session, 403 for roles without KYC (audited), 404 for malformed and unknown ids', async () => {
      expectProblem(await t.app.inject({ url: '/api/v1/kyc/cases' }), 401, 'unauthenticated');
      expectProblem(await call('marketing', 'GET', '/api/v1/kyc/cases'), 403, 'forbidden');
      expectProblem(await call('support_junior', 'GET', '/api/v1/kyc/cases'), 403, 'forbidden');
      expectProblem(await call('support_junior', 'POST', '/api/v1/kyc/cases', { traderId: ids.ada }), 403, 'forbidden');
      const denied = await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('support_junior')!.id });
      assert.match(denied.targetId ?? '', /^kyc\.submit:POST/);
      expectProblem(await call('compliance_officer', 'GET', '/api/v1/kyc/cases/not-a-uuid'), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${crypto.randomUUID()}`), 404, 'not_found');
      expectProblem(await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: crypto.randomUUID() }), 404, 'not_found');
      expectProblem(await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: '../../etc' }), 404, 'not_found');
      expectProblem(await call('support_senior', 'POST', '/api/v1/kyc/cases', {}), 400, 'validation_failed');
    });

    it('the upload route (its own multipart scope) is behind the same gate: 401 without a session, 403 without the CSRF header or kyc.submit', async () => {
      const body = multipart({ type: 'selfie' }, [{ filename: 'a.png', type: 'image/png', content: PNG }]);
      const url = `/api/v1/kyc/cases/${crypto.randomUUID()}/documents`;
      expectProblem(await t.app.inject({ method: 'POST', url, headers: body.headers, payload: body.payload }), 401, 'unauthenticated');
      const s = await as('support_senior');
      const noCsrf = Object.fromEntries(Object.entries(s.headers).filter(([k]) => k.toLowerCase() !== 'x-csrf-token'));
      expectProblem(await t.app.inject({ method: 'POST', url, headers: { ...noCsrf, ...body.headers }, remoteAddress: s.ip, payload: body.payload }), 403, 'csrf_failed');
      expectProblem(await upload('compliance_senior', crypto.randomUUID(), 'selfie', [{ filename: 'a.png', type: 'image/png', content: PNG }]), 404, 'not_found');
      expectProblem(await upload('marketing', crypto.randomUUID(), 'selfie', [{ filename: 'a.png', type: 'image/png', content: PNG }]), 403, 'forbidden');
    });

    it('every KYC route is in the OpenAPI document, the upload route (in its own multipart scope) too', async () => {
      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { consumes?: string[] }>> };
      const kyc = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/kyc/'));
      assert.ok(kyc.includes('/api/v1/kyc/cases/{id}/documents'), kyc.join(', '));
      assert.ok(kyc.includes('/api/v1/kyc/webhooks/provider'));
      assert.ok(doc.paths['/api/v1/kyc/cases/{id}/decision']?.post);
      assert.ok(doc.paths['/api/v1/traders/{id}/kyc']?.get);
    });

    it('IDOR: every per-case and per-trader route answers 404 for a random or malformed id (audited as denied)', async () => {
      for (const id of [crypto.randomUUID(), 'x%27%20or%201=1', '00000000-0000-0000-0000-000000000000']) {
        expectProblem(await call('compliance_senior', 'GET', `/api/v1/kyc/cases/${id}`), 404, 'not_found');
        expectProblem(await call('compliance_senior', 'GET', `/api/v1/traders/${id}/kyc`), 404, 'not_found');
        expectProblem(await call('compliance_senior', 'PUT', `/api/v1/kyc/cases/${id}/profile`, profile), 404, 'not_found');
        for (const [path, body] of [['submit', undefined], ['take', undefined], ['assign', { assigneeId: null }], ['edd', { item: 'source_of_funds', done: true }], ['decision', { decision: 'reject', reason: 'not a real case' }]] as const) {
          expectProblem(await call('compliance_senior', 'POST', `/api/v1/kyc/cases/${id}/${path}`, body), 404, 'not_found');
        }
      }
      await expectAudited(t, { action: 'kyc.case_decide', outcome: 'denied', errorCode: 'not_found' });
    });
  });

  describe('documents', () => {
    let caseA: string;
    let caseB: string;
    let docA: string;

    before(async () => {
      caseA = (( await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.ada })).json() as CaseView).case.id;
      caseB = ((await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.bob })).json() as CaseView).case.id;
    });

    it('two openings at once: one case, the other 409 (never a 500)', async () => {
      const id = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-KYC-RACE', country: 'IT', kycState: 'not_started' }));
      const both = await Promise.all([0, 1, 2].map(() => call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: id })));
      assert.deepEqual(both.map((r) => r.statusCode).sort(), [201, 409, 409]);
    });

    it('opens one case per trader (a second open case is 409); the trader is not started', async () => {
      expectProblem(await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.ada }), 409, 'conflict');
      assert.equal((await kycState(ids.ada!)).kyc_state, 'not_started');
      await expectAudited(t, { action: 'kyc.case_create', outcome: 'ok', targetId: caseA });
    });

    it('refuses what is not a clean upload: not multipart 415, no type 400, oversized 413, too many 413, malformed 400', async () => {
      const s = await as('support_senior');
      expectProblem(await t.app.inject({ method: 'POST', url: `/api/v1/kyc/cases/${caseA}/documents`, headers: s.headers, remoteAddress: s.ip, payload: { file: 'x' } }), 415, 'unsupported_media_type');
      expectProblem(await upload('support_senior', caseA, '', [{ filename: 'a.jpg', type: 'image/jpeg', content: JPEG }]), 400, 'validation_failed');
      expectProblem(await upload('support_senior', caseA, 'government_id', []), 400, 'validation_failed');
      const big = Buffer.concat([JPEG.subarray(0, 2), Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x20)]);
      expectProblem(await upload('support_senior', caseA, 'government_id', [{ filename: 'big.jpg', type: 'image/jpeg', content: big }]), 413, 'payload_too_large');
      const six = Array.from({ length: 6 }, (_, i) => ({ filename: `p${i}.png`, type: 'image/png', content: PNG }));
      expectProblem(await upload('support_senior', caseA, 'government_id', six), 413, 'payload_too_large');
      const broken = t.app.inject({
        method: 'POST',
        url: `/api/v1/kyc/cases/${caseA}/documents`,
        headers: { ...s.headers, 'content-type': 'multipart/form-data; boundary=xyz' },
        remoteAddress: s.ip,
        payload: '--xyz\r\ncontent-disposition: form-data; name="type"\r\n\r\ngovernment_id\r\n--xyz\r\ncontent-disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc',
      });
      const r = await broken;
      assert.ok(r.statusCode === 400 || r.statusCode === 415, r.body);
      expectProblem(await upload('support_senior', caseA, 'bogus_type', [{ filename: 'a.jpg', type: 'image/jpeg', content: JPEG }]), 400, 'validation_failed');
    });

    it('refuses polyglots and lying types (415), and stores nothing', async () => {
      const cases: [string, string, Buffer][] = [
        ['passport.jpg', 'image/jpeg', Buffer.concat([JPEG, Buffer.from('<script>alert(document.cookie)</script>')])],
        ['passport.png', 'image/png', Buffer.concat([PNG, ZIP])],
        ['inc.pdf', 'application/pdf', Buffer.concat([await pdf(), ZIP])],
        ['passport.jpg', 'image/jpeg', PNG],
        ['passport.png', 'image/jpeg', PNG],
        ['passport.pdf', 'application/pdf', Buffer.from('<!doctype html><script>alert(1)</script>')],
      ];
      for (const [filename, type, content] of cases) {
        expectProblem(await upload('support_senior', caseA, 'government_id', [{ filename, type, content }]), 415, 'unsupported_media_type');
      }
      const count = await t.container.db.system.selectFrom('kyc_document').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
      const refused = await findAudited(t, { action: 'kyc.document_upload', outcome: 'error', errorCode: 'unsupported_media_type', targetId: caseA });
      assert.equal(refused.length, cases.length);
      assert.ok(refused.every((r) => r.fields.includes('document.refused')));
    });

    it('stores an upload without its metadata, encrypted (no plaintext in the database), audited', async () => {
      const res = await upload('support_senior', caseA, 'government_id', [{ filename: 'passport-ada.jpg', type: 'image/jpeg', content: jpegWithMetadata() }]);
      assert.equal(res.statusCode, 201, res.body);
      const doc = (res.json() as { documents: { id: string; stripped: string[]; filename: string }[] }).documents[0]!;
      docA = doc.id;
      assert.deepEqual(doc.stripped, ['APP1', 'COM']);
      assert.equal(doc.filename, 'passport-ada.jpg');
      const row = await t.container.db.system.selectFrom('kyc_document').selectAll().where('id', '=', docA).executeTakeFirstOrThrow();
      const stored = Buffer.from(row.content_ct);
      assert.ok(!stored.includes(Buffer.from(GPS_TEXT)), 'no GPS text at rest');
      assert.ok(!stored.includes(JPEG.subarray(200, 260)), 'no image bytes at rest');
      assert.ok(!Buffer.from(row.filename_ct).includes(Buffer.from('passport-ada')), 'no file name at rest');
      await expectAudited(t, { action: 'kyc.document_upload', outcome: 'ok', targetId: caseA });
    });

    it('shows the document as a watermarked PDF to compliance, no-store; support senior and junior get 403 (audited)', async () => {
      const res = await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${docA}/view`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['content-disposition']), /^inline/);
      assert.ok(res.rawPayload.subarray(0, 5).toString() === '%PDF-');
      assert.ok(!res.rawPayload.includes(Buffer.from(GPS_TEXT)));
      await expectAudited(t, { action: 'kyc.document_view', outcome: 'ok', targetId: docA, actorId: members.get('compliance_officer')!.id });
      const seq = await lastSeq(t);
      expectProblem(await call('support_senior', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${docA}/view`), 403, 'forbidden');
      expectProblem(await call('support_junior', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${docA}/view`), 403, 'forbidden');
      const denied = (await findAudited(t, { action: 'access.denied', outcome: 'denied' })).filter((r) => r.seq > seq && (r.targetId ?? '').startsWith('kyc.document.read:'));
      assert.deepEqual(denied.map((r) => r.actorId), [members.get('support_senior')!.id, members.get('support_junior')!.id]);
    });

    it('the original is a separate permission no built-in role has (403)', async () => {
      expectProblem(await call('compliance_senior', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${docA}/download`), 403, 'forbidden');
    });

    it('a member granted kyc.document.download gets the original (metadata-free) as an attachment, audited', async () => {
      const res = await call('archivist', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${docA}/download`);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="passport-ada.jpg"/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(res.rawPayload.equals(JPEG), 'the stored original is the picture without its metadata');
      await expectAudited(t, { action: 'kyc.document_download', outcome: 'ok', targetId: docA, actorId: members.get('archivist')!.id });
      expectProblem(await call('archivist', 'GET', `/api/v1/kyc/cases/${caseB}/documents/${docA}/download`), 404, 'not_found');
      expectProblem(await call('archivist', 'GET', `/api/v1/kyc/cases/${caseA}/documents/not-an-id/download`), 404, 'not_found');
    });

    it("IDOR: another case's document, a random or malformed document id are 404 on view and download", async () => {
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseB}/documents/${docA}/view`), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseA}/documents/${crypto.randomUUID()}/view`), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseA}/documents/..%2f..%2fetc/view`), 404, 'not_found');
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${crypto.randomUUID()}/documents/${docA}/view`), 404, 'not_found');
      // Uploading to, or reading, a case through another trader's profile section does not exist: the case id decides.
      expectProblem(await upload('support_senior', crypto.randomUUID(), 'government_id', [{ filename: 'a.png', type: 'image/png', content: PNG }]), 404, 'not_found');
    });

    it('a case holds at most 20 documents (413)', async () => {
      for (let i = 0; i < 4; i++) {
        const five = Array.from({ length: 5 }, (_, k) => ({ filename: `p${i}${k}.png`, type: 'image/png', content: PNG }));
        assert.equal((await upload('support_senior', caseB, 'other', five)).statusCode, 201);
      }
      expectProblem(await upload('support_senior', caseB, 'other', [{ filename: 'one-more.png', type: 'image/png', content: PNG }]), 413, 'payload_too_large');
    });
  });

  describe('KYB: directors and UBOs', () => {
    it('lists the persons with ownership, links a UBO declaration to its owner, refuses another trader\'s person (400)', async () => {
      const persons = [
        { role: 'director' as const, name: 'Dana Director', dateOfBirth: '1970-01-01', nationality: 'GB', ownershipPct: null },
        { role: 'ubo' as const, name: 'Uma Owner', dateOfBirth: '1975-05-05', nationality: 'DE', ownershipPct: '40.00' },
      ];
      const biz = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-KYB-1', kind: 'business', persons, registrationNumber: 'HRB 12345', country: 'DE', kycState: 'not_started' }));
      const other = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-KYB-2', kind: 'business', persons, registrationNumber: 'HRB 999', country: 'DE' }));
      const created = (await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: biz })).json() as CaseView;
      assert.equal(created.case.kind, 'business');
      assert.deepEqual(created.persons.map((p) => [p.role, p.ownershipPct, p.declared]), [['director', null, false], ['ubo', 40, false]]);
      assert.ok(['incorporation', 'registry_extract', 'ubo_declaration', 'questionnaire'].every((m) => created.missing.includes(m)));
      const ubo = created.persons.find((p) => p.role === 'ubo')!;
      const otherPerson = await t.container.db.system.selectFrom('trader_person').select('id').where('trader_id', '=', other).executeTakeFirstOrThrow();
      for (const personId of [otherPerson.id, crypto.randomUUID(), 'not-a-uuid']) {
        expectProblem(await upload('support_senior', created.case.id, 'ubo_declaration', [{ filename: 'ubo.pdf', type: 'application/pdf', content: await pdf() }], { personId }), 400, 'validation_failed');
      }
      const ok = await upload('support_senior', created.case.id, 'ubo_declaration', [{ filename: 'ubo.pdf', type: 'application/pdf', content: await pdf(2, 'UBO declaration') }], { personId: ubo.id });
      assert.equal(ok.statusCode, 201, ok.body);
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${created.case.id}`)).json() as CaseView;
      assert.ok(created.missing.includes('UBO declaration of owner 2 (40 %)'));
      assert.equal(v.persons.find((p) => p.id === ubo.id)!.declared, true);
      assert.ok(!v.missing.includes('ubo_declaration'));
      assert.ok(!v.missing.some((m) => m.startsWith('UBO declaration of owner')));
      assert.equal(v.documents[0]!.pages, 2);
    });
  });

  describe('workflow', () => {
    let caseId: string;

    it('submission needs the documents and the questionnaire (422); then it is rated, due by SLA, and the trader pending', async () => {
      const created = await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.carl });
      caseId = (created.json() as CaseView).case.id;
      const early = expectProblem(await call('support_senior', 'POST', `/api/v1/kyc/cases/${caseId}/submit`), 422, 'validation_failed');
      assert.match(String(early.detail ?? early.title), /./);
      await call('support_senior', 'PUT', `/api/v1/kyc/cases/${caseId}/profile`, profile);
      await upload('support_senior', caseId, 'government_id', [{ filename: 'id.jpg', type: 'image/jpeg', content: JPEG }]);
      await upload('support_senior', caseId, 'proof_of_address', [{ filename: 'bill.pdf', type: 'application/pdf', content: await pdf() }]);
      await upload('support_senior', caseId, 'selfie', [{ filename: 'me.png', type: 'image/png', content: PNG }]);
      const res = await call('support_senior', 'POST', `/api/v1/kyc/cases/${caseId}/submit`);
      assert.equal(res.statusCode, 200, res.body);
      const v = res.json() as CaseView;
      assert.equal(v.case.state, 'submitted');
      assert.ok(v.risk, 'rated');
      // No lists are loaded in a test app: the rating says the trader was NOT screened and is never "low/clear".
      assert.notEqual(v.risk!.screening, 'clear');
      assert.ok(v.risk!.factors.some((f) => f.factor === 'screening' && f.note.includes('NOT screened')));
      assert.notEqual(v.risk!.level, 'low');
      assert.equal(v.case.dueAt, new Date(clock.now().getTime() + 72 * 3_600_000).toISOString());
      // Carl was approved before: an open refresh/onboarding case moves him to pending only for onboarding.
      assert.equal((await kycState(ids.carl!)).kyc_state, 'pending');
      await expectAudited(t, { action: 'kyc.case_submit', outcome: 'ok', targetId: caseId });
    });

    it('illegal transitions are 409 problem+json', async () => {
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'looks fine to me' }), 409, 'conflict');
      expectProblem(await call('support_senior', 'POST', `/api/v1/kyc/cases/${caseId}/submit`), 409, 'conflict');
      expectProblem(await call('support_senior', 'PUT', `/api/v1/kyc/cases/${caseId}/profile`, profile), 409, 'conflict');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'x' }), 400, 'validation_failed');
    });

    it('the queue shows the case with SLA; take puts it in review, assigned', async () => {
      const q = await call('compliance_officer', 'GET', '/api/v1/kyc/cases?state=submitted');
      assert.equal(q.statusCode, 200);
      const row = (q.json() as { cases: { id: string; overdue: boolean; dueAt: string }[] }).cases.find((c) => c.id === caseId);
      assert.ok(row && row.overdue === false && row.dueAt);
      const took = await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/take`);
      assert.equal(took.statusCode, 200, took.body);
      assert.equal((took.json() as CaseView).case.state, 'in_review');
      assert.equal((took.json() as CaseView).case.assigneeId, members.get('compliance_officer')!.id);
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/assign`, { assigneeId: crypto.randomUUID() }), 400, 'validation_failed');
      const mine = await call('compliance_officer', 'GET', '/api/v1/kyc/cases?assignee=me');
      assert.ok((mine.json() as { cases: { id: string }[] }).cases.some((c) => c.id === caseId));
    });

    it('more information needed → resubmitted → approved, with reasons in the history; the trader follows', async () => {
      const more = await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'more_info', reason: 'The bill is older than three months' });
      assert.equal(more.statusCode, 200, more.body);
      assert.equal((more.json() as { case: { state: string } }).case.state, 'more_info_needed');
      await upload('support_senior', caseId, 'proof_of_address', [{ filename: 'bill2.pdf', type: 'application/pdf', content: await pdf(1, 'New bill') }]);
      assert.equal((await call('support_senior', 'POST', `/api/v1/kyc/cases/${caseId}/submit`)).statusCode, 200);
      await call('officer_b', 'POST', `/api/v1/kyc/cases/${caseId}/take`);
      const res = await call('officer_b', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'Identity and address verified' });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { case: { state: string; risk: string }; approvalRequestId: string | null };
      assert.equal(body.case.state, 'approved');
      assert.equal(body.approvalRequestId, null);
      const st = await kycState(ids.carl!);
      assert.equal(st.kyc_state, 'approved');
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseId}`)).json() as CaseView;
      assert.ok(v.history.some((h) => h.reason === 'The bill is older than three months' && h.toState === 'more_info_needed'));
      assert.ok(v.nextReviewAt);
      const years = body.case.risk === 'high' ? 1 : body.case.risk === 'medium' ? 2 : 3;
      assert.equal(new Date(v.nextReviewAt!).getUTCFullYear(), clock.now().getUTCFullYear() + years);
      const ev = await expectAudited(t, { action: 'kyc.case_decide', outcome: 'ok', targetId: caseId, actorId: members.get('officer_b')!.id });
      assert.equal(ev.reason, null, 'the free-text reason stays out of the audit log (it is in the encrypted history)');
      assert.ok(ev.fields.includes('decision.approve'));
    });

    it('the member who submitted a case cannot decide it (403, audited)', async () => {
      const own = await readyCase(ids.dora!);
      // A compliance officer (who holds kyc.submit) submits, takes, and tries to decide: refused.
      const sub = await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${own}/submit`);
      assert.equal(sub.statusCode, 200, sub.body);
      await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${own}/take`);
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${own}/decision`, { decision: 'approve', reason: 'approving my own' }), 403, 'forbidden');
      await expectAudited(t, { action: 'kyc.case_decide', outcome: 'denied', targetId: own });
      const rej = await call('officer_b', 'POST', `/api/v1/kyc/cases/${own}/decision`, { decision: 'reject', reason: 'Documents do not match the account holder' });
      assert.equal(rej.statusCode, 200, rej.body);
      assert.equal((await kycState(ids.dora!)).kyc_state, 'rejected');
      expectProblem(await call('officer_b', 'POST', `/api/v1/kyc/cases/${own}/decision`, { decision: 'approve', reason: 'changed my mind' }), 409, 'conflict');
    });
  });

  describe('high risk: EDD and four eyes', () => {
    let caseId: string;
    let approvalId: string;

    it('a high-risk case needs the EDD checklist before approval (422)', async () => {
      caseId = await readyCase(ids.risky!, { activity: 'money_services', expectedMonthlyVolume: 'over_1m', products: ['otc', 'crypto_withdrawals'] });
      const sub = (await call('support_senior', 'POST', `/api/v1/kyc/cases/${caseId}/submit`)).json() as CaseView;
      assert.equal(sub.risk!.level, 'high');
      assert.equal(sub.case.priority, 'high');
      assert.equal(sub.edd.required, true);
      assert.ok(sub.risk!.factors.some((f) => f.factor === 'country' && f.value === 'VE' && f.points > 0));
      assert.ok(sub.risk!.factors.some((f) => f.factor === 'activity' && f.value === 'money_services'));
      assert.equal((await kycState(ids.risky!)).risk, 'high');
      await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/take`);
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'all good here' }), 422, 'validation_failed');
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/edd`, { item: 'source_of_funds', done: true }), 422, 'validation_failed');
      for (const item of ['source_of_funds', 'source_of_wealth'] as const) {
        assert.equal((await upload('compliance_officer', caseId, item, [{ filename: `${item}.pdf`, type: 'application/pdf', content: await pdf(1, item) }])).statusCode, 201);
        const r = await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/edd`, { item, done: true, note: 'Salary slips and bank statements checked' });
        assert.equal(r.statusCode, 200, r.body);
      }
    });

    it("the reviewer's approval becomes a four-eyes request; the case stays in review", async () => {
      const res = await call('compliance_officer', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'EDD complete, source of funds plausible' });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { case: { state: string }; approvalRequestId: string };
      assert.equal(body.case.state, 'in_review');
      approvalId = body.approvalRequestId;
      assert.ok(approvalId);
      expectProblem(await call('officer_b', 'POST', `/api/v1/kyc/cases/${caseId}/decision`, { decision: 'approve', reason: 'approving again' }), 409, 'conflict');
      // A compliance officer cannot decide approvals at all.
      expectProblem(await call('compliance_officer', 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'my own request' }), 403, 'forbidden');
    });

    it('a senior signs off; the case is approved with the senior sign-off ticked', async () => {
      const ok = await call('compliance_senior', 'POST', `/api/v1/approvals/${approvalId}/approve`, { reason: 'Senior review of the EDD file' });
      assert.equal(ok.statusCode, 200, ok.body);
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseId}`)).json() as CaseView;
      assert.equal(v.case.state, 'approved');
      assert.equal(v.edd.items.find((i) => i.item === 'senior_signoff')!.done, true);
      assert.equal(v.edd.items.find((i) => i.item === 'senior_signoff')!.byName, 'M compliance_senior');
      assert.equal((await kycState(ids.risky!)).kyc_state, 'approved');
      assert.equal(new Date(v.nextReviewAt!).getUTCFullYear(), clock.now().getUTCFullYear() + 1);
    });

    it('the same member cannot approve their own high-risk approval (maker ≠ checker)', async () => {
      const again = await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.risky });
      const id = (again.json() as CaseView).case.id;
      await call('support_senior', 'PUT', `/api/v1/kyc/cases/${id}/profile`, { activity: 'gambling', expectedMonthlyVolume: 'over_1m', products: ['otc'] });
      for (const [type, name] of [['government_id', 'a.png'], ['proof_of_address', 'b.png'], ['selfie', 'c.png']] as const) {
        await upload('support_senior', id, type, [{ filename: name, type: 'image/png', content: PNG }]);
      }
      await call('support_senior', 'POST', `/api/v1/kyc/cases/${id}/submit`);
      await call('compliance_senior', 'POST', `/api/v1/kyc/cases/${id}/take`);
      for (const item of ['source_of_funds', 'source_of_wealth'] as const) {
        await upload('compliance_senior', id, item, [{ filename: `${item}.png`, type: 'image/png', content: PNG }]);
        await call('compliance_senior', 'POST', `/api/v1/kyc/cases/${id}/edd`, { item, done: true });
      }
      const req = await call('compliance_senior', 'POST', `/api/v1/kyc/cases/${id}/decision`, { decision: 'approve', reason: 'EDD complete, approving' });
      const approval = (req.json() as { approvalRequestId: string }).approvalRequestId;
      assert.ok(approval, req.body);
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/approvals/${approval}/approve`, { reason: 'approving my own request' }), 403, 'forbidden');
      await expectAudited(t, { action: 'approval.approve', outcome: 'denied', targetId: approval });
      const v = (await call('compliance_senior', 'GET', `/api/v1/kyc/cases/${id}`)).json() as CaseView;
      assert.equal(v.case.state, 'in_review');
    });
  });

  describe('provider webhook', () => {
    let caseId: string;
    before(async () => {
      const id = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-KYC-WEB', country: 'NL', kycState: 'not_started' }));
      caseId = ((await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: id })).json() as CaseView).case.id;
    });
    const result = (over: object = {}) => ({
      eventId: `evt-${Math.random()}`,
      type: 'applicant.reviewed',
      caseId,
      applicantId: 'prov-applicant-42',
      review: { answer: 'RED', rejectLabels: ['FORGERY'] },
      checks: { document: 'suspected', liveness: 'passed', faceMatch: 'failed' },
      occurredAt: clock.now().toISOString(),
      ...over,
    });

    it('refuses a forged, unsigned or stale webhook (401, audited) and stores nothing', async () => {
      const body = result();
      expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/kyc/webhooks/provider', payload: body }), 401, 'webhook_signature_invalid');
      expectProblem(await webhook(body, { secret: 'another-secret-of-sufficient-length-000000' }), 401, 'webhook_signature_invalid');
      expectProblem(await webhook(body, { ts: Math.floor(clock.now().getTime() / 1000) - 6 * 60 }), 401, 'webhook_signature_invalid');
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, JSON.stringify(body));
      expectProblem(await webhook({ ...body, review: { answer: 'GREEN', rejectLabels: [] } }, { ts, sig }), 401, 'webhook_signature_invalid');
      const rows = await findAudited(t, { action: 'kyc.webhook_rejected', outcome: 'denied' });
      assert.ok(rows.length >= 4);
      const row = await t.container.db.system.selectFrom('kyc_case').select('provider_answer').where('id', '=', caseId).executeTakeFirstOrThrow();
      assert.equal(row.provider_answer, null);
    });

    it('maps a result into the case as evidence (RED raises the priority, decides nothing); a replay is 409', async () => {
      const raw = JSON.stringify(result());
      const ts = Math.floor(clock.now().getTime() / 1000);
      const sig = signInbound(SECRET, ts, raw);
      const ok = await webhook(raw, { ts, sig });
      assert.equal(ok.statusCode, 202, ok.body);
      expectProblem(await webhook(raw, { ts, sig }), 409, 'webhook_replayed');
      await expectAudited(t, { action: 'kyc.provider_result', outcome: 'denied', errorCode: 'webhook_replayed' });
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${caseId}`)).json() as CaseView;
      assert.equal(v.case.state, 'draft');
      assert.equal(v.case.priority, 'high', 'RED raises the priority of an open case');
      assert.equal(v.provider!.answer, 'red');
      assert.equal(v.provider!.reference, 'prov-applicant-42');
      assert.deepEqual(v.provider!.rejectLabels, ['FORGERY']);
      assert.ok(v.history.some((h) => h.kind === 'provider_result' && /RED \(FORGERY\)/.test(h.reason ?? '')));
      const row = await t.container.db.system.selectFrom('kyc_case').select(['provider_ref_ct', 'provider_result_ct']).where('id', '=', caseId).executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.provider_ref_ct!).includes(Buffer.from('prov-applicant-42')));
    });

    it('validates after the signature; an unknown case is accepted and dropped (audited)', async () => {
      expectProblem(await webhook({ caseId }), 400, 'validation_failed');
      const r = await webhook(result({ caseId: crypto.randomUUID() }));
      assert.equal(r.statusCode, 202);
      const ev = (await findAudited(t, { action: 'kyc.provider_result', outcome: 'ok' })).at(-1)!;
      assert.ok(ev.fields.includes('result.dropped_unknown_case'));
    });
  });

  describe('jurisdictions', () => {
    it('a blocked country is refused at onboarding, with the reason recorded; the trader is rejected', async () => {
      const res = await call('support_senior', 'POST', '/api/v1/kyc/cases', { traderId: ids.iran });
      assert.equal(res.statusCode, 201, res.body);
      const v = res.json() as CaseView;
      assert.equal(v.case.state, 'rejected');
      assert.ok(v.history.some((h) => h.kind === 'jurisdiction_blocked' && /IR is on the blocked-jurisdiction list/.test(h.reason ?? '')));
      assert.equal((await kycState(ids.iran!)).kyc_state, 'rejected');
      const ev = await expectAudited(t, { action: 'kyc.case_create', outcome: 'ok', targetId: v.case.id });
      assert.ok(ev.fields.includes('result.jurisdiction_blocked'));
    });

    it('settings: read by kyc.read, changed only by kyc.settings.manage with a reason (new version, audited)', async () => {
      const cur = await call('compliance_officer', 'GET', '/api/v1/kyc/settings');
      assert.equal(cur.statusCode, 200);
      const s = (cur.json() as { settings: { blockedCountries: string[]; highRiskCountries: string[] }; version: number });
      assert.deepEqual(s.settings.blockedCountries, ['CU', 'IR', 'KP', 'SY']);
      const next = { ...s.settings, blockedCountries: [...s.settings.blockedCountries, 'BY'], highRiskCountries: s.settings.highRiskCountries.filter((c) => c !== 'BY') };
      expectProblem(await call('compliance_officer', 'PUT', '/api/v1/kyc/settings', { settings: next, reason: 'Board decision 2026-11' }), 403, 'forbidden');
      expectProblem(await call('compliance_senior', 'PUT', '/api/v1/kyc/settings', { settings: { ...next, blockedCountries: ['ir'] }, reason: 'lower case' }), 400, 'validation_failed');
      expectProblem(await call('compliance_senior', 'PUT', '/api/v1/kyc/settings', { settings: { ...next, highRiskCountries: ['BY'] }, reason: 'overlapping lists' }), 400, 'validation_failed');
      // Moving BY from high risk to blocked loosens the high-risk list: four eyes.
      const ok = await call('compliance_senior', 'PUT', '/api/v1/kyc/settings', { settings: next, reason: 'Board decision 2026-11' });
      assert.equal(ok.statusCode, 200, ok.body);
      const pending = ok.json() as { version: number; pendingApprovalId: string | null };
      assert.equal(pending.version, 0, 'nothing changed yet');
      assert.ok(pending.pendingApprovalId);
      const ev = await expectAudited(t, { action: 'kyc.settings_update', outcome: 'ok' });
      assert.deepEqual(ev.fields.sort(), ['result.four_eyes_requested', 'settings.blockedCountries', 'settings.highRiskCountries']);
      assert.equal(ev.reason, 'Board decision 2026-11');
      expectProblem(await call('compliance_senior', 'POST', `/api/v1/approvals/${pending.pendingApprovalId}/approve`, { reason: 'my own change' }), 403, 'forbidden');
      const approved = await call('senior_b', 'POST', `/api/v1/approvals/${pending.pendingApprovalId}/approve`, { reason: 'Checked the board minutes' });
      assert.equal(approved.statusCode, 200, approved.body);
      const now1 = (await call('compliance_officer', 'GET', '/api/v1/kyc/settings')).json() as { version: number; settings: { blockedCountries: string[] } };
      assert.equal(now1.version, 1);
      assert.ok(now1.settings.blockedCountries.includes('BY'));
      // Tightening applies at once: adding a high-risk country.
      const tighter = { ...next, highRiskCountries: [...next.highRiskCountries, 'PA'] };
      const t2 = await call('compliance_senior', 'PUT', '/api/v1/kyc/settings', { settings: tighter, reason: 'Adding Panama after review' });
      assert.equal((t2.json() as { version: number; pendingApprovalId: string | null }).version, 2);
      assert.equal((t2.json() as { pendingApprovalId: string | null }).pendingApprovalId, null);
    });

    it('a change of country to a blocked one opens an urgent review with the reason', async () => {
      const verdict = await t.container.audited(systemContext('test'), { action: 'test.country_change' }, (tx) => t.container.kyc.jurisdictionChanged(tx, ids.ada!, 'BY', null));
      assert.equal(verdict, 'blocked');
      const cases = (await call('compliance_officer', 'GET', `/api/v1/traders/${ids.ada}/kyc`)).json() as { cases: { id: string; priority: string }[] };
      const open = cases.cases.find((c) => c.priority === 'urgent');
      assert.ok(open, 'the open case was raised to urgent');
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${open.id}`)).json() as CaseView;
      assert.ok(v.history.some((h) => h.kind === 'jurisdiction_change' && /BY, on the blocked-jurisdiction list/.test(h.reason ?? '')));
    });
  });

  describe('erasure', () => {
    it("a crypto-shredded trader's case answers 409 (content gone), and the refresh job skips them", async () => {
      const cases = (await call('compliance_officer', 'GET', `/api/v1/traders/${ids.dora}/kyc`)).json() as { cases: { id: string }[] };
      await t.container.db.system.updateTable('subject_key').set({ wrapped: null, destroyed_at: clock.now() }).where('subject_id', '=', ids.dora!).execute();
      expectProblem(await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${cases.cases[0]!.id}`), 409, 'conflict');
      assert.equal((await call('compliance_officer', 'GET', `/api/v1/traders/${ids.dora}/kyc`)).statusCode, 200, 'the list needs no key');
      await t.container.kyc.runRefresh(systemContext('test'), { dryRun: true });
    });
  });

  describe('address change (the trader module\'s screened-field hook)', () => {
    it('a change of country to a blocked one through PATCH /api/v1/traders/:id opens an urgent change case', async () => {
      const id = await t.container.demo.createTrader(systemContext('test'), trader({ accountRef: 'ACC-KYC-MOVE', country: 'PT', kycState: 'approved' }));
      const res = await call('support_senior', 'PATCH', `/api/v1/traders/${id}`, { country: 'CU', reason: 'Trader reported a new address' });
      assert.equal(res.statusCode, 200, res.body);
      const cases = (await call('compliance_officer', 'GET', `/api/v1/traders/${id}/kyc`)).json() as { cases: { id: string; purpose: string; priority: string; state: string }[] };
      assert.equal(cases.cases.length, 1);
      assert.deepEqual([cases.cases[0]!.purpose, cases.cases[0]!.priority, cases.cases[0]!.state], ['change', 'urgent', 'submitted']);
      const v = (await call('compliance_officer', 'GET', `/api/v1/kyc/cases/${cases.cases[0]!.id}`)).json() as CaseView;
      assert.ok(v.history.some((h) => /Country changed to CU, on the blocked-jurisdiction list/.test(h.reason ?? '')));
    });
  });

  describe('periodic refresh (injected clock)', () => {
    it('opens review tasks when a review falls due, marks overdue traders expired; --dry-run writes nothing', async () => {
      // Carl was approved in the workflow tests: his review is due in 1–3 years by risk.
      const approved = await t.container.db.system.selectFrom('kyc_case').select(['next_review_at', 'trader_id']).where('trader_id', '=', ids.carl!).where('state', '=', 'approved').executeTakeFirstOrThrow();
      const due = new Date(approved.next_review_at!);
      const ctx = systemContext('test:refresh');
      clock.set(new Date(due.getTime() - 40 * 86_400_000));
      assert.equal((await t.container.kyc.runRefresh(ctx, { dryRun: false })).opened, 0);
      clock.set(new Date(due.getTime() - 10 * 86_400_000));
      const dry = await t.container.kyc.runRefresh(ctx, { dryRun: true });
      assert.ok(dry.opened >= 1);
      assert.equal(await t.container.db.system.selectFrom('kyc_case').select('id').where('purpose', '=', 'refresh').executeTakeFirst(), undefined);
      const run = await t.container.kyc.runRefresh(ctx, { dryRun: false });
      assert.equal(run.opened, dry.opened);
      const task = await t.container.db.system.selectFrom('kyc_case').selectAll().where('purpose', '=', 'refresh').where('trader_id', '=', ids.carl!).executeTakeFirstOrThrow();
      assert.equal(task.state, 'draft');
      assert.equal(new Date(task.due_at!).getTime(), due.getTime());
      assert.equal((await kycState(ids.carl!)).kyc_state, 'approved', 'still approved until the review is overdue');
      assert.equal((await t.container.kyc.runRefresh(ctx, { dryRun: false })).opened, 0, 'one task per trader');
      clock.set(new Date(due.getTime() + 86_400_000));
      const late = await t.container.kyc.runRefresh(ctx, { dryRun: false });
      assert.ok(late.expired >= 1);
      assert.equal((await kycState(ids.carl!)).kyc_state, 'expired');
      await expectAudited(t, { action: 'kyc.refresh_run', outcome: 'ok' });
    });
  });

  describe('at rest', () => {
    it('no file name, metadata, reason, note or provider reference is stored in clear anywhere in the database', async () => {
      const needles = [
        { label: 'EXIF GPS', value: GPS_TEXT },
        { label: 'file name', value: 'passport-ada' },
        { label: 'reason (more info)', value: 'The bill is older than three months' },
        { label: 'reason (approve)', value: 'Identity and address verified' },
        { label: 'reason (reject)', value: 'Documents do not match the account holder' },
        { label: 'reason (high risk)', value: 'EDD complete, source of funds plausible' },
        { label: 'EDD note', value: 'Salary slips and bank statements checked' },
        { label: 'provider reference', value: 'prov-applicant-42' },
        { label: 'provider labels', value: 'FORGERY' },
        { label: 'control: account ref', value: 'ACC-KYC-ADA' },
      ];
      const hits = await scanAllTables(t.container.db.system, new PlaintextScanner(needles));
      assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the trader table');
      assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
    });
  });
});
