import { useId } from 'react';
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

function ForbiddenText() {
  return (
    <>
      <p className="lead" data-testid="forbidden">
        Your roles do not include the permission this page needs.
      </p>
      <p className="muted">
        Error 403. The attempt has been recorded in the audit log. If your work needs this access, ask an administrator;
        role changes are approved by a second person.
      </p>
    </>
  );
}

export function ForbiddenPage() {
  usePageTitle('Access denied');
  return (
    <AuthCard title="You do not have access to this page">
      <ForbiddenText />
      <div className="actions">
        <Link to="/" className="button button-primary">
          Go to the overview
        </Link>
      </div>
    </AuthCard>
  );
}

/** The forbidden message inside the signed-in shell, in place of a section the member may not open. */
export function ForbiddenPanel() {
  const titleId = useId();
  return (
    <section className="panel panel-denied" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel-title">
        You do not have access to this page
      </h2>
      <ForbiddenText />
      <div className="actions">
        <Link to="/" className="button">
          Go to the overview
        </Link>
      </div>
    </section>
  );
}

/**
 * What a section shows when its data could not be loaded: the forbidden message for a 403, otherwise the
 * problem as the server stated it and a retry button. (A 401 never gets here: it ends the session.)
 */
export function SectionErrorPanel({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (isApiError(error) && error.status === 403) return <ForbiddenPanel />;
  const problem = isApiError(error) ? error : null;
  return (
    <section className="panel" data-testid="section-error">
      <div role="alert" className="alert alert-error">
        <p className="alert-title">{problem?.problem.title ?? 'This information could not be loaded'}</p>
        {problem?.problem.detail ? <p className="alert-detail">{problem.problem.detail}</p> : null}
        {problem?.problem.instance ? (
          <p className="alert-detail small">
            Reference: <code>{problem.problem.instance}</code>
          </p>
        ) : null}
      </div>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
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
