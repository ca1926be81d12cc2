import type { ApiError } from '../api.js';

interface ProblemAlertProps {
  error: ApiError | null | undefined;
  /** Replaces the server's title, e.g. for sign-in where every failure reads the same. */
  title?: string;
  /** Replaces the server's detail. */
  detail?: string;
  id?: string;
}

/** Shows an RFC 9457 problem (title and detail) in an assertive live region. */
export function ProblemAlert({ error, title, detail, id }: ProblemAlertProps) {
  const shownTitle = title ?? error?.problem.title;
  const shownDetail = detail ?? error?.problem.detail;
  return (
    <div id={id} role="alert" aria-live="assertive" className={error ? 'alert alert-error' : 'alert-empty'}>
      {error ? (
        <>
          <p className="alert-title">{shownTitle}</p>
          {shownDetail && shownDetail !== shownTitle ? <p className="alert-detail">{shownDetail}</p> : null}
        </>
      ) : null}
    </div>
  );
}
