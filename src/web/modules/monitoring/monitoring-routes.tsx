// Routes of the monitoring rules pages (rule list, editor, backtest), mounted inside the shell by app.tsx. The
// /monitoring section page itself is the alert queue (modules/cases), which links to /monitoring/rules.
import type { RouteObject } from 'react-router-dom';
import { NewRulePage } from './new-rule-page.js';
import { RulePage } from './rule-page.js';
import { RulesPage } from './rules-page.js';

export const monitoringRoutes: RouteObject[] = [
  { path: 'monitoring/rules', element: <RulesPage /> },
  { path: 'monitoring/rules/new', element: <NewRulePage /> },
  { path: 'monitoring/rules/:id', element: <RulePage /> },
];
