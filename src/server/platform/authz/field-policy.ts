// Field-level access: every field of a record type is classified, every role says per class what its members
// see, and a presenter applies both. Field policies are exhaustive: defineFieldPolicy<Row>() takes a record
// keyed by every field of Row, so a new field without a classification does not compile.
//
//   class       what it holds                                        e.g.
//   public      harmless to show to anyone who may open the record   display name, status, country
//   contact     how to reach the person                               email, phone, postal address
//   identity    who the person is                                     legal name, date of birth, ID numbers
//   financial   money and where it is                                 bank account, wallets, balances, volume
//   security    the account's defences                                2FA status, API keys, login history
//   secret      never shown to anyone, in any form                    API secrets, seed phrases, passwords
//
//   visibility  what a member sees of a field of that class
//   full        the value
//   masked      the value's mask (masks.ts); a field without a mask is omitted
//   reveal      masked, and the member may reveal it on demand (reason, step-up, audited, rate-limited)
//   hidden      nothing: the field is left out of the answer altogether
import { FIELD_CLASSES, VISIBILITIES } from '../../../contracts/roles.js';

// One list, shared with the web UI. VISIBILITIES runs least to most: with several roles, the most permissive
// visibility of a class applies.
export { FIELD_CLASSES, VISIBILITIES };
export type FieldClass = (typeof FIELD_CLASSES)[number];
export type Visibility = (typeof VISIBILITIES)[number];

/** What a role's members see per class. `secret` can only ever be hidden (the database refuses anything else). */
export type ClassPolicy = { readonly [C in FieldClass]: C extends 'secret' ? 'hidden' : Visibility };

/** Nothing visible: the start of every merge (deny by default). */
export const NO_ACCESS: ClassPolicy = Object.freeze({
  public: 'hidden',
  contact: 'hidden',
  identity: 'hidden',
  financial: 'hidden',
  security: 'hidden',
  secret: 'hidden',
});

/**
 * The lawful basis for processing a field (GDPR Art. 6(1)): every stored field names one, and its purpose, so the
 * data inventory (docs/data-inventory.md, generated from the field registry) answers "why do we hold this?"
 */
export const LEGAL_BASES = {
  contract: 'Contract (Art. 6(1)(b)): needed to run the trader\'s account',
  legal_obligation: 'Legal obligation (Art. 6(1)(c)): AML/CTF, sanctions, record-keeping',
  legitimate_interests: 'Legitimate interests (Art. 6(1)(f)): security and fraud prevention, service quality',
  consent: 'Consent (Art. 6(1)(a)): given and withdrawable by the trader',
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;

export interface FieldSpec<V> {
  class: FieldClass;
  /** Why Bulwark holds the field (data minimisation: a field without a purpose is not stored). */
  purpose: string;
  /** The lawful basis of the processing. */
  legalBasis: LegalBasis;
  /** Shown instead of the value when the member's visibility is `masked` or `reveal`. */
  mask?: (value: NonNullable<V>) => unknown;
  /** A short human label (UI, docs). */
  label: string;
}

/** Any field's spec, whatever its value type (masks are only ever called with their own field's value). */
export interface AnyFieldSpec {
  class: FieldClass;
  purpose: string;
  legalBasis: LegalBasis;
  mask?: ((value: never) => unknown) | undefined;
  label: string;
}

/** One decision per field of Row, none missing (`-?` makes optional fields mandatory here too). */
export type FieldPolicy<Row> = { readonly [K in keyof Row]-?: FieldSpec<Row[K]> };

/** Declares the field policy of a record type; a field without a classification is a compile error. */
export function defineFieldPolicy<Row>(policy: FieldPolicy<Row>): FieldPolicy<Row> {
  for (const [name, spec] of Object.entries(policy) as [string, AnyFieldSpec][]) {
    if (!(FIELD_CLASSES as readonly string[]).includes(spec.class)) throw new Error(`field ${name}: unknown class ${String(spec.class)}`);
    // A secret is never shown, masked or not: a mask on it would only invite someone to use it.
    if (spec.class === 'secret' && spec.mask) throw new Error(`field ${name}: a secret field cannot have a mask`);
    // The types require both; this catches a cast or a JavaScript caller.
    if (!spec.purpose || spec.purpose.trim().length < 10) throw new Error(`field ${name}: a purpose (a sentence) is required`);
    if (!Object.hasOwn(LEGAL_BASES, spec.legalBasis)) throw new Error(`field ${name}: unknown legal basis ${String(spec.legalBasis)}`);
  }
  return Object.freeze({ ...policy });
}

/** The more permissive of two visibilities. */
export function widerVisibility(a: Visibility, b: Visibility): Visibility {
  return VISIBILITIES.indexOf(a) >= VISIBILITIES.indexOf(b) ? a : b;
}

/** Merges class policies (most permissive per class); `secret` stays hidden whatever the inputs say. */
export function mergeClassPolicies(policies: Iterable<Partial<Record<FieldClass, string>>>): ClassPolicy {
  const out: Record<FieldClass, Visibility> = { ...NO_ACCESS };
  for (const p of policies) {
    for (const c of FIELD_CLASSES) {
      const v = p[c];
      if (c === 'secret' || !isVisibility(v)) continue;
      out[c] = widerVisibility(out[c], v);
    }
  }
  out.secret = 'hidden';
  return out as ClassPolicy;
}

/** True when v is one of the four visibilities. */
export function isVisibility(v: unknown): v is Visibility {
  return typeof v === 'string' && (VISIBILITIES as readonly string[]).includes(v);
}

export type Shown = 'full' | 'masked' | 'hidden';

export interface Presented<Row> {
  /** Only the fields the member may see, each as its value or its mask. */
  fields: { [K in keyof Row]?: unknown };
  /** Fields present in masked form. */
  masked: (keyof Row & string)[];
  /** Fields the member may reveal (masked, or omitted for want of a mask). */
  revealable: (keyof Row & string)[];
  /** What happened to each field, for audit events (names only) and tests. */
  shown: Record<keyof Row & string, Shown>;
}

/** What a member with `access` sees of one field of class c. */
export function shownAs(spec: AnyFieldSpec, access: ClassPolicy): Shown {
  if (spec.class === 'secret') return 'hidden';
  const v = access[spec.class];
  if (v === 'full') return 'full';
  if (v === 'hidden') return 'hidden';
  return spec.mask ? 'masked' : 'hidden';
}

/**
 * Applies a field policy to one record: an allow-list (fields not in the policy never pass), secret fields
 * never pass, hidden fields are left out, masked ones are replaced by their mask. Fields whose value is
 * undefined (not known for this record) are left out; null stays null.
 */
export function presentFields<Row extends object>(
  policy: FieldPolicy<Row>,
  row: Row,
  access: ClassPolicy,
  opts: { only?: ReadonlySet<string> } = {},
): Presented<Row> {
  const fields: Record<string, unknown> = {};
  const masked: string[] = [];
  const revealable: string[] = [];
  const shown: Record<string, Shown> = {};
  for (const name of Object.keys(policy) as (keyof Row & string)[]) {
    const spec = policy[name] as AnyFieldSpec;
    const outOfView = opts.only !== undefined && !opts.only.has(name);
    let s: Shown = outOfView ? 'hidden' : shownAs(spec, access);
    const value = Object.hasOwn(row, name) ? (row as Record<string, unknown>)[name] : undefined;
    if (!outOfView && spec.class !== 'secret' && access[spec.class] === 'reveal' && value !== undefined) revealable.push(name);
    if (value === undefined) s = 'hidden';
    shown[name] = s;
    if (s === 'hidden') continue;
    if (s === 'full' || value === null) {
      fields[name] = value;
      continue;
    }
    fields[name] = spec.mask!(value as never);
    masked.push(name);
  }
  return { fields: fields as Presented<Row>['fields'], masked: masked as Presented<Row>['masked'], revealable: revealable as Presented<Row>['revealable'], shown: shown as Presented<Row>['shown'] };
}
