// The goAML export on its own: parsed back with a strict XML parser (saxes), the report's element order, every
// mandatory element of every transaction, which side is "my client" for each event type, hostile text (markup,
// ampersands, `]]>`, control characters, lone surrogates) carried as text and never as structure, erased subjects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import type { SarSettings, SarSubject, SarTransaction } from '../../../contracts/sar.js';
import { buildGoAml, clean, splitName, type GoAmlInput } from './goaml.js';
import { summarise } from './sar.service.js';

interface Node {
  name: string;
  children: Node[];
  text: string;
}

/** Parses XML into a tree; saxes throws on anything that is not well-formed XML 1.0. */
function parse(xml: string): Node {
  const root: Node = { name: '#doc', children: [], text: '' };
  const stack = [root];
  const p = new SaxesParser();
  p.on('opentag', (tag) => {
    const n: Node = { name: tag.name, children: [], text: '' };
    stack.at(-1)!.children.push(n);
    stack.push(n);
  });
  p.on('text', (t) => void (stack.at(-1)!.text += t));
  p.on('closetag', () => void stack.pop());
  p.write(xml).close();
  return root.children[0]!;
}
const child = (n: Node, name: string) => n.children.find((c) => c.name === name);
const names = (n: Node) => n.children.map((c) => c.name);

const SETTINGS: SarSettings = {
  rentityId: '4711',
  rentityBranch: 'Online',
  entityName: 'Example Exchange Ltd',
  fiuName: 'FIU Testland',
  currencyCodeLocal: 'EUR',
  usdToLocalRate: 0.9,
  deadlineDays: 30,
  transmodeCode: 'VA',
  fundsCode: 'K',
  reportingPerson: { firstName: 'Morgan', lastName: 'Officer', email: 'mlro@example.test', phone: null, occupation: 'MLRO' },
  location: { addressType: 'B', address: '1 Exchange Street', city: 'Testville', zip: '1000', countryCode: 'DE' },
};

const EVE: SarSubject = {
  traderId: 't-eve',
  accountRef: 'ACC-EVE',
  kind: 'individual',
  erased: false,
  legalName: 'Evelyn Mary Structurer',
  dateOfBirth: '1980-02-03',
  country: 'DE',
  wallets: [],
  persons: [],
};

function tx(over: Partial<SarTransaction>): SarTransaction {
  return {
    eventId: 'ev-1',
    traderId: 't-eve',
    accountRef: 'ACC-EVE',
    type: 'deposit',
    occurredAt: '2026-11-10T10:00:00.000Z',
    asset: 'BTC',
    amount: '0.15',
    amountUsd: 9900,
    direction: 'in',
    counterparty: 'bc1qsourcewallet000000000000000000000000',
    chain: 'bitcoin',
    txHash: 'abcdef0123456789',
    country: null,
    detail: null,
    ...over,
  };
}

function input(over: Partial<GoAmlInput> = {}): GoAmlInput {
  const transactions = over.transactions ?? [
    tx({}),
    tx({ eventId: 'ev-2', type: 'withdrawal', direction: 'out', counterparty: 'bc1qdestination00000000000000000000000', amountUsd: null, country: 'RU' }),
    tx({ eventId: 'ev-3', type: 'trade', direction: 'in', detail: 'buy against USDT', counterparty: null, chain: null, txHash: null }),
    tx({ eventId: 'ev-4', type: 'transfer', direction: 'out', counterparty: 'ACC-OTHER', chain: null, txHash: null }),
  ];
  return {
    reference: 'SAR-2026-000001',
    submissionDate: new Date('2026-11-22T09:00:00.000Z'),
    settings: SETTINGS,
    subjects: [EVE],
    transactions,
    activity: summarise(transactions.map((t) => ({ type: t.type, occurredAt: t.occurredAt })), transactions, 1, 0),
    narrative: 'Nine deposits under the threshold.',
    reasonForSuspicion: 'Structuring.',
    action: 'Account frozen',
    indicators: ['VA01', 'STRUCT'],
    ...over,
  };
}

describe('goAML export', () => {
  it('the report header in schema order, then the transactions, then the indicators', () => {
    const r = parse(buildGoAml(input()));
    assert.equal(r.name, 'report');
    assert.deepEqual(names(r), [
      'rentity_id',
      'rentity_branch',
      'submission_code',
      'report_code',
      'entity_reference',
      'submission_date',
      'currency_code_local',
      'reporting_person',
      'location',
      'reason',
      'action',
      'transaction',
      'transaction',
      'transaction',
      'transaction',
      'report_indicators',
    ]);
    assert.equal(child(r, 'submission_code')!.text, 'E');
    assert.equal(child(r, 'report_code')!.text, 'STR');
    assert.equal(child(r, 'entity_reference')!.text, 'SAR-2026-000001');
    assert.equal(child(r, 'submission_date')!.text, '2026-11-22T09:00:00');
    assert.deepEqual(names(child(r, 'reporting_person')!), ['first_name', 'last_name', 'email', 'occupation']);
    assert.deepEqual(names(child(r, 'location')!), ['address_type', 'address', 'city', 'zip', 'country_code']);
    assert.match(child(r, 'reason')!.text, /Reason for suspicion:\nStructuring\.[\s\S]*Narrative:\nNine deposits[\s\S]*Activity summary:\n4 event/);
    assert.deepEqual(child(r, 'report_indicators')!.children.map((c) => c.text), ['VA01', 'STRUCT']);
  });

  it('every transaction has its mandatory elements in order; my client is on the right side for each type', () => {
    const r = parse(buildGoAml(input()));
    const txs = r.children.filter((c) => c.name === 'transaction');
    for (const t of txs) {
      const n = names(t);
      for (const required of ['transactionnumber', 'transaction_location', 'date_transaction', 'transmode_code', 'amount_local']) assert.ok(n.includes(required), `${required} in ${n.join(',')}`);
      // Exactly one from side and one to side, after amount_local.
      const from = n.filter((x) => x === 't_from' || x === 't_from_my_client');
      const to = n.filter((x) => x === 't_to' || x === 't_to_my_client');
      assert.equal(from.length, 1);
      assert.equal(to.length, 1);
      assert.ok(n.indexOf(from[0]!) > n.indexOf('amount_local') && n.indexOf(to[0]!) > n.indexOf(from[0]!));
      const fromEl = child(t, from[0]!)!;
      assert.deepEqual(names(fromEl).filter((x) => !x.endsWith('foreign_currency')), ['from_funds_code', 'from_account', 'from_country']);
      const toEl = child(t, to[0]!)!;
      assert.deepEqual(names(toEl).filter((x) => !x.endsWith('foreign_currency')), ['to_funds_code', 'to_account', 'to_country']);
    }
    const sides = txs.map((t) => `${child(t, 'transactionnumber')!.text}:${names(t).filter((x) => x.startsWith('t_')).join('>')}`);
    assert.deepEqual(sides, ['ev-1:t_from>t_to_my_client', 'ev-2:t_from_my_client>t_to', 'ev-3:t_from_my_client>t_to_my_client', 'ev-4:t_from_my_client>t_to']);
    // Deposit: the external wallet is the from account, the client's account the to account with its holder.
    const dep = txs[0]!;
    assert.equal(child(dep, 'date_transaction')!.text, '2026-11-10T10:00:00');
    assert.equal(child(dep, 'amount_local')!.text, '8910.00');
    assert.equal(child(child(child(dep, 't_from')!, 'from_account')!, 'account')!.text, 'bc1qsourcewallet000000000000000000000000');
    assert.equal(child(child(dep, 't_from')!, 'from_country')!.text, 'ZZ');
    const toAcc = child(child(dep, 't_to_my_client')!, 'to_account')!;
    assert.equal(child(toAcc, 'institution_code')!.text, '4711');
    assert.equal(child(toAcc, 'account')!.text, 'ACC-EVE');
    const person = child(child(toAcc, 'signatory')!, 't_person')!;
    assert.deepEqual([child(person, 'first_name')!.text, child(person, 'last_name')!.text, child(person, 'birthdate')!.text], ['Evelyn Mary', 'Structurer', '1980-02-03T00:00:00']);
    const fc = child(child(dep, 't_from')!, 'from_foreign_currency')!;
    assert.deepEqual(fc.children.map((c) => c.text), ['BTC', '0.15', '59400']);
    // A withdrawal without a USD value: amount_local 0 and a comment saying why.
    const wd = txs[1]!;
    assert.equal(child(wd, 'amount_local')!.text, '0.00');
    assert.match(child(wd, 'comments')!.text, /did not report a value/);
    assert.equal(child(child(wd, 't_to')!, 'to_country')!.text, 'RU');
  });

  it('hostile text stays text: markup, ampersands, CDATA ends, control characters and lone surrogates', () => {
    const hostile = 'A <b>bold</b> & "quoted" \'x\' ]]> <![CDATA[ y ]]> \u0000\u0001\u0007\u001b\ufffe end \ud800 tab\tnl\n';
    const xml = buildGoAml(
      input({
        narrative: hostile,
        reasonForSuspicion: '</reason><injected>1</injected>',
        subjects: [{ ...EVE, legalName: 'Eve </first_name><x/> & Co' }],
        transactions: [tx({ counterparty: 'addr]]>&<' })],
      }),
    );
    assert.doesNotMatch(xml, /<injected>|<x\/>|<b>/);
    const r = parse(xml);
    assert.equal(r.children.filter((c) => c.name === 'injected').length, 0);
    const reason = child(r, 'reason')!.text;
    assert.ok(reason.includes('A <b>bold</b> & "quoted" \'x\' ]]> <![CDATA[ y ]]>'));
    assert.ok(reason.includes('</reason><injected>1</injected>'));
    assert.ok(reason.includes('\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD end \uFFFD tab\tnl'));
    assert.doesNotMatch(reason, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const t = r.children.find((c) => c.name === 'transaction')!;
    assert.equal(child(child(child(t, 't_from')!, 'from_account')!, 'account')!.text, 'addr]]>&<');
    assert.equal(clean('\u0000ok'), '\uFFFDok');
  });

  it('an erased subject: the account is reported without a holder, and no field is empty', () => {
    const xml = buildGoAml(input({ subjects: [{ ...EVE, erased: true, legalName: '', dateOfBirth: null }] }));
    const r = parse(xml);
    assert.doesNotMatch(xml, /<([a-z_]+)><\/\1>|<([a-z_]+)\/>/);
    const acc = child(child(r.children.find((c) => c.name === 'transaction')!, 't_to_my_client')!, 'to_account')!;
    assert.equal(child(acc, 'signatory'), undefined);
    assert.match(child(acc, 'comments')!.text, /erased/);
  });

  it('a business: the entity and its directors as signatories; names split for goAML', () => {
    const biz: SarSubject = { ...EVE, kind: 'business', legalName: 'Shell Holdings Ltd', persons: [{ role: 'director', name: 'Dan Director', dateOfBirth: null, nationality: 'GB', ownershipPct: null }, { role: 'ubo', name: 'Uma Owner', dateOfBirth: null, nationality: null, ownershipPct: '60' }] };
    const r = parse(buildGoAml(input({ subjects: [biz] })));
    const acc = child(child(r.children.find((c) => c.name === 'transaction')!, 't_to_my_client')!, 'to_account')!;
    assert.equal(child(child(acc, 't_entity')!, 'name')!.text, 'Shell Holdings Ltd');
    const sigs = acc.children.filter((c) => c.name === 'signatory');
    assert.equal(sigs.length, 1);
    assert.equal(child(child(sigs[0]!, 't_person')!, 'nationality1')!.text, 'GB');
    assert.deepEqual(splitName('Cher'), { first: 'Cher', last: 'Cher' });
    assert.deepEqual(splitName('  '), { first: 'Unknown', last: 'Unknown' });
  });
});
