// Who is acting, from where, in which request: carried through AsyncLocalStorage so that the audit log
// and the logger see it without threading it through every call.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActorContext {
  actorType: 'staff' | 'system' | 'anonymous';
  actorId: string | null;
  actorName: string | null;
  ip: string | null;
  /** SHA-256 of the session token, never the token. */
  sessionIdHash: string | null;
  requestId: string | null;
}

const storage = new AsyncLocalStorage<ActorContext>();

/** Runs fn with ctx as the current request context. */
export function withContext<T>(ctx: ActorContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current request context, or undefined outside a request. */
export function currentContext(): ActorContext | undefined {
  return storage.getStore();
}

/** Context for background jobs and CLI commands: a named system actor. */
export function systemContext(job: string): ActorContext {
  return { actorType: 'system', actorId: null, actorName: job, ip: null, sessionIdHash: null, requestId: null };
}

/** Context of an unauthenticated request. */
export function anonymousContext(ip: string | null, requestId: string | null): ActorContext {
  return { actorType: 'anonymous', actorId: null, actorName: null, ip, sessionIdHash: null, requestId };
}

/** Mutates the current context once the session is known (the auth hook calls this). */
export function setActor(patch: Partial<ActorContext>): void {
  const ctx = storage.getStore();
  if (ctx) Object.assign(ctx, patch);
}
