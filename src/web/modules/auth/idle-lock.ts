// Client side of the idle lock. The server ends a session after its idle timeout (10 minutes by default; the
// strictest of the member's roles, at most 15) without a request. This hook makes the UI follow the person,
// not the network:
//  - no keyboard/pointer activity for the idle timeout minus 2 minutes → LOCK: the page's data is removed
//    (the signed-in pages unmount and the query cache is emptied, not just covered) and the session is locked
//    on the server too, so a reload or another tab shows the lock screen as well. Only password + second
//    factor unlock it (lock-screen.tsx);
//  - no activity for the whole idle timeout → sign out on the server and show "session ended";
//  - activity but no API call for a minute → one GET /auth/me so the server does not lock someone who is working.
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { apiRequest, lastApiContactAt } from '../../api.js';
import { lockSession } from '../mfa/mfa.api.js';
import { dropCachedData, endSession, meQueryKey, type Me } from './session.js';

/** The server's default idle timeout. */
export const IDLE_LOCK_MS = 10 * 60 * 1000;
/** Refresh the server's timer when the person is active and the server has not been called for this long. */
const KEEPALIVE_AFTER_MS = 60 * 1000;
const CHECK_EVERY_MS = 15 * 1000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

/**
 * When the screen locks: two minutes before the server's idle timeout (at least one minute in), so that the
 * session is still alive on the server to be unlocked (the keep-alive keeps the server's timer within a minute
 * of the person's last activity).
 */
export function lockAfterMs(idleTimeoutMs: number): number {
  return Math.max(60_000, idleTimeoutMs - 2 * 60_000);
}

/** Locks now: data out of the page at once, then the session locked on the server. */
export function lockScreen(queryClient: QueryClient): void {
  const me = queryClient.getQueryData<Me | null>(meQueryKey);
  if (!me || me.state !== 'active') return;
  // The lock request reads the CSRF token synchronously, before anything else happens.
  void lockSession().catch(() => undefined);
  const locked: Me = { ...me, state: 'locked' };
  queryClient.setQueryData<Me | null>(meQueryKey, locked);
  dropCachedData(queryClient);
}

/** Signs out because the idle timeout passed (the server would end the session now anyway). */
export function endIdleSession(queryClient: QueryClient, navigate: (to: string, opts: { replace: boolean }) => unknown): void {
  // Sent before endSession() clears the in-memory CSRF token (apiRequest reads it synchronously).
  void apiRequest('POST', '/api/v1/auth/logout', { noChallenge: true }).catch(() => undefined);
  endSession(queryClient, 'expired');
  void navigate('/session-ended', { replace: true });
}

export function useIdleLock(idleTimeoutMs: number = IDLE_LOCK_MS): void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const lastActivity = useRef(Date.now());

  useEffect(() => {
    lastActivity.current = Date.now();
    const onActivity = () => {
      lastActivity.current = Date.now();
    };
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { passive: true, capture: true });

    const timer = window.setInterval(() => {
      const now = Date.now();
      const idle = now - lastActivity.current;
      if (idle >= idleTimeoutMs) {
        window.clearInterval(timer);
        endIdleSession(queryClient, navigate);
        return;
      }
      if (idle >= lockAfterMs(idleTimeoutMs)) {
        window.clearInterval(timer);
        lockScreen(queryClient);
        return;
      }
      if (lastActivity.current > lastApiContactAt() && now - lastApiContactAt() >= KEEPALIVE_AFTER_MS) {
        void queryClient.refetchQueries({ queryKey: meQueryKey, exact: true });
      }
    }, CHECK_EVERY_MS);

    return () => {
      window.clearInterval(timer);
      for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity, { capture: true });
    };
  }, [queryClient, navigate, idleTimeoutMs]);
}
