import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { AuthCard } from './components/auth-card.js';
import { AuditPage } from './modules/audit/audit-page.js';
import { LoginPage } from './modules/auth/login-page.js';
import { RequireSession } from './modules/auth/require-session.js';
import { SessionEndedPage } from './modules/auth/session-ended-page.js';
import { ForbiddenPage, NotFoundPage, RouteErrorPage } from './modules/errors/error-pages.js';
import { KeysPage } from './modules/keys/keys-page.js';
import { HomePage } from './modules/shell/home-page.js';
import { NotAvailablePage } from './modules/shell/not-available-page.js';
import { SECTIONS } from './modules/shell/sections.js';
import { SettingsPage } from './modules/shell/settings-page.js';
import { ShellLayout } from './modules/shell/shell-layout.js';

// Used once in a deployment's life, and the only user of the QR-code library: loaded on demand.
const BootstrapPage = lazy(async () => ({ default: (await import('./modules/bootstrap/bootstrap-page.js')).BootstrapPage }));

// The page of each section marked ready in sections.ts; the others show "not available yet".
const SECTION_PAGES: Partial<Record<string, ReactNode>> = {
  audit: <AuditPage />,
  settings: <SettingsPage />,
};

function PageLoading() {
  return (
    <AuthCard title="Bulwark">
      <p className="muted" role="status">
        Loading…
      </p>
    </AuthCard>
  );
}

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    children: [
      {
        path: '/bootstrap',
        element: (
          <Suspense fallback={<PageLoading />}>
            <BootstrapPage />
          </Suspense>
        ),
      },
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
                  ...SECTIONS.map((section) => ({
                    path: section.path,
                    element: (section.ready ? SECTION_PAGES[section.path] : undefined) ?? <NotAvailablePage section={section} />,
                  })),
                  { path: 'settings/keys', element: <KeysPage /> },
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
