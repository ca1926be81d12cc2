// Record-level and section-level rules for traders.
//
// Record level: a member whose roles open trader profiles (trader.read and a profile field policy) may open any
// trader; a trader a member may not open answers exactly like one that does not exist (404), so ids cannot be
// probed. Section level: each section of the profile page is shown only where the member's permissions and
// field policy allow it, and every section's own endpoint checks the same rule (sectionsFor) on the server.
import type { ProfileSection } from '../../../contracts/traders.js';
import type { ClassPolicy } from '../../platform/authz/field-policy.js';
import type { FieldAccess } from '../roles/index.js';
import { isUuid } from '../../platform/ids.js';

/** True when a member with this access may open trader records at all. */
export function mayOpenTraders(access: FieldAccess): boolean {
  return access.canView;
}


/** True when id could be a trader id; anything else is answered as a missing trader (404), never a 500. */
export function isTraderId(id: string): boolean {
  return isUuid(id);
}

type SectionRule = (perms: ReadonlySet<string>, policy: ClassPolicy) => boolean;
const seen = (v: string) => v !== 'hidden';

/**
 * When each section is shown. Financial sections need both the exchange view and a financial field class the
 * role can see; security sections (2FA, whitelist, login history, API keys) need the security class; the risk
 * rating is compliance's (showing it to support could tip a trader off); staff actions from the audit log are
 * behind their own permission.
 */
export const SECTION_RULES: { readonly [S in ProfileSection]: SectionRule } = {
  identity: (_p, c) => seen(c.identity),
  contact: (_p, c) => seen(c.contact),
  business: (_p, c) => seen(c.identity),
  kyc: (p) => p.has('kyc.read'),
  risk: (p) => p.has('screening.read') || p.has('monitoring.read'),
  security: (_p, c) => seen(c.security),
  apiKeys: (_p, c) => seen(c.security),
  balances: (p, c) => p.has('exchange.read') && seen(c.financial),
  orders: (p, c) => p.has('exchange.read') && seen(c.financial),
  trades: (p, c) => p.has('exchange.read') && seen(c.financial),
  transfers: (p, c) => p.has('exchange.read') && seen(c.financial),
  tickets: (p) => p.has('ticket.read'),
  notes: (p) => p.has('trader.read'),
  consents: (p) => p.has('consent.read'),
  timeline: (p) => p.has('trader.timeline.read'),
};

/** The sections a member with these permissions and this field policy sees, in page order. */
export function sectionsFor(perms: ReadonlySet<string>, policy: ClassPolicy): ProfileSection[] {
  return (Object.keys(SECTION_RULES) as ProfileSection[]).filter((s) => SECTION_RULES[s](perms, policy));
}
