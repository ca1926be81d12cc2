// RFC 9457 problem+json. Every error leaves as one of these, with a stable `code`; 5xx carry no detail.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ErrorCode } from '../../../contracts/errors.js';
import { AppError, type FieldError } from './errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Sends a problem+json body. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  title: string,
  extra: { detail?: string | undefined; errors?: FieldError[] | undefined } = {},
): FastifyReply {
  const body: Record<string, unknown> = {
    type: `https://bulwark.dev/problems/${code}`,
    title,
    status,
    code,
  };
  if (extra.detail) body.detail = extra.detail;
  if (extra.errors?.length) body.errors = extra.errors;
  body.instance = `urn:request:${reply.request.id}`;
  return reply.code(status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    // Something threw a non-object (a string, null): inspecting it below would throw inside this handler and
    // Fastify's fallback would answer plain JSON quoting the thrown value. Never echo or log the value itself.
    if (typeof thrown !== 'object' || thrown === null) {
      req.log.error({ thrownType: thrown === null ? 'null' : typeof thrown }, 'unhandled non-error thrown');
      return sendProblem(reply, 500, ErrorCode.internal, 'Internal error');
    }
    const err = thrown;
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.opts.headers ?? {})) reply.header(k, v);
      return sendProblem(reply, err.status, err.code, err.publicMessage, {
        detail: err.opts.detail,
        errors: err.opts.fieldErrors,
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({
        path: [err.validationContext, ...(v.instancePath ?? '').split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return sendProblem(reply, 400, ErrorCode.validation, 'The request is not valid', {
        detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        errors,
      });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err: { message: err.message } }, 'response failed its schema');
      return sendProblem(reply, 500, ErrorCode.internal, 'Internal error');
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own 4xx (bad JSON, body too large, wrong content type, rate limit): safe messages only.
      const code =
        status === 413
          ? ErrorCode.payloadTooLarge
          : status === 415
            ? ErrorCode.unsupportedMediaType
            : status === 429
              ? ErrorCode.rateLimited
              : ErrorCode.badRequest;
      const detail =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'The body is not valid JSON'
          : status === 429
            ? 'Slow down and retry later'
            : undefined;
      return sendProblem(reply, status, code, TITLES[status] ?? 'Bad request', { detail });
    }
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 500, ErrorCode.internal, 'Internal error');
  });
}
