import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { lockScreen, useIdleLock } from '../auth/idle-lock.js';
import { useSignedIn } from '../auth/require-session.js';
import { useLogout } from '../auth/session.js';
import { SECTIONS } from './sections.js';

/** The signed-in frame: header with the member and sign-out, navigation on the left, page on the right. */
export function ShellLayout() {
  const me = useSignedIn();
  const logout = useLogout();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useIdleLock(me.idleTimeoutMs);

  const onSignOut = async () => {
    // The tab forgets the session whatever the server answers (see useLogout).
    await logout.mutateAsync().catch(() => undefined);
    await navigate('/login', { replace: true, state: null });
  };

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="shell-header">
        <NavLink to="/" className="shell-brand" end>
          <img src="/favicon.svg" alt="" className="brand-mark" width={22} height={22} />
          <span className="brand-name">Bulwark</span>
        </NavLink>
        <div className="shell-user">
          <span className="user-name" data-testid="signed-in-name">
            {me.displayName}
          </span>
          {me.roles.length > 0 ? <span className="user-roles">{me.roles.join(', ')}</span> : null}
          <NavLink to="/security" className="button button-header">
            Security
          </NavLink>
          <button type="button" className="button button-header" onClick={() => lockScreen(queryClient)}>
            Lock
          </button>
          <button type="button" className="button button-header" onClick={() => void onSignOut()} disabled={logout.isPending}>
            {logout.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <nav className="shell-nav" aria-label="Sections">
        <ul>
          <li>
            <NavLink to="/" end className="nav-link">
              Overview
            </NavLink>
          </li>
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <NavLink to={`/${s.path}`} className="nav-link">
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="shell-main" id="main" tabIndex={-1}>
        <Outlet context={me} />
      </main>
    </div>
  );
}
