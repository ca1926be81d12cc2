// Routes of the withdrawal-limit requests and approvals pages, mounted inside the shell by app.tsx.
import type { RouteObject } from 'react-router-dom';

export const withdrawalLimitRoutes: RouteObject[] = [];
