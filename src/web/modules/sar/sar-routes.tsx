// Routes of the suspicious-activity report editor, mounted inside the shell by app.tsx.
import type { RouteObject } from 'react-router-dom';

export const sarRoutes: RouteObject[] = [];
