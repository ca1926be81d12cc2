// The lists service on a real database: versions, unchanged re-imports, the stored diff, the rules that keep the
// previous version active (malformed, empty, shrinking lists), activation listeners and activeEntities.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { expectAudited } from '../../../../../test/helpers/audit.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { FakeClock } from '../../../platform/clock.js';
import { systemContext } from '../../../platform/http/request-context.js';
import type { ListEntity } from '../model.js';
import { createListsService, listsSettingsFrom, type ActivatedEvent } from './index.js';
import { SKIP_SAMPLES, sample } from './test-support/data.js';

const ctx = systemContext('test:lists');
const set17 = () =>
  ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map((n) => ({ name: n, bytes: readFileSync(sample(`ofac_sdn/watchman_ofactest_17_entities/${n}`)) }));

/** The 17-entity sdn.csv with LIFSHITS' name changed, KHOROSHEV removed and one new entity added. */
function editedSdn(): Buffer {
  const lines = readFileSync(sample('ofac_sdn/watchman_ofactest_17_entities/sdn.csv')).toString('latin1').replace(/\x1a$/, '').split('\r\n').filter(Boolean);
  const out = lines
    .filter((l) => !l.startsWith('48603,'))
    .map((l) => (l.startsWith('29702,') ? l.replace('LIFSHITS, Artem Mikhaylovich', 'LIFSHITZ, Artem Mikhaylovich') : l));
  out.push('99999,"NEW DESIGNEE LTD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ');
  return Buffer.from(`${out.join('\r\n')}\r\n\x1a`, 'latin1');
}

describe('lists service', { skip: SKIP_SAMPLES }, () => {
  let t: TestApp;
  const clock = new FakeClock('2026-11-21T10:00:00Z');
  const events: ActivatedEvent[] = [];
  before(async () => {
    t = await createTestApp({ clock });
    t.container.lists.onActivated((e) => {
      events.push(e);
    });
  });
  after(() => t.close());

  test('no list loaded at first: hasLists is false, activeEntities empty', async () => {
    assert.equal(await t.container.lists.hasLists(ctx), false);
    assert.deepEqual((await t.container.lists.activeEntities(ctx)).lists, []);
    assert.equal((await t.container.lists.overview(ctx)).lists, 'none');
  });

  test('first import: version 1, every entity added, listeners told after commit', async () => {
    const r = await t.container.lists.importFiles(ctx, set17(), { origin: 'file' });
    assert.equal(r.status, 'imported');
    assert.equal(r.version.version, 1);
    assert.equal(r.version.source, 'ofac_sdn');
    assert.equal(r.version.entityCount, 17);
    assert.equal(r.delta.added, 17);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.previous, null);
    assert.equal(events[0]!.delta.added.length, 17);
    const active = await t.container.lists.activeEntities(ctx);
    assert.equal(active.versions[0]!.sha256, r.version.sha256);
    assert.equal(active.lists[0]!.entities.find((e: ListEntity) => e.id === '29702')!.wallets.length >= 5, true);
    await expectAudited(t, { action: 'screening.lists.import', outcome: 'ok', targetId: r.version.id });
  });

  test('the same bytes again: unchanged, no new version, no listener call', async () => {
    const r = await t.container.lists.importFiles(ctx, set17(), { origin: 'file' });
    assert.equal(r.status, 'unchanged');
    assert.equal(r.version.version, 1);
    assert.equal(events.length, 1);
  });

  test('a changed list: version 2 with the diff stored (added, removed, changed with its fields)', async () => {
    clock.advance(86_400_000);
    const files = set17().map((f) => (f.name === 'sdn.csv' ? { name: f.name, bytes: editedSdn() } : f));
    const r = await t.container.lists.importFiles(ctx, files, { origin: 'file' });
    assert.equal(r.version.version, 2);
    assert.deepEqual(r.delta, { added: 1, removed: 1, changed: 1 });
    assert.equal(events.length, 2);
    assert.equal(events[1]!.previous!.version, 1);
    assert.equal(events[1]!.delta.changed[0]!.after.name, 'LIFSHITZ, Artem Mikhaylovich');
    const d = await t.container.lists.version(ctx, r.version.id, { offset: 0, limit: 50 });
    assert.equal(d.total, 3);
    const byKind = Object.fromEntries(d.changes.map((c) => [c.change, c]));
    assert.equal(byKind.added!.entityId, '99999');
    assert.equal(byKind.removed!.entityId, '48603');
    assert.equal(byKind.changed!.entityId, '29702');
    assert.deepEqual(byKind.changed!.fields, ['name']);
    assert.equal(byKind.changed!.before!.name, 'LIFSHITS, Artem Mikhaylovich');
    const page = await t.container.lists.version(ctx, r.version.id, { change: 'removed', offset: 0, limit: 1 });
    assert.equal(page.total, 1);
  });

  test('a cut-off file: 422 naming the position, nothing stored, version 2 stays active', async () => {
    const un = readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml'));
    const sdn = editedSdn();
    await assert.rejects(t.container.lists.importFiles(ctx, [{ name: 'sdn.csv', bytes: sdn.subarray(0, sdn.length - 300) }], { origin: 'upload' }), (e: Error & { status?: number; code?: string }) => {
      assert.equal(e.status, 422);
      assert.equal(e.code, 'list_malformed');
      return true;
    });
    await assert.rejects(t.container.lists.importFiles(ctx, [{ name: 'un.xml', bytes: un.subarray(0, 100_000) }], { origin: 'upload' }), /not well-formed XML/);
    const o = await t.container.lists.overview(ctx);
    const sdnStatus = o.sources.find((s) => s.source === 'ofac_sdn')!;
    assert.equal(sdnStatus.active!.version, 2);
    const unStatus = o.sources.find((s) => s.source === 'un_sc')!;
    assert.equal(unStatus.active, null);
    assert.match(unStatus.lastError ?? '', /not well-formed XML/, 'the refused file shows on the list it was meant for');
    assert.equal(events.length, 2);
    await expectAudited(t, { action: 'screening.lists.import', outcome: 'error', errorCode: 'list_malformed' });
  });

  test('a list that lost more than the limit needs allowShrink', async () => {
    const lines = editedSdn().toString('latin1').split('\r\n').slice(0, 5).join('\r\n');
    const shrunk = [{ name: 'sdn.csv', bytes: Buffer.from(lines, 'latin1') }];
    await assert.rejects(t.container.lists.importFiles(ctx, shrunk, { origin: 'file' }), /would shrink from 17 to 5 entities/);
    assert.equal((await t.container.lists.activeEntities(ctx)).versions[0]!.version, 2);
    const r = await t.container.lists.importFiles(ctx, shrunk, { origin: 'file', allowShrink: true });
    assert.equal(r.version.version, 3);
    assert.equal(r.version.shrinkAllowed, true);
    assert.equal(r.delta.removed, 12);
  });

  test('overview: ages and the stale state from an injected clock', async () => {
    let o = await t.container.lists.overview(ctx);
    assert.equal(o.lists, 'loaded');
    assert.equal(o.sources.find((s) => s.source === 'ofac_sdn')!.stale, false);
    clock.advance(8 * 86_400_000);
    o = await t.container.lists.overview(ctx);
    const s = o.sources.find((x) => x.source === 'ofac_sdn')!;
    assert.equal(s.ageDays, 8);
    assert.equal(s.stale, true);
    assert.ok(s.lastError, 'the last failed attempt is shown');
  });

  test('a version imported by another process reaches this one through refresh(), with its stored delta', async () => {
    const c = t.container;
    // A second service on the same database stands in for `bulwark lists import` run beside the server.
    const other = createListsService({
      audited: c.audited,
      auditedRead: c.writer.auditedRead,
      record: (cx, spec, outcome, code) => c.writer.record(cx, spec, outcome, code ?? null),
      clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      settings: listsSettingsFrom(c.config.lists),
    });
    await c.lists.activeEntities(ctx); // this process knows the current versions
    const seen = events.length;
    const r = await other.importFiles(ctx, set17(), { origin: 'file', allowShrink: true });
    assert.equal(r.status, 'imported');
    assert.equal(events.length, seen, 'not told yet: another process imported it');
    assert.equal(await c.lists.refresh(ctx), 1);
    const e = events.at(-1)!;
    assert.equal(e.version.id, r.version.id);
    assert.equal(e.previous?.version, r.version.version - 1);
    assert.equal(e.delta.added.length, r.delta.added);
    assert.equal(await c.lists.refresh(ctx), 0, 'told once');
  });

  test('a failing listener is logged; the import stays', async () => {
    t.container.lists.onActivated(() => {
      throw new Error('listener down');
    });
    const r = await t.container.lists.importFiles(ctx, [{ name: 'un.xml', bytes: readFileSync(sample('un_consolidated/2026-02-27/consolidated.xml')) }], { origin: 'file' });
    assert.equal(r.status, 'imported');
    assert.equal((await t.container.lists.activeEntities(ctx)).versions.some((v) => v.id === r.version.id), true);
  });

  test('an unknown or malformed version id is a 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      await assert.rejects(t.container.lists.version(ctx, id, { offset: 0, limit: 10 }), (e: Error & { status?: number }) => e.status === 404);
    }
  });
});
