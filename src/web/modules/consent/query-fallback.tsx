import { isApiError } from '../../api.js';
import { ProblemAlert } from '../../components/problem-alert.js';

/** What a panel shows while its query has no data: "Loading…", or the problem the server answered. */
export function QueryFallback({ query }: { query: { isError: boolean; error: unknown } }) {
  if (query.isError) return <ProblemAlert error={isApiError(query.error) ? query.error : null} />;
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}
