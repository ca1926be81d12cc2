import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { AuthCard } from './components/auth-card.js';
import { AuditPage } from './modules/audit/audit-page.js';
import { LoginPage } from './modules/auth/login-page.js';
import { RequireSession } from './modules/auth/require-session.js';
import { SessionEndedPage } from './modules/auth/session-ended-page.js';
import { ForbiddenPage, NotFoundPage, RouteErrorPage } from './modules/errors/error-pages.js';
import { KeysPage } from './modules/keys/keys-page.js';
import { ExchangeSettingsPage } from './modules/exchange/exchange-settings-page.js';
import { HomePage } from './modules/shell/home-page.js';
import { NotAvailablePage } from './modules/shell/not-available-page.js';
import { SECTIONS } from './modules/shell/sections.js';
import { SettingsPage } from './modules/shell/settings-page.js';
import { ShellLayout } from './modules/shell/shell-layout.js';
import { AlertsPage } from './modules/security/alerts-page.js';
import { MySessionsPage } from './modules/sessions/my-sessions-page.js';
import { InvitationsPage } from './modules/staff/invitations-page.js';
import { OutboxPage } from './modules/staff/outbox-page.js';
import { ResetPasswordPage } from './modules/staff/reset-password-page.js';
import { StaffPage } from './modules/staff/staff-page.js';
import { ApprovalsPage } from './modules/approvals/approvals-page.js';
import { RolePreviewPage } from './modules/roles/role-preview-page.js';
import { RolesPage } from './modules/roles/roles-page.js';
import { MarketingPage } from './modules/marketing/marketing-page.js';
import { UnsubscribePage } from './modules/consent/unsubscribe-page.js';
import { SupportInboxPage } from './modules/support/support-inbox-page.js';
import { TicketPage } from './modules/support/ticket-page.js';
import { KycCasePage } from './modules/kyc/kyc-case-page.js';
import { KycQueuePage } from './modules/kyc/kyc-queue-page.js';
import { KycSettingsPage } from './modules/kyc/kyc-settings-page.js';
import { CannedRepliesPage } from './modules/support/canned-page.js';
import { ListsPage } from './modules/screening/lists-page.js';
import { ListVersionPage } from './modules/screening/list-version-page.js';
import { HitPage } from './modules/screening/hit-page.js';
import { ScreeningQueuePage } from './modules/screening/screening-queue-page.js';
import { TradersPage } from './modules/traders/traders-page.js';
import { TraderProfilePage } from './modules/traders/trader-profile-page.js';
import { TraderTimelinePage } from './modules/traders/trader-timeline-page.js';
import { casesRoutes, casesSectionPages } from './modules/cases/cases-routes.js';
import { monitoringRoutes } from './modules/monitoring/monitoring-routes.js';
import { sarRoutes } from './modules/sar/sar-routes.js';
import { withdrawalLimitRoutes } from './modules/withdrawal-limits/withdrawal-limits-routes.js';

// Used once in a deployment's life, and the only user of the QR-code library: loaded on demand.
const BootstrapPage = lazy(async () => ({ default: (await import('./modules/bootstrap/bootstrap-page.js')).BootstrapPage }));
// Accepting an invitation also draws a QR code: loaded on demand as well.
const AcceptInvitationPage = lazy(async () => ({ default: (await import('./modules/staff/accept-invitation-page.js')).AcceptInvitationPage }));
// Second-factor enrolment and the Security page draw QR codes too: loaded on demand.
const EnrolPage = lazy(async () => ({ default: (await import('./modules/mfa/enrol-page.js')).EnrolPage }));
const SecurityPage = lazy(async () => ({ default: (await import('./modules/mfa/security-page.js')).SecurityPage }));

// The page of each section marked ready in sections.ts; the others show "not available yet".
const SECTION_PAGES: Partial<Record<string, ReactNode>> = {
  audit: <AuditPage />,
  marketing: <MarketingPage />,
  support: <SupportInboxPage />,
  kyc: <KycQueuePage />,
  screening: <ScreeningQueuePage />,
  traders: <TradersPage />,
  settings: <SettingsPage />,
  staff: <StaffPage />,
  ...casesSectionPages,
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
      {
        path: '/invite',
        element: (
          <Suspense fallback={<PageLoading />}>
            <AcceptInvitationPage />
          </Suspense>
        ),
      },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      { path: '/login', element: <LoginPage /> },
      // Public: a trader's opt-out from an e-mail link (no session; the signed token is in the fragment).
      { path: '/unsubscribe', element: <UnsubscribePage /> },
      {
        path: '/mfa/enrol',
        element: (
          <Suspense fallback={<PageLoading />}>
            <EnrolPage />
          </Suspense>
        ),
      },
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
                  { path: 'traders/:id', element: <TraderProfilePage /> },
                  { path: 'traders/:id/timeline', element: <TraderTimelinePage /> },
                  { path: 'support/tickets/:id', element: <TicketPage /> },
                  { path: 'support/canned', element: <CannedRepliesPage /> },
                  { path: 'screening/lists', element: <ListsPage /> },
                  { path: 'screening/lists/:id', element: <ListVersionPage /> },
                  { path: 'screening/hits/:id', element: <HitPage /> },
                  { path: 'kyc/cases/:id', element: <KycCasePage /> },
                  { path: 'kyc/settings', element: <KycSettingsPage /> },
                  { path: 'settings/exchange', element: <ExchangeSettingsPage /> },
                  { path: 'staff/invitations', element: <InvitationsPage /> },
                  { path: 'staff/alerts', element: <AlertsPage /> },
                  { path: 'staff/outbox', element: <OutboxPage /> },
                  { path: 'staff/roles', element: <RolesPage /> },
                  { path: 'staff/roles/preview', element: <RolePreviewPage /> },
                  { path: 'staff/approvals', element: <ApprovalsPage /> },
                  { path: 'sessions', element: <MySessionsPage /> },
                  ...monitoringRoutes,
                  ...casesRoutes,
                  ...sarRoutes,
                  ...withdrawalLimitRoutes,
                  {
                    path: 'security',
                    element: (
                      <Suspense fallback={<p className="muted">Loading…</p>}>
                        <SecurityPage />
                      </Suspense>
                    ),
                  },
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
