// Consent, marketing segments and the unsubscribe link, from the attacker's side: the consent history is
// append-only in the database; a segment never holds a trader who did not consent, withdrew, or is not active —
// on any page, and right after an opt-out — and never any field but display name and e-mail; marketing opens no
// trader route; junior support opens no segment; the unsubscribe link works signed out, and a tampered token
// (one byte, another category, another trader) is refused and audited; replaying one is harmless.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { superuser, type Superuser } from '../../../../test/helpers/superuser.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import type { ConsentCategory } from '../../../contracts/consent.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';

const clock = new FakeClock('2026-11-22T09:00:00.000Z');
const ROLES = ['marketing', 'support_junior', 'support_senior', 'auditor'] as const;
type Role = (typeof ROLES)[number];

interface Fixture {
  id: string;
  email: string;
  first: string;
}

describe('consent, segments and the unsubscribe link', () => {
  let t: TestApp;
  let su: Superuser;
  const members = new Map<Role, TestMember>();
  const tr: Record<string, Fixture> = {};
  let n = 0;
  const session = async (role: Role) => {
    clock.advance(31_000);
    const ip = `127.3.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, members.get(role)!, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const get = (s: S, url: string) => t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  const send = (s: S, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: s.headers, remoteAddress: s.ip, ...(payload ? { payload } : {}) });
  // Public requests: no cookie, each from its own address (the public routes are rate-limited per address).
  const pub = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, remoteAddress: `10.9.${++n >> 8}.${n & 255}`, ...(payload ? { payload } : {}) });

  const record = (id: string, category: ConsentCategory, granted: boolean, source: 'signup' | 'settings' = 'signup') =>
    t.container.audited(systemContext('test'), { action: 'test.consent' }, (tx) =>
      t.container.consent.recordIn(tx, id, { category, granted, source, wordingVersion: 'signup-2025-01', recordedBy: 'test' }),
    );
  const make = async (key: string, i: number, set: { country?: string; activity_band?: string; vip?: boolean; status?: string } = {}) => {
    const base = syntheticTrader(1000 + i);
    const first = `First${key}`;
    const email = `${key.toLowerCase()}.${i}@consent.test`;
    const id = await t.container.demo.createTrader(systemContext('test'), { ...base, accountRef: `ACC-C${String(i).padStart(4, '0')}`, legalName: `${first} Tester`, email, country: set.country ?? 'DE' });
    const cols = { activity_band: 'medium', vip: false, status: 'active', ...set };
    await su.query('update trader set activity_band = $1, vip = $2, status = $3 where id = $4', [cols.activity_band, cols.vip, cols.status, id]);
    tr[key] = { id, email, first };
    return id;
  };
  const eventsOf = async (id: string) => Number((await su.query<{ n: string }>('select count(*) as n from consent_event where trader_id = $1', [id]))[0]!.n);

  before(async () => {
    t = await createTestApp({ clock });
    su = await superuser(t);
    for (const role of ROLES) members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}` }));
    // Consenting (marketing e-mail), in several countries, bands and VIP states.
    await make('Anna', 1, { country: 'DE', activity_band: 'high', vip: true });
    await make('Ben', 2, { country: 'FR', activity_band: 'low' });
    await make('Cleo', 3, { country: 'DE', activity_band: 'medium' });
    await make('Dora', 4, { country: 'DE', activity_band: 'dormant' });
    await make('Emil', 5, { country: 'NL', activity_band: 'high' });
    // Never asked; withdrew after granting; consented to product news only; consenting but frozen; consenting but erased.
    await make('Nevera', 6);
    await make('Withdrew', 7);
    await make('Newsonly', 8);
    await make('Frozen', 9, { status: 'frozen' });
    await make('Erased', 10);
    for (const k of ['Anna', 'Ben', 'Cleo', 'Dora', 'Emil', 'Frozen', 'Erased']) await record(tr[k]!.id, 'marketing_email', true);
    await record(tr.Withdrew!.id, 'marketing_email', true);
    clock.advance(60_000);
    await record(tr.Withdrew!.id, 'marketing_email', false, 'settings');
    await record(tr.Newsonly!.id, 'product_news', true);
    // Crypto-shredded: the trader's data key is destroyed.
    await su.query('update subject_key set wrapped = null, destroyed_at = now() where subject_id = $1', [tr.Erased!.id]);
  });
  after(async () => {
    await su?.close();
    await t?.close();
  });

  describe('the consent history is evidence', () => {
    for (const stmt of ['update consent_event set granted = not granted', 'delete from consent_event', 'truncate consent_event']) {
      it(`as the application role, "${stmt}" is refused by privileges and changes nothing`, async () => {
        const before = await su.query('select * from consent_event order by id');
        await assert.rejects(sql.raw(stmt).execute(t.container.db.system), /permission denied for table consent_event/);
        assert.deepEqual(await su.query('select * from consent_event order by id'), before);
      });
    }

    it('recordIn keeps the full history and the current state on the latest answer (an older import does not override it)', async () => {
      const id = tr.Withdrew!.id;
      const older = new Date(clock.now().getTime() - 365 * 86_400_000);
      await t.container.audited(systemContext('test'), { action: 'test.consent' }, (tx) =>
        t.container.consent.recordIn(tx, id, { category: 'marketing_email', granted: true, source: 'import', wordingVersion: 'paper-2019', recordedBy: 'import', recordedAt: older }),
      );
      const cur = await su.query<{ granted: boolean }>("select granted from consent_current where trader_id = $1 and category = 'marketing_email'", [id]);
      assert.equal(cur[0]!.granted, false, 'still withdrawn');
      assert.equal(await eventsOf(id), 3);
    });
  });

  describe('staff API: a trader’s consents', () => {
    it('support sees current state per category and the history; audited consent.view', async () => {
      const s = await session('support_junior');
      const res = await get(s, `/api/v1/traders/${tr.Withdrew!.id}/consents`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(
        body.current.map((c: { category: string; state: string }) => [c.category, c.state]),
        [
          ['marketing_email', 'withdrawn'],
          ['product_news', 'not_asked'],
          ['research', 'not_asked'],
        ],
      );
      assert.equal(body.history.length, 3);
      assert.equal(body.history[0].source, 'settings', 'newest first');
      assert.equal(body.canManage, false);
      assert.ok(!res.body.includes(tr.Withdrew!.email), 'no personal data in the consent view');
      await expectAudited(t, { action: 'consent.view', outcome: 'ok', actorId: members.get('support_junior')!.id, targetId: tr.Withdrew!.id });
    });

    it('IDOR: another trader’s id shows only that trader; missing and malformed ids are 404; roles without the section are refused', async () => {
      const s = await session('support_senior');
      const a = (await get(s, `/api/v1/traders/${tr.Anna!.id}/consents`)).json();
      assert.equal(a.traderId, tr.Anna!.id);
      assert.equal(a.history.length, 1);
      assert.equal(a.canManage, true);
      expectProblem(await get(s, '/api/v1/traders/00000000-0000-4000-8000-000000000000/consents'), 404, 'not_found');
      expectProblem(await get(s, '/api/v1/traders/not-an-id/consents'), 404, 'not_found');
      expectProblem(await get(s, `/api/v1/traders/${tr.Anna!.id}'%20or%201=1/consents`), 404, 'not_found');
      expectProblem(await get(await session('auditor'), `/api/v1/traders/${tr.Anna!.id}/consents`), 403, 'forbidden');
    });

    it('recording a change needs consent.manage, a wording version and a reason; it is audited with the reason', async () => {
      const junior = await session('support_junior');
      const body = { category: 'research', granted: true, wordingVersion: 'phone-2026-11', reason: 'Trader asked on the phone' };
      expectProblem(await send(junior, 'POST', `/api/v1/traders/${tr.Ben!.id}/consents`, body), 403, 'forbidden');
      const senior = await session('support_senior');
      const url = `/api/v1/traders/${tr.Ben!.id}/consents`;
      expectProblem(await send(senior, 'POST', url, { ...body, reason: '' }), 400, 'validation_failed');
      expectProblem(await send(senior, 'POST', url, { category: 'research', granted: true, reason: 'Trader asked on the phone' }), 400, 'validation_failed');
      expectProblem(await send(senior, 'POST', url, { ...body, wordingVersion: 'has spaces; drop table' }), 400, 'validation_failed');
      expectProblem(await send(senior, 'POST', url, { ...body, category: 'sms' }), 400, 'validation_failed');
      expectProblem(await send(senior, 'POST', url, { ...body, reason: 'x'.repeat(5000) }), 400, 'validation_failed');
      expectProblem(await send(senior, 'POST', '/api/v1/traders/00000000-0000-4000-8000-000000000000/consents', body), 404, 'not_found');
      assert.equal(await eventsOf(tr.Ben!.id), 1, 'no refused request wrote anything');
      const ok = await send(senior, 'POST', url, body);
      assert.equal(ok.statusCode, 201, ok.body);
      const view = ok.json();
      assert.equal(view.current.find((c: { category: string }) => c.category === 'research').state, 'granted');
      assert.deepEqual(
        { source: view.history[0].source, wordingVersion: view.history[0].wordingVersion, recordedBy: view.history[0].recordedBy },
        { source: 'support', wordingVersion: 'phone-2026-11', recordedBy: 'M support_senior' },
      );
      const ev = await expectAudited(t, { action: 'consent.record', outcome: 'ok', actorId: members.get('support_senior')!.id, targetId: tr.Ben!.id });
      assert.equal(ev.reason, 'Trader asked on the phone');
      assert.deepEqual(ev.fields, ['consent.research']);
    });
  });

  describe('marketing opens no trader route; junior support opens no segment', () => {
    it('marketing: 403 or 404 on every trader route', async () => {
      const s = await session('marketing');
      for (const url of ['/api/v1/traders', `/api/v1/traders/${tr.Anna!.id}`, `/api/v1/traders/${tr.Anna!.id}/consents`]) {
        const res = await get(s, url);
        assert.ok(res.statusCode === 403 || res.statusCode === 404, `${url}: ${res.statusCode}`);
        assert.ok(!res.body.includes(tr.Anna!.email) && !res.body.includes(tr.Anna!.first), `${url}: no trader data`);
      }
      const rec = await send(s, 'POST', `/api/v1/traders/${tr.Anna!.id}/consents`, { category: 'research', granted: true, wordingVersion: 'v1', reason: 'I would like to' });
      expectProblem(rec, 403, 'forbidden');
    });

    it('support_junior: 403 on listing, changing and reading segments', async () => {
      const s = await session('support_junior');
      expectProblem(await get(s, '/api/v1/marketing/segments'), 403, 'forbidden');
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'x', category: 'research' }), 403, 'forbidden');
      expectProblem(await get(s, '/api/v1/marketing/segments/00000000-0000-4000-8000-000000000000/audience'), 403, 'forbidden');
    });
  });

  describe('segments', () => {
    let all: string;
    let de: string;

    it('marketing creates, lists, changes and deletes segments; bad input is a 4xx problem, never a 500', async () => {
      const s = await session('marketing');
      const created = await send(s, 'POST', '/api/v1/marketing/segments', { name: 'Everyone (e-mail)', category: 'marketing_email' });
      assert.equal(created.statusCode, 201, created.body);
      all = created.json().id;
      assert.deepEqual(created.json().countries, []);
      assert.equal(created.json().vip, null);
      const de1 = await send(s, 'POST', '/api/v1/marketing/segments', { name: 'Germany', category: 'marketing_email', countries: ['DE', 'DE'], activityBands: ['high', 'medium', 'dormant'] });
      assert.equal(de1.statusCode, 201, de1.body);
      de = de1.json().id;
      assert.deepEqual(de1.json().countries, ['DE']);
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'Germany', category: 'research' }), 409, 'conflict');
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'x', category: 'research', countries: ['germany'] }), 400, 'validation_failed');
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'x', category: 'research', activityBands: ['whale'] }), 400, 'validation_failed');
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'x'.repeat(81), category: 'research' }), 400, 'validation_failed');
      expectProblem(await send(s, 'POST', '/api/v1/marketing/segments', { name: 'x', category: 'everything' }), 400, 'validation_failed');
      const tmp = (await send(s, 'POST', '/api/v1/marketing/segments', { name: 'Temporary', category: 'research' })).json().id as string;
      expectProblem(await send(s, 'PATCH', `/api/v1/marketing/segments/${tmp}`, { name: 'Germany' }), 409, 'conflict');
      const patched = await send(s, 'PATCH', `/api/v1/marketing/segments/${tmp}`, { vip: true, countries: ['NL'] });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual([patched.json().vip, patched.json().countries, patched.json().name], [true, ['NL'], 'Temporary']);
      const upd = await expectAudited(t, { action: 'marketing.segment.update', outcome: 'ok', targetId: tmp });
      assert.deepEqual(upd.fields, ['countries', 'vip']);
      expectProblem(await send(s, 'PATCH', '/api/v1/marketing/segments/00000000-0000-4000-8000-000000000000', { vip: true }), 404, 'not_found');
      expectProblem(await send(s, 'PATCH', '/api/v1/marketing/segments/nope', { vip: true }), 404, 'not_found');
      assert.equal((await send(s, 'DELETE', `/api/v1/marketing/segments/${tmp}`)).statusCode, 204);
      expectProblem(await send(s, 'DELETE', `/api/v1/marketing/segments/${tmp}`), 404, 'not_found');
      const list = await get(s, '/api/v1/marketing/segments');
      assert.deepEqual(list.json().segments.map((x: { name: string }) => x.name), ['Everyone (e-mail)', 'Germany']);
      await expectAudited(t, { action: 'marketing.segment.create', outcome: 'ok', targetId: de });
      await expectAudited(t, { action: 'marketing.segment.delete', outcome: 'ok', targetId: tmp });
    });

    /** Every page of a segment's audience. */
    async function audience(s: S, id: string, limit: number) {
      const pages: { count: number; audience: Record<string, unknown>[] }[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(s, `/api/v1/marketing/segments/${id}/audience?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        pages.push(body);
        cursor = body.nextCursor;
        assert.ok(pages.length < 50, 'pagination ends');
      } while (cursor);
      return { pages, members: pages.flatMap((p) => p.audience) };
    }

    it('the audience holds consenting, active traders only — display name and e-mail, nothing else — on every page', async () => {
      const s = await session('marketing');
      const { pages, members: got } = await audience(s, all, 2);
      const want = ['Anna', 'Ben', 'Cleo', 'Dora', 'Emil'];
      assert.ok(pages.length >= 3, 'several pages');
      for (const p of pages) assert.equal(p.count, want.length, 'count on every page');
      assert.deepEqual(got.map((m) => m.email).sort(), want.map((k) => tr[k]!.email).sort());
      for (const m of got) assert.deepEqual(Object.keys(m).sort(), ['displayName', 'email'], 'exactly display name and e-mail');
      assert.deepEqual(got.map((m) => m.displayName).sort(), want.map((k) => tr[k]!.first).sort(), 'display name = first word of the legal name');
      const text = JSON.stringify(pages);
      for (const k of ['Nevera', 'Withdrew', 'Newsonly', 'Frozen', 'Erased']) {
        assert.ok(!text.includes(tr[k]!.email) && !text.includes(tr[k]!.first), `${k} is not in the audience`);
      }
      for (const k of Object.keys(tr)) assert.ok(!text.includes(tr[k]!.id), 'no trader id, not even inside a cursor');
      assert.ok(!text.includes('Tester'), 'no legal name');
      const ev = await expectAudited(t, { action: 'marketing.audience.view', outcome: 'ok', actorId: members.get('marketing')!.id, targetId: all });
      assert.deepEqual(ev.fields, ['displayName', 'email']);
    });

    it('filters apply in the query: country, activity band, VIP', async () => {
      const s = await session('marketing');
      assert.deepEqual((await audience(s, de, 10)).members.map((m) => m.email).sort(), ['Anna', 'Cleo', 'Dora'].map((k) => tr[k]!.email).sort());
      await send(s, 'PATCH', `/api/v1/marketing/segments/${de}`, { vip: true });
      assert.deepEqual((await audience(s, de, 10)).members.map((m) => m.email), [tr.Anna!.email]);
      await send(s, 'PATCH', `/api/v1/marketing/segments/${de}`, { vip: null, activityBands: ['low'], countries: [] });
      assert.deepEqual((await audience(s, de, 10)).members.map((m) => m.email), [tr.Ben!.email]);
      await send(s, 'PATCH', `/api/v1/marketing/segments/${de}`, { category: 'product_news', activityBands: [] });
      assert.deepEqual((await audience(s, de, 10)).members.map((m) => m.email), [tr.Newsonly!.email]);
    });

    it('cursors are bound to their segment and cannot be forged; unknown segments are 404', async () => {
      const s = await session('marketing');
      const first = (await get(s, `/api/v1/marketing/segments/${all}/audience?limit=1`)).json();
      assert.ok(first.nextCursor);
      expectProblem(await get(s, `/api/v1/marketing/segments/${de}/audience?cursor=${first.nextCursor}`), 400, 'bad_request');
      const forged = Buffer.from(tr.Nevera!.id).toString('base64url');
      expectProblem(await get(s, `/api/v1/marketing/segments/${all}/audience?cursor=${forged}`), 400, 'bad_request');
      expectProblem(await get(s, `/api/v1/marketing/segments/${all}/audience?cursor=${'A'.repeat(500)}`), 400, 'validation_failed');
      expectProblem(await get(s, `/api/v1/marketing/segments/${all}/audience?limit=1000`), 400, 'validation_failed');
      expectProblem(await get(s, '/api/v1/marketing/segments/00000000-0000-4000-8000-000000000000/audience'), 404, 'not_found');
      expectProblem(await get(s, '/api/v1/marketing/segments/..%2F..%2Ftraders/audience'), 404, 'not_found');
    });

    it('an opt-out through the link takes the trader out at once, including across page boundaries', async () => {
      const s = await session('marketing');
      const first = (await get(s, `/api/v1/marketing/segments/${all}/audience?limit=1`)).json();
      // Someone who would be on a later page (of the two no other test counts events of).
      const later = ['Ben', 'Emil'].find((k) => !first.audience.some((m: { email: string }) => m.email === tr[k]!.email))!;
      const link = t.container.consent.unsubscribeLink(tr[later]!.id, 'marketing_email');
      const res = await pub('POST', '/api/v1/public/unsubscribe', { token: link.split('#')[1] });
      assert.equal(res.statusCode, 200, res.body);
      let cursor: string | null = first.nextCursor;
      const rest: Record<string, unknown>[] = [];
      while (cursor) {
        const p = (await get(s, `/api/v1/marketing/segments/${all}/audience?limit=2&cursor=${encodeURIComponent(cursor)}`)).json();
        assert.equal(p.count, 4);
        rest.push(...p.audience);
        cursor = p.nextCursor;
      }
      const seen = [...first.audience, ...rest].map((m: Record<string, unknown>) => m.email);
      assert.ok(!seen.includes(tr[later]!.email), 'the trader who just opted out is gone from later pages');
      assert.equal(seen.length, 4);
      assert.equal(new Set(seen).size, seen.length, 'no one twice');
    });

    it('the audience goes through the field view: a role whose audience view masks contact data gets the mask', async () => {
      const masked = await createMember(t, clock, { email: 'mk2@bank.test', roles: ['marketing'], displayName: 'M2' });
      const changed = await su.query("update role_field_policy set visibility = 'masked' where role = 'marketing' and field_class = 'contact' returning role");
      assert.equal(changed.length, 1);
      try {
        clock.advance(31_000);
        const s2 = await signInAs(t, masked, clock, 'test-agent', '127.4.0.1');
        const res = await t.app.inject({ url: `/api/v1/marketing/segments/${all}/audience`, headers: s2.headers, remoteAddress: '127.4.0.1' });
        assert.equal(res.statusCode, 200, res.body);
        for (const m of res.json().audience) assert.match(String(m.email), /^\w\*\*\*@/, 'masked e-mail');
      } finally {
        await su.query("update role_field_policy set visibility = 'full' where role = 'marketing' and field_class = 'contact'");
      }
    });
  });

  describe('the unsubscribe link', () => {
    const tokenOf = (id: string, category: ConsentCategory) => t.container.consent.unsubscribeLink(id, category).split('#')[1]!;

    it('the link puts the token in the fragment of the public page', () => {
      const link = t.container.consent.unsubscribeLink(tr.Cleo!.id, 'marketing_email');
      assert.ok(link.startsWith(`${t.config.publicUrl}/unsubscribe#`), link);
      assert.ok(!link.includes('?'), 'nothing in the query string (access logs, Referer)');
    });

    it('works signed out: GET tells the category only, POST records the opt-out once; a replay is harmless', async () => {
      const id = tr.Cleo!.id;
      const token = tokenOf(id, 'marketing_email');
      const info = await pub('POST', '/api/v1/public/unsubscribe/lookup', { token });
      assert.equal(info.statusCode, 200, info.body);
      assert.deepEqual(info.json(), { category: 'marketing_email' }, 'no trader id, no personal data');
      const before = await eventsOf(id);
      const seq = await lastSeq(t);
      const done = await pub('POST', '/api/v1/public/unsubscribe', { token });
      assert.equal(done.statusCode, 200, done.body);
      assert.deepEqual(done.json(), { category: 'marketing_email', unsubscribed: true });
      assert.equal(await eventsOf(id), before + 1);
      const last = await su.query<{ granted: boolean; source: string; wording_version: string }>(
        'select granted, source, wording_version from consent_event where trader_id = $1 order by recorded_at desc, id desc limit 1',
        [id],
      );
      assert.deepEqual({ ...last[0] }, { granted: false, source: 'unsubscribe_link', wording_version: 'unsubscribe-v1' });
      await expectAudited(t, { action: 'consent.unsubscribe', outcome: 'ok', actorId: null, targetId: id }, { afterSeq: seq });
      for (let i = 0; i < 3; i++) assert.equal((await pub('POST', '/api/v1/public/unsubscribe', { token })).statusCode, 200);
      assert.equal(await eventsOf(id), before + 1, 'replays add nothing');
      const cur = await su.query<{ granted: boolean }>("select granted from consent_current where trader_id = $1 and category = 'marketing_email'", [id]);
      assert.equal(cur[0]!.granted, false);
    });

    it('a tampered token (one byte, another category, another trader) or a malformed one is 400 and audited as denied', async () => {
      const id = tr.Dora!.id;
      const token = tokenOf(id, 'marketing_email');
      const [payload, mac] = token.split('.') as [string, string];
      const text = Buffer.from(payload, 'base64url').toString('utf8');
      const reencode = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const bad = [
        flip(payload, 3) + '.' + mac,
        payload + '.' + flip(mac, 10),
        reencode(text.replace('marketing_email', 'research')) + '.' + mac,
        reencode(text.replace(id, tr.Anna!.id)) + '.' + mac,
        // A genuine token's MAC on another trader's payload.
        tokenOf(tr.Anna!.id, 'marketing_email').split('.')[0] + '.' + mac,
        'not-a-token',
        '',
        '.'.repeat(3),
        `${payload}.${mac}.${mac}`,
        `${payload}=.${mac}`,
      ];
      const seq = await lastSeq(t);
      for (const b of bad) {
        expectProblem(await pub('POST', '/api/v1/public/unsubscribe', { token: b }), 400, 'link_invalid');
        expectProblem(await pub('POST', '/api/v1/public/unsubscribe/lookup', { token: b }), 400, 'link_invalid');
      }
      const denied = await findAudited(t, { action: 'consent.unsubscribe', outcome: 'denied', errorCode: 'link_invalid' });
      assert.equal(denied.filter((r) => r.seq > seq).length, bad.length, 'every refused POST is audited');
      assert.equal((await findAudited(t, { action: 'consent.unsubscribe_open', outcome: 'denied' })).filter((r) => r.seq > seq).length, bad.length);
      assert.equal(await eventsOf(id), 1, 'nothing recorded for the tampered links');
      assert.equal(await eventsOf(tr.Anna!.id), 1);
      expectProblem(await pub('POST', '/api/v1/public/unsubscribe', { token: 'x'.repeat(2000) }), 400, 'validation_failed');
      expectProblem(await pub('POST', '/api/v1/public/unsubscribe', {}), 400, 'validation_failed');
    });

    it('a valid token for a trader that does not exist is refused like a bad link', async () => {
      const ghost = '00000000-0000-4000-8000-000000000001';
      expectProblem(await pub('POST', '/api/v1/public/unsubscribe', { token: tokenOf(ghost, 'research') }), 400, 'link_invalid');
      await expectAudited(t, { action: 'consent.unsubscribe', outcome: 'denied', targetId: ghost });
    });

    it('the public routes are rate-limited per address', async () => {
      const token = tokenOf(tr.Dora!.id, 'research');
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        codes.push((await t.app.inject({ method: 'POST', url: '/api/v1/public/unsubscribe/lookup', payload: { token }, remoteAddress: '10.200.0.1' })).statusCode);
      }
      assert.deepEqual(codes.slice(0, 10), Array(10).fill(200));
      assert.equal(codes.at(-1), 429);
    });

    it('the MAC is bound to its purpose', () => {
      const v = t.container.vault;
      const tag = v.mac('unsubscribe-link', 'data');
      assert.equal(tag.length, 32);
      assert.ok(v.verifyMac('unsubscribe-link', 'data', tag));
      assert.ok(!v.verifyMac('other-purpose', 'data', tag));
      assert.ok(!v.verifyMac('unsubscribe-link', 'datA', tag));
      assert.ok(!v.verifyMac('unsubscribe-link', 'data', tag.subarray(0, 16)));
      assert.ok(!v.blindIndex('unsubscribe-link', 'data').equals(tag), 'not the blind-index token');
    });
  });

  describe('import and demo data', () => {
    const ref = (i: number) => `ACC-C${String(i).padStart(4, '0')}`;

    it('an import with a bad row reports every bad line and writes nothing', async () => {
      const before = await su.query<{ n: string }>('select count(*) as n from consent_event');
      const csv = [
        'account_ref,category,granted,source,wording_version,recorded_at',
        `${ref(6)},research,true,import,paper-2019,2019-05-01`,
        `${ref(6)},sms,true,import,paper-2019,2019-05-01`,
        `${ref(6)},research,maybe,import,paper-2019,2019-05-01`,
        `ACC-NOPE,research,true,import,paper-2019,2019-05-01`,
        `${ref(6)},research,true,import,paper 2019,2099-01-01`,
        `${ref(6)},research,true`,
      ].join('\n');
      await assert.rejects(t.container.consent.importCsv(systemContext('test'), csv), (err: { opts: { fieldErrors: { path: string }[] } }) => {
        assert.deepEqual(
          err.opts.fieldErrors.map((e) => e.path),
          ['line 3', 'line 4', 'line 6', 'line 7'],
        );
        return true;
      });
      assert.deepEqual(await su.query<{ n: string }>('select count(*) as n from consent_event'), before);
      // Shape fine, but an unknown account: also nothing written.
      await assert.rejects(t.container.consent.importCsv(systemContext('test'), `${ref(6)},research,true,import,paper-2019,2019-05-01\nACC-NOPE,research,true,import,paper-2019,2019-05-01\n`), /not valid/);
      assert.deepEqual(await su.query<{ n: string }>('select count(*) as n from consent_event'), before);
      await expectAudited(t, { action: 'consent.import', outcome: 'error', errorCode: 'validation_failed' });
    });

    it('a good import lands in the history with its own times, and the current state follows the latest answer', async () => {
      const csv = [
        `${ref(6)},research,true,import,paper-2019,2019-05-01T10:00:00Z`,
        `"${ref(6)}",research,false,import,paper-2019,2020-01-01`,
        `${ref(6)},product_news,yes,signup,signup-2018,2018-03-01`,
      ].join('\r\n');
      assert.deepEqual(await t.container.consent.importCsv(systemContext('test'), csv), { imported: 3 });
      const cur = await su.query<{ category: string; granted: boolean }>('select category, granted from consent_current where trader_id = $1 order by category', [tr.Nevera!.id]);
      assert.deepEqual(cur.map((r) => [r.category, r.granted]), [
        ['product_news', true],
        ['research', false],
      ]);
      await expectAudited(t, { action: 'consent.import', outcome: 'ok' });
    });

    it('the demo seed gives a mix (granted, never asked, opted out later) and leaves traders with consent alone', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await t.container.demo.createTrader(systemContext('test'), syntheticTrader(5000 + i)));
      const r = await t.container.consent.seedDemo(systemContext('test'), [...ids, tr.Anna!.id]);
      assert.ok(r.traders >= 14 && r.traders <= 20 && r.events >= r.traders, JSON.stringify(r));
      assert.equal(await eventsOf(tr.Anna!.id), 1, 'Anna already had consent: left alone');
      const states = await su.query<{ state: string }>(
        `select coalesce((select case when granted then 'granted' else 'withdrawn' end from consent_current c where c.trader_id = t.id and c.category = 'marketing_email'), 'not_asked') as state
         from trader t where t.id = any($1::uuid[])`,
        [ids],
      );
      const kinds = new Set(states.map((s) => s.state));
      assert.deepEqual([...kinds].sort(), ['granted', 'not_asked', 'withdrawn']);
      assert.deepEqual(await t.container.consent.seedDemo(systemContext('test'), ids), { traders: 0, events: 0 }, 'idempotent for traders it gave a story');
    });
  });
});
