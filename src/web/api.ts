// A small fetch wrapper for the Bulwark API. Every error the server sends is RFC 9457
// problem+json; it is parsed into an ApiError so screens can show `title`/`detail` and put
// per-field `errors` next to their fields. Responses are validated with the shared Zod contracts.
import type { z } from 'zod';
import { Problem } from '../contracts/bootstrap.js';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }

  /** Per-field messages keyed by the last segment of each error path ("body.password" → "password"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = lastPathSegment(e.path);
      if (key && out[key] === undefined) out[key] = e.message;
    }
    return out;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

function lastPathSegment(path: string): string {
  const parts = path.split(/[./[\]]+/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

// The CSRF token arrives with the login response and GET /auth/me; it lives in memory only
// (never in storage) and is sent on every state-changing request.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// When the server last answered: any answer from a signed-in request refreshes the server's idle timer.
let lastContactAt = 0;

/** Epoch ms of the last API response received by this tab (0 if none). */
export function lastApiContactAt(): number {
  return lastContactAt;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  schema?: S;
  signal?: AbortSignal;
  /**
   * Do not offer a step-up or re-authentication when the server asks for one (the step-up and sign-in calls
   * themselves, and the one retry after a successful step-up).
   */
  noChallenge?: boolean;
}

type Result<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * What the server may ask before it carries out a request: `step_up` (401 step_up_required: a second factor
 * used within the last 5 minutes) or `reauth` (401 reauth_required: password + second factor, before a change
 * of sign-in methods).
 */
export type AuthChallenge = 'step_up' | 'reauth';

/** Asks the person to confirm (a dialog); resolves true once the server accepted it (the session was rotated). */
export type AuthChallengeHandler = (kind: AuthChallenge) => Promise<boolean>;

let challengeHandler: AuthChallengeHandler | null = null;

/**
 * Installs the handler that answers step-up and re-authentication requests (the step-up dialog in
 * modules/mfa/step-up.tsx). Any API call refused with one of them is retried ONCE after a successful answer,
 * so pages need no code of their own for it.
 */
export function setAuthChallengeHandler(handler: AuthChallengeHandler | null): void {
  challengeHandler = handler;
}

function challengeOf(err: unknown): AuthChallenge | null {
  if (!(err instanceof ApiError) || err.status !== 401) return null;
  return err.code === 'step_up_required' ? 'step_up' : err.code === 'reauth_required' ? 'reauth' : null;
}

/** Runs a request; on step_up_required / reauth_required asks the handler, then retries once. */
async function withChallenge<T>(noChallenge: boolean | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const kind = challengeOf(err);
    if (!kind || noChallenge || !challengeHandler) throw err;
    if (!(await challengeHandler(kind))) throw err;
    return run();
  }
}

/** Performs one API call; resolves with the validated body or rejects with an ApiError. */
export async function apiRequest<S extends z.ZodType | undefined = undefined>(
  method: Method,
  path: string,
  options: RequestOptions<S> = {},
): Promise<Result<S>> {
  const res = await withChallenge(options.noChallenge, () =>
    send(method, path, 'application/json, application/problem+json', options.body, options.signal),
  );
  if (res.status === 204 || options.schema === undefined) return undefined as Result<S>;

  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw invalidResponse(res.status);
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) throw invalidResponse(res.status);
  return parsed.data as Result<S>;
}

/** A file the server sent as an attachment: its bytes, untouched, and the name it suggested. */
export interface ApiDownload {
  blob: Blob;
  filename: string | null;
}

/**
 * GETs an attachment (e.g. a signed export) as raw bytes; rejects with an ApiError like apiRequest.
 * The body is never parsed: a signed file must be saved byte for byte.
 */
export async function apiDownload(path: string, signal?: AbortSignal): Promise<ApiDownload> {
  const res = await withChallenge(false, () =>
    send('GET', path, 'application/json, application/octet-stream, application/problem+json', undefined, signal),
  );
  return { blob: await res.blob(), filename: attachmentFilename(res.headers.get('content-disposition')) };
}

/** The session cookie goes along (same origin), the CSRF token on state-changing methods; errors become ApiErrors. */
async function send(method: Method, path: string, accept: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept };
  // FormData (file uploads) sets its own multipart content type and boundary.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      body: body === undefined ? null : form ? (body as FormData) : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      type: 'about:blank',
      title: 'The server could not be reached',
      status: 0,
      code: 'network_error',
      detail: 'Check your connection and try again.',
    });
  }

  lastContactAt = Date.now();
  if (!res.ok) throw new ApiError(await readProblem(res));
  return res;
}

/** The plain `filename="…"` of a Content-Disposition header, reduced to safe characters; null if absent. */
function attachmentFilename(header: string | null): string | null {
  const m = header ? /filename="([^"]+)"/i.exec(header) : null;
  const name = m?.[1]?.replace(/[^\w.-]+/g, '_');
  return name ? name : null;
}

async function readProblem(res: Response): Promise<Problem> {
  try {
    const parsed = Problem.safeParse(await res.json());
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through to a generic problem
  }
  return {
    type: 'about:blank',
    title: res.status >= 500 ? 'The server could not complete the request' : 'The request was refused',
    status: res.status,
    code: 'http_error',
  };
}

function invalidResponse(status: number): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Unexpected response from the server',
    status,
    code: 'invalid_response',
  });
}
