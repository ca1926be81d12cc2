// The trader timeline ("who disabled my 2FA?"): one chronological list merged from the security events the
// exchange reported, staff actions on the trader from the audit log, and tickets. Pure functions: the service
// loads each source (newest first, at or before the cursor's moment) and merges here.
//
// The cursor is the moment of the last entry shown plus the ids already shown at that moment, so entries that
// share a timestamp (common: one request writes several) are neither repeated nor skipped across pages.
import type { TimelineEntry } from '../../../contracts/traders.js';

export interface TimelineCursor {
  at: Date;
  shown: string[];
}

/** Decodes a cursor, or undefined when it is not one of ours (the caller answers 400). */
export function decodeTimelineCursor(cursor: string): TimelineCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at?: unknown; shown?: unknown };
    if (typeof v.at !== 'string' || !Array.isArray(v.shown) || v.shown.length > 200 || !v.shown.every((s) => typeof s === 'string' && s.length < 100)) return undefined;
    const at = new Date(v.at);
    if (Number.isNaN(at.getTime())) return undefined;
    return { at, shown: v.shown as string[] };
  } catch {
    return undefined;
  }
}

/** Newest first; ties by id so the order is total and stable across pages. */
function newerFirst(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Merges the sources into one page. Each source must hold every entry at or before the cursor's moment up to
 * (limit + shown) entries, newest first, so the page is exact.
 */
export function mergeTimeline(sources: TimelineEntry[][], cursor: TimelineCursor | undefined, limit: number): { entries: TimelineEntry[]; nextCursor: string | null } {
  const shown = new Set(cursor?.shown ?? []);
  const all = sources
    .flat()
    .filter((e) => !cursor || (new Date(e.at) < cursor.at || (new Date(e.at).getTime() === cursor.at.getTime() && !shown.has(e.id))))
    .sort(newerFirst);
  const entries = all.slice(0, limit);
  if (all.length <= limit) return { entries, nextCursor: null };
  const last = entries.at(-1)!;
  const atLast = entries.filter((e) => e.at === last.at).map((e) => e.id);
  // Ids already shown at the same moment on earlier pages stay shown.
  const carried = cursor && new Date(last.at).getTime() === cursor.at.getTime() ? [...cursor.shown] : [];
  const next = { at: last.at, shown: [...new Set([...carried, ...atLast])] };
  return { entries, nextCursor: Buffer.from(JSON.stringify(next), 'utf8').toString('base64url') };
}
