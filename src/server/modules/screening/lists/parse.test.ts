// Every parser against the real samples in ../shared/data/sanctions (counts from its README, known entities with
// their aliases, dates of birth, countries and wallets), format detection, and malformed or cut-off files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ListEntity, ParsedList } from '../model.js';
import { ListParseError, detectFormat, detectFormatOf, hashListFiles, parseListFiles, parseListPath } from './parse.js';
import { parseDates } from './parsers/common.js';
import { SKIP_SAMPLES, sample } from './test-support/data.js';

const byId = (l: ParsedList, id: string): ListEntity => {
  const e = l.entities.find((x) => x.id === id);
  assert.ok(e, `entity ${id} not found`);
  return e;
};
const kinds = (l: ParsedList) => {
  const k: Record<string, number> = {};
  for (const e of l.entities) k[e.kind] = (k[e.kind] ?? 0) + 1;
  return k;
};
const file = (p: string) => ({ name: p.replace(/^.*\//, ''), bytes: readFileSync(sample(p)) });

describe('dates of birth', () => {
  test('full, partial, circa and ranges', () => {
    assert.deepEqual(parseDates('28 Jul 1963'), ['1963-07-28']);
    assert.deepEqual(parseDates('Jul 1963'), ['1963-07']);
    assert.deepEqual(parseDates('1963.'), ['1963']);
    assert.deepEqual(parseDates('circa 1979-1982'), ['1979', '1980', '1981', '1982']);
    assert.deepEqual(parseDates('01 Jan 1955 to 31 Dec 1956.'), ['1955', '1956']);
    assert.deepEqual(parseDates('1965-04-14'), ['1965-04-14']);
    assert.deepEqual(parseDates('12/05/1958'), ['1958-05-12']);
    assert.deepEqual(parseDates('1900 to 1990'), ['1900', '1990'], 'a wide range keeps its ends only');
    assert.deepEqual(parseDates('unknown'), []);
  });
});

describe('OFAC CSV', { skip: SKIP_SAMPLES }, () => {
  test('the 17-entity set: LIFSHITS with his wallets, DOB, nationality, programmes; strong and weak aliases', async () => {
    const l = await parseListPath(sample('ofac_sdn/watchman_ofactest_17_entities'));
    assert.equal(l.source, 'ofac_sdn');
    assert.equal(l.format, 'ofac_csv');
    assert.equal(l.entities.length, 17);
    const lif = byId(l, '29702');
    assert.equal(lif.name, 'LIFSHITS, Artem Mikhaylovich');
    assert.equal(lif.kind, 'person');
    assert.deepEqual(lif.birthDates, ['1992-12-26']);
    assert.deepEqual(lif.nationalities, ['RU']);
    assert.deepEqual(lif.programs, ['CYBER2', 'ELECTION-EO13848']);
    assert.deepEqual(lif.topics, ['sanction']);
    const w = lif.wallets.map((x) => `${x.currency} ${x.address}`);
    for (const want of [
      'XBT 12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
      'XBT 1DT3tenf14cxz9WFNxmYrXFbB6TFiVWA9U',
      'ETH 0x901bb9583b24d97e995513c6778dc6888ab6870e',
      'LTC Leo3j36nn1JcsUQruytQhFUdCdCH5YHMR3',
      'DASH Xs3vzQmNvAxRa3Xo8XzQqUb3BMgb9EogF4',
    ]) {
      assert.ok(w.includes(want), `missing wallet ${want}`);
    }
    const iami = byId(l, '11195');
    assert.equal(iami.kind, 'organization');
    assert.ok(iami.aliases.includes('HESA TRADE CENTER'), 'alt.csv names are strong aliases');
    assert.ok(iami.weakAliases.includes('HESA'), "remarks' a.k.a.s are weak aliases");
    assert.ok(iami.countries.includes('IR'), 'add.csv countries');
    assert.deepEqual(iami.programs, ['IFSR', 'IRAN-CON-ARMS-EO', 'NPWMD']);
    assert.deepEqual(byId(l, '10278').birthDates, ['1963-07-28']);
    assert.ok(byId(l, '10278').countries.includes('BZ'), 'country of the place of birth');
    assert.ok(l.warnings.some((x) => /alt row\(s\) name an entity number that is not in sdn\.csv/.test(x)), 'orphan alt rows are reported');
  });

  test('the 2024-05-03 sdn.csv alone: 14,965 records by type, 294 wallet mentions', async () => {
    const l = await parseListPath(sample('ofac_sdn/2024-05-03_sdn_only/sdn.csv'));
    assert.equal(l.entities.length, 14965);
    assert.deepEqual(kinds(l), { person: 6854, organization: 6884, vessel: 851, aircraft: 376 });
    assert.equal(l.entities.reduce((n, e) => n + e.wallets.length, 0), 294);
    assert.equal(new Set(l.entities.filter((e) => e.wallets.length).map((e) => e.id)).size, 55);
  });

  test('the complete 2021-07 set: 8,976 records, comments continue the remarks', async () => {
    const l = await parseListPath(sample('ofac_sdn/2021-07_complete_set'));
    assert.equal(l.entities.length, 8976);
    assert.deepEqual(kinds(l), { person: 4620, organization: 3673, vessel: 406, aircraft: 277 });
    assert.equal(l.entities.filter((e) => e.aliases.length > 0).length >= 4000, true);
    // 81 digital-currency mentions in sdn.csv + 15 in sdn_comments + 1 that only exists once the two are joined
    // (entity 29703's remark is cut inside "Digital Currency Addres|s - ETH 0x8576…").
    assert.equal(l.entities.reduce((n, e) => n + e.wallets.length, 0), 97);
    assert.ok(byId(l, '29703').wallets.some((w) => w.address === '0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c'));
    assert.ok(byId(l, '28263').weakAliases.includes('snowsjohn'), 'an a.k.a. cut between the files is joined');
    assert.deepEqual(l.warnings.filter((w) => /entity number/.test(w)), [], 'the set is consistent');
  });

  test('the consolidated (non-SDN) set: 442 records', async () => {
    const l = await parseListPath(sample('ofac_non_sdn_consolidated/2025-12'));
    assert.equal(l.source, 'ofac_cons');
    assert.deepEqual(kinds(l), { person: 79, organization: 363 });
    assert.ok(l.entities.some((e) => e.programs.includes('UKRAINE-EO13662')));
  });

  test('companion files without sdn.csv are refused', async () => {
    await assert.rejects(parseListPath(sample('ofac_sdn/2025-12_partial_no_sdn')), /needs its primary file \(sdn\.csv\)/);
  });
});

describe('UN, EU, UK XML', { skip: SKIP_SAMPLES }, () => {
  test('UN consolidated: 730 individuals, 273 entities, generation date, alias quality', async () => {
    const l = await parseListPath(sample('un_consolidated/2026-02-27/consolidated.xml'));
    assert.equal(l.source, 'un_sc');
    assert.deepEqual(kinds(l), { person: 730, organization: 273 });
    assert.equal(l.publishedAt, '2026-02-27T00:00:09.554Z');
    const badege = byId(l, 'CDi.001');
    assert.equal(badege.name, 'ERIC BADEGE');
    assert.deepEqual(badege.birthDates, ['1971']);
    assert.deepEqual(badege.nationalities, ['CD']);
    assert.ok(badege.countries.includes('RW'));
    assert.equal(badege.listedOn, '2012-12-31');
    const adf = byId(l, 'CDe.001');
    assert.ok(adf.aliases.includes('Allied Democratic Forces'));
    assert.ok(adf.aliases.includes('NALU'), 'f.k.a. is a name');
    assert.ok(l.entities.some((e) => e.weakAliases.length > 0), 'QUALITY Low gives weak aliases');
    assert.ok(l.entities.some((e) => e.birthDates.length > 3), 'BETWEEN gives a year range');
  });

  test('EU FSF: 5 entities, strong/weak aliases, Islamic-calendar dates use the Gregorian date', async () => {
    const l = await parseListPath(sample('eu_fsf_sample/sample_eu_fsf.xml'));
    assert.equal(l.source, 'eu_fsf');
    assert.deepEqual(kinds(l), { person: 4, organization: 1 });
    assert.equal(l.publishedAt, '2026-08-05T14:47:04.449Z');
    assert.equal(l.entities.reduce((n, e) => n + 1 + e.aliases.length + e.weakAliases.length, 0) <= 45, true);
    const parchin = l.entities.find((e) => /Parchin/i.test([e.name, ...e.aliases].join(' ')))!;
    assert.equal(parchin.kind, 'organization');
    assert.ok(parchin.countries.includes('IR'));
    const ksm = byId(l, '191');
    assert.ok([ksm.name, ...ksm.aliases].includes('Khalid Sheikh MOHAMMED'));
    assert.deepEqual(ksm.birthDates, ['1964-03-01', '1965-04-14']);
    assert.ok(!l.entities.some((e) => e.birthDates.some((d) => d.startsWith('1402'))), 'a Hijri year is never taken as Gregorian');
    assert.ok(l.entities.some((e) => e.weakAliases.length > 0), '"low quality alias" remarks give weak aliases');
  });

  test('UK: 5 designations (2 individuals, 2 entities, 1 ship), weak aliases, dd/mm dates', async () => {
    const l = await parseListPath(sample('uk_sanctions_list_sample/sample_uk_sanctions.xml'));
    assert.equal(l.source, 'uk_sanctions');
    assert.deepEqual(kinds(l), { organization: 2, person: 2, vessel: 1 });
    assert.equal(l.publishedAt, '2026-09-10T00:00:00.000Z');
    const akhund = byId(l, 'AFG0006');
    assert.equal(akhund.name, 'MOHAMMAD HASSAN AKHUND');
    assert.deepEqual(akhund.birthDates, ['1945', '1946', '1958-05-12']);
    assert.deepEqual(akhund.nationalities, ['AF']);
    assert.ok(akhund.aliases.includes('محمد حسن آخوند'), 'non-Latin names are aliases');
    const bnk = byId(l, 'BEL0107');
    assert.ok(bnk.weakAliases.includes('BNK'));
    assert.ok(bnk.aliases.includes('BNK UK Limited'));
    assert.equal(byId(l, 'DPR0075').kind, 'vessel');
  });
});

describe('OpenSanctions FtM and OFAC wallet lists', { skip: SKIP_SAMPLES }, () => {
  test('zala: targets only (6 persons, 8 companies), topics kept', async () => {
    const l = await parseListPath(sample('opensanctions_ftm/yente_fixture_zala/entities.ftm.json'));
    assert.equal(l.source, 'opensanctions');
    assert.deepEqual(kinds(l), { person: 6, organization: 8 });
    const z = byId(l, 'NK-aU5ybkbRFJucf8YMwsJvDw');
    assert.match(z.name, /Zakharov/i);
    assert.ok(z.topics.includes('sanction'));
  });

  test('t1: multilingual names become aliases; country codes upper-cased', async () => {
    const l = await parseListPath(sample('opensanctions_ftm/yente_fixture_t1/entities.ftm.json'));
    const it = byId(l, 'NK-2GdmHtZTeNXjNVrBGEXZNj');
    assert.equal(it.aliases.length, 11);
    assert.deepEqual(it.countries, ['BY']);
  });

  test('Saudi PEPs: 423 targets, marked role.pep', async () => {
    const l = await parseListPath(sample('opensanctions_ftm/wikidata_saudi_peps_2024-03/entities.ftm.json'));
    assert.equal(l.entities.length, 423);
    assert.ok(l.entities.filter((e) => e.topics.includes('role.pep')).length > 0);
  });

  test('wallet lists: 599 (2024-05-02) and 634 (2025-05-30) addresses; .json beside .txt is not counted twice', async () => {
    const a = await parseListPath(sample('ofac_digital_currency_addresses/2024-05-02'));
    assert.equal(a.source, 'ofac_wallets');
    assert.equal(a.entities.length, 599);
    assert.equal(a.entities.filter((e) => e.wallets[0]!.currency === 'XBT').length, 387);
    const b = await parseListPath(sample('ofac_digital_currency_addresses/2025-05-30'));
    assert.equal(b.entities.length, 634);
    assert.equal(b.entities.filter((e) => e.wallets[0]!.currency === 'ETH').length, 64);
  });
});

describe('detection', { skip: SKIP_SAMPLES }, () => {
  test('each sample is recognised from its content', async () => {
    assert.equal(await detectFormat(sample('ofac_sdn/watchman_ofactest_17_entities')), 'ofac_csv');
    assert.equal(await detectFormat(sample('un_consolidated/2026-02-27/consolidated.xml')), 'un_xml');
    assert.equal(await detectFormat(sample('eu_fsf_sample/sample_eu_fsf.xml')), 'eu_fsf_xml');
    assert.equal(await detectFormat(sample('uk_sanctions_list_sample/sample_uk_sanctions.xml')), 'uk_xml');
    assert.equal(await detectFormat(sample('opensanctions_ftm/yente_fixture_t1/entities.ftm.json')), 'ftm_jsonl');
    assert.equal(await detectFormat(sample('ofac_digital_currency_addresses/2024-05-02')), 'ofac_wallet_list');
  });

  test('a renamed file is still recognised (content, not name)', () => {
    const un = readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml'));
    assert.equal(detectFormatOf('list.txt', un), 'un_xml');
    const l = parseListFiles([{ name: 'upload.bin', bytes: readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv')) }]);
    assert.equal(l.entities.length, 17);
  });

  test('Senzing JSON and unknown formats are refused by name', () => {
    assert.throws(() => detectFormatOf('x.json', readFileSync(sample('opensanctions_senzing/us_congress_senzing.json'))), /Senzing JSON, which is not supported/);
    assert.throws(() => detectFormatOf('x.txt', Buffer.from('hello world\n')), /not a list format Bulwark knows/);
    assert.throws(() => detectFormatOf('x.xml', Buffer.from('<?xml version="1.0"?><html/>')), /root element <html>/);
  });
});

describe('malformed and cut-off files', { skip: SKIP_SAMPLES }, () => {
  const posOf = (fn: () => unknown): ListParseError => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof ListParseError, `expected a ListParseError, got ${String(e)}`);
      return e;
    }
    assert.fail('no error');
  };

  test('cut-off XML names the line and column', () => {
    const un = readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml'));
    const e = posOf(() => parseListFiles([{ name: 'consolidated.xml', bytes: un.subarray(0, Math.floor(un.length / 2)) }]));
    assert.match(e.message, /not well-formed XML.*cut off/);
    assert.match(e.position ?? '', /^consolidated\.xml line \d+, column \d+$/);
    const eu = readFileSync(sample('eu_fsf_sample/sample_eu_fsf.xml'));
    assert.match(posOf(() => parseListFiles([{ name: 'eu.xml', bytes: eu.subarray(0, eu.length - 40) }])).message, /not well-formed XML/);
  });

  test('a CSV row with the wrong column count names file and line', () => {
    const sdn = readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv')).toString('latin1');
    const lines = sdn.split('\r\n');
    lines[4] = lines[4]!.split(',').slice(0, 5).join(',');
    const e = posOf(() => parseListFiles([{ name: 'sdn.csv', bytes: Buffer.from(lines.join('\r\n'), 'latin1') }]));
    assert.match(e.message, /a row has \d+ column\(s\), expected 12/);
    assert.equal(e.position, 'sdn.csv line 5');
  });

  test('a CSV cut inside a quoted field', () => {
    const sdn = readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv'));
    const cut = sdn.subarray(0, sdn.indexOf('LIFSHITS') + 3);
    assert.match(posOf(() => parseListFiles([{ name: 'sdn.csv', bytes: cut }])).message, /sdn\.csv is not valid CSV/);
  });

  test('a JSON line that does not parse names its line', () => {
    const t1 = readFileSync(sample('opensanctions_ftm/yente_fixture_t1/entities.ftm.json')).toString('utf8');
    const e = posOf(() => parseListFiles([{ name: 'e.ftm.json', bytes: Buffer.from(t1.slice(0, t1.length - 200)) }]));
    assert.match(e.message, /not valid JSON/);
    assert.match(e.position ?? '', /^e\.ftm\.json line \d+$/);
  });

  test('empty, whitespace, binary, oversized, zero entities, mixed sets', () => {
    assert.match(posOf(() => parseListFiles([{ name: 'sdn.csv', bytes: Buffer.alloc(0) }])).message, /is empty/);
    assert.match(posOf(() => parseListFiles([{ name: 'a.xml', bytes: Buffer.from('  \n ') }])).message, /only white space/);
    assert.match(posOf(() => parseListFiles([{ name: 'a.gz', bytes: Buffer.from([0x1f, 0x8b, 0, 0]) }])).message, /binary file/);
    assert.match(posOf(() => parseListFiles([{ name: 'a.xml', bytes: Buffer.alloc(2000, 0x20) }], { maxBytes: 1000 })).message, /more than the limit of 1000 bytes/);
    const emptyUn = Buffer.from('<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>');
    assert.match(posOf(() => parseListFiles([{ name: 'un.xml', bytes: emptyUn }])).message, /holds no entity: refused/);
    assert.match(posOf(() => parseListFiles([file('ofac_sdn/watchman_ofactest_17_entities/sdn.csv'), file('eu_fsf_sample/sample_eu_fsf.xml')])).message, /one list at a time/);
  });

  test('XML entities declared in a DOCTYPE are never expanded (no billion laughs, no external files)', () => {
    const wrap = (dtd: string, use: string) =>
      Buffer.from(`<?xml version="1.0"?><!DOCTYPE x [${dtd}]><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER><FIRST_NAME>${use}</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`);
    const bomb = wrap('<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">', '&b;');
    assert.match(posOf(() => parseListFiles([{ name: 'b.xml', bytes: bomb }])).message, /undefined entity/);
    const xxe = wrap('<!ENTITY x SYSTEM "file:///etc/passwd">', '&x;');
    assert.match(posOf(() => parseListFiles([{ name: 'x.xml', bytes: xxe }])).message, /undefined entity/);
  });

  test('the hash of a set is over its files in name order', () => {
    const a = file('ofac_sdn/watchman_ofactest_17_entities/sdn.csv');
    const b = file('ofac_sdn/watchman_ofactest_17_entities/alt.csv');
    assert.equal(hashListFiles([a, b]), hashListFiles([b, a]));
    assert.match(hashListFiles([a]), /^[0-9a-f]{64}$/);
  });
});

describe('OFAC XML (sdn.xml)', () => {
  // No sdn.xml is in ../shared/data: a small file written to OFAC's published sdnList.xsd.
  const xml = `<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Publish_Date>05/03/2024</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry>
    <uid>29702</uid><firstName>Artem Mikhaylovich</firstName><lastName>LIFSHITS</lastName><sdnType>Individual</sdnType>
    <programList><program>CYBER2</program><program>ELECTION-EO13848</program></programList>
    <idList><id><uid>1</uid><idType>Digital Currency Address - XBT</idType><idNumber>12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz</idNumber></id>
      <id><uid>2</uid><idType>Passport</idType><idNumber>719032284</idNumber></id></idList>
    <akaList><aka><uid>3</uid><type>a.k.a.</type><category>weak</category><lastName>ARTEM</lastName></aka>
      <aka><uid>4</uid><type>a.k.a.</type><category>strong</category><lastName>LIFSHIC</lastName><firstName>Artem</firstName></aka></akaList>
    <nationalityList><nationality><uid>5</uid><country>Russia</country><mainEntry>true</mainEntry></nationality></nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>6</uid><dateOfBirth>26 Dec 1992</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
  </sdnEntry>
</sdnList>`;
  test('entries, aliases by category, wallets from the id list, publish date', () => {
    const l = parseListFiles([{ name: 'sdn.xml', bytes: Buffer.from(xml) }]);
    assert.equal(l.format, 'ofac_xml');
    assert.equal(l.source, 'ofac_sdn');
    assert.equal(l.publishedAt, '2024-05-03T00:00:00.000Z');
    const e = byId(l, '29702');
    assert.equal(e.name, 'LIFSHITS, Artem Mikhaylovich');
    assert.deepEqual(e.aliases, ['LIFSHIC, Artem']);
    assert.deepEqual(e.weakAliases, ['ARTEM']);
    assert.deepEqual(e.wallets, [{ currency: 'XBT', address: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz' }]);
    assert.deepEqual(e.nationalities, ['RU']);
    assert.deepEqual(e.birthDates, ['1992-12-26']);
  });
});
