// Routes of the withdrawal-limit requests and approvals pages, mounted inside the shell by app.tsx.
import type { RouteObject } from 'react-router-dom';
import { WithdrawalLimitsPage } from './withdrawal-limits-page.js';

export const withdrawalLimitRoutes: RouteObject[] = [{ path: 'withdrawal-limits', element: <WithdrawalLimitsPage /> }];
