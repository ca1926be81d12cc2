// Key status and rotation over the API (the CLI has the same).
import { z } from 'zod';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const Status = z.object({
  provider: z.string(),
  rings: z.array(z.object({ purpose: z.string(), version: z.number(), status: z.string(), createdAt: z.string(), retiredAt: z.string().nullable() })),
  usage: z.array(z.object({ version: z.number(), values: z.number(), subjectKeys: z.number() })),
  subjectKeys: z.object({ live: z.number(), destroyed: z.number() }),
});

/** Registers /api/v1/keys/*. */
export function registerKeysRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/keys/status',
    { config: { permission: 'keys.read' }, schema: { tags: ['keys'], summary: 'Key versions and how many values use each', response: { 200: Status } } },
    async () => c.keys.status(),
  );
  t.post(
    '/api/v1/keys/rotate',
    {
      config: { permission: 'keys.rotate', stepUp: true },
      schema: { tags: ['keys'], summary: 'Add a field-key version; re-encryption continues in the background', response: { 202: z.object({ version: z.number() }) } },
    },
    async (req, reply) => {
      const version = await c.keys.addVersion(req.actor);
      c.background('keys.reencrypt', () => c.keys.reencryptAll());
      return reply.code(202).send({ version });
    },
  );
}
