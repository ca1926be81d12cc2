// The screening service through the API, from the attacker's side first: no session, wrong role, another
// trader's or a made-up hit id; then the happy paths (a name, a director and a wallet hit; a counterparty hit),
// false positives remembered until the subject or the list entry changes, a confirmed match that freezes the
// account only through four eyes, the evidence export, the delta re-screen after a list activation, and what KYC
// reads (facts). Nothing screened is stored in clear.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expectAudited, findAudited, lastSeq } from '../../../../test/helpers/audit.js';
import { PlaintextScanner } from '../../../../test/helpers/plaintext-scan.js';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';
import { createSimulator, syntheticAccount, type Simulator } from '../exchange/simulator.js';
import { ALGORITHM_VERSION, buildScreeningIndex, DEFAULT_THRESHOLD, screenBatch } from './engine/index.js';
import type { ListEntity, ListSource, ListVersionRef } from './model.js';
import { SKIP_SAMPLES, sample } from './lists/test-support/data.js';
import { createScreeningService, type ScreeningService } from './screening.service.js';

const clock = new FakeClock('2026-11-23T09:00:00.000Z');
const ROLES = ['support_junior', 'security_officer', 'compliance_officer', 'compliance_senior'] as const;
type Role = (typeof ROLES)[number];
const SECRET = 'exchange-shared-secret-0123456789abcdefXYZ';

function entity(p: Partial<ListEntity> & { id: string; name: string }): ListEntity {
  return { kind: 'person', aliases: [], weakAliases: [], birthDates: [], nationalities: [], countries: [], programs: ['TEST-PROGRAM'], topics: ['sanction'], wallets: [], ...p };
}

function version(source: ListSource, n: number): ListVersionRef {
  return { id: randomUUID(), source, version: n, sha256: 'ab'.repeat(32), publishedAt: '2026-11-20', importedAt: new Date('2026-11-21T00:00:00Z'), entityCount: 3 };
}

describe('screening: runs, hits, review, evidence', () => {
  let t: TestApp;
  let sim: Simulator;
  const members = new Map<Role, TestMember>();
  const ids: Record<'person' | 'wallet' | 'business' | 'plain' | 'later', string> = { person: '', wallet: '', business: '', plain: '', later: '' };
  const refA = 'ACC-SCREEN-A';
  const walletAddress = `0x${'ab12'.repeat(10)}`;
  const counterparty = syntheticAccount(refA).deposits[0]!.address;
  let n = 0;
  const sessions = new Map<Role, { headers: Record<string, string>; ip: string }>();
  const as = async (role: Role) => {
    let s = sessions.get(role);
    if (!s) {
      clock.advance(31_000);
      const ip = `127.5.${++n >> 8}.${n & 255}`;
      s = { headers: (await signInAs(t, members.get(role)!, clock, 'test-agent', ip)).headers, ip };
      sessions.set(role, s);
    }
    return s;
  };
  const get = async (role: Role, url: string) => {
    const s = await as(role);
    return t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  };
  const post = async (role: Role, url: string, payload: object = {}) => {
    const s = await as(role);
    // Every write at its own moment: queue order and "newest screening" are by time.
    clock.advance(1000);
    return t.app.inject({ method: 'POST', url, headers: s.headers, remoteAddress: s.ip, payload });
  };

  const SANCTIONED = entity({ id: 'P-1001', name: 'Radomir Vuksanovich KORVALEV', aliases: ['Radomir Korvalev'], birthDates: ['1961-03-14'], nationalities: ['RS'] });
  const PEP = entity({ id: 'Q-77', name: 'Ottilie Brandhuber-Szalay', birthDates: ['1958-07-02'], topics: ['role.pep'] });
  const WALLET_OWNER = entity({ id: 'W-9', kind: 'organization', name: 'Zephyrine Darkpool Exchange', wallets: [{ currency: 'ETH', address: walletAddress.toUpperCase().replace('0X', '0x') }] });
  const CP_OWNER = entity({ id: 'W-10', kind: 'organization', name: 'Quillfeather Mixer Service', wallets: [{ currency: 'ETH', address: counterparty }] });
  let lists: { source: ListSource; entities: ListEntity[] }[] = [];
  let versions: ListVersionRef[] = [];

  /** The service as the container builds it, over lists this test controls (the lists service has its own tests). */
  async function useLists(next: { source: ListSource; entities: ListEntity[] }[], opts: { workers?: boolean } = {}): Promise<ScreeningService> {
    lists = next;
    versions = next.map((l, i) => version(l.source, i + 1));
    const c = t.container;
    const svc = createScreeningService({
      audited: c.audited,
      auditedRead: c.writer.auditedRead,
      vault: c.vault,
      clock,
      roles: c.roles,
      traders: c.traders,
      exchange: c.exchange,
      approvals: c.approvals,
      lists: { activeEntities: async () => ({ versions, lists }), onActivated: () => undefined },
      engine: { buildIndex: buildScreeningIndex, algorithmVersion: ALGORITHM_VERSION, threshold: DEFAULT_THRESHOLD, ...(opts.workers ? { screenBatch, workers: 2, workersFrom: 0 } : {}) },
      // Pages of two traders: several pages, so answers arrive while later pages are still being read.
      ...(opts.workers ? { pageSize: 2 } : {}),
    });
    await svc.loadIndex();
    (c as { screening: ScreeningService }).screening = svc;
    return svc;
  }

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ROLES) {
      members.set(role, await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}`, key: role === 'compliance_senior' || role === 'security_officer' }));
    }
    const ctx = systemContext('test');
    const base = (i: number) => ({ ...syntheticTrader(i), kind: 'individual' as const, persons: [], wallets: [] });
    ids.person = await t.container.demo.createTrader(ctx, { ...base(1), accountRef: refA, legalName: 'Radomir Korvalev', dateOfBirth: '1961-03-14', country: 'RS' });
    ids.wallet = await t.container.demo.createTrader(ctx, { ...base(2), legalName: 'Hendrika Oosterveld', wallets: [{ chain: 'ETH', address: walletAddress }] });
    ids.business = await t.container.demo.createTrader(ctx, {
      ...base(3),
      kind: 'business',
      legalName: 'Lindqvist Trading GmbH',
      persons: [{ role: 'director', name: 'Ottilie Brandhuber Szalay', dateOfBirth: '1958-07-02', nationality: 'AT', ownershipPct: null }],
    });
    ids.plain = await t.container.demo.createTrader(ctx, { ...base(4), legalName: 'Xanthe Nightingale-Moore' });
    sim = createSimulator({ keyId: 'bulwark-test', secret: SECRET });
    await sim.listen(0);
    await t.container.exchange.setConnection(ctx, { baseUrl: sim.url(), keyId: 'bulwark-test', secret: SECRET }, 'test', { requireReason: false });
  });
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  it('no lists loaded: a screening is stored as "no lists loaded", and the trader is never reported clear', async () => {
    const r = await post('compliance_officer', `/api/v1/screening/traders/${ids.plain}/screen`);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().run.status, 'no_lists_loaded');
    const p = await get('compliance_officer', `/api/v1/screening/traders/${ids.plain}`);
    assert.equal(p.statusCode, 200, p.body);
    assert.equal(p.json().status, 'no_lists_loaded');
    assert.equal(p.json().listsLoaded, false);
    const facts = await t.container.audited(systemContext('test'), { action: 'test.facts' }, (tx) => t.container.screening.factsFor(tx, ids.plain));
    assert.equal(facts.lists, 'none');
  });

  it('401 without a session; 403 for roles without screening; denials audited', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/screening/hits' }), 401, 'unauthenticated');
    for (const role of ['support_junior', 'security_officer'] as const) {
      expectProblem(await get(role, '/api/v1/screening/hits'), 403, 'forbidden');
      expectProblem(await get(role, `/api/v1/screening/traders/${ids.person}`), 403, 'forbidden');
      expectProblem(await get(role, `/api/v1/screening/traders/${ids.person}/evidence`), 403, 'forbidden');
      expectProblem(await post(role, `/api/v1/screening/traders/${ids.person}/screen`), 403, 'forbidden');
    }
    const denied = await findAudited(t, { action: 'access.denied', outcome: 'denied', actorId: members.get('support_junior')!.id });
    assert.ok(denied.some((r) => r.targetId?.startsWith('screening.read:GET /api/v1/screening/')), JSON.stringify(denied));
  });

  it('IDOR: unknown, malformed and other ids are 404 on every trader and hit route, audited as denied', async () => {
    const seq = await lastSeq(t);
    for (const id of [randomUUID(), 'not-a-uuid', `${ids.person}x`, '../hits']) {
      const enc = encodeURIComponent(id);
      expectProblem(await get('compliance_officer', `/api/v1/screening/traders/${enc}`), 404, 'not_found');
      expectProblem(await get('compliance_officer', `/api/v1/screening/traders/${enc}/evidence`), 404, 'not_found');
      expectProblem(await post('compliance_officer', `/api/v1/screening/traders/${enc}/screen`), 404, 'not_found');
      expectProblem(await post('compliance_officer', `/api/v1/screening/traders/${enc}/counterparties`), 404, 'not_found');
      expectProblem(await get('compliance_officer', `/api/v1/screening/hits/${enc}`), 404, 'not_found');
      expectProblem(await post('compliance_officer', `/api/v1/screening/hits/${enc}/false-positive`, { reason: 'looks like another person entirely' }), 404, 'not_found');
      expectProblem(await post('compliance_officer', `/api/v1/screening/hits/${enc}/confirm`, { reason: 'this is the listed person' }), 404, 'not_found');
    }
    await expectAudited(t, { action: 'screening.hit_view', outcome: 'denied' }, { afterSeq: seq });
    await expectAudited(t, { action: 'screening.screen', outcome: 'denied' }, { afterSeq: seq });
    expectProblem(await get('compliance_officer', '/api/v1/screening/hits?cursor=bm9wZQ'), 400, 'bad_request');
    expectProblem(await get('compliance_officer', '/api/v1/screening/hits?minScore=7'), 400, 'validation_failed');
  });

  it('with lists: a name hit, a director (PEP) hit and a wallet hit; a plain trader is clear', async () => {
    await useLists([
      { source: 'ofac_sdn', entities: [SANCTIONED, WALLET_OWNER] },
      { source: 'opensanctions', entities: [PEP] },
    ]);
    const a = await post('compliance_officer', `/api/v1/screening/traders/${ids.person}/screen`);
    assert.equal(a.statusCode, 200, a.body);
    assert.equal(a.json().run.status, 'hits');
    assert.equal(a.json().openHits, 1);
    assert.equal(a.json().run.algorithmVersion, ALGORITHM_VERSION);
    assert.deepEqual(a.json().run.listVersions.map((v: { source: string }) => v.source), ['ofac_sdn', 'opensanctions']);
    await expectAudited(t, { action: 'screening.screen', outcome: 'ok', targetId: ids.person, actorId: members.get('compliance_officer')!.id });
    const b = await post('compliance_officer', `/api/v1/screening/traders/${ids.wallet}/screen`);
    assert.equal(b.json().openHits, 1, b.body);
    const c = await post('compliance_officer', `/api/v1/screening/traders/${ids.business}/screen`);
    assert.equal(c.json().openHits, 1, c.body);
    const d = await post('compliance_officer', `/api/v1/screening/traders/${ids.plain}/screen`);
    assert.equal(d.json().run.status, 'clear', d.body);
    const panel = await get('compliance_officer', `/api/v1/screening/traders/${ids.plain}`);
    assert.equal(panel.json().status, 'clear');

    const wallet = (await get('compliance_officer', `/api/v1/screening/traders/${ids.wallet}`)).json();
    assert.equal(wallet.status, 'review');
    assert.equal(wallet.hits[0].subjectKind, 'wallet');
    assert.equal(wallet.hits[0].entityId, 'W-9');
    const biz = (await get('compliance_officer', `/api/v1/screening/traders/${ids.business}`)).json();
    assert.equal(biz.hits[0].subjectKind, 'director');
    assert.deepEqual(biz.hits[0].entityTopics, ['role.pep']);
    const facts = await t.container.audited(systemContext('test'), { action: 'test.facts' }, (tx) => t.container.screening.factsFor(tx, ids.business));
    assert.equal(facts.pep, true);
    assert.equal(facts.openHits, 1);
    assert.equal(facts.lists, 'loaded');
  });

  it('the review queue: open hits oldest first with explanations; filters by list and score; audited', async () => {
    const q = await get('compliance_officer', '/api/v1/screening/hits');
    assert.equal(q.statusCode, 200, q.body);
    const hits = q.json().hits as { traderId: string; openedAt: string; source: string; score: number; explanation: { query: string; queryShown: boolean; matchedName: string; tokens: unknown[] } }[];
    assert.equal(hits.length, 3);
    assert.deepEqual(hits.map((h) => h.traderId), [ids.person, ids.wallet, ids.business]);
    const name = hits[0]!;
    assert.equal(name.explanation.queryShown, true);
    assert.match(name.explanation.query, /korvalev/i);
    assert.ok(name.explanation.tokens.length > 0);
    const os = (await get('compliance_officer', '/api/v1/screening/hits?source=opensanctions')).json().hits;
    assert.deepEqual(os.map((h: { traderId: string }) => h.traderId), [ids.business]);
    const high = (await get('compliance_officer', '/api/v1/screening/hits?minScore=0.999')).json().hits;
    assert.ok(high.every((h: { score: number }) => h.score >= 0.999));
    const page = await get('compliance_officer', '/api/v1/screening/hits?limit=2');
    assert.equal(page.json().hits.length, 2);
    const rest = await get('compliance_officer', `/api/v1/screening/hits?limit=2&cursor=${page.json().nextCursor}`);
    assert.deepEqual(rest.json().hits.map((h: { traderId: string }) => h.traderId), [ids.business]);
    const ev = await expectAudited(t, { action: 'screening.queue_view', outcome: 'ok', actorId: members.get('compliance_officer')!.id });
    assert.ok(ev.fields.includes('screening_hit.explanation'));
  });

  it('false positive: rationale required; remembered on re-screening; re-opened when the list entry changes', async () => {
    const hit = (await get('compliance_officer', `/api/v1/screening/traders/${ids.person}`)).json().hits[0];
    const url = `/api/v1/screening/hits/${hit.id}/false-positive`;
    const seq = await lastSeq(t);
    expectProblem(await post('compliance_officer', url, {}), 400, 'validation_failed');
    expectProblem(await post('compliance_officer', url, { reason: 'no' }), 400, 'validation_failed');
    await expectAudited(t, { action: 'screening.hit.false_positive', outcome: 'denied', targetId: hit.id }, { afterSeq: seq });
    const ok = await post('compliance_officer', url, { reason: 'Different person: passport shows another place of birth' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().hit.status, 'false_positive');
    assert.equal(ok.json().hit.decisions[0].reason, 'Different person: passport shows another place of birth');
    assert.equal(ok.json().hit.decisions[0].reviewerName, 'M compliance_officer');
    expectProblem(await post('compliance_officer', url, { reason: 'Different person: passport shows another place' }), 409, 'conflict');

    // Same subject, same entity: suppressed, stays cleared.
    const again = await post('compliance_officer', `/api/v1/screening/traders/${ids.person}/screen`);
    assert.equal(again.json().openHits, 0, again.body);
    const ev = (await get('compliance_officer', `/api/v1/screening/traders/${ids.person}/evidence`)).json();
    const latest = ev.screenings[0];
    assert.equal(latest.subjects[0].candidates[0].outcome, 'suppressed');

    // The list entry changes (a new alias): the decision no longer holds.
    await useLists([
      { source: 'ofac_sdn', entities: [{ ...SANCTIONED, aliases: [...SANCTIONED.aliases, 'R. V. Korvalev'] }, WALLET_OWNER] },
      { source: 'opensanctions', entities: [PEP] },
    ]);
    const reopened = await post('compliance_officer', `/api/v1/screening/traders/${ids.person}/screen`);
    assert.equal(reopened.json().openHits, 1, reopened.body);
    const detail = (await get('compliance_officer', `/api/v1/screening/hits/${hit.id}`)).json();
    assert.equal(detail.status, 'open');
    assert.deepEqual(detail.decisions.map((x: { decision: string }) => x.decision), ['false_positive', 'reopened']);
    assert.match(detail.decisions[1].systemNote, /list entry changed/);
  });

  it('a subject change (the trader\'s date of birth) re-opens a false positive too', async () => {
    const svc = t.container.screening;
    const hit = (await get('compliance_officer', `/api/v1/screening/traders/${ids.person}`)).json().hits[0];
    const ok = await post('compliance_officer', `/api/v1/screening/hits/${hit.id}/false-positive`, { reason: 'Different person: checked the registry extract' });
    assert.equal(ok.statusCode, 200, ok.body);
    // What the traders service's change hook does: the new value is stored, then screening runs in the same transaction.
    clock.advance(1000);
    await t.container.audited(systemContext('test'), { action: 'test.trader_update', target: { type: 'trader', id: ids.person } }, async (tx) => {
      const key = await t.container.vault.subjectKey(tx, ids.person, { create: false });
      await tx
        .updateTable('trader')
        .set({ date_of_birth_ct: t.container.vault.encryptForSubject(key, { table: 'trader', column: 'date_of_birth_ct', rowId: ids.person }, '1961-03-15') })
        .where('id', '=', ids.person)
        .execute();
      await svc.onScreenedFieldChange(tx, ids.person);
    });
    const detail = (await get('compliance_officer', `/api/v1/screening/hits/${hit.id}`)).json();
    assert.equal(detail.status, 'open');
    assert.match(detail.decisions.at(-1).systemNote, /screened details changed/);
    const runs = (await get('compliance_officer', `/api/v1/screening/traders/${ids.person}`)).json().runs;
    assert.equal(runs[0].trigger, 'field_change');
  });

  it('confirm: reason and step-up; files a four-eyes freeze that the confirming member cannot approve; approved, the account is frozen', async () => {
    const hit = (await get('compliance_senior', `/api/v1/screening/traders/${ids.wallet}`)).json().hits[0];
    const url = `/api/v1/screening/hits/${hit.id}/confirm`;
    expectProblem(await post('compliance_senior', url, { reason: 'short' }), 400, 'validation_failed');
    // Step-up: a second factor older than 5 minutes is not enough.
    clock.advance(6 * 60_000);
    expectProblem(await post('compliance_senior', url, { reason: 'Wallet is on the OFAC list exactly' }), 401, 'step_up_required');
    sessions.clear();
    const ok = await post('compliance_senior', url, { reason: 'Wallet is on the OFAC list exactly' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().hit.status, 'confirmed');
    const approvalId = ok.json().freezeApprovalId as string;
    assert.ok(approvalId);
    assert.equal(ok.json().hit.freeze.status, 'pending');
    const ev = await expectAudited(t, { action: 'screening.hit.confirm', outcome: 'ok', targetId: hit.id });
    assert.equal(ev.reason, null, 'the rationale is not written in clear to the audit log');
    const approval = await t.container.db.system.selectFrom('approval_request').selectAll().where('id', '=', approvalId).executeTakeFirstOrThrow();
    assert.equal(approval.kind, 'screening.freeze');
    assert.doesNotMatch(approval.reason, /OFAC list exactly|Oosterveld/, 'the clear request names only list data');
    // Maker ≠ checker.
    expectProblem(await post('compliance_senior', `/api/v1/approvals/${approvalId}/approve`, { reason: 'confirmed by me' }), 403, 'forbidden');
    assert.equal((await t.container.db.system.selectFrom('trader').select('status').where('id', '=', ids.wallet).executeTakeFirstOrThrow()).status, 'active');
    // Another member holding screening.freeze.approve decides.
    const checker = await createMember(t, clock, { email: 'checker@bank.test', roles: ['compliance_senior'], displayName: 'Cora Checker', key: true });
    clock.advance(31_000);
    const s = await signInAs(t, checker, clock, 'test-agent', '127.5.9.9');
    const before = sim.hits.get('freezeAccount') ?? 0;
    const dec = await t.app.inject({ method: 'POST', url: `/api/v1/approvals/${approvalId}/approve`, headers: s.headers, remoteAddress: '127.5.9.9', payload: { reason: 'checked the list entry and the wallet' } });
    assert.equal(dec.statusCode, 200, dec.body);
    assert.equal(dec.json().status, 'executed');
    assert.equal(sim.hits.get('freezeAccount'), before + 1);
    assert.equal((await t.container.db.system.selectFrom('trader').select('status').where('id', '=', ids.wallet).executeTakeFirstOrThrow()).status, 'frozen');
    const detail = (await get('compliance_officer', `/api/v1/screening/hits/${hit.id}`)).json();
    assert.equal(detail.freeze.status, 'executed');
    const panel = (await get('compliance_officer', `/api/v1/screening/traders/${ids.wallet}`)).json();
    assert.equal(panel.status, 'confirmed');
    expectProblem(await post('compliance_officer', `/api/v1/screening/hits/${hit.id}/false-positive`, { reason: 'changing my mind about this one' }), 409, 'conflict');
  });

  it('counterparties: deposit and withdrawal addresses from the exchange are screened', async () => {
    await useLists([
      { source: 'ofac_sdn', entities: [SANCTIONED, WALLET_OWNER] },
      { source: 'ofac_wallets', entities: [CP_OWNER] },
      { source: 'opensanctions', entities: [PEP] },
    ]);
    const r = await post('compliance_officer', `/api/v1/screening/traders/${ids.person}/counterparties`);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().run.trigger, 'counterparty');
    assert.ok(r.json().run.subjectCount >= 1);
    const hits = (await get('compliance_officer', `/api/v1/screening/traders/${ids.person}`)).json().hits;
    const cp = hits.find((h: { subjectKind: string }) => h.subjectKind === 'counterparty');
    assert.ok(cp, JSON.stringify(hits));
    assert.equal(cp.entityId, 'W-10');
    assert.match(cp.subjectRef, /^deposit:/);
    await expectAudited(t, { action: 'trader.exchange.counterparties', outcome: 'ok', targetId: ids.person });
  });

  it('evidence export: every screening with versions, hashes, algorithm, threshold, candidates, decisions and reviewers; audited', async () => {
    const r = await get('compliance_officer', `/api/v1/screening/traders/${ids.person}/evidence`);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="screening-evidence-/);
    const doc = r.json();
    assert.equal(doc.format, 'bulwark.screening-evidence/1');
    assert.equal(doc.trader.id, ids.person);
    assert.ok(doc.screenings.length >= 5);
    const noLists = doc.screenings.filter((s: { status: string }) => s.status === 'no_lists_loaded');
    assert.equal(noLists.length, 0, 'the person was first screened with lists loaded');
    for (const s of doc.screenings) {
      assert.equal(s.algorithmVersion, ALGORITHM_VERSION);
      assert.equal(s.threshold, DEFAULT_THRESHOLD);
      assert.ok(s.listVersions.every((v: { sha256: string }) => /^[0-9a-f]{64}$/.test(v.sha256)));
    }
    const full = doc.screenings.find((s: { trigger: string }) => s.trigger === 'manual');
    assert.equal(full.subjects[0].kind, 'trader');
    assert.match(full.subjects[0].screened.name, /Korvalev/);
    const decided = doc.hits.find((h: { decisions: unknown[] }) => h.decisions.length > 0);
    assert.ok(decided.decisions.some((x: { reviewerName: string | null }) => x.reviewerName === 'M compliance_officer'));
    const ev = await expectAudited(t, { action: 'screening.evidence_export', outcome: 'ok', targetId: ids.person });
    assert.ok(ev.fields.includes('screening_run.evidence'));
  });

  it('a list activation re-screens every trader against the delta only; the batch is the evidence for the rest', async () => {
    const ctx = systemContext('test');
    ids.later = await t.container.demo.createTrader(ctx, { ...syntheticTrader(9), kind: 'individual', persons: [], wallets: [], legalName: 'Barnabas Quenzhou-Albright' });
    const added = entity({ id: 'P-2002', name: 'Barnabas QUENZHOU ALBRIGHT' });
    const svc = t.container.screening;
    const runsBefore = await t.container.db.system.selectFrom('screening_run').select('id').execute();
    const v2 = version('ofac_sdn', 2);
    const batch = await svc.onListActivated({ version: v2, previous: versions[0]!, delta: { added: [added], removed: [], changed: [] } });
    assert.equal(batch.status, 'done');
    assert.equal(batch.tradersScreened, 5);
    assert.equal(batch.tradersWithHits, 1);
    assert.equal(batch.deltaAdded, 1);
    assert.match(batch.deltaSha256!, /^[0-9a-f]{64}$/);
    const runsAfter = await t.container.db.system.selectFrom('screening_run').selectAll().where('id', 'not in', runsBefore.map((r) => r.id)).execute();
    assert.equal(runsAfter.length, 1, 'a run row only for the trader with a candidate');
    assert.equal(runsAfter[0]!.trader_id, ids.later);
    assert.equal(runsAfter[0]!.scope, 'delta');
    assert.equal(runsAfter[0]!.batch_id, batch.id);
    const ev = (await get('compliance_officer', `/api/v1/screening/traders/${ids.plain}/evidence`)).json();
    assert.ok(ev.batches.some((b: { id: string }) => b.id === batch.id), 'the batch covers traders without a candidate');
    await expectAudited(t, { action: 'screening.rescreen_read', outcome: 'ok', targetId: batch.id });
    // The same version announced again (the server noticing a version a CLI import already re-screened): once only.
    const again = await svc.onListActivated({ version: v2, previous: versions[0]!, delta: { added: [added], removed: [], changed: [] } });
    assert.equal(again.id, batch.id);
    const batches = await t.container.db.system.selectFrom('screening_batch').select('id').where('list_version_id', '=', v2.id).execute();
    assert.equal(batches.length, 1);
  });

  it('re-screening everyone on worker threads finds exactly what the in-thread path finds', async () => {
    const current = lists;
    const ctx = systemContext('test');
    const runsOf = async (batchId: string) =>
      (await t.container.db.system.selectFrom('screening_run').select(['trader_id', 'candidate_count']).where('batch_id', '=', batchId).execute()).map((r) => `${r.trader_id}:${r.candidate_count}`).sort();
    const here = await (await useLists(current)).rescreenAll(ctx);
    const onWorkers = await (await useLists(current, { workers: true })).rescreenAll(ctx);
    assert.equal(onWorkers.status, 'done');
    assert.ok(here.tradersWithHits >= 3, JSON.stringify(here));
    assert.equal(onWorkers.tradersScreened, here.tradersScreened);
    assert.equal(onWorkers.subjectsScreened, here.subjectsScreened);
    assert.deepEqual(await runsOf(onWorkers.id), await runsOf(here.id));
  });

  it('KYC: screenTrader runs inside the caller\'s transaction and answers the facts', async () => {
    const facts = await t.container.audited(systemContext('test'), { action: 'test.kyc', target: { type: 'trader', id: ids.business } }, (tx) =>
      t.container.screening.screenTrader(tx, ids.business, 'onboarding'),
    );
    assert.equal(facts.lists, 'loaded');
    assert.equal(facts.pep, true);
    assert.ok(facts.lastScreenedAt instanceof Date);
  });

  it('two screenings of a new trader at once: both succeed, and the hit exists once', async () => {
    const id = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(11), kind: 'individual', persons: [], wallets: [], legalName: 'Radomir V. Korvalev', dateOfBirth: '1961-03-14' });
    const [x, y] = await Promise.all([
      post('compliance_officer', `/api/v1/screening/traders/${id}/screen`),
      t.container.audited(systemContext('test'), { action: 'test.field_change', target: { type: 'trader', id } }, (tx) => t.container.screening.onScreenedFieldChange(tx, id)),
    ]);
    assert.equal(x.statusCode, 200, x.body);
    assert.equal(y, undefined);
    const hits = await t.container.db.system.selectFrom('screening_hit').select(['entity_id']).where('trader_id', '=', id).execute();
    assert.deepEqual(hits.map((h) => h.entity_id), ['P-1001']);
    const runs = await t.container.db.system.selectFrom('screening_run').select('id').where('trader_id', '=', id).execute();
    assert.equal(runs.length, 2);
  });

  it('nothing screened is stored in clear: names, dates of birth, wallets, rationales', async () => {
    const needles = [
      { label: 'trader name', value: 'Radomir Korvalev' },
      { label: 'director name', value: 'Brandhuber Szalay' },
      { label: 'wallet', value: walletAddress.slice(2) },
      { label: 'counterparty', value: counterparty.slice(2) },
      { label: 'rationale', value: 'passport shows another place of birth' },
      { label: 'rationale 2', value: 'Wallet is on the OFAC list exactly' },
      { label: 'control: list entity name', value: 'Zephyrine Darkpool Exchange' },
    ];
    const scanner = new PlaintextScanner(needles);
    const hits = [];
    for (const table of ['screening_run', 'screening_hit', 'screening_decision', 'screening_batch', 'approval_request', 'audit_event']) {
      const rows = await t.container.db.system.selectFrom(table as never).selectAll().execute();
      const text = JSON.stringify(rows, (_k, v) => (v && typeof v === 'object' && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
      hits.push(...scanner.scan(Buffer.from(text, 'utf8'), table));
      for (const r of rows) for (const v of Object.values(r as object)) if (v instanceof Uint8Array) hits.push(...scanner.scan(v, table));
    }
    assert.ok(hits.some((h) => h.label.startsWith('control:')), 'the scan sees the hit table');
    assert.deepEqual(hits.filter((h) => !h.label.startsWith('control:')).map((h) => `${h.label} in ${h.source}`), []);
  });
});

describe('screening: a real list import through the lists service', () => {
  let t: TestApp;
  let officer: TestMember;
  let traderId = '';

  before(async () => {
    t = await createTestApp({ clock });
    officer = await createMember(t, clock, { email: 'officer@bank.test', roles: ['compliance_officer'], displayName: 'Olga Officer' });
    traderId = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(1), kind: 'business', persons: [], wallets: [], legalName: 'Inter Tobacco LLC' });
  });
  after(async () => t?.close());

  it('activating a version reloads the index and re-screens every trader against the delta: the new designation is caught', { skip: SKIP_SAMPLES }, async () => {
    const before = await t.container.db.system.selectFrom('screening_batch').selectAll().execute();
    assert.equal(before.length, 0);
    await t.container.lists.importPath(systemContext('test'), sample('opensanctions_ftm/yente_fixture_t1/entities.ftm.json'));
    const batches = await t.container.db.system.selectFrom('screening_batch').selectAll().execute();
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.status, 'done');
    assert.equal(batches[0]!.trigger, 'list_change');
    assert.equal(batches[0]!.traders_screened, 1);
    clock.advance(31_000);
    const s = await signInAs(t, officer, clock, 'test-agent', '127.6.0.1');
    const panel = await t.app.inject({ url: `/api/v1/screening/traders/${traderId}`, headers: s.headers, remoteAddress: '127.6.0.1' });
    assert.equal(panel.statusCode, 200, panel.body);
    assert.equal(panel.json().status, 'review');
    assert.equal(panel.json().hits[0].source, 'opensanctions');
    assert.equal(panel.json().runs[0].scope, 'delta');
    const status = await t.app.inject({ url: '/api/v1/screening/status', headers: s.headers, remoteAddress: '127.6.0.1' });
    assert.equal(status.json().listsLoaded, true, status.body);
    assert.equal(status.json().lastBatch.id, batches[0]!.id);
  });
});
