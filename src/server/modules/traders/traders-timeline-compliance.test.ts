// KYC and AML events in the trader timeline, from the attacker's side: they are for compliance eyes. A security
// officer (timeline, no KYC or screening permission) and a support senior (KYC, no screening) ask for every kind
// and get only what their roles show — including the staff-action source, which must not leak "screening run"
// audit actions either (a support agent who learns a trader was screened or flagged can tip them off).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMember, signInAs, type TestMember } from '../../../../test/helpers/staff.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { FakeClock } from '../../platform/clock.js';
import { systemContext } from '../../platform/http/request-context.js';
import { syntheticTrader } from '../demo/synthetic.js';

const clock = new FakeClock('2026-11-22T09:00:00.000Z');

interface Page {
  entries: { id: string; kind: string; event: string; summary: string; actor: string | null }[];
  kinds: string[];
  notYetRecorded: string[];
}

describe('trader timeline: KYC and AML events for compliance roles only', () => {
  let t: TestApp;
  let traderId: string;
  const members: Record<string, TestMember> = {};
  let n = 0;
  const session = async (m: TestMember) => {
    clock.advance(31_000);
    const ip = `127.5.0.${++n}`;
    const s = await signInAs(t, m, clock, 'test-agent', ip);
    return { headers: s.headers, ip };
  };
  type S = Awaited<ReturnType<typeof session>>;
  const get = async (s: S, url: string) => t.app.inject({ url, headers: s.headers, remoteAddress: s.ip });
  const post = async (s: S, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: s.headers, remoteAddress: s.ip, payload });

  before(async () => {
    t = await createTestApp({ clock });
    for (const role of ['compliance_officer', 'support_senior', 'security_officer']) {
      members[role] = await createMember(t, clock, { email: `${role}@bank.test`, roles: [role], displayName: `M ${role}` });
    }
    traderId = await t.container.demo.createTrader(systemContext('test'), { ...syntheticTrader(7), kind: 'individual', persons: [], registrationNumber: null });
    // Compliance opens a KYC case and screens the trader (no lists loaded: the run says so).
    const co = await session(members.compliance_officer!);
    const opened = await post(co, '/api/v1/kyc/cases', { traderId, purpose: 'onboarding' });
    assert.equal(opened.statusCode, 201, opened.body);
    const screened = await post(co, `/api/v1/screening/traders/${traderId}/screen`, {});
    assert.equal(screened.statusCode, 200, screened.body);
  });
  after(async () => t?.close());

  it('a compliance officer sees the KYC case event and the screening in their own kinds', async () => {
    const co = await session(members.compliance_officer!);
    const res = await get(co, `/api/v1/traders/${traderId}/timeline?limit=200`);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json() as Page;
    assert.deepEqual(page.kinds, ['security', 'staff', 'ticket', 'kyc', 'aml']);
    assert.deepEqual(page.notYetRecorded, []);
    const kyc = page.entries.filter((e) => e.kind === 'kyc');
    assert.ok(kyc.some((e) => e.event === 'kyc.created' && e.actor === 'M compliance_officer'), JSON.stringify(kyc));
    const aml = page.entries.filter((e) => e.kind === 'aml');
    assert.ok(aml.some((e) => e.event === 'screening.run' && /no lists loaded/.test(e.summary)), JSON.stringify(aml));
    assert.ok(page.entries.some((e) => e.kind === 'staff' && e.event.startsWith('screening.')), 'compliance sees the screening staff action too');
  });

  it('a support senior (KYC but no screening) asks for every kind and gets no AML entry, and no screening staff action', async () => {
    const s = await session(members.support_senior!);
    const page = (await get(s, `/api/v1/traders/${traderId}/timeline?kinds=security,staff,ticket,kyc,aml&limit=200`)).json() as Page;
    assert.deepEqual(page.kinds, ['security', 'staff', 'ticket', 'kyc']);
    assert.ok(page.entries.some((e) => e.kind === 'kyc'));
    assert.equal(page.entries.filter((e) => e.kind === 'aml').length, 0);
    assert.equal(page.entries.filter((e) => e.event.startsWith('screening.')).length, 0, JSON.stringify(page.entries.map((e) => e.event)));
  });

  it('a security officer gets neither KYC nor AML entries, nor their staff actions, whatever is asked', async () => {
    const s = await session(members.security_officer!);
    const page = (await get(s, `/api/v1/traders/${traderId}/timeline?kinds=kyc,aml&limit=200`)).json() as Page;
    assert.deepEqual(page.entries, []);
    const all = (await get(s, `/api/v1/traders/${traderId}/timeline?limit=200`)).json() as Page;
    assert.deepEqual(all.kinds, ['security', 'staff', 'ticket']);
    assert.equal(all.entries.filter((e) => e.event.startsWith('screening.') || e.event.startsWith('kyc.') || e.event.startsWith('trader.kyc_')).length, 0);
    assert.ok(all.entries.some((e) => e.event === 'trader.view' || e.event === 'trader.timeline_view'), 'other staff actions are still there');
  });
});
