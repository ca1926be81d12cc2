// `bulwark rules …` spawned as an operator runs it: validate (errors by path, exit 1; hostile YAML refused), list
// (the default set installed active), backtest of a file and of a stored rule (audited like the API's).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, runBulwark, showRun as show, type CliRun as Run } from '../../../../../test/helpers/cli.js';

const GOOD = `id: cli-velocity
name: CLI velocity rule
severity: medium
explanation: "{count} deposits within {window}"
appliesTo: [deposit]
condition:
  type: velocity
  window: 1h
  minCount: 5
`;

describe('bulwark rules', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  const bulwark = (args: string[]): Promise<Run> => runBulwark(args, env);
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-rules-'));
    ({ env, drop } = await cliEnv(dir));
  });
  after(async () => {
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('validate: a good file passes; a bad one prints its problems by path and exits 1; aliases are refused', async () => {
    const ok = await bulwark(['rules', 'validate', file('good.yaml', GOOD)]);
    assert.equal(ok.code, 0, show(ok));
    assert.match(ok.stdout, /valid rule cli-velocity \(velocity\)/);
    const bad = await bulwark(['rules', 'validate', file('bad.json', JSON.stringify({ id: 'Bad Id', name: 'x' }))]);
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stderr, /bad\.json: id: a slug/);
    assert.match(bad.stderr, /bad\.json: severity: /);
    const bomb = await bulwark(['rules', 'validate', file('bomb.yaml', 'a: &a [x, x]\nb: [*a, *a]\n')]);
    assert.equal(bomb.code, 1, show(bomb));
    assert.match(bomb.stderr, /[Aa]lias/);
  });

  test('list shows the installed default rules; backtest runs a file and a stored rule over the (empty) history', async () => {
    const list = await bulwark(['rules', 'list']);
    assert.equal(list.code, 0, show(list));
    assert.match(list.stdout, /^structuring-10k\s+high\s+structuring\s+active\s+v1/m);
    const f = await bulwark(['rules', 'backtest', join(dir, 'good.yaml'), '--from', '2026-01-01T00:00:00Z', '--to', '2026-02-01T00:00:00Z']);
    assert.equal(f.code, 0, show(f));
    assert.match(f.stdout, /cli-velocity \(unsaved\)/);
    assert.match(f.stdout, /0 alert\(s\) for 0 trader\(s\)/);
    const stored = await bulwark(['rules', 'backtest', 'structuring-10k', '--json']);
    assert.equal(stored.code, 0, show(stored));
    assert.equal((JSON.parse(stored.stdout) as { version: number }).version, 1);
    const missing = await bulwark(['rules', 'backtest', 'no-such-rule']);
    assert.equal(missing.code, 1, show(missing));
    assert.match(missing.stderr, /No such rule/);
  });
});
