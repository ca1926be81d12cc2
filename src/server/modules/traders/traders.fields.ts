// Every field of a trader as staff see it, classified. defineFieldPolicy<TraderRecord> takes a decision for
// every field of TraderRecord: a field added there without one here does not compile.
//
// Fields marked `?` are not stored yet: the exchange connector (2FA status, API keys, trading volume) and the
// KYC module (document numbers) fill them. They are classified now so that the day they arrive they are
// already masked, and the role preview shows them.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';
import { maskAmount, maskDate, maskDocument, maskEmail, maskLast4, maskName, maskPhone } from '../../platform/authz/masks.js';

export interface TraderRecord {
  accountRef: string;
  kind: string;
  status: string;
  country: string;
  /** The first name: how support greets the trader. */
  displayName: string;
  createdAt: string;
  legalName: string;
  dateOfBirth: string | null;
  idDocumentNumber?: string | null;
  email: string;
  phone: string;
  bankAccount: string | null;
  wallets: { chain: string; address: string }[];
  balances: { asset: string; amount: string }[];
  tradingVolume30d?: string | null;
  twoFactorEnabled?: boolean | null;
  apiKey?: string | null;
  /** Never shown to anyone (class secret); not even in the response schema. */
  apiSecret?: string | null;
}

export type TraderField = keyof TraderRecord;

export const TRADER_FIELDS = defineFieldPolicy<TraderRecord>({
  accountRef: { class: 'public', label: 'Account reference' },
  kind: { class: 'public', label: 'Kind (individual or business)' },
  status: { class: 'public', label: 'Status' },
  country: { class: 'public', label: 'Country' },
  displayName: { class: 'public', label: 'Display name (first name)' },
  createdAt: { class: 'public', label: 'Customer since' },
  legalName: { class: 'identity', label: 'Legal name', mask: maskName },
  dateOfBirth: { class: 'identity', label: 'Date of birth', mask: maskDate },
  idDocumentNumber: { class: 'identity', label: 'ID document number', mask: maskDocument },
  email: { class: 'contact', label: 'Email', mask: maskEmail },
  phone: { class: 'contact', label: 'Phone', mask: maskPhone },
  bankAccount: { class: 'financial', label: 'Bank account (IBAN)', mask: maskLast4 },
  wallets: { class: 'financial', label: 'Wallet addresses', mask: (ws) => ws.map((w) => ({ chain: w.chain, address: maskLast4(w.address) })) },
  balances: { class: 'financial', label: 'Balances', mask: (bs) => bs.map((b) => ({ asset: b.asset, amount: maskAmount(b.amount) })) },
  tradingVolume30d: { class: 'financial', label: 'Trading volume (30 days)', mask: maskAmount },
  // A boolean has no partial form: masked, it is left out.
  twoFactorEnabled: { class: 'security', label: '2FA enabled' },
  apiKey: { class: 'security', label: 'API key', mask: maskLast4 },
  apiSecret: { class: 'secret', label: 'API secret' },
});

/** The fields of the marketing audience list (issue 4 adds consent): display name and email, nothing else. */
export const AUDIENCE_FIELDS: ReadonlySet<string> = new Set<TraderField>(['displayName', 'email']);

export const TRADER_FIELD_NAMES = Object.keys(TRADER_FIELDS) as TraderField[];

/** True when name is a trader field. */
export function isTraderField(name: string): name is TraderField {
  return Object.hasOwn(TRADER_FIELDS, name);
}
