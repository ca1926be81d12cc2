// Two processes on one PostgreSQL database and one checkpoint directory (the server and a CLI command beside
// it) must anchor each event exactly once: the directory is the source of truth under the checkpoint lock.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/config.js';
import { createContainer, type Container } from '../../container.js';
import { freshPostgres } from '../../../../test/helpers/test-app.js';
import { systemContext } from '../http/request-context.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('checkpointers of two processes sharing a checkpoint directory', { skip: onPostgres ? false : 'needs PostgreSQL (PGlite is one process by design)' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-shared-'));
  const opened: Container[] = [];
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const c of opened) await c.close().catch(() => undefined);
    await drop?.();
    rmSync(root, { recursive: true, force: true });
  });

  it('anchors every event once and verifies', async () => {
    const pg = (await freshPostgres())!;
    drop = pg.drop;
    const config = loadConfig({
      DATABASE_URL: pg.url,
      BULWARK_DATA_DIR: join(root, 'data'),
      BULWARK_KEY_FILE: join(root, 'key.json'),
      BULWARK_CHECKPOINT_DIR: join(root, 'cp'),
      CHECKPOINT_EVERY_SECONDS: '3600',
    });
    const a = await createContainer(config);
    opened.push(a);
    const b = await createContainer(config, { createKeyFile: false });
    opened.push(b);
    const write = (c: Container, n: number, who: string) =>
      Promise.all(Array.from({ length: n }, () => c.writer.record(systemContext(who), { action: 'test.write' }, 'ok')));

    await write(a, 10, 'a');
    await a.checkpointer.checkpointNow();
    await write(b, 5, 'b');
    await b.checkpointer.checkpointNow();
    await write(a, 3, 'a');
    await a.checkpointer.checkpointNow();
    await b.checkpointer.checkpointNow();

    const events = Number((await a.db.system.selectFrom('audit_event').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(statSync(join(root, 'cp', 'leaves.bin')).size, events * 32, 'each event anchored exactly once');
    const v = await b.audit.verify();
    assert.equal(v.ok, true, v.problem);
    assert.equal(v.treeSize, events);
  });
});
