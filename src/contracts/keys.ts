// Contracts of the key management API, shared by the server's routes and the web UI.
import { z } from 'zod';

export const KeyStatus = z.object({
  provider: z.string(),
  rings: z.array(z.object({ purpose: z.string(), version: z.number(), status: z.string(), createdAt: z.string(), retiredAt: z.string().nullable() })),
  usage: z.array(z.object({ version: z.number(), values: z.number(), subjectKeys: z.number() })),
  subjectKeys: z.object({ live: z.number(), destroyed: z.number() }),
});
export type KeyStatus = z.infer<typeof KeyStatus>;

export const RotateResponse = z.object({ version: z.number() });
