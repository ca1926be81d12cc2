// One error type for everything the API answers on purpose. 5xx never carries internals.
import type { ErrorCode } from '../../../contracts/errors.js';

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    /** Safe to show to the caller: never contains secrets, personal data or internals. */
    readonly publicMessage: string,
    readonly opts: {
      fieldErrors?: FieldError[];
      detail?: string;
      /** Recorded in the audit log as a denial (e.g. a record-level 404 that hides a forbidden record). */
      denial?: boolean;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(publicMessage);
  }

  /** True when the audit log should record this as `denied` rather than `error`. */
  get isDenial(): boolean {
    return this.opts.denial === true || this.status === 401 || this.status === 403;
  }
}
