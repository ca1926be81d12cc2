// Routes of the monitoring rules pages (rule list, editor, backtest), mounted inside the shell by app.tsx.
import type { RouteObject } from 'react-router-dom';

export const monitoringRoutes: RouteObject[] = [];
