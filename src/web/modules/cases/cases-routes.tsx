// Routes of the alert queue and the cases pages, mounted inside the shell by app.tsx; the section pages of
// "Monitoring" (the alert queue) and "Cases" (the case list).
import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router-dom';
import { AlertPage } from './alert-page.js';
import { AlertQueuePage } from './alert-queue-page.js';
import { CaseListPage } from './case-list-page.js';
import { CasePage } from './case-page.js';

export const casesRoutes: RouteObject[] = [
  { path: 'monitoring/alerts/:id', element: <AlertPage /> },
  { path: 'cases/:id', element: <CasePage /> },
];

export const casesSectionPages: Partial<Record<string, ReactNode>> = {
  monitoring: <AlertQueuePage />,
  cases: <CaseListPage />,
};
