import { Navigate, Outlet, useLocation, useOutletContext } from 'react-router-dom';
import { AuthCard } from '../../components/auth-card.js';
import { isSessionEnded, useMe, type Me } from './session.js';

/** Guards the signed-in part of the app: no session → sign-in (or "session ended" if it just expired). */
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
  return <Outlet context={me.data satisfies Me} />;
}

/** The signed-in staff member, for components rendered under RequireSession. */
export function useSignedIn(): Me {
  return useOutletContext<Me>();
}
