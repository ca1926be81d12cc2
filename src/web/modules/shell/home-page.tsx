import { Link } from 'react-router-dom';
import { usePageTitle } from '../../components/page-title.js';
import { useSignedIn } from '../auth/require-session.js';
import { SECTIONS } from './sections.js';

export function HomePage() {
  usePageTitle('Overview');
  const me = useSignedIn();
  return (
    <>
      <div className="page-header">
        <h1 className="page-title">Overview</h1>
      </div>
      <section className="panel" aria-labelledby="who">
        <h2 id="who" className="panel-title">
          Signed in
        </h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="home-name">{me.displayName}</dd>
          <dt>Roles</dt>
          <dd>{me.roles.length > 0 ? me.roles.join(', ') : 'No roles assigned'}</dd>
          <dt>Staff ID</dt>
          <dd>
            <code>{me.staffId}</code>
          </dd>
        </dl>
        <p className="muted small">
          Everything you open or change here is recorded in the audit log under your name.
        </p>
      </section>
      <section className="panel" aria-labelledby="sections">
        <h2 id="sections" className="panel-title">
          Sections
        </h2>
        <ul className="section-list">
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <Link to={`/${s.path}`}>{s.label}</Link>
              <span className="muted">{s.description}</span>
              {!s.ready ? <span className="badge">Not available yet</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
