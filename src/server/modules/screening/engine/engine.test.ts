// The matching engine from the outside: normalisation per script, the string score against published values,
// order independence, typos, initials, wallet case rules per chain, factors, explanations, and hostile input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import type { ListEntity } from '../model.js';
import {
  ALGORITHM_VERSION, DEFAULT_THRESHOLD, analyseName, buildScreeningIndex, jaroWinkler, normaliseName, normaliseWallet,
  phoneticKey, scorePair, screenBatch, walletEncoding,
} from './index.js';

function entity(name: string, over: Partial<ListEntity> = {}): ListEntity {
  return {
    id: over.id ?? '1', kind: 'person', name, aliases: [], weakAliases: [], birthDates: [], nationalities: [], countries: [],
    programs: [], topics: ['sanction'], wallets: [], ...over,
  };
}

const score = (q: string, list: string, over: Partial<ListEntity> = {}, kind?: 'person' | 'organization') =>
  scorePair({ name: q, kind }, entity(list, over))?.score ?? 0;

describe('normalisation', () => {
  it('folds case, diacritics, punctuation and special Latin letters', () => {
    assert.equal(normaliseName('  José   ÁLVAREZ-Núñez '), 'jose alvarez nunez');
    assert.equal(normaliseName("O'Brien, Seán"), 'obrien sean');
    assert.equal(normaliseName('Straße Øster Łódź'), 'strasse oster lodz');
  });
  it('transliterates Russian and Ukrainian Cyrillic', () => {
    assert.equal(normaliseName('Александр Вячеславович Захаров'), 'aleksandr vyacheslavovich zakharov');
    assert.equal(normaliseName('Щукін Юрій Їжак Євген Ґонта'), 'shchukin yuriy yizhak yevgen gonta');
  });
  it('transliterates Greek, accents included', () => {
    assert.equal(normaliseName('Αλέξης Τσίπρας'), 'alexis tsipras');
    assert.equal(normaliseName('Γιώργος Παπανδρέου'), 'giorgos papandreou');
  });
  it('transliterates Arabic and Persian script to a consonant skeleton that keys like the Latin spelling', () => {
    const a = analyseName('محمد علي');
    assert.equal(a.transliterated, true);
    assert.equal(a.normalised, 'mhmd ali');
    assert.equal(phoneticKey('mhmd'), phoneticKey('mohamed'));
    assert.equal(normaliseName('پرویز'), 'pruiz');
  });
  it('removes honorifics at the start and notes them', () => {
    const a = analyseName('Sheikh Dr. Haji Ahmad Shah');
    assert.equal(a.normalised, 'ahmad shah');
    assert.deepEqual(a.honorifics, ['sheikh', 'dr', 'haji']);
    // A name that is only an honorific-looking word keeps it.
    assert.equal(normaliseName('Haji'), 'haji');
  });
  it('removes legal forms (abbreviated and spelled out) for organisations, and notes them', () => {
    assert.equal(normaliseName('Siemens AG'), 'siemens');
    assert.equal(normaliseName('Siemens Aktiengesellschaft'), 'siemens');
    assert.equal(normaliseName('OOO Romashka'), 'romashka');
    assert.equal(normaliseName('ООО «Ромашка»'), 'romashka');
    assert.equal(normaliseName('Limited Liability Company Iskusstvo Krasoty'), 'iskusstvo krasoty');
    assert.equal(normaliseName('Acme Trading Co., Ltd.'), 'acme trading');
    assert.equal(normaliseName('PJSC Gazprom Neft'), 'gazprom neft');
    assert.deepEqual(analyseName('Example GmbH').legalForms, ['gmbh']);
    // Persons keep such words: "Ao" is a name.
    assert.equal(normaliseName('Ao Li', 'person'), 'ao li');
  });
});

describe('Jaro-Winkler', () => {
  it('matches the published values', () => {
    // Winkler (1990) / Wikipedia examples.
    assert.equal(jaroWinkler('martha', 'marhta').toFixed(3), '0.961');
    assert.equal(jaroWinkler('dwayne', 'duane').toFixed(2), '0.84');
    assert.equal(jaroWinkler('dixon', 'dicksonx').toFixed(3), '0.813');
    assert.equal(jaroWinkler('abc', 'abc'), 1);
    assert.equal(jaroWinkler('abc', 'xyz'), 0);
    assert.equal(jaroWinkler('', 'abc'), 0);
  });
  it('stays in [0, 1] and is symmetric', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
      const s = jaroWinkler(a, b);
      return s >= 0 && s <= 1 && Math.abs(s - jaroWinkler(b, a)) < 1e-12;
    }));
  });
});

describe('name matching', () => {
  it('exact and reordered names score 1', () => {
    assert.equal(score('Vladimir Putin', 'PUTIN, Vladimir'), 1);
    assert.equal(score('Kim Jong-un', 'Kim Jong Un'), 1);
    assert.equal(score('SiemensAG', 'Siemens AG', { kind: 'organization' }, 'organization'), 1);
  });
  it('typos and romanisation variants stay above the threshold; different names fall below', () => {
    assert.ok(score('Olaf Scholze', 'Olaf Scholz') >= DEFAULT_THRESHOLD);
    assert.ok(score('ATTIIQULLAH AKHUND', 'ATTIQULLAH AKHUND') >= DEFAULT_THRESHOLD);
    assert.ok(score('Muhammad Ali', 'Mohamed Ali') >= DEFAULT_THRESHOLD);
    assert.ok(score('Octavian Scholz', 'Olaf Scholz') < DEFAULT_THRESHOLD);
    assert.ok(score('Angelo Cruz', 'Angela Merkel') < DEFAULT_THRESHOLD);
  });
  it('a missing middle name still matches; a different first name does not', () => {
    assert.ok(score('Alexander Zakharov', 'Alexander Vyacheslavovich Zakharov') >= DEFAULT_THRESHOLD);
    assert.ok(score('Boris Zakharov', 'Alexander Vyacheslavovich Zakharov') < DEFAULT_THRESHOLD);
  });
  it('an initial matches the name it begins, and only that', () => {
    const m = scorePair({ name: 'J. Smithson' }, entity('John Smithson'));
    assert.ok(m && m.score >= DEFAULT_THRESHOLD);
    assert.ok(m.explanation.tokens.some((t) => t.how === 'initial' && t.query === 'j' && t.list === 'john'));
    assert.ok(score('K. Smithson', 'John Smithson') < DEFAULT_THRESHOLD);
  });
  it('aliases count as names; weak aliases count less', () => {
    const strong = scorePair({ name: 'Abu Bakr' }, entity('Ibrahim Awwad', { aliases: ['Abu Bakr'] }));
    const weak = scorePair({ name: 'Abu Bakr' }, entity('Ibrahim Awwad', { weakAliases: ['Abu Bakr'] }));
    assert.equal(strong?.explanation.nameKind, 'alias');
    assert.equal(weak?.explanation.nameKind, 'weak_alias');
    assert.ok(strong && weak && weak.score < strong.score);
  });
  it('matching is order-independent (property)', () => {
    const word = fc.stringMatching(/^[a-z]{2,8}$/);
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.array(word, { minLength: 1, maxLength: 4 }), (q, l) => {
      const a = score(q.join(' '), l.join(' '));
      const b = score([...q].reverse().join(' '), [...l].reverse().join(' '));
      return Math.abs(a - b) < 1e-9 && a >= 0 && a <= 1;
    }));
  });
});

describe('factors', () => {
  const listed = { birthDates: ['1965-03-12'], nationalities: ['RU'] };
  it('same birth year raises, a different one lowers, a missing one is neutral', () => {
    const base = scorePair({ name: 'Aleksandr Zakharov' }, entity('Alexander Zakharov', listed))!.score;
    const same = scorePair({ name: 'Aleksandr Zakharov', birthDate: '1965' }, entity('Alexander Zakharov', listed))!;
    const other = scorePair({ name: 'Aleksandr Zakharov', birthDate: '1990-01-01' }, entity('Alexander Zakharov', listed))!;
    assert.ok(same.score > base || same.score === 1);
    assert.ok(other.score < base);
    assert.ok(other.explanation.factors.some((f) => f.factor === 'birth_date' && f.effect < 0 && f.detail.includes('1965')));
  });
  it('country in common raises, none in common lowers', () => {
    const base = scorePair({ name: 'Aleksandr Zakharov' }, entity('Alexander Zakharov', listed))!.score;
    assert.ok(scorePair({ name: 'Aleksandr Zakharov', countries: ['RU'] }, entity('Alexander Zakharov', listed))!.score > base);
    assert.ok(scorePair({ name: 'Aleksandr Zakharov', countries: ['FR'] }, entity('Alexander Zakharov', listed))!.score < base);
  });
  it('a person against an organisation is lowered', () => {
    const m = scorePair({ name: 'Alpha Trading', kind: 'person' }, entity('Alpha Trading', { kind: 'organization' }))!;
    assert.ok(m.score < 1);
    assert.ok(m.explanation.factors.some((f) => f.factor === 'kind'));
  });
});

describe('wallets', () => {
  const eth = '0x901bB9583b24D97e995513C6778dc6888AB6870e';
  const btcLegacy = '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz';
  const bech = 'bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq';
  const trx = 'TXXL7xYGhLkdCMypfPMgmJHJDbp9Fj3pBb';
  const wallets = [{ currency: 'ETH', address: eth }, { currency: 'XBT', address: btcLegacy }, { currency: 'XBT', address: bech }, { currency: 'TRX', address: trx }];
  const listed = entity('SOME ENTITY', { wallets });
  const hit = (w: string) => scorePair({ wallet: w }, listed)?.score === 1;

  it('hex (EVM) addresses match in any case', () => {
    assert.equal(walletEncoding(eth), 'hex');
    assert.ok(hit(eth.toUpperCase().replace('0X', '0x')));
    assert.ok(hit(eth.toLowerCase()));
  });
  it('bech32 matches all-upper and all-lower, never mixed case', () => {
    assert.ok(hit(bech.toUpperCase()));
    assert.ok(!hit(bech.slice(0, 10) + bech.slice(10).toUpperCase()));
  });
  it('base58 (BTC legacy, TRON) is case-sensitive', () => {
    assert.ok(hit(btcLegacy));
    assert.ok(!hit(btcLegacy.toUpperCase()));
    assert.ok(!hit(btcLegacy.toLowerCase()));
    assert.ok(hit(trx));
    assert.ok(!hit(trx.toLowerCase()));
  });
  it('a near miss never matches', () => {
    for (const w of [eth, btcLegacy, bech, trx]) {
      const last = w.at(-1)!;
      assert.ok(!hit(w.slice(0, -1) + (last === 'a' ? 'b' : 'a')), w);
      assert.ok(!hit(w.slice(0, -1)), w);
    }
  });
  it('whitespace is ignored; junk is not an address', () => {
    assert.equal(normaliseWallet(`  ${eth} `), eth.toLowerCase());
    assert.equal(normaliseWallet('not an address'), '');
    assert.equal(normaliseWallet(''), '');
  });
  it('the index finds an entity by wallet, with the wallet as its explanation', () => {
    const idx = buildScreeningIndex([{ source: 'ofac_sdn', entities: [listed, entity('OTHER', { id: '2' })] }]);
    const [m] = idx.search({ wallet: eth.toUpperCase().replace('0X', '0x') });
    assert.equal(m?.entityId, '1');
    assert.equal(m?.explanation.nameKind, 'wallet');
    assert.equal(m?.explanation.factors[0]?.factor, 'wallet');
  });
});

describe('index and explanations', () => {
  const entities = [
    entity('AL-JAWLANI, Abu Muhammad', { id: '15945', aliases: ['Abu Mohammed al-Golani'], birthDates: ['1981'], nationalities: ['SY'] }),
    entity('SIEMENS AG', { id: '2', kind: 'organization' }),
    entity('ZAKHAROV, Alexander Vyacheslavovich', { id: '3', birthDates: ['1965'], nationalities: ['RU'] }),
  ];
  const idx = buildScreeningIndex([{ source: 'ofac_sdn', entities }]);

  it('reports its algorithm version and size', () => {
    assert.equal(idx.algorithmVersion, ALGORITHM_VERSION);
    assert.equal(idx.entityCount, 3);
  });
  it('finds a Cyrillic query against a Latin listing and says why', () => {
    const [m] = idx.search({ name: 'Захаров Александр', birthDate: '1965', countries: ['RU'] });
    assert.equal(m?.entityId, '3');
    assert.equal(m?.explanation.matchedName, 'ZAKHAROV, Alexander Vyacheslavovich');
    assert.equal(m?.explanation.query, 'zakharov aleksandr');
    assert.ok(m?.explanation.tokens.some((t) => t.query === 'zakharov' && t.list === 'zakharov'));
    assert.deepEqual(m?.explanation.factors.map((f) => f.factor).sort(), ['birth_date', 'country']);
  });
  it('an unknown name answers no match, not an error', () => {
    assert.deepEqual(idx.search({ name: 'Completely Unrelated Person' }), []);
  });
  it('malformed input never throws', () => {
    const hostile = ['', ' ', '\u0000\u0001\u001f', 'a'.repeat(10_000), '\u202e\u200b', '🙂🙂', '....', '\ud800', 'x '.repeat(5000)];
    for (const name of hostile) {
      assert.doesNotThrow(() => idx.search({ name, wallet: name, birthDate: name, countries: [name] }));
      assert.doesNotThrow(() => scorePair({ name, wallet: name, birthDate: name }, entities[0]!));
    }
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const r = idx.search({ name: s });
      return r.every((m) => m.score >= 0 && m.score <= 1);
    }));
  });
});

describe('batch screening', () => {
  const entities = [
    entity('PUTIN, Vladimir Vladimirovich', { id: '1', birthDates: ['1952'] }),
    entity('BANK ROSSIYA', { id: '2', kind: 'organization' }),
    entity('SOMEONE WITH WALLET', { id: '3', wallets: [{ currency: 'XBT', address: 'bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq' }] }),
  ];
  const queries = [
    { name: 'Vladimir Putin' }, { name: 'Bank Rossiya', kind: 'organization' as const }, { name: 'Nobody Known' },
    { wallet: 'BC1QV7K70U2ZYNVEM59U88CTDLAW7HC735D8XEP9RQ' }, { name: '\u0000'.repeat(3) },
    ...Array.from({ length: 300 }, (_, i) => ({ name: `Synthetic Person ${i}` })),
  ];
  async function run(workers: number) {
    const out: string[] = [];
    const n = await screenBatch([{ source: 'ofac_sdn', entities }], queries, (i, r) => out.push(`${i}:${JSON.stringify(r)}`), { workers, chunkSize: 50 });
    return { n, out };
  }
  it('answers every query once, in input order, the same on worker threads as on one thread', async () => {
    const one = await run(0);
    const two = await run(2);
    assert.equal(one.n, queries.length);
    assert.deepEqual(two.out, one.out);
    assert.ok(one.out[0]!.startsWith('0:') && one.out[0]!.includes('"entityId":"1"'));
    assert.ok(one.out[1]!.includes('"entityId":"2"'));
    assert.equal(one.out[2], '2:[]');
    assert.ok(one.out[3]!.includes('"nameKind":"wallet"'));
  });
});
