// Every field of a trader as staff see it: classified, with its purpose and legal basis. defineFieldPolicy<TraderRecord>
// takes a decision for every field of TraderRecord: a field added there without a class, a purpose and a legal
// basis does not compile. This is the trader's entry in the field registry (src/server/field-registry.ts), which
// renders as docs/data-inventory.md.
//
// Fields marked `?` are not known for every trader (the KYC module fills document numbers, the exchange connector
// the 2FA status and trading volume); they are classified already so that the day they arrive they are masked.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';
import { maskAmount, maskDate, maskDocument, maskEmail, maskLast4, maskName, maskPhone } from '../../platform/authz/masks.js';

/** A director or ultimate beneficial owner of a business trader. */
export interface TraderPerson {
  role: 'director' | 'ubo';
  name: string;
  dateOfBirth: string | null;
  nationality: string | null;
  ownershipPct: string | null;
}

export interface TraderRecord {
  accountRef: string;
  kind: string;
  status: string;
  country: string;
  /** The first name: how support greets the trader. */
  displayName: string;
  createdAt: string;
  vip: boolean;
  legalName: string;
  dateOfBirth: string | null;
  idDocumentNumber?: string | null;
  registrationNumber?: string | null;
  directors?: TraderPerson[];
  ubos?: TraderPerson[];
  email: string;
  phone: string;
  bankAccount: string | null;
  wallets: { chain: string; address: string }[];
  balances: { asset: string; amount: string }[];
  activityBand?: string;
  tradingVolume30d?: string | null;
  twoFactorEnabled?: boolean | null;
  apiKey?: string | null;
  /** Never shown to anyone (class secret); not even in the response schema. */
  apiSecret?: string | null;
  /** Stamps outgoing e-mail so the trader can tell it from phishing; never shown to staff. */
  antiPhishingCode?: string | null;
}

export type TraderField = keyof TraderRecord;

const maskPeople = (ps: TraderPerson[]) =>
  ps.map((p) => ({ role: p.role, name: maskName(p.name), dateOfBirth: p.dateOfBirth ? maskDate(p.dateOfBirth) : null, nationality: p.nationality, ownershipPct: p.ownershipPct }));

const ACCOUNT = 'contract' as const;
const AML = 'legal_obligation' as const;

export const TRADER_FIELDS = defineFieldPolicy<TraderRecord>({
  accountRef: { class: 'public', label: 'Account reference', purpose: 'Identifies the account at the exchange and in every record about it', legalBasis: ACCOUNT },
  kind: { class: 'public', label: 'Kind (individual or business)', purpose: 'Decides between KYC (people) and KYB (companies)', legalBasis: AML },
  status: { class: 'public', label: 'Status', purpose: 'Whether the account may trade (active, frozen, closed)', legalBasis: ACCOUNT },
  country: { class: 'public', label: 'Country', purpose: 'Country of residence: jurisdiction rules, sanctions exposure, service availability', legalBasis: AML },
  displayName: { class: 'public', label: 'Display name (first name)', purpose: 'How support and e-mail greet the trader (derived from the legal name, not stored)', legalBasis: ACCOUNT },
  createdAt: { class: 'public', label: 'Customer since', purpose: 'Account age: support context and record-keeping periods', legalBasis: ACCOUNT },
  vip: { class: 'public', label: 'VIP', purpose: 'Service level (priority support) and marketing segments', legalBasis: 'legitimate_interests' },
  legalName: { class: 'identity', label: 'Legal name', mask: maskName, purpose: 'Customer identification (KYC) and sanctions/PEP screening', legalBasis: AML },
  dateOfBirth: { class: 'identity', label: 'Date of birth', mask: maskDate, purpose: 'Customer identification and disambiguating screening matches', legalBasis: AML },
  idDocumentNumber: { class: 'identity', label: 'ID document number', mask: maskDocument, purpose: 'Customer identification (KYC) record-keeping', legalBasis: AML },
  registrationNumber: { class: 'identity', label: 'Company registration number', mask: maskDocument, purpose: 'Business identification (KYB) against the company register', legalBasis: AML },
  directors: { class: 'identity', label: 'Directors', mask: maskPeople, purpose: 'KYB: who controls a business trader; screened like individuals', legalBasis: AML },
  ubos: { class: 'identity', label: 'Ultimate beneficial owners', mask: maskPeople, purpose: 'KYB: who owns 25 % or more of a business trader; screened like individuals', legalBasis: AML },
  email: { class: 'contact', label: 'Email', mask: maskEmail, purpose: 'Account notices, support replies and (with consent) marketing', legalBasis: ACCOUNT },
  phone: { class: 'contact', label: 'Phone', mask: maskPhone, purpose: 'Verifying the caller and urgent account-security contact', legalBasis: ACCOUNT },
  bankAccount: { class: 'financial', label: 'Bank account (IBAN)', mask: maskLast4, purpose: 'Fiat deposits and withdrawals; source-of-funds checks', legalBasis: ACCOUNT },
  wallets: {
    class: 'financial',
    label: 'Wallet addresses',
    mask: (ws) => ws.map((w) => ({ chain: w.chain, address: maskLast4(w.address) })),
    purpose: 'Crypto withdrawals; screening against sanctioned wallet lists',
    legalBasis: AML,
  },
  balances: {
    class: 'financial',
    label: 'Balances',
    mask: (bs) => bs.map((b) => ({ asset: b.asset, amount: maskAmount(b.amount) })),
    purpose: 'Support questions about funds; transaction monitoring',
    legalBasis: ACCOUNT,
  },
  activityBand: { class: 'financial', label: 'Activity band (30 days)', mask: maskAmount, purpose: 'Monitoring thresholds and marketing segments (a band, never the amount)', legalBasis: 'legitimate_interests' },
  tradingVolume30d: { class: 'financial', label: 'Trading volume (30 days)', mask: maskAmount, purpose: 'Transaction monitoring (unusual activity for the customer profile)', legalBasis: AML },
  // A boolean has no partial form: masked, it is left out.
  twoFactorEnabled: { class: 'security', label: '2FA enabled', purpose: 'Account-takeover investigations ("who disabled my 2FA?")', legalBasis: 'legitimate_interests' },
  apiKey: { class: 'security', label: 'API key', mask: maskLast4, purpose: 'Identifying a key to revoke in an incident (last 4 characters only)', legalBasis: 'legitimate_interests' },
  apiSecret: { class: 'secret', label: 'API secret', purpose: 'Not stored: classified so that nothing can ever show one', legalBasis: 'legitimate_interests' },
  antiPhishingCode: { class: 'secret', label: 'Anti-phishing code', purpose: 'Stamped on every e-mail to the trader so they can tell it from phishing', legalBasis: 'legitimate_interests' },
});

/** The fields of the marketing audience list: display name and email, nothing else. */
export const AUDIENCE_FIELDS: ReadonlySet<string> = new Set<TraderField>(['displayName', 'email']);

export const TRADER_FIELD_NAMES = Object.keys(TRADER_FIELDS) as TraderField[];

/** True when name is a trader field. */
export function isTraderField(name: string): name is TraderField {
  return Object.hasOwn(TRADER_FIELDS, name);
}
