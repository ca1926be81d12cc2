// The frame of a page in the Staff & roles section: the section's title, its tabs, then the page.
import type { ReactNode } from 'react';
import { StaffTabs } from './staff-tabs.js';

export function SectionFrame({ children, aside }: { children: ReactNode; aside?: ReactNode }) {
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Staff &amp; roles</h1>
        {aside ?? null}
      </div>
      <StaffTabs />
      {children}
    </div>
  );
}
