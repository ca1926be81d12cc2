// Record-level rules for traders. Today every trader may be opened by a member whose roles open trader
// profiles (trader.read); the field policy decides what of it they see. The trader-profile issue narrows this
// (e.g. restricted accounts) and compiles the rule into the list query. A trader a member may not open answers
// exactly like one that does not exist (404), so ids cannot be probed.
import type { FieldAccess } from '../roles/index.js';

/** True when a member with this access may open trader records at all. */
export function mayOpenTraders(access: FieldAccess): boolean {
  return access.canView;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when id could be a trader id; anything else is answered as a missing trader (404), never a 500. */
export function isTraderId(id: string): boolean {
  return UUID.test(id);
}
