// Trader fields × roles, from the attacker's side: every field for every built-in role is full, masked (exact
// format) or absent as one table here says; a secret never appears for anyone; lists are masked too; reveal
// needs the permission, a `reveal` class, a reason and step-up, is audited and rate-limited; a missing, a
// malformed and a forbidden id all answer 404 (never 500).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import type { SyntheticTrader } from '../demo/synthetic.js';
import { TRADER_FIELD_NAMES } from './traders.fields.js';
import { SAMPLE_TRADER } from './traders.sample.js';

const ROLES = ['support_junior', 'support_senior', 'marketing', 'compliance_officer', 'compliance_senior', 'security_officer', 'admin', 'auditor'] as const;
type RoleName = (typeof ROLES)[number];

const ADA: SyntheticTrader = {
  accountRef: 'ACC-0000042-abcdef',
  kind: 'individual',
  risk: 'medium',
  kycState: 'approved',
  vip: true,
  activityBand: 'high',
  antiPhishingCode: 'ADA-APC-1843',
  registrationNumber: null,
  persons: [],
  legalName: 'Ada Lovelace',
  email: 'ada.lovelace@analytical.test',
  phone: '+44 20 7946 0958',
  country: 'GB',
  dateOfBirth: '1815-12-10',
  bankAccount: 'GB82WEST12345698765432',
  wallets: [{ chain: 'ETH', address: '0x00000000219ab540356cBB839Cbe05303d7705Fa' }],
  balances: [{ asset: 'BTC', amount: '1.50000000' }],
};

// What each role sees of each field: F full, M masked, R masked and revealable, H absent, - cannot open profiles
// at all (403). The sample-only fields (not stored for real traders yet) are checked through the preview.
//                     sj sn mk co cs so ad au
const FIELD_TABLE = `
accountRef            F  F  -  F  F  F  F  -
kind                  F  F  -  F  F  F  F  -
status                F  F  -  F  F  F  F  -
country               F  F  -  F  F  F  F  -
displayName           F  F  -  F  F  F  F  -
createdAt             F  F  -  F  F  F  F  -
vip                   F  F  -  F  F  F  F  -
legalName             H  R  -  F  F  H  M  -
dateOfBirth           H  R  -  F  F  H  M  -
idDocumentNumber      H  R  -  F  F  H  M  -
registrationNumber    H  R  -  F  F  H  M  -
directors             H  R  -  F  F  H  M  -
ubos                  H  R  -  F  F  H  M  -
email                 M  R  -  F  F  M  M  -
phone                 M  R  -  F  F  M  M  -
bankAccount           H  M  -  R  F  H  M  -
wallets               H  M  -  R  F  H  M  -
balances              H  M  -  R  F  H  M  -
activityBand          H  M  -  R  F  H  M  -
tradingVolume30d      H  M  -  R  F  H  M  -
twoFactorEnabled      H  H  -  H  H  F  H  -
apiKey                H  M  -  M  M  F  M  -
apiSecret             H  H  -  H  H  H  H  -
antiPhishingCode      H  H  -  H  H  H  H  -
`;

function table(): Map<RoleName, Map<string, string>> {
  const out = new Map<RoleName, Map<string, string>>(ROLES.map((r) => [r, new Map()]));
  for (const line of FIELD_TABLE.trim().split('\n')) {
    const [field, ...marks] = line.trim().split(/\s+/);
    assert.equal(marks.length, ROLES.length);
    marks.forEach((m, i) => out.get(ROLES[i]!)!.set(field!, m));
  }
  return out;
}

// Full values and exact masks of the stored trader.
const ADA_FULL: Record<string, unknown> = {
  accountRef: ADA.accountRef,
  kind: 'individual',
  status: 'active',
  country: 'GB',
  displayName: 'Ada',
  vip: true,
  activityBand: 'high',
  legalName: 'Ada Lovelace',
  dateOfBirth: '1815-12-10',
  registrationNumber: null,
  email: 'ada.lovelace@analytical.test',
  phone: '+44 20 7946 0958',
  bankAccount: 'GB82WEST12345698765432',
  wallets: ADA.wallets,
  balances: ADA.balances,
};
const ADA_MASKED: Record<string, unknown> = {
  legalName: 'A*** L***',
  dateOfBirth: '****-**-**',
  registrationNumber: null,
  email: 'a***@a***.test',
  phone: '***58',
  bankAccount: '****5432',
  wallets: [{ chain: 'ETH', address: '****05Fa' }],
  balances: [{ asset: 'BTC', amount: '***' }],
  activityBand: '***',
};
const SAMPLE_MASKED: Record<string, unknown> = {
  legalName: 'J*** E*** S***',
  dateOfBirth: '****-**-**',
  idDocumentNumber: '***567',
  registrationNumber: null,
  directors: [],
  ubos: [],
  email: 'j***@e***.test',
  phone: '***78',
  bankAccount: '****0154',
  wallets: [
    { chain: 'ETH', address: '****9EE7' },
    { chain: 'BTC', address: '****5mdq' },
  ],
  balances: [
    { asset: 'BTC', amount: '***' },
    { asset: 'EUR', amount: '***' },
  ],
  activityBand: '***',
  tradingVolume30d: '***',
  apiKey: '****Lr4T',
};
// Values that must never appear in any answer to anyone.
const NEVER: string[] = [String(SAMPLE_TRADER.apiSecret), 'apiSecret'];

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

describe('traders: field × role, reveal, lists, ids', () => {
  let t: TestApp;
  let adaId: string;
  const members = new Map<RoleName, TestMember>();
  const expected = table();
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.2.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const get = (s: S, url: string) => t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  const post = (s: S, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: s.headers, remoteAddress: s.ip, payload });

  before(async () => {
    t = await createTestApp({ clock, env: { REVEAL_LIMIT_PER_HOUR: '3' } });
    for (const role of ROLES) members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}` }));
    adaId = await t.container.demo.createTrader(systemContext('test'), ADA);
    await t.container.demo.seedTraders(systemContext('test'), 4);
  });
  after(async () => t?.close());

  it('the table covers every trader field', () => {
    assert.deepEqual([...expected.get('admin')!.keys()].sort(), [...TRADER_FIELD_NAMES].sort());
  });

  it('GET /traders/:id shows every field to every role exactly as the table says, and audits the fields shown', async () => {
    for (const role of ROLES) {
      const s = await session(members.get(role)!);
      const res = await get(s, `/api/v1/traders/${adaId}`);
      const want = expected.get(role)!;
      if (want.get('accountRef') === '-') {
        expectProblem(res, 403, 'forbidden');
        continue;
      }
      assert.equal(res.statusCode, 200, `${role}: ${res.body}`);
      const body = res.json() as { id: string; fields: Record<string, unknown>; masked: string[]; revealable: string[] };
      assert.equal(body.id, adaId);
      for (const f of TRADER_FIELD_NAMES) {
        const mark = want.get(f)!;
        const stored = f in ADA_FULL || f === 'createdAt';
        const label = `${role} × ${f}`;
        if (!stored || mark === 'H') {
          assert.ok(!(f in body.fields), `${label} must be absent`);
          continue;
        }
        if (f === 'createdAt') assert.match(String(body.fields[f]), /^\d{4}-\d\d-\d\dT/, label);
        else if (mark === 'F') assert.deepEqual(body.fields[f], ADA_FULL[f], label);
        else assert.deepEqual(body.fields[f], ADA_MASKED[f], label);
        // A null (known to be empty) value has nothing to mask.
        assert.equal(body.masked.includes(f), (mark === 'M' || mark === 'R') && ADA_FULL[f] !== null, `${label} listed as masked`);
        assert.equal(body.revealable.includes(f), mark === 'R', `${label} listed as revealable`);
      }
      for (const v of NEVER) assert.ok(!res.body.includes(v), `${role}: no secret`);
      const ev = await expectAudited(t, { action: 'trader.view', outcome: 'ok', actorId: members.get(role)!.id, targetId: adaId });
      const shown = TRADER_FIELD_NAMES.filter((f) => (f in ADA_FULL || f === 'createdAt') && want.get(f) !== 'H').sort();
      assert.deepEqual(ev.fields, shown, `${role}: the audit event names the fields shown (names only)`);
    }
  });

  it('the role preview renders the fixed sample for every role × field, marketing sees display name and email only', async () => {
    const admin = await session(members.get('admin')!);
    for (const role of ROLES) {
      const res = await get(admin, `/api/v1/roles/${role}/preview`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { view: string; sample: { fields: Record<string, unknown>; masked: string[]; revealable: string[] }; fields: { name: string; shown: string; revealable: boolean }[] };
      for (const v of NEVER.slice(0, 1)) assert.ok(!res.body.includes(v), `${role}: the sample's secret never appears`);
      assert.ok(!('apiSecret' in body.sample.fields));
      const want = expected.get(role)!;
      if (role === 'marketing') {
        assert.equal(body.view, 'audience');
        assert.deepEqual(body.sample.fields, { displayName: 'Joana', email: 'joana.silva@example.test' }, 'marketing: first name and email, nothing else');
        continue;
      }
      if (role === 'auditor') {
        assert.equal(body.view, 'none');
        assert.deepEqual(body.sample.fields, {});
        continue;
      }
      assert.equal(body.view, 'profile');
      for (const f of TRADER_FIELD_NAMES) {
        const mark = want.get(f)!;
        const label: string = `preview ${role} × ${f}`;
        const sampleValue = (SAMPLE_TRADER as Record<string, unknown>)[f];
        if (mark === 'H') assert.ok(!(f in body.sample.fields), label);
        else if (mark === 'F') assert.deepEqual(body.sample.fields[f], sampleValue, label);
        else assert.deepEqual(body.sample.fields[f], SAMPLE_MASKED[f], label);
        assert.equal(body.fields.find((x) => x.name === f)!.shown, mark === 'F' ? 'full' : mark === 'H' ? 'hidden' : 'masked', label);
        assert.equal(body.fields.find((x) => x.name === f)!.revealable, mark === 'R', label);
      }
    }
    expectProblem(await get(admin, '/api/v1/roles/no_such_role/preview'), 404, 'not_found');
    await expectAudited(t, { action: 'role.preview', outcome: 'ok', targetId: 'support_senior' });
  });

  it('lists are masked per role too, page by page, and audited', async () => {
    const s = await session(members.get('support_junior')!);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(s, `/api/v1/traders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json() as { traders: { id: string; fields: Record<string, unknown>; masked: string[] }[]; nextCursor: string | null };
      for (const tr of page.traders) {
        seen.push(tr.id);
        assert.ok(!('legalName' in tr.fields) && !('bankAccount' in tr.fields) && !('balances' in tr.fields) && !('wallets' in tr.fields), 'junior: no identity or financial data');
        assert.match(String(tr.fields.email), /^.\*\*\*@.\*\*\*\.test$/);
        assert.match(String(tr.fields.phone), /^\*\*\*\d\d$/);
        assert.deepEqual(tr.masked.sort(), ['email', 'phone']);
      }
      for (const v of NEVER) assert.ok(!res.body.includes(v));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5, 'no trader twice');
    const ada = (await get(s, '/api/v1/traders?limit=100')).json().traders.find((x: { id: string }) => x.id === adaId);
    assert.deepEqual(ada.fields.email, 'a***@a***.test');
    const ev = await expectAudited(t, { action: 'trader.list', outcome: 'ok', actorId: members.get('support_junior')!.id });
    assert.deepEqual(ev.fields, ['accountRef', 'country', 'createdAt', 'displayName', 'email', 'kind', 'phone', 'status', 'vip']);
    expectProblem(await get(s, '/api/v1/traders?cursor=not-a-cursor'), 400, 'bad_request');
    expectProblem(await get(s, '/api/v1/traders?limit=1000'), 400, 'validation_failed');
    const cs = await session(members.get('compliance_senior')!);
    const full = (await get(cs, '/api/v1/traders?limit=100')).json().traders.find((x: { id: string }) => x.id === adaId);
    assert.equal(full.fields.bankAccount, ADA.bankAccount, 'control: senior compliance sees it in full');
  });

  it('404 for a missing id and for malformed ones, never 500; the attempt is audited', async () => {
    const s = await session(members.get('compliance_officer')!);
    for (const id of ['00000000-0000-4000-8000-000000000001', 'not-a-uuid', "1' or '1'='1", '%00', 'x'.repeat(90), adaId.toUpperCase().replace(/.$/, 'Z'), '..%2F..%2Fetc']) {
      expectProblem(await get(s, `/api/v1/traders/${id}`), 404, 'not_found');
      const r = await post(s, `/api/v1/traders/${id}/reveal`, { field: 'bankAccount', reason: 'checking a withdrawal' });
      expectProblem(r, 404, 'not_found');
    }
    await expectAudited(t, { action: 'trader.view', outcome: 'denied', errorCode: 'not_found', targetId: '00000000-0000-4000-8000-000000000001' });
    assert.equal((await get(s, `/api/v1/traders/${adaId.toUpperCase()}`)).statusCode, 200, 'control: an upper-case id is the same trader');
  });

  it('reveal: refused without the permission, without a reason, for a class not held as reveal, and for a secret; each audited', async () => {
    const junior = await session(members.get('support_junior')!);
    expectProblem(await post(junior, `/api/v1/traders/${adaId}/reveal`, { field: 'email', reason: 'customer on the phone' }), 403, 'forbidden');
    await expectAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('support_junior')!.id });

    const senior = await session(members.get('support_senior')!);
    const id = members.get('support_senior')!.id;
    const seq = await lastSeq(t);
    expectProblem(await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'email' }), 400, 'validation_failed');
    expectProblem(await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'email', reason: '  ok ' }), 400, 'validation_failed');
    expectProblem(await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'bankAccount', reason: 'customer asked for it' }), 403, 'forbidden');
    expectProblem(await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'apiSecret', reason: 'customer asked for it' }), 403, 'forbidden');
    expectProblem(await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'password', reason: 'customer asked for it' }), 400, 'validation_failed');
    const refused = (await findAudited(t, { action: 'trader.reveal', actorId: id, outcome: 'denied' })).filter((e) => e.seq > seq);
    assert.deepEqual(refused.map((e) => e.errorCode), ['validation_failed', 'validation_failed', 'forbidden', 'forbidden', 'validation_failed']);
    assert.deepEqual(refused[2]!.fields, ['bankAccount']);
    assert.deepEqual(refused[4]!.fields, ['unknown_field'], 'a made-up field name is not written to the log');

    const ok = await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'email', reason: 'verifying the caller (ticket 4711)' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { field: 'email', value: 'ada.lovelace@analytical.test' });
    const ev = await expectAudited(t, { action: 'trader.reveal', outcome: 'ok', actorId: id, targetId: adaId });
    assert.equal(ev.reason, 'verifying the caller (ticket 4711)');
    assert.deepEqual(ev.fields, ['email']);
    const co = await session(members.get('compliance_officer')!);
    const w = await post(co, `/api/v1/traders/${adaId}/reveal`, { field: 'wallets', reason: 'tracing a deposit' });
    assert.equal(w.statusCode, 200, w.body);
    assert.deepEqual(w.json().value, ADA.wallets);
  });

  it('reveal needs step-up: a second factor older than 5 minutes is refused', async () => {
    const senior = await session(members.get('support_senior')!);
    clock.advance(4 * 60_000);
    assert.equal((await get(senior, `/api/v1/traders/${adaId}`)).statusCode, 200, 'keeps the session alive');
    clock.advance(2 * 60_000);
    const r = await post(senior, `/api/v1/traders/${adaId}/reveal`, { field: 'phone', reason: 'calling the customer back' });
    assert.equal(r.statusCode, 401, r.body);
    assert.equal(r.json().code, 'step_up_required');
  });

  it('reveal is rate-limited per member (here 3 an hour): the next one is 429 and audited; an hour later it works again', async () => {
    const m = await createMember(t, clock, { email: 'busy.senior@bank.test', roles: ['support_senior'] });
    const s = await session(m);
    for (let i = 0; i < 3; i++) {
      const r = await post(s, `/api/v1/traders/${adaId}/reveal`, { field: 'phone', reason: `call back number ${i}` });
      assert.equal(r.statusCode, 200, r.body);
    }
    const over = await post(s, `/api/v1/traders/${adaId}/reveal`, { field: 'phone', reason: 'one more call back' });
    expectProblem(over, 429, 'rate_limited');
    assert.equal(over.headers['retry-after'], '3600');
    await expectAudited(t, { action: 'trader.reveal', outcome: 'denied', errorCode: 'rate_limited', actorId: m.id });
    // Another member is not affected.
    const other = await session(members.get('support_senior')!);
    assert.equal((await post(other, `/api/v1/traders/${adaId}/reveal`, { field: 'phone', reason: 'another call back' })).statusCode, 200);
    // Concurrent reveals cannot slip past the limit together (one group commit).
    clock.advance(61 * 60_000);
    const s2 = await session(m);
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => post(s2, `/api/v1/traders/${adaId}/reveal`, { field: 'email', reason: `burst reveal ${i}` })));
    assert.equal(burst.filter((r) => r.statusCode === 200).length, 3, burst.map((r) => r.statusCode).join(','));
    assert.equal(burst.filter((r) => r.statusCode === 429).length, 5);
  });

  it('a crypto-shredded trader answers with its public fields only (never a 500)', async () => {
    const id = await t.container.demo.createTrader(systemContext('test'), { ...ADA, accountRef: 'ACC-0000043-shred', email: 'gone@analytical.test' });
    await t.container.audited(systemContext('test'), { action: 'test.shred', target: { type: 'trader', id } }, async (tx) => {
      await tx.updateTable('subject_key').set({ wrapped: null, destroyed_at: clock.now() }).where('subject_id', '=', id).execute();
    });
    const s = await session(members.get('compliance_senior')!);
    const res = await get(s, `/api/v1/traders/${id}`);
    assert.equal(res.statusCode, 200, res.body);
    // The plain columns stay (status, VIP flag, activity band); nothing that was encrypted under the destroyed key.
    assert.deepEqual(Object.keys(res.json().fields).sort(), ['accountRef', 'activityBand', 'country', 'createdAt', 'kind', 'status', 'vip']);
    assert.equal((await get(s, '/api/v1/traders?limit=100')).statusCode, 200);
  });

  it('a secret can never be made visible: not through the API, not in the database', async () => {
    const admin = await session(members.get('admin')!);
    const roles = (await get(admin, '/api/v1/roles')).json().roles as { name: string; fieldPolicy: Record<string, string> }[];
    const junior = roles.find((r) => r.name === 'support_junior')!;
    const r = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/roles/support_junior',
      headers: admin.headers,
      remoteAddress: admin.ip,
      payload: { description: 'x', permissions: ['trader.read'], fieldPolicy: { ...junior.fieldPolicy, secret: 'full' }, idleTimeoutMinutes: 10, requireHardwareKey: false, privileged: false, reason: 'let me see the secrets' },
    });
    expectProblem(r, 400, 'validation_failed');
    await assert.rejects(
      t.container.audited(systemContext('test'), { action: 'test.secret' }, async (tx) => {
        await tx.updateTable('role_field_policy').set({ visibility: 'full' }).where('role', '=', 'admin').where('field_class', '=', 'secret').execute();
      }),
      /check constraint/,
    );
  });
});
