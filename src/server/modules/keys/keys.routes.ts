// Key status and rotation over the API (the CLI has the same).
import { KeyStatus, RotateResponse } from '../../../contracts/keys.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

/** Registers /api/v1/keys/*. */
export function registerKeysRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/keys/status',
    { config: { permission: 'keys.read' }, schema: { tags: ['keys'], summary: 'Key versions and how many values use each', response: { 200: KeyStatus } } },
    async () => c.keys.status(),
  );
  t.post(
    '/api/v1/keys/rotate',
    {
      config: { permission: 'keys.rotate', stepUp: true },
      schema: { tags: ['keys'], summary: 'Add a field-key version; re-encryption continues in the background', response: { 202: RotateResponse } },
    },
    async (req, reply) => {
      const version = await c.keys.addVersion(req.actor);
      c.background('keys.reencrypt', () => c.keys.reencryptAll());
      return reply.code(202).send({ version });
    },
  );
}
