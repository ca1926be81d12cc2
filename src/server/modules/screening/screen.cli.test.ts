// `bulwark screen`, spawned as an operator runs it (through tsx, on the sources): a single name and a wallet
// against list files given with --lists, a JSON-lines batch (in order, bad lines answered in place, the same
// answers on worker threads and on one thread), bad arguments, unreadable lists, and an empty database, which
// must say "no lists loaded" and exit non-zero rather than report "no match".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cliEnv, runBulwark, showRun as show, type CliRun as Run } from '../../../../test/helpers/cli.js';

// A small FollowTheMoney list written by the test: the lists module detects the format from the content.
const ENTITIES = [
  { id: 'os-1', schema: 'Person', target: true, properties: { name: ['Alexander Vyacheslavovich Zakharov'], alias: ['Захаров Александр Вячеславович'], birthDate: ['1965-01-15'], nationality: ['ru'], topics: ['sanction'] } },
  { id: 'os-2', schema: 'Company', target: true, properties: { name: ['ZALA Aero Group LLC'], topics: ['sanction'] } },
  { id: 'os-3', schema: 'Person', target: true, properties: { name: ['Maria Example Holder'], topics: ['sanction'] } },
  { id: 'w-1', schema: 'CryptoWallet', properties: { holder: ['os-3'], currency: ['ETH'], publicKey: ['0x901bB9583b24D97e995513C6778dc6888AB6870e'] } },
];

describe('bulwark screen', () => {
  let dir: string;
  let list: string;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;

  const bulwark = (args: string[]): Promise<Run> => runBulwark(['screen', ...args], env);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-screen-'));
    list = join(dir, 'entities.ftm.json');
    writeFileSync(list, ENTITIES.map((e) => JSON.stringify(e)).join('\n') + '\n');
    ({ env, drop } = await cliEnv(dir));
  });
  after(async () => {
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('refuses bad arguments with exit 2 and says why', async () => {
    const none = await bulwark(['--lists', list]);
    assert.equal(none.code, 2, show(none));
    assert.match(none.stderr, /give a NAME, --wallet ADDRESS or --batch FILE/);
    const both = await bulwark(['Someone', '--batch', join(dir, 'x.jsonl'), '--lists', list]);
    assert.equal(both.code, 2, show(both));
    for (const bad of [['X', '--dob', '15.01.1965'], ['X', '--country', 'Russia'], ['X', '--threshold', '2'], ['X', '--type', 'vessel']]) {
      const r = await bulwark([...bad, '--lists', list]);
      assert.notEqual(r.code, 0, show(r));
    }
  });

  test('an unreadable or malformed list file is an error, never "no match"', async () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"not": "a list"}\n');
    const r = await bulwark(['Alexander Zakharov', '--lists', junk]);
    assert.equal(r.code, 2, show(r));
    assert.doesNotMatch(r.stdout, /no match/);
    const missing = await bulwark(['Alexander Zakharov', '--lists', join(dir, 'nope.xml')]);
    assert.equal(missing.code, 2, show(missing));
  });

  test('with no list in the database it says "no lists loaded" and exits 3', async () => {
    const r = await bulwark(['Alexander Zakharov']);
    assert.equal(r.code, 3, show(r));
    assert.match(r.stderr, /no lists loaded/);
    assert.doesNotMatch(r.stdout, /no match/);
  });

  test('a name in another script finds the listed person, with the explanation', async () => {
    const r = await bulwark(['Захаров Александр', '--type', 'person', '--dob', '1965', '--country', 'RU', '--json', '--lists', list]);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as { algorithmVersion: string; lists: string[]; matches: { entityId: string; score: number; explanation: { factors: { factor: string }[] } }[] };
    assert.ok(out.algorithmVersion);
    assert.equal(out.lists.length, 1);
    assert.equal(out.matches[0]?.entityId, 'os-1');
    assert.deepEqual(out.matches[0]?.explanation.factors.map((f) => f.factor).sort(), ['birth_date', 'country']);
    const human = await bulwark(['Completely Different Person', '--lists', list]);
    assert.equal(human.code, 0, show(human));
    assert.match(human.stdout, /against 3 entities/);
    assert.match(human.stdout, /^no match$/m);
  });

  test('a wallet matches exactly under its chain rules', async () => {
    const upper = await bulwark(['--wallet', '0x901BB9583B24D97E995513C6778DC6888AB6870E', '--json', '--lists', list]);
    assert.equal(upper.code, 0, show(upper));
    assert.equal((JSON.parse(upper.stdout) as { matches: { entityId: string }[] }).matches[0]?.entityId, 'os-3');
    const nearMiss = await bulwark(['--wallet', '0x901BB9583B24D97E995513C6778DC6888AB6870f', '--json', '--lists', list]);
    assert.deepEqual((JSON.parse(nearMiss.stdout) as { matches: unknown[] }).matches, []);
  });

  test('--batch answers every line in order, bad lines in place, the same on worker threads and on one', async () => {
    const file = join(dir, 'batch.jsonl');
    const lines = [
      JSON.stringify({ id: 'a', name: 'Alexander Zakharov', type: 'person' }),
      'not json',
      '',
      JSON.stringify({ id: 'b', name: 'Zala Aero Group', type: 'organization' }),
      JSON.stringify({ id: 'c', wallet: '0x901bb9583b24d97e995513c6778dc6888ab6870e' }),
      JSON.stringify({ id: 'd', name: 'Nobody Inparticular' }),
      JSON.stringify({ id: 'e', name: 'X', dob: 'yesterday' }),
      JSON.stringify({ id: 'f' }),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const many = await bulwark(['--batch', file, '--json', '--workers', '2', '--lists', list]);
    const one = await bulwark(['--batch', file, '--json', '--workers', '0', '--lists', list]);
    assert.equal(many.code, 0, show(many));
    assert.equal(one.code, 0, show(one));
    assert.equal(many.stdout, one.stdout);
    const out = many.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; id?: string; error?: string; matches?: { list: string; entityId: string; matchedName: string; score: number }[] });
    assert.deepEqual(out.map((o) => o.line), [1, 2, 4, 5, 6, 7, 8]);
    assert.equal(out[0]?.matches?.[0]?.entityId, 'os-1');
    assert.equal(out[0]?.matches?.[0]?.list, 'opensanctions');
    assert.equal(typeof out[0]?.matches?.[0]?.score, 'number');
    assert.match(out[1]?.error ?? '', /not a JSON object/);
    assert.equal(out[2]?.matches?.[0]?.entityId, 'os-2');
    assert.equal(out[3]?.matches?.[0]?.entityId, 'os-3');
    assert.deepEqual(out[4]?.matches, []);
    assert.match(out[5]?.error ?? '', /dob/);
    assert.match(out[6]?.error ?? '', /a name or a wallet is required/);
  });
});
