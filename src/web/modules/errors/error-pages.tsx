import { Link, isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { AuthCard } from '../../components/auth-card.js';
import { usePageTitle } from '../../components/page-title.js';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <AuthCard title="Page not found">
      <p className="lead" data-testid="not-found">
        There is no page at this address.
      </p>
      <p className="muted">Error 404. Check the address, or go back to the overview.</p>
      <div className="actions">
        <Link to="/" className="button button-primary">
          Go to the overview
        </Link>
      </div>
    </AuthCard>
  );
}

export function ForbiddenPage() {
  usePageTitle('Access denied');
  return (
    <AuthCard title="You do not have access to this page">
      <p className="lead" data-testid="forbidden">
        Your roles do not include the permission this page needs.
      </p>
      <p className="muted">
        Error 403. The attempt has been recorded in the audit log. If your work needs this access, ask an administrator;
        role changes are approved by a second person.
      </p>
      <div className="actions">
        <Link to="/" className="button button-primary">
          Go to the overview
        </Link>
      </div>
    </AuthCard>
  );
}

/** Route error boundary: maps known errors to their pages and never shows a stack trace. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  if (isRouteErrorResponse(error) && error.status === 403) return <ForbiddenPage />;
  if (isApiError(error) && error.status === 403) return <ForbiddenPage />;
  if (isApiError(error) && error.status === 404) return <NotFoundPage />;
  const reference = isApiError(error) ? error.problem.instance : undefined;
  return <GenericErrorPage reference={reference} unreachable={isApiError(error) && error.status === 0} />;
}

export function GenericErrorPage({ reference, unreachable }: { reference?: string | undefined; unreachable?: boolean }) {
  usePageTitle('Something went wrong');
  return (
    <AuthCard title={unreachable ? 'The server could not be reached' : 'Something went wrong'}>
      <p className="lead" role="alert" data-testid="error-page">
        {unreachable
          ? 'Bulwark did not answer. Check your connection; if it persists, the service may be down.'
          : 'The page could not be shown because of an unexpected error.'}
      </p>
      <p className="muted">
        Try again in a moment. If the problem continues, report it to your administrator
        {reference ? (
          <>
            {' '}
            with this reference: <code>{reference}</code>
          </>
        ) : null}
        .
      </p>
      <div className="actions">
        <a href="/" className="button button-primary">
          Reload Bulwark
        </a>
      </div>
    </AuthCard>
  );
}
