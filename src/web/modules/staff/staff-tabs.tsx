// The tabs of the Staff & roles section. Other parts of the section (roles, approvals) add their tab here.
import { NavLink } from 'react-router-dom';

export const STAFF_TABS: readonly { to: string; label: string }[] = [
  { to: '/staff', label: 'Members' },
  { to: '/staff/invitations', label: 'Invitations' },
  { to: '/staff/alerts', label: 'Security alerts' },
  { to: '/staff/outbox', label: 'Outbox' },
  { to: '/staff/roles', label: 'Roles' },
  { to: '/staff/roles/preview', label: 'Role preview' },
  { to: '/staff/approvals', label: 'Approvals' },
];

export function StaffTabs() {
  return (
    <nav className="tabs" aria-label="Staff & roles">
      <ul>
        {STAFF_TABS.map((t) => (
          <li key={t.to}>
            <NavLink to={t.to} end className="tab">
              {t.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
