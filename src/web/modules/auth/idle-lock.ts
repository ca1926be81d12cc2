// Client side of the 10-minute idle lock. The server ends a session after 10 minutes without a
// request; this hook makes the UI follow the person, not the network:
//  - no keyboard/pointer activity for 10 minutes → sign out on the server and show "session ended",
//    so nothing stays on the screen of an unattended workstation;
//  - activity but no API call for a while (reading, filling a long form) → one GET /auth/me so the
//    server does not lock someone who is working.
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { apiRequest, lastApiContactAt } from '../../api.js';
import { endSession, meQueryKey } from './session.js';

/** Matches the server's IDLE_TIMEOUT_MS. */
export const IDLE_LOCK_MS = 10 * 60 * 1000;
/** Refresh the server's timer when the person is active and the server has not been called for this long. */
const KEEPALIVE_AFTER_MS = 4 * 60 * 1000;
const CHECK_EVERY_MS = 15 * 1000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

export function useIdleLock(): void {
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
      if (now - lastActivity.current >= IDLE_LOCK_MS) {
        window.clearInterval(timer);
        // Sent before endSession() clears the in-memory CSRF token (apiRequest reads it synchronously).
        void apiRequest('POST', '/api/v1/auth/logout').catch(() => undefined);
        endSession(queryClient, 'expired');
        void navigate('/session-ended', { replace: true });
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
  }, [queryClient, navigate]);
}
