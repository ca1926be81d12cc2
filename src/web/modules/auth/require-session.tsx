import { Navigate, Outlet, useLocation, useOutletContext } from 'react-router-dom';
import { AuthCard } from '../../components/auth-card.js';
import { LockScreen } from './lock-screen.js';
import { isSessionEnded, useMe, type Me } from './session.js';

/**
 * Guards the signed-in part of the app: no session → sign-in (or "session ended" if it just expired); second
 * factor pending → sign-in step 2; no factor yet → enrolment; locked → the lock screen INSTEAD of the pages
 * (they unmount: nothing of their data stays in the page).
 */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) {
    return (
      <AuthCard title="Bulwark">
        <p className="muted" role="status">
          Loading…
        </p>
      </AuthCard>
    );
  }
  if (me.isError && !me.data) throw me.error;
  if (!me.data) {
    if (isSessionEnded()) return <Navigate to="/session-ended" replace />;
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={from !== '/' ? { from } : undefined} />;
  }
  if (me.data.state === 'mfa_pending') {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={from !== '/' ? { from } : undefined} />;
  }
  if (me.data.state === 'enrolment_required') return <Navigate to="/mfa/enrol" replace />;
  if (me.data.state === 'locked') return <LockScreen me={me.data} />;
  return <Outlet context={me.data satisfies Me} />;
}

/** The signed-in staff member, for components rendered under RequireSession. */
export function useSignedIn(): Me {
  return useOutletContext<Me>();
}
