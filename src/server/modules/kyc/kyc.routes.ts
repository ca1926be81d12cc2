// KYC/KYB routes: /api/v1/kyc/* (queue, cases, documents, decisions, EDD, settings, the provider webhook) and the
// profile section /api/v1/traders/:id/kyc. Thin: validate, call one service function, present.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCode } from '../../../contracts/errors.js';
import {
  AssignRequest,
  CaseList,
  CaseListQuery,
  CaseView,
  CreateCaseRequest,
  DecisionRequest,
  DecisionResult,
  DOCUMENT_TYPES,
  EddRequest,
  KycProfile,
  ProviderWebhook,
  SettingsUpdate,
  SettingsView,
  TraderCases,
  UploadResult,
  WebhookAccepted,
  type DocumentTypeCode,
} from '../../../contracts/kyc.js';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { TypedApp } from '../../platform/http/typed-app.js';
import { contentDisposition, signedWebhookHooks } from '../support/index.js';
import { memberOf } from '../traders/index.js';
import { MAX_DOCUMENT_BYTES, MAX_FILES_PER_UPLOAD } from './kyc.documents.js';
import type { UploadedFile } from './kyc.service.js';

// Any string: a malformed id is answered like a missing one (404), never 400 or 500.
const IdParams = z.object({ id: z.string().max(64) });
const DocParams = z.object({ id: z.string().max(64), docId: z.string().max(64) });
const WEBHOOK_BODY_LIMIT = 64 * 1024;

/** Reads a multipart upload into memory with hard limits (never to a temp file): one `type`, optional `personId`, files. */
async function readUpload(req: FastifyRequest): Promise<{ type: DocumentTypeCode; personId: string | null; files: UploadedFile[] }> {
  if (!req.isMultipart()) throw new AppError(ErrorCode.unsupportedMediaType, 415, 'Send the documents as multipart/form-data');
  const files: UploadedFile[] = [];
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        // toBuffer() enforces limits.fileSize while reading: an oversized file is refused without being held whole.
        files.push({ filename: part.filename ?? '', mimetype: part.mimetype, content: await part.toBuffer() });
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(ErrorCode.payloadTooLarge, 413, `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new AppError(ErrorCode.payloadTooLarge, 413, `At most ${MAX_FILES_PER_UPLOAD} files per upload`);
    }
    throw new AppError(ErrorCode.badRequest, 400, 'The multipart body is malformed');
  }
  const type = DOCUMENT_TYPES.find((t) => t === fields.type);
  if (!type) throw new AppError(ErrorCode.validation, 400, 'Name the document type', { fieldErrors: [{ path: 'body.type', message: `one of ${DOCUMENT_TYPES.join(', ')}` }] });
  if (!files.length) throw new AppError(ErrorCode.validation, 400, 'Attach at least one file', { fieldErrors: [{ path: 'body.file', message: 'required' }] });
  return { type, personId: fields.personId?.trim() || null, files };
}

/** Registers /api/v1/kyc/* and /api/v1/traders/:id/kyc. */
export function registerKycRoutes(t: TypedApp, c: Container): void {
  const tags = ['kyc'];

  t.get(
    '/api/v1/kyc/cases',
    { config: { permission: 'kyc.read' }, schema: { tags, summary: 'The review queue: cases by due time, with state, risk, assignee and SLA', querystring: CaseListQuery, response: { 200: CaseList } } },
    async (req) => ({ cases: await c.kyc.list(req.actor, memberOf(req), req.query) }),
  );

  t.post(
    '/api/v1/kyc/cases',
    { config: { permission: 'kyc.submit' }, schema: { tags, summary: 'Open a case for a trader (a blocked jurisdiction is refused, with the reason recorded)', body: CreateCaseRequest, response: { 201: CaseView } } },
    async (req, reply) => reply.code(201).send(await c.kyc.create(req.actor, memberOf(req), req.body)),
  );

  t.get(
    '/api/v1/kyc/cases/:id',
    { config: { permission: 'kyc.read' }, schema: { tags, summary: 'One case: documents (not their content), questionnaire, risk rating, EDD, provider result, history', params: IdParams, response: { 200: CaseView } } },
    async (req) => c.kyc.get(req.actor, memberOf(req), req.params.id),
  );

  t.put(
    '/api/v1/kyc/cases/:id/profile',
    { config: { permission: 'kyc.submit' }, schema: { tags, summary: 'Save the questionnaire (activity, expected volume, products)', params: IdParams, body: KycProfile, response: { 200: CaseView } } },
    async (req) => c.kyc.saveProfile(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/kyc/cases/:id/submit',
    { config: { permission: 'kyc.submit' }, schema: { tags, summary: 'Submit for review: completeness, jurisdiction, screening and risk rating, SLA', params: IdParams, response: { 200: CaseView } } },
    async (req) => c.kyc.submit(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/kyc/cases/:id/take',
    { config: { permission: 'kyc.review' }, schema: { tags, summary: 'Take a submitted case (in review, assigned to you)', params: IdParams, response: { 200: CaseView } } },
    async (req) => c.kyc.take(req.actor, memberOf(req), req.params.id),
  );

  t.post(
    '/api/v1/kyc/cases/:id/assign',
    { config: { permission: 'kyc.review' }, schema: { tags, summary: 'Assign an open case to a member (or unassign)', params: IdParams, body: AssignRequest, response: { 200: CaseView } } },
    async (req) => c.kyc.assign(req.actor, memberOf(req), req.params.id, req.body.assigneeId),
  );

  t.post(
    '/api/v1/kyc/cases/:id/edd',
    { config: { permission: 'kyc.review' }, schema: { tags, summary: 'Tick an enhanced-due-diligence item (its evidence must be on the case)', params: IdParams, body: EddRequest, response: { 200: CaseView } } },
    async (req) => c.kyc.updateEdd(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.post(
    '/api/v1/kyc/cases/:id/decision',
    {
      config: { permission: 'kyc.review', stepUp: true },
      schema: { tags, summary: 'Approve, reject or ask for more information, with a reason (high risk: senior sign-off by four eyes)', params: IdParams, body: DecisionRequest, response: { 200: DecisionResult } },
    },
    async (req) => c.kyc.decide(req.actor, memberOf(req), req.params.id, req.body),
  );

  t.get(
    '/api/v1/kyc/cases/:id/documents/:docId/view',
    { config: { permission: 'kyc.document.read' }, schema: { tags, summary: 'A document rendered into a PDF watermarked with your name and the time (inline, no-store)', params: DocParams } },
    async (req, reply) => {
      const pdf = await c.kyc.viewDocument(req.actor, memberOf(req), req.params.id, req.params.docId);
      // Framed by our own review page only; the rendered PDF carries no script, forms or links (kyc.documents.ts).
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="document-${req.params.docId.replace(/[^0-9a-f-]/gi, '')}.pdf"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "frame-ancestors 'self'")
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .send(Buffer.from(pdf));
    },
  );

  t.get(
    '/api/v1/kyc/cases/:id/documents/:docId/download',
    { config: { permission: 'kyc.document.download', stepUp: true }, schema: { tags, summary: 'The original file (separate permission, none of the built-in roles has it)', params: DocParams } },
    async (req, reply) => {
      const f = await c.kyc.downloadDocument(req.actor, memberOf(req), req.params.id, req.params.docId);
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
    '/api/v1/kyc/settings',
    { config: { permission: 'kyc.read' }, schema: { tags, summary: 'Jurisdiction lists, high-risk activities and refresh periods in force', response: { 200: SettingsView } } },
    async (req) => c.kyc.getSettings(req.actor),
  );

  t.put(
    '/api/v1/kyc/settings',
    { config: { permission: 'kyc.settings.manage', stepUp: true }, schema: { tags, summary: 'Change the jurisdiction and risk settings (a new version, with a reason)', body: SettingsUpdate, response: { 200: SettingsView } } },
    async (req) => c.kyc.updateSettings(req.actor, memberOf(req), req.body.settings, req.body.reason),
  );

  t.get(
    '/api/v1/traders/:id/kyc',
    { config: { permission: 'kyc.read' }, schema: { tags: ['traders', 'kyc'], summary: "A trader's KYC cases (profile section)", params: IdParams, response: { 200: TraderCases } } },
    async (req) => ({ cases: await c.kyc.ofTrader(req.actor, memberOf(req), req.params.id) }),
  );

  // Uploads: multipart is parsed only in this scope, in memory, with hard limits.
  t.register(async (scope: FastifyInstance) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_DOCUMENT_BYTES, files: MAX_FILES_PER_UPLOAD, fields: 4, fieldSize: 200, parts: MAX_FILES_PER_UPLOAD + 4, headerPairs: 50 },
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/kyc/cases/:id/documents',
      {
        config: { permission: 'kyc.submit' },
        schema: {
          tags,
          summary: `Upload documents (multipart: type, optional personId, up to ${MAX_FILES_PER_UPLOAD} JPEG/PNG/PDF files)`,
          params: IdParams,
          response: { 201: UploadResult },
        },
      },
      async (req, reply) => {
        const upload = await readUpload(req);
        return reply.code(201).send({ documents: await c.kyc.upload(req.actor, memberOf(req), req.params.id, upload) });
      },
    );
  });

  // The provider's signed webhook: the raw body is kept and the signature checked before validation.
  t.post(
    '/api/v1/kyc/webhooks/provider',
    {
      config: { public: true, rateLimit: { max: 300, timeWindow: '1 minute' } },
      ...signedWebhookHooks({
        bodyLimit: WEBHOOK_BODY_LIMIT,
        secret: () => c.kyc.webhookSecret,
        notConfigured: 'The verification provider webhook is not configured (KYC_PROVIDER_WEBHOOK_SECRET)',
        now: () => c.clock.now(),
        onRejected: (req, reason) => c.kyc.rejectWebhook(req.actor, reason),
      }),
      schema: { tags, summary: "The identity-verification provider's result (HMAC-signed, replay-protected; see docs/kyc.md)", body: ProviderWebhook, response: { 202: WebhookAccepted } },
    },
    async (req, reply) => {
      await c.kyc.providerResult(req.actor, req.inboundSignature!, req.body);
      return reply.code(202).send({ accepted: true as const });
    },
  );
}
