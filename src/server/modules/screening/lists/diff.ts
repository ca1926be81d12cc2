// The difference between two versions of one list, by entity id: added, removed, and changed with the fields that
// changed. Order inside a field (aliases, countries…) does not count as a change; values do.
import type { ListDelta, ListEntity } from '../model.js';

/** The fields of a ListEntity compared by the diff, in the order they are reported. */
export const DIFF_FIELDS = ['name', 'kind', 'aliases', 'weakAliases', 'birthDates', 'nationalities', 'countries', 'programs', 'topics', 'wallets', 'listedOn'] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

function canonical(e: ListEntity, f: DiffField): string {
  const v = e[f];
  if (v === undefined) return '';
  if (f === 'wallets') return (v as ListEntity['wallets']).map((w) => `${w.currency} ${w.address}`).sort().join('\n');
  if (Array.isArray(v)) return [...(v as string[])].sort().join('\n');
  return String(v);
}

/** Which fields of the same entity differ between two versions ([] when none). */
export function changedFields(before: ListEntity, after: ListEntity): DiffField[] {
  return DIFF_FIELDS.filter((f) => canonical(before, f) !== canonical(after, f));
}

/** The delta from `before` to `after` (entity ids are the key); entries sorted by id for stable pages. */
export function computeDelta(before: readonly ListEntity[], after: readonly ListEntity[]): ListDelta & { changedFields: Map<string, DiffField[]> } {
  const old = new Map(before.map((e) => [e.id, e]));
  const now = new Map(after.map((e) => [e.id, e]));
  const added: ListEntity[] = [];
  const removed: ListEntity[] = [];
  const changed: { before: ListEntity; after: ListEntity }[] = [];
  const fields = new Map<string, DiffField[]>();
  for (const e of after) {
    const o = old.get(e.id);
    if (!o) added.push(e);
    else {
      const f = changedFields(o, e);
      if (f.length > 0) {
        changed.push({ before: o, after: e });
        fields.set(e.id, f);
      }
    }
  }
  for (const e of before) if (!now.has(e.id)) removed.push(e);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  added.sort(byId);
  removed.sort(byId);
  changed.sort((a, b) => byId(a.after, b.after));
  return { added, removed, changed, changedFields: fields };
}
