// Routes of the alert queue and the cases pages, mounted inside the shell by app.tsx; the section pages of
// "Monitoring" (the alert queue) and "Cases" once sections.ts marks them ready.
import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router-dom';

export const casesRoutes: RouteObject[] = [];
export const casesSectionPages: Partial<Record<string, ReactNode>> = {};
