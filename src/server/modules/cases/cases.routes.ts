// Case routes: /api/v1/cases/* (list, open, view, update, assign, status, notes, links, attachments) and
// /api/v1/traders/:id/cases; also registers the alert routes. Thin: validate, call one service function, present.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Assignees,
  AssignCaseRequest,
  AttachmentResult,
  CaseListQuery,
  CasePage,
  CaseView,
  LinkRequest,
  NoteRequest,
  NoteResult,
  OpenCaseRequest,
  TraderCases,
  TransitionRequest,
  UpdateCaseRequest,
} from '../../../contracts/cases.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { contentDisposition } from '../support/index.js';
import { memberOf } from '../traders/index.js';
import { registerAlertRoutes } from './alerts.routes.js';
import { MAX_ATTACHMENT_BYTES } from './cases.attachments.js';
import type { UploadedFile } from './cases.service.js';

const IdParams = z.object({ id: z.string().max(64) });
const AttParams = z.object({ id: z.string().max(64), attId: z.string().max(64) });

/** Reads a one-file multipart upload into memory with hard limits (never to a temporary file). */
async function readUpload(req: FastifyRequest): Promise<UploadedFile> {
  if (!req.isMultipart()) throw new AppError(ErrorCode.unsupportedMediaType, 415, 'Send the file as multipart/form-data');
  const files: UploadedFile[] = [];
  try {
    for await (const part of req.parts()) {
      // toBuffer() enforces limits.fileSize while reading: an oversized file is refused without being held whole.
      if (part.type === 'file') files.push({ filename: part.filename ?? '', mimetype: part.mimetype, content: await part.toBuffer() });
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(ErrorCode.payloadTooLarge, 413, `An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new AppError(ErrorCode.payloadTooLarge, 413, 'One file per upload');
    throw new AppError(ErrorCode.badRequest, 400, 'The multipart body is malformed');
  }
  if (files.length !== 1) throw new AppError(ErrorCode.validation, 400, 'Attach one file', { fieldErrors: [{ path: 'body.file', message: 'exactly one file' }] });
  return files[0]!;
}

/** Registers /api/v1/cases/*, /api/v1/traders/:id/cases and the alert routes. */
export function registerCasesRoutes(t: TypedApp, c: Container): void {
  registerAlertRoutes(t, c);
  const tags = ['cases'];

  t.get(
    '/api/v1/cases',
    { config: { permission: 'case.read' }, schema: { tags, summary: 'Cases (active by default): filters for status, queue, priority, assignee, overdue, trader; cursor pages', querystring: CaseListQuery, response: { 200: CasePage } } },
    async (req) => c.cases.list(req.actor, memberOf(req), req.query),
  );

  t.post(
    '/api/v1/cases',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Open a case for a trader by hand', body: OpenCaseRequest, response: { 201: CaseView } } },
    async (req, reply) => reply.code(201).send(await c.cases.open(req.actor, memberOf(req), req.body)),
  );

  t.get(
    '/api/v1/cases/assignees',
    { config: { permission: 'case.read' }, schema: { tags, summary: 'Members a case may be assigned to (they hold case.manage)', response: { 200: Assignees } } },
    async (req) => ({ members: await c.cases.assignees(req.actor) }),
  );

  t.get(
    '/api/v1/cases/:id',
    { config: { permission: 'case.read' }, schema: { tags, summary: 'One case: summary, decision, links, notes, attachments, timeline', params: IdParams, response: { 200: CaseView } } },
    async (req) => c.cases.get(req.actor, memberOf(req), req.params.id),
  );

  t.patch(
    '/api/v1/cases/:id',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Change the priority (the SLA follows) or the queue', params: IdParams, body: UpdateCaseRequest, response: { 200: CaseView } } },
    async (req) => c.cases.update(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/cases/:id/assign',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Assign the case to a member who may manage cases (or unassign it)', params: IdParams, body: AssignCaseRequest, response: { 200: CaseView } } },
    async (req) => c.cases.assign(req.actor, memberOf(req), req.params.id, req.body.assigneeId),
  );

  t.post(
    '/api/v1/cases/:id/transition',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Move the case along its workflow; closing is the decision and needs a reason', params: IdParams, body: TransitionRequest, response: { 200: CaseView } } },
    async (req) => c.cases.transition(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/cases/:id/notes',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Add a note (encrypted at rest)', params: IdParams, body: NoteRequest, response: { 201: NoteResult } } },
    async (req, reply) => reply.code(201).send({ note: await c.cases.addNote(req.actor, memberOf(req), req.params.id, req.body.body) }),
  );

  t.post(
    '/api/v1/cases/:id/links',
    { config: { permission: 'case.manage' }, schema: { tags, summary: 'Link a trader, an alert, an event or a screening hit (its trader is linked too)', params: IdParams, body: LinkRequest, response: { 200: CaseView } } },
    async (req) => c.cases.addLink(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.get(
    '/api/v1/cases/:id/attachments/:attId',
    { config: { permission: 'case.read' }, schema: { tags, summary: 'An attachment (download, no-store, sandboxed)', params: AttParams } },
    async (req, reply) => {
      const f = await c.cases.download(req.actor, memberOf(req), req.params.id, req.params.attId);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', contentDisposition(f.filename, false))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'no-store')
        .send(f.content);
    },
  );

  t.get(
    '/api/v1/traders/:id/cases',
    { config: { permission: 'case.read' }, schema: { tags: ['traders', 'cases'], summary: "A trader's cases, as subject or linked (profile section)", params: IdParams, response: { 200: TraderCases } } },
    async (req) => ({ cases: await c.cases.ofTrader(req.actor, memberOf(req), req.params.id) }),
  );

  // Uploads: multipart is parsed only in this scope, in memory, with hard limits.
  t.register(async (scope: FastifyInstance) => {
    await scope.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 2, fieldSize: 200, parts: 3, headerPairs: 50 } });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/cases/:id/attachments',
      { config: { permission: 'case.manage' }, schema: { tags, summary: 'Upload one attachment (multipart; PDF, PNG, JPEG or plain text/CSV, typed by content)', params: IdParams, response: { 201: AttachmentResult } } },
      async (req, reply) => {
        const file = await readUpload(req);
        return reply.code(201).send({ attachment: await c.cases.upload(req.actor, memberOf(req), req.params.id, file) });
      },
    );
  });
}
