// Helpers for the identity tests: read the e-mail outbox (decrypted, straight from the service, never through
// the API under test), pull one-time tokens out of messages, accept invitations and vary client addresses.
import type { OutboxMessage } from '../../src/server/modules/email/email.service.js';
import { systemContext } from '../../src/server/platform/http/request-context.js';
import type { Clock } from '../../src/server/platform/clock.js';
import { totpAt, type TestApp } from './test-app.js';

/** Messages queued for an address, newest first. */
export async function outboxTo(t: TestApp, to: string): Promise<OutboxMessage[]> {
  const all = await t.container.email.listOutbox(systemContext('test:outbox'), 200);
  return all.filter((m) => m.to === to);
}

/** The token in the first `/invite#token=` or `/reset-password#token=` link of a text. */
export function linkToken(text: string, page: 'invite' | 'reset-password' = 'invite'): string | null {
  const m = new RegExp(`/${page}#token=([A-Za-z0-9_-]{43})`).exec(text);
  return m ? m[1]! : null;
}

let lastOctet = 20;
/**
 * A fresh loopback address (127.0.0.x): each gets its own rate-limit bucket, while staying in the same country
 * (ZZ) and /24 as every other test client, so no sign-in looks like it comes from a new place.
 */
export function nextLoopback(): string {
  lastOctet = lastOctet >= 250 ? 20 : lastOctet + 1;
  return `127.0.0.${lastOctet}`;
}

/** Accepts an invitation through the API (start, then complete); returns the new member's TOTP secret and id. */
export async function acceptInvitation(t: TestApp, clock: Clock, token: string, password: string) {
  const ip = nextLoopback();
  const start = await t.app.inject({ method: 'POST', url: '/api/v1/invitations/start', payload: { token }, remoteAddress: ip });
  if (start.statusCode !== 200) throw new Error(`invitation start: ${start.statusCode} ${start.body}`);
  const secret = start.json().totpSecret as string;
  const done = await t.app.inject({
    method: 'POST',
    url: '/api/v1/invitations/complete',
    payload: { token, password, totpCode: totpAt(secret, clock.now()) },
    remoteAddress: ip,
  });
  if (done.statusCode !== 201) throw new Error(`invitation complete: ${done.statusCode} ${done.body}`);
  return { secret, staffId: done.json().staffId as string, email: done.json().email as string };
}

/** A signed-in browser: its headers (cookie, user agent, CSRF) and the address its session is bound to. */
export interface Client {
  headers: Record<string, string>;
  ip: string;
}

/** Signs a member in from a fresh loopback address (see nextLoopback). */
export async function signInFresh(t: TestApp, m: { email: string; password: string; secret: string }, clock: Clock, ua = 'test-agent'): Promise<Client> {
  const { signInAs } = await import('./staff.js');
  const ip = nextLoopback();
  const s = await signInAs(t, m, clock, ua, ip);
  return { headers: s.headers, ip };
}

/** One request as a signed-in client (same address, same cookie), or anonymously from a fresh address. */
export function call(
  t: TestApp,
  client: Client | null,
  req: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown },
) {
  return t.app.inject({
    method: req.method ?? 'GET',
    url: req.url,
    ...(req.payload !== undefined ? { payload: req.payload as Record<string, unknown> } : {}),
    headers: client?.headers ?? {},
    remoteAddress: client?.ip ?? nextLoopback(),
  });
}
