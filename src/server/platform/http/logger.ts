// Logger options: pino with redaction. Requests are logged by method and PATH only (a query string may carry
// an email or a token), headers never, bodies never; any stray secret-looking key is censored as well.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'totpCode',
  '*.totpCode',
  'code',
  '*.code',
  'token',
  '*.token',
  'email',
  '*.email',
  'cookie',
  '*.cookie',
  'headers.cookie',
  '*.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-csrf-token"]',
  '*.headers["x-csrf-token"]',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
  'body',
  '*.body',
];

/** Pino options used by the server (destination is chosen by the caller). */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: FastifyRequest) {
        const path = (req.url ?? '').split('?')[0];
        return { id: req.id, method: req.method, path };
      },
      res(res: FastifyReply) {
        return { statusCode: res.statusCode };
      },
      // Database errors carry offending values in `detail`/`where`; only the type, message, code and stack
      // are kept.
      err(err: Error & { code?: unknown; severity?: unknown }) {
        // PostgreSQL messages can quote the offending input ("invalid input syntax for type uuid: …"):
        // for database errors only the SQLSTATE is kept.
        const fromPostgres = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) && err.severity !== undefined;
        return {
          type: err.name,
          message: fromPostgres ? `database error ${String(err.code)}` : err.message,
          code: err.code,
          stack: fromPostgres ? undefined : err.stack,
        };
      },
    },
  };
}
