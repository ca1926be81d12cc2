// Stable error codes of the API (RFC 9457 problem+json `code`). Clients switch on these, never on text.
export const ErrorCode = {
  validation: 'validation_failed',
  badRequest: 'bad_request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  csrf: 'csrf_failed',
  httpsRequired: 'https_required',
  bootstrapTokenInvalid: 'bootstrap_token_invalid',
  bootstrapDone: 'bootstrap_already_done',
  totpInvalid: 'totp_invalid',
  passwordRejected: 'password_rejected',
  loginFailed: 'login_failed',
  notReady: 'not_ready',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
