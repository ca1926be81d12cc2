import { Link } from 'react-router-dom';
import { usePageTitle } from '../../components/page-title.js';

/** The settings pages there are so far. */
const SETTINGS = [
  { to: '/settings/keys', label: 'Encryption keys', description: 'Master key provider, key versions and field-key rotation.' },
  { to: '/settings/exchange', label: 'Exchange connection', description: 'The read-only trading-engine connection (URL, key id; the secret is write-only).' },
  { to: '/sessions', label: 'My sessions', description: 'Where you are signed in; end any session you do not recognise.' },
] as const;

export function SettingsPage() {
  usePageTitle('Settings');
  return (
    <>
      <div className="page-header">
        <h1 className="page-title">Settings</h1>
      </div>
      <section className="panel" aria-labelledby="settings-list">
        <h2 id="settings-list" className="panel-title">
          System settings
        </h2>
        <ul className="section-list">
          {SETTINGS.map((s) => (
            <li key={s.to}>
              <Link to={s.to}>{s.label}</Link>
              <span className="muted">{s.description}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
