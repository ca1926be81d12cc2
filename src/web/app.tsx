import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { LoginPage } from './modules/auth/login-page.js';
import { RequireSession } from './modules/auth/require-session.js';
import { SessionEndedPage } from './modules/auth/session-ended-page.js';
import { BootstrapPage } from './modules/bootstrap/bootstrap-page.js';
import { ForbiddenPage, NotFoundPage, RouteErrorPage } from './modules/errors/error-pages.js';
import { HomePage } from './modules/shell/home-page.js';
import { NotAvailablePage } from './modules/shell/not-available-page.js';
import { SECTIONS } from './modules/shell/sections.js';
import { ShellLayout } from './modules/shell/shell-layout.js';

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    children: [
      { path: '/bootstrap', element: <BootstrapPage /> },
      { path: '/login', element: <LoginPage /> },
      { path: '/session-ended', element: <SessionEndedPage /> },
      { path: '/forbidden', element: <ForbiddenPage /> },
      {
        path: '/',
        element: <RequireSession />,
        children: [
          {
            element: <ShellLayout />,
            // Errors inside a section keep the header and navigation.
            children: [
              {
                errorElement: <RouteErrorPage />,
                children: [
                  { index: true, element: <HomePage /> },
                  ...SECTIONS.map((section) => ({ path: section.path, element: <NotAvailablePage section={section} /> })),
                  { path: 'home', element: <Navigate to="/" replace /> },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
