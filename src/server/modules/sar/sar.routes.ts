// Suspicious-activity report routes: /api/v1/sars/* (deadline list, one report, edits, review, exports, filing,
// withdrawal, settings) and /api/v1/cases/:id/sars (a case's reports, draft one). Thin: validate, call one service
// function, present. Every route needs sar.read at least (tipping-off): members without it get the access gate's
// 403 for every id alike, so the answer never depends on whether a report exists.
import { z } from 'zod';
import {
  CreateSarRequest,
  FileSarRequest,
  SarList,
  SarListQuery,
  SarSettingsUpdate,
  SarSettingsView,
  SarView,
  UpdateSarRequest,
  VersionedRequest,
  WithdrawSarRequest,
} from '../../../contracts/sar.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { memberOf } from '../traders/index.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });

/** Registers /api/v1/sars/* and /api/v1/cases/:id/sars. */
export function registerSarRoutes(t: TypedApp, c: Container): void {
  const tags = ['sar'];

  t.get(
    '/api/v1/sars',
    { config: { permission: 'sar.read' }, schema: { tags, summary: 'Suspicious-activity reports by deadline (open ones by default), overdue flagged', querystring: SarListQuery, response: { 200: SarList } } },
    async (req) => ({ sars: await c.sar.list(req.actor, req.query) }),
  );

  t.get(
    '/api/v1/sars/settings',
    { config: { permission: 'sar.read' }, schema: { tags, summary: "The reporting entity's FIU registration and goAML code tables", response: { 200: SarSettingsView } } },
    async (req) => c.sar.getSettings(req.actor),
  );

  t.put(
    '/api/v1/sars/settings',
    { config: { permission: 'sar.file', stepUp: true }, schema: { tags, summary: 'Change the reporting entity settings (a new version)', body: SarSettingsUpdate, response: { 200: SarSettingsView } } },
    async (req) => c.sar.updateSettings(req.actor, memberOf(req), req.body.settings, req.body.baseVersion),
  );

  t.get(
    '/api/v1/cases/:id/sars',
    { config: { permission: 'sar.read' }, schema: { tags: ['sar', 'cases'], summary: "A case's suspicious-activity reports", params: IdParams, response: { 200: SarList } } },
    async (req) => ({ sars: await c.sar.ofCase(req.actor, memberOf(req), req.params.id) }),
  );

  t.post(
    '/api/v1/cases/:id/sars',
    { config: { permission: 'sar.manage' }, schema: { tags: ['sar', 'cases'], summary: 'Draft a report from a case (subjects, transactions and activity summary prefilled)', params: IdParams, body: CreateSarRequest, response: { 201: SarView } } },
    async (req, reply) => reply.code(201).send(await c.sar.create(req.actor, memberOf(req), req.params.id, req.body)),
  );

  t.get(
    '/api/v1/sars/:id',
    { config: { permission: 'sar.read' }, schema: { tags, summary: 'One report: subjects, activity, transactions, narrative, history', params: IdParams, response: { 200: SarView } } },
    async (req) => c.sar.get(req.actor, memberOf(req), req.params.id),
  );

  t.patch(
    '/api/v1/sars/:id',
    { config: { permission: 'sar.manage' }, schema: { tags, summary: 'Edit narrative, reason, action, indicators (open reports only; a ready one goes back to draft)', params: IdParams, body: UpdateSarRequest, response: { 200: SarView } } },
    async (req) => c.sar.update(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/sars/:id/ready',
    { config: { permission: 'sar.manage' }, schema: { tags, summary: 'Mark a complete draft ready for review', params: IdParams, body: VersionedRequest, response: { 200: SarView } } },
    async (req) => c.sar.markReady(req.actor, memberOf(req), req.params.id, req.body.version),
  );

  t.post(
    '/api/v1/sars/:id/file',
    {
      config: { permission: 'sar.file', stepUp: true },
      schema: { tags, summary: "Record the filing with the FIU and its acknowledgement number (not by the drafter or the reviewer)", params: IdParams, body: FileSarRequest, response: { 200: SarView } },
    },
    async (req) => c.sar.file(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/sars/:id/withdraw',
    { config: { permission: 'sar.file', stepUp: true }, schema: { tags, summary: 'Withdraw an open report, with a reason', params: IdParams, body: WithdrawSarRequest, response: { 200: SarView } } },
    async (req) => c.sar.withdraw(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.get(
    '/api/v1/sars/:id/goaml',
    { config: { permission: 'sar.read' }, schema: { tags, summary: 'The report as goAML XML (STR), as an attachment', params: IdParams } },
    async (req, reply) => {
      const r = await c.sar.exportGoaml(req.actor, memberOf(req), req.params.id);
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${r.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'no-store')
        .send(r.xml);
    },
  );

  t.get(
    '/api/v1/sars/:id/pdf',
    { config: { permission: 'sar.read' }, schema: { tags, summary: 'The report as PDF (confidential footer, exporter and time), as an attachment', params: IdParams } },
    async (req, reply) => {
      const r = await c.sar.exportPdf(req.actor, memberOf(req), req.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${r.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'no-store')
        .send(Buffer.from(r.pdf));
    },
  );
}
