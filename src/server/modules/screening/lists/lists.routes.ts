// /api/v1/screening/lists: list versions (status per source), one version with a page of its diff, import by
// upload and sync now. Reading needs screening.read; importing and syncing change what every screening is
// checked against, so they need screening.lists.manage and a fresh second factor (step-up), and are audited.
import { z } from 'zod';
import { ListImportRequest, ListImportResult, ListsOverview, ListSyncRequest, ListSyncResult, ListVersionDetail, ListVersionQuery } from '../../../../contracts/screening-lists.js';
import type { Container } from '../../../container.js';
import type { TypedApp } from '../../../platform/http/typed-app.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });

/** Registers /api/v1/screening/lists/*. */
export function registerListsRoutes(t: TypedApp, c: Container): void {
  const tags = ['screening'];
  // base64 makes the body about 4/3 of the decoded upload; the service checks the decoded size exactly.
  const uploadBodyLimit = Math.ceil((c.config.lists.maxUploadBytes * 4) / 3) + 64 * 1024;

  t.get(
    '/api/v1/screening/lists',
    { config: { permission: 'screening.read' }, schema: { tags, summary: 'List sources: active version, age, stale state, last failure; and every stored version', response: { 200: ListsOverview } } },
    async (req) => c.lists.overview(req.actor),
  );

  t.get(
    '/api/v1/screening/lists/versions/:id',
    {
      config: { permission: 'screening.read' },
      schema: { tags, summary: 'One list version with a page of its diff against the previous version', params: IdParams, querystring: ListVersionQuery, response: { 200: ListVersionDetail } },
    },
    async (req) => c.lists.version(req.actor, req.params.id, req.query),
  );

  t.post(
    '/api/v1/screening/lists/imports',
    {
      config: { permission: 'screening.lists.manage', stepUp: true },
      bodyLimit: uploadBodyLimit,
      schema: {
        tags,
        summary: 'Import a list file (or an OFAC CSV set) by upload; the format is detected. Unchanged bytes make no new version',
        body: ListImportRequest,
        response: { 200: ListImportResult, 201: ListImportResult },
      },
    },
    async (req, reply) => {
      const r = await c.lists.importUpload(req.actor, req.body);
      return reply.code(r.status === 'imported' ? 201 : 200).send(r);
    },
  );

  t.post(
    '/api/v1/screening/lists/sync',
    { config: { permission: 'screening.lists.manage', stepUp: true }, schema: { tags, summary: "Download the configured publishers' lists now and import what changed", body: ListSyncRequest, response: { 200: ListSyncResult } } },
    async (req) => c.lists.sync(req.actor, { ...(req.body.sources ? { sources: req.body.sources } : {}), allowShrink: req.body.allowShrink }),
  );
}
