// The trader profile from the attacker's side: which sections each built-in role sees (one hand-written table),
// another trader's id or a made-up one in every per-trader route, filters that would leak a hidden section,
// exact-match search that never audits the value, notes scanned for secrets before storage, the timeline with
// the trader's IPs per the security policy and its paging under equal timestamps, and bulk viewing raising an alert.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited } from '../../../../test/helpers/audit.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { PROFILE_SECTIONS } from '../../../contracts/traders.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader, type SyntheticTrader } from '../demo/synthetic.js';

const ROLES = ['support_junior', 'support_senior', 'marketing', 'compliance_officer', 'compliance_senior', 'security_officer', 'admin', 'auditor'] as const;
type RoleName = (typeof ROLES)[number];

// Y = the section is listed and its data present; . = not listed (its endpoint answers 403); - = no profile (403).
//                 sj sn mk co cs so ad au
const SECTIONS = `
identity         .  Y  -  Y  Y  .  Y  -
contact          Y  Y  -  Y  Y  Y  Y  -
business         .  Y  -  Y  Y  .  Y  -
kyc              .  Y  -  Y  Y  .  .  -
risk             .  .  -  Y  Y  .  .  -
security         .  Y  -  Y  Y  Y  Y  -
apiKeys          .  Y  -  Y  Y  Y  Y  -
balances         .  .  -  Y  Y  .  .  -
orders           .  .  -  Y  Y  .  .  -
trades           .  .  -  Y  Y  .  .  -
transfers        .  .  -  Y  Y  .  .  -
tickets          Y  Y  -  Y  Y  .  .  -
notes            Y  Y  -  Y  Y  Y  Y  -
consents         Y  Y  -  Y  Y  .  .  -
timeline         .  Y  -  Y  Y  Y  .  -
`;

function sectionTable(): Map<RoleName, string[] | null> {
  const out = new Map<RoleName, string[] | null>(ROLES.map((r) => [r, []]));
  for (const line of SECTIONS.trim().split('\n')) {
    const [section, ...marks] = line.trim().split(/\s+/);
    assert.equal(marks.length, ROLES.length);
    marks.forEach((m, i) => {
      const role = ROLES[i]!;
      if (m === '-') out.set(role, null);
      else if (m === 'Y') out.get(role)!.push(section!);
    });
  }
  return out;
}

const SEED = 'abandon ability able about above absent absorb abstract absurd abuse access accident';

const BIZ: SyntheticTrader = {
  ...syntheticTrader(9001),
  accountRef: 'ACC-0009001-bizbiz',
  // Fixed: syntheticTrader picks a random country, and the country filter below expects FR to be the other trader's alone.
  country: 'DE',
  kind: 'business',
  legalName: 'Zimmer Digital GmbH',
  email: 'Ops.Zimmer@Digital.test',
  phone: '+49 30 1234 5678',
  risk: 'high',
  kycState: 'pending',
  vip: true,
  registrationNumber: 'HRB 123456',
  persons: [
    { role: 'director', name: 'Greta Zimmer', dateOfBirth: '1970-03-04', nationality: 'DE', ownershipPct: null },
    { role: 'ubo', name: 'Otto Zimmer', dateOfBirth: '1965-07-08', nationality: 'AT', ownershipPct: '60' },
  ],
  wallets: [{ chain: 'BTC', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh' }],
};

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

describe('trader profile: sections per role, ids, filters, search, notes, timeline, bulk viewing', () => {
  let t: TestApp;
  let bizId: string;
  let otherId: string;
  const members = new Map<RoleName, TestMember>();
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.3.${++n >> 8}.${n & 255}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const get = (s: S, url: string) => t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  const post = (s: S, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: s.headers, remoteAddress: s.ip, payload });
  const sessions = new Map<RoleName, S>();
  const as = async (role: RoleName) => {
    if (!sessions.has(role)) sessions.set(role, await session(members.get(role)!));
    return sessions.get(role)!;
  };

  before(async () => {
    t = await createTestApp({ clock, env: { TRADER_BULK_VIEW_ALERT: '10' } });
    for (const role of ROLES) members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}` }));
    bizId = await t.container.demo.createTrader(systemContext('test'), BIZ);
    otherId = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(9002), accountRef: 'ACC-0009002-indivi', country: 'FR', vip: false, risk: 'low', kycState: 'approved' });
  });
  after(async () => t?.close());

  it('the table covers every section', () => {
    const listed = SECTIONS.trim().split('\n').map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual(listed, [...PROFILE_SECTIONS]);
  });

  it('each role sees exactly the sections of the table; KYC state and risk only where shown; the view is audited with them', async () => {
    const want = sectionTable();
    for (const role of ROLES) {
      const s = await as(role);
      const res = await get(s, `/api/v1/traders/${bizId}/profile`);
      const expected = want.get(role)!;
      if (expected === null) {
        expectProblem(res, 403, 'forbidden');
        continue;
      }
      assert.equal(res.statusCode, 200, `${role}: ${res.body}`);
      const body = res.json() as { sections: string[]; kyc?: { state: string }; risk?: { level: string }; trader: { fields: Record<string, unknown> } };
      assert.deepEqual(body.sections, expected, role);
      assert.deepEqual(body.kyc, expected.includes('kyc') ? { state: 'pending' } : undefined, `${role}: kyc`);
      assert.deepEqual(body.risk, expected.includes('risk') ? { level: 'high' } : undefined, `${role}: risk`);
      if (expected.includes('business')) assert.ok(Array.isArray(body.trader.fields.ubos), `${role}: UBOs present`);
      else assert.ok(!('ubos' in body.trader.fields), `${role}: no UBOs`);
      const ev = await expectAudited(t, { action: 'trader.view', outcome: 'ok', actorId: members.get(role)!.id, targetId: bizId });
      assert.deepEqual(
        ev.fields.filter((f) => f.startsWith('section.')).sort(),
        expected.map((x) => `section.${x}`).sort(),
        `${role}: the event names the sections shown`,
      );
      // The section endpoints agree with the list: notes is the one every profile role has; timeline is not.
      const timeline = await get(s, `/api/v1/traders/${bizId}/timeline`);
      assert.equal(timeline.statusCode, expected.includes('timeline') ? 200 : 403, `${role}: timeline ${timeline.body}`);
    }
  });

  it('directors and UBOs of a business: full for compliance, initials for admin, every name decrypted with the trader key', async () => {
    const full = (await get(await as('compliance_officer'), `/api/v1/traders/${bizId}/profile`)).json();
    assert.deepEqual(full.trader.fields.ubos, [{ role: 'ubo', name: 'Otto Zimmer', dateOfBirth: '1965-07-08', nationality: 'AT', ownershipPct: '60.00' }]);
    assert.equal(full.trader.fields.registrationNumber, 'HRB 123456');
    const masked = (await get(await as('admin'), `/api/v1/traders/${bizId}/profile`)).json();
    assert.deepEqual(masked.trader.fields.directors, [{ role: 'director', name: 'G*** Z***', dateOfBirth: '****-**-**', nationality: 'DE', ownershipPct: null }]);
    assert.equal(masked.trader.fields.registrationNumber, '***456');
  });

  it('a made-up id, a malformed id and another route’s id answer 404 on every per-trader route, never 500', async () => {
    const s = await as('compliance_senior');
    for (const id of [randomUUID(), 'not-a-uuid', "1' or '1'='1", '%00']) {
      for (const path of ['profile', 'notes', 'timeline']) {
        const res = await get(s, `/api/v1/traders/${encodeURIComponent(id)}/${path}`);
        expectProblem(res, 404, 'not_found');
      }
      expectProblem(await post(s, `/api/v1/traders/${encodeURIComponent(id)}/notes`, { body: 'hello' }), 404, 'not_found');
    }
  });

  it('list filters: status, country, VIP; risk and KYC state only for roles that see them; bad values are 400', async () => {
    const co = await as('compliance_officer');
    const vip = (await get(co, '/api/v1/traders?vip=true&limit=100')).json();
    assert.deepEqual(vip.traders.map((x: { id: string }) => x.id), [bizId]);
    const fr = (await get(co, '/api/v1/traders?country=FR&limit=100')).json();
    assert.deepEqual(fr.traders.map((x: { id: string }) => x.id), [otherId]);
    const high = (await get(co, '/api/v1/traders?risk=high&kycState=pending')).json();
    assert.deepEqual(high.traders.map((x: { id: string }) => x.id), [bizId]);
    const ev = await expectAudited(t, { action: 'trader.list', outcome: 'ok', actorId: members.get('compliance_officer')!.id });
    assert.ok(ev.fields.includes('filter.risk') && ev.fields.includes('filter.kycState'));

    const junior = await as('support_junior');
    expectProblem(await get(junior, '/api/v1/traders?risk=high'), 403, 'forbidden');
    expectProblem(await get(junior, '/api/v1/traders?kycState=pending'), 403, 'forbidden');
    await expectAudited(t, { action: 'trader.list', outcome: 'denied', actorId: members.get('support_junior')!.id });
    assert.equal((await get(junior, '/api/v1/traders?status=active')).statusCode, 200);
    expectProblem(await get(junior, '/api/v1/traders?country=fr'), 400, 'validation_failed');
    expectProblem(await get(junior, '/api/v1/traders?status=deleted'), 400, 'validation_failed');
    expectProblem(await get(junior, '/api/v1/traders?vip=yes'), 400, 'validation_failed');
  });

  it('search by email, phone, name, account reference and wallet: exact, normalised, masked, audited without the value', async () => {
    const junior = await as('support_junior');
    const find = async (by: string, value: string) => {
      const res = await post(junior, '/api/v1/traders/search', { by, value });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { traders: { id: string; fields: Record<string, unknown> }[] }).traders;
    };
    const hit = await find('email', '  ops.zimmer@DIGITAL.test ');
    assert.deepEqual(hit.map((x) => x.id), [bizId]);
    assert.equal(hit[0]!.fields.email, 'O***@D***.test', 'masked for the junior');
    assert.deepEqual((await find('phone', BIZ.phone)).map((x) => x.id), [bizId]);
    assert.deepEqual((await find('name', 'zimmer digital gmbh')).map((x) => x.id), [bizId]);
    assert.deepEqual((await find('accountRef', 'acc-0009001-BIZBIZ')).map((x) => x.id), [bizId]);
    assert.deepEqual((await find('wallet', BIZ.wallets[0]!.address)).map((x) => x.id), [bizId]);
    assert.deepEqual(await find('email', 'ops.zimmer@digital.tes'), [], 'exact match only');
    const evs = await findAudited(t, { action: 'trader.search', actorId: members.get('support_junior')!.id });
    assert.ok(evs.length >= 6);
    for (const e of evs) {
      assert.ok(e.fields.some((f) => f.startsWith('by.')));
      assert.ok(!JSON.stringify(e).toLowerCase().includes('zimmer'), 'the searched value is never in the audit log');
    }
    expectProblem(await post(await as('marketing'), '/api/v1/traders/search', { by: 'email', value: 'x@y.test' }), 403, 'forbidden');
    expectProblem(await post(await as('admin'), '/api/v1/traders/search', { by: 'email', value: 'x@y.test' }), 403, 'forbidden');
    expectProblem(await post(junior, '/api/v1/traders/search', { by: 'iban', value: 'x' }), 400, 'validation_failed');
    expectProblem(await post(junior, '/api/v1/traders/search', { by: 'email', value: 'x'.repeat(400) }), 400, 'validation_failed');
  });

  it('notes: a seed phrase is redacted before storage, the member is told, the kinds are audited; nobody else’s notes leak', async () => {
    const junior = await as('support_junior');
    const res = await post(junior, `/api/v1/traders/${bizId}/notes`, { body: `Trader pasted their words: ${SEED} — told them to move funds.` });
    assert.equal(res.statusCode, 201, res.body);
    const out = res.json() as { note: { body: string; redactions: string[]; authorName: string | null }; redacted: string[] };
    assert.deepEqual(out.redacted, ['seed_phrase']);
    assert.equal(out.note.authorName, 'M support_junior');
    assert.ok(!out.note.body.includes('abandon ability'), out.note.body);
    assert.match(out.note.body, /redacted/);
    const ev = await expectAudited(t, { action: 'trader.note_add', outcome: 'ok', targetId: bizId });
    assert.ok(ev.fields.includes('redacted.seed_phrase'));
    // Nowhere in the database in plain text: not in the note, not in the audit log.
    const dump = await t.container.audited(systemContext('test'), { action: 'test.dump' }, async (tx) => {
      const notes = await tx.selectFrom('trader_note').select('body_ct').execute();
      const audit = await tx.selectFrom('audit_event').select(['fields', 'reason']).execute();
      return Buffer.concat(notes.map((x) => Buffer.from(x.body_ct))).toString('latin1') + JSON.stringify(audit);
    });
    assert.ok(!dump.includes('abandon ability'));
    const listed = (await get(junior, `/api/v1/traders/${bizId}/notes`)).json();
    assert.equal(listed.notes.length, 1);
    assert.deepEqual(listed.notes[0].redactions, ['seed_phrase']);
    assert.equal(listed.notes[0].authorName, 'M support_junior');
    assert.deepEqual((await get(junior, `/api/v1/traders/${otherId}/notes`)).json().notes, [], 'another trader has none');
    expectProblem(await post(await as('auditor'), `/api/v1/traders/${bizId}/notes`, { body: 'x' }), 403, 'forbidden');
    expectProblem(await post(junior, `/api/v1/traders/${bizId}/notes`, { body: '' }), 400, 'validation_failed');
    expectProblem(await post(junior, `/api/v1/traders/${bizId}/notes`, { body: 'x'.repeat(5001) }), 400, 'validation_failed');
  });

  it('timeline: exchange events with the trader IP per the security policy, staff actions with who/where/why, tickets; exact paging', async () => {
    // Two security events as the exchange connector stores them (IP and details under the trader's key).
    const at = new Date(clock.now().getTime() - 3_600_000);
    await t.container.audited(systemContext('test'), { action: 'test.security_events', target: { type: 'trader', id: bizId } }, async (tx) => {
      const key = await t.container.vault.subjectKey(tx, bizId, { create: false });
      for (const [kind, ip] of [['login', '198.51.100.23'], ['two_factor.disabled', '198.51.100.23']] as const) {
        const id = randomUUID();
        await tx
          .insertInto('trader_security_event')
          .values({
            id,
            trader_id: bizId,
            exchange_event_id: `ex-${kind}`,
            kind,
            occurred_at: at,
            ip_ct: t.container.vault.encryptForSubject(key, { table: 'trader_security_event', column: 'ip_ct', rowId: id }, ip),
            country: 'RU',
            detail_ct: null,
            received_at: at,
          })
          .execute();
      }
    });
    const so = await as('security_officer');
    const page = (await get(so, `/api/v1/traders/${bizId}/timeline?kinds=security`)).json();
    assert.deepEqual(page.entries.map((e: { event: string }) => e.event).sort(), ['login', 'two_factor.disabled']);
    assert.equal(page.entries[0].ip, '198.51.100.23', 'security officer: security class full');
    assert.equal(page.entries[0].country, 'RU');
    const senior = await as('support_senior');
    const maskedPage = (await get(senior, `/api/v1/traders/${bizId}/timeline?kinds=security`)).json();
    assert.equal(maskedPage.entries[0].ip, '198.51.100.***', 'support senior: security class masked');

    // Staff actions: the security officer sees who viewed the profile, from which IP.
    const staff = (await get(so, `/api/v1/traders/${bizId}/timeline?kinds=staff&limit=200`)).json();
    const view = staff.entries.find((e: { event: string; actor: string }) => e.event === 'trader.view' && e.actor === 'M support_junior');
    assert.ok(view, 'the junior’s profile view is on the timeline');
    assert.match(view.ip, /^127\.3\./);
    assert.ok(staff.entries.some((e: { event: string }) => e.event === 'trader.note_add'));

    // Paging: everything once, in order, although many entries share one timestamp (the fake clock stands still).
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/traders/${bizId}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const p = (await get(so, url)).json() as { entries: { id: string; at: string }[]; nextCursor: string | null };
      seen.push(...p.entries.map((e) => e.id));
      cursor = p.nextCursor;
    } while (cursor);
    const all = (await get(so, `/api/v1/traders/${bizId}/timeline?limit=200`)).json() as { entries: { id: string }[]; kinds: string[]; notYetRecorded: string[] };
    // The paging requests themselves are new staff actions; compare with entries before the first page.
    assert.equal(new Set(seen).size, seen.length, 'no entry twice');
    for (const id of seen) assert.ok(all.entries.some((e) => e.id === id));
    // KYC and AML sources are registered; the security officer's roles show neither.
    assert.deepEqual(all.notYetRecorded, []);
    assert.deepEqual(all.kinds, ['security', 'staff', 'ticket']);
    expectProblem(await get(so, `/api/v1/traders/${bizId}/timeline?cursor=bm9wZQ`), 400, 'bad_request');
    expectProblem(await get(so, `/api/v1/traders/${bizId}/timeline?kinds=security,gossip`), 400, 'validation_failed');
    // A trader's timeline never holds another trader's events.
    const other = (await get(so, `/api/v1/traders/${otherId}/timeline?kinds=security`)).json();
    assert.deepEqual(other.entries, []);
  });

  it('bulk viewing: opening more distinct traders in an hour than allowed raises one security alert', async () => {
    const made = await t.container.demo.seedTraders(systemContext('test'), 12);
    const m = await createMember(t, clock, { email: 'scraper@bank.test', roles: ['support_junior'], displayName: 'Scraper' });
    const s = await session(m);
    for (const tr of made) assert.equal((await get(s, `/api/v1/traders/${tr.id}/profile`)).statusCode, 200);
    const alerts = await t.container.audited(systemContext('test'), { action: 'test.alerts' }, (tx) =>
      tx.selectFrom('security_alert').selectAll().where('staff_id', '=', m.id).where('kind', '=', 'bulk_trader_viewing').execute(),
    );
    assert.equal(alerts.length, 1, 'one alert, raised when the 11th distinct trader was opened');
    assert.equal(await t.container.traders.bulkViewing(systemContext('test'), m.id, new Date(clock.now().getTime() - 3_600_000)), 12);
  });
});
