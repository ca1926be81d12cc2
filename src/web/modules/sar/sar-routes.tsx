// Routes of the suspicious-activity reports, mounted inside the shell by app.tsx: the deadline list, the reporting
// entity settings and the editor. Each page checks sar.read itself before it asks the server anything.
import type { RouteObject } from 'react-router-dom';
import { SarListPage } from './sar-list-page.js';
import { SarPage } from './sar-page.js';
import { SarSettingsPage } from './sar-settings-page.js';

export const sarRoutes: RouteObject[] = [
  { path: 'sars', element: <SarListPage /> },
  { path: 'sars/settings', element: <SarSettingsPage /> },
  { path: 'sars/:id', element: <SarPage /> },
];
