// Ids as they arrive in URLs and bodies: anything not shaped like one of ours is answered like a missing record
// (404), never passed to the database (where a malformed uuid would be a 500).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when id is a UUID in its textual form (either case). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** The same check as a pattern, for Zod schemas. */
export const UUID_PATTERN = UUID;
