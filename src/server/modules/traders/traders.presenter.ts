// Trader records as a member sees them: the field policy applied, then only what the response schema allows.
import type { TraderView } from '../../../contracts/traders.js';
import { presentFields, shownAs, type ClassPolicy } from '../../platform/authz/field-policy.js';
import { TRADER_FIELDS, TRADER_FIELD_NAMES, type TraderField, type TraderRecord } from './traders.fields.js';

/** The fields that must be decrypted to present a record to a member with `access` (hidden ones never are). */
export function fieldsNeeded(access: ClassPolicy, only?: ReadonlySet<string>): Set<TraderField> {
  return new Set(TRADER_FIELD_NAMES.filter((f) => (!only || only.has(f)) && shownAs(TRADER_FIELDS[f], access) !== 'hidden'));
}

/** One trader as the member sees it, and the names of the fields shown (for the audit event). */
export function presentTrader(id: string, record: Partial<TraderRecord>, access: ClassPolicy, only?: ReadonlySet<string>): { view: TraderView; shown: string[] } {
  const p = presentFields(TRADER_FIELDS, record as TraderRecord, access, only ? { only } : {});
  const shown = Object.entries(p.shown)
    .filter(([, s]) => s !== 'hidden')
    .map(([f]) => f);
  return { view: { id, fields: p.fields as TraderView['fields'], masked: p.masked, revealable: p.revealable }, shown };
}
