// Keyset paging of a list page: the cursors of the pages walked so far (the first page has none), the one to load
// now, and the "previous / next" buttons under the table. Filters changing start again from the first page.
import { useState } from 'react';

export interface CursorStack {
  /** The cursor of the page to load (null: the first page). */
  cursor: string | null;
  hasPrevious: boolean;
  previous(): void;
  next(cursor: string): void;
  /** Back to the first page (call when the filters change). */
  reset(): void;
}

/** The pages walked so far, as a stack of cursors. */
export function useCursorStack(): CursorStack {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    hasPrevious: cursors.length > 1,
    previous: () => setCursors((c) => c.slice(0, -1)),
    next: (cursor) => setCursors((c) => [...c, cursor]),
    reset: () => setCursors([null]),
  };
}

/** The buttons under a paged table: back to the page before, and on to the next one when the server named it. */
export function CursorPager({ stack, nextCursor, previousLabel, nextLabel }: { stack: CursorStack; nextCursor: string | null; previousLabel: string; nextLabel: string }) {
  return (
    <div className="table-footer">
      {stack.hasPrevious ? (
        <button type="button" className="button button-small" onClick={stack.previous}>
          {previousLabel}
        </button>
      ) : null}{' '}
      {nextCursor ? (
        <button type="button" className="button button-small" onClick={() => stack.next(nextCursor)}>
          {nextLabel}
        </button>
      ) : null}
    </div>
  );
}
