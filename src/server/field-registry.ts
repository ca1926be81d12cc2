// The field registry: every record type Bulwark stores or shows about a person, each field with its class,
// purpose and lawful basis (defineFieldPolicy refuses a field without them at compile time and at start). It
// renders as docs/data-inventory.md (scripts/data-inventory-doc.ts; a test fails when the document is stale).
//
// Two kinds of entry: records presented through a field policy (what a member sees of each field follows from
// their roles: the trader, the exchange's answers, a ticket's contact), and records governed by a permission
// alone (a member who may read notes reads whole notes) — these are classified here so that the inventory is
// complete and a new column has to be declared somewhere a reviewer looks.
import { defineFieldPolicy, type AnyFieldSpec } from './platform/authz/field-policy.js';
import { API_KEY_FIELDS, BALANCE_FIELDS, ORDER_FIELDS, SECURITY_EVENT_FIELDS, SECURITY_SETTINGS_FIELDS, TRADE_FIELDS, TRANSFER_FIELDS } from './modules/exchange/exchange.fields.js';
import { TICKET_CONTACT_FIELDS } from './modules/support/support.fields.js';
import { SCREENING_FIELDS } from './modules/screening/screening.fields.js';
import { KYC_CASE_FIELDS, KYC_DOCUMENT_FIELDS } from './modules/kyc/kyc.fields.js';
import { TRADER_FIELDS } from './modules/traders/traders.fields.js';
import { ALERT_EVENT_FIELDS, ALERT_FIELDS, CASE_FIELDS } from './modules/cases/cases.fields.js';
import { SAR_REPORT_FIELDS } from './modules/sar/sar.fields.js';
import { WITHDRAWAL_LIMIT_FIELDS } from './modules/withdrawal-limits/withdrawal-limits.fields.js';

export interface RegistryEntry {
  record: string;
  /** Where it lives and how it is protected at rest. */
  storedIn: string;
  /** How access is decided: per field (the member's field policy) or by a permission for the whole record. */
  access: 'field policy' | 'permission';
  fields: Readonly<Record<string, AnyFieldSpec>>;
}

const SUPPORT = 'Answering the trader and keeping the history of what was said';

const TRADER_NOTE = defineFieldPolicy<{ body: string; author: string; createdAt: string }>({
  body: { class: 'contact', label: 'Note text', purpose: 'What staff need the next colleague to know; secrets are redacted before storage', legalBasis: 'legitimate_interests' },
  author: { class: 'public', label: 'Author (staff member)', purpose: 'Accountability for what was written', legalBasis: 'legitimate_interests' },
  createdAt: { class: 'public', label: 'Written at', purpose: 'Order of notes; record-keeping', legalBasis: 'legitimate_interests' },
});

const TICKET_MESSAGE = defineFieldPolicy<{ subject: string; body: string; attachment: string; attachmentName: string; redactions: string[] }>({
  subject: { class: 'contact', label: 'Ticket subject', purpose: SUPPORT, legalBasis: 'contract' },
  body: { class: 'contact', label: 'Message text (trader, reply or internal note)', purpose: SUPPORT, legalBasis: 'contract' },
  attachment: { class: 'identity', label: 'Attachment content (documents, screenshots)', purpose: SUPPORT, legalBasis: 'contract' },
  attachmentName: { class: 'contact', label: 'Attachment file name', purpose: SUPPORT, legalBasis: 'contract' },
  redactions: { class: 'public', label: 'Kinds of secrets redacted', purpose: 'Telling staff a secret was removed, without keeping it', legalBasis: 'legitimate_interests' },
});

const CONSENT = defineFieldPolicy<{ category: string; granted: boolean; source: string; wordingVersion: string; recordedAt: string; recordedBy: string }>({
  category: { class: 'public', label: 'Category', purpose: 'Proof of consent per purpose (GDPR Art. 7(1))', legalBasis: 'legal_obligation' },
  granted: { class: 'public', label: 'Granted or withdrawn', purpose: 'Whom marketing may contact', legalBasis: 'legal_obligation' },
  source: { class: 'public', label: 'Source', purpose: 'Proof of how consent was given or withdrawn', legalBasis: 'legal_obligation' },
  wordingVersion: { class: 'public', label: 'Wording version', purpose: 'Proof of what the trader agreed to', legalBasis: 'legal_obligation' },
  recordedAt: { class: 'public', label: 'Time', purpose: 'Proof of when', legalBasis: 'legal_obligation' },
  recordedBy: { class: 'public', label: 'Recorded by', purpose: 'Accountability when staff record a change', legalBasis: 'legal_obligation' },
});

const STAFF = defineFieldPolicy<{ email: string; displayName: string; roles: string[]; passwordHash: string; totpSecret: string; sessionIp: string; signInCountry: string }>({
  email: { class: 'contact', label: 'Staff e-mail', purpose: 'Sign-in identifier; invitations, reset links and security notices', legalBasis: 'contract' },
  displayName: { class: 'public', label: 'Staff display name', purpose: 'Who did what, in the UI and the audit log', legalBasis: 'legitimate_interests' },
  roles: { class: 'public', label: 'Roles', purpose: 'Access control', legalBasis: 'legitimate_interests' },
  passwordHash: { class: 'secret', label: 'Password hash (Argon2id)', purpose: 'Verifying the password; never shown', legalBasis: 'legitimate_interests' },
  totpSecret: { class: 'secret', label: 'TOTP secret', purpose: 'Verifying the second factor; never shown', legalBasis: 'legitimate_interests' },
  sessionIp: { class: 'security', label: 'Session IP and user agent', purpose: 'Binding sessions; detecting stolen cookies and new locations', legalBasis: 'legitimate_interests' },
  signInCountry: { class: 'security', label: 'Sign-in country', purpose: 'Freezing sign-ins from a new country until a security officer clears them', legalBasis: 'legitimate_interests' },
});

const EXCHANGE_STORE = 'exchange_snapshot (last answer per trader and kind, encrypted under the trader key); read live through the connector';

export const FIELD_REGISTRY: readonly RegistryEntry[] = [
  { record: 'Trader profile', storedIn: 'trader, trader_wallet, trader_balance, trader_person: personal columns encrypted under the trader key, blind indexes for search', access: 'field policy', fields: TRADER_FIELDS },
  { record: 'Exchange: balances', storedIn: EXCHANGE_STORE, access: 'field policy', fields: BALANCE_FIELDS },
  { record: 'Exchange: open orders', storedIn: EXCHANGE_STORE, access: 'field policy', fields: ORDER_FIELDS },
  { record: 'Exchange: trades', storedIn: EXCHANGE_STORE, access: 'field policy', fields: TRADE_FIELDS },
  { record: 'Exchange: deposits and withdrawals', storedIn: EXCHANGE_STORE, access: 'field policy', fields: TRANSFER_FIELDS },
  { record: 'Exchange: security events', storedIn: 'trader_security_event (IP and details encrypted under the trader key)', access: 'field policy', fields: SECURITY_EVENT_FIELDS },
  { record: 'Exchange: security settings', storedIn: EXCHANGE_STORE, access: 'field policy', fields: SECURITY_SETTINGS_FIELDS },
  { record: 'Exchange: API keys (never secrets)', storedIn: EXCHANGE_STORE, access: 'field policy', fields: API_KEY_FIELDS },
  { record: 'Ticket contact', storedIn: 'derived from the trader profile (not stored again)', access: 'field policy', fields: TICKET_CONTACT_FIELDS },
  { record: 'Ticket messages and attachments', storedIn: 'ticket, ticket_message, ticket_attachment: encrypted under the trader key', access: 'permission', fields: TICKET_MESSAGE },
  { record: 'Screening runs, hits and decisions', storedIn: 'screening_run (evidence), screening_hit (explanation), screening_decision (rationale): encrypted under the trader key; subjects by reference and HMAC', access: 'permission', fields: SCREENING_FIELDS },
  { record: 'Trader notes', storedIn: 'trader_note: encrypted under the trader key', access: 'permission', fields: TRADER_NOTE },
  { record: 'KYC case', storedIn: 'kyc_case, kyc_case_event: questionnaire, risk factors, reasons and provider results encrypted under the trader key', access: 'permission', fields: KYC_CASE_FIELDS },
  { record: 'KYC documents', storedIn: 'kyc_document: content and file name encrypted under the trader key (images stripped of metadata first)', access: 'permission', fields: KYC_DOCUMENT_FIELDS },
  { record: 'Monitoring events (alert view)', storedIn: 'monitoring_event.payload_ct (counterparty, IP, transaction hash: encrypted under the trader key); type, times, asset, amounts and country in plain columns for detection', access: 'field policy', fields: ALERT_EVENT_FIELDS },
  { record: 'Monitoring alerts', storedIn: 'monitoring_alert: explanation, facts and close reason encrypted under the trader key', access: 'permission', fields: ALERT_FIELDS },
  { record: 'AML case', storedIn: 'aml_case, aml_case_event, aml_case_note, aml_case_attachment: title, reasons, notes, timeline details, attachment names and contents encrypted under the subject trader key', access: 'permission', fields: CASE_FIELDS },
  { record: 'Suspicious-activity report', storedIn: 'sar_report.content_ct, sar_report_event.reason_ct: subject snapshot, transactions, narrative and reasons encrypted under the subject trader key', access: 'permission', fields: SAR_REPORT_FIELDS },
  { record: 'Withdrawal-limit request', storedIn: 'withdrawal_limit_request: reasons and decision reasons encrypted under the trader key; limits, states and times in clear', access: 'permission', fields: WITHDRAWAL_LIMIT_FIELDS },
  { record: 'Consent', storedIn: 'consent_event (append-only), consent_current', access: 'permission', fields: CONSENT },
  { record: 'Staff member', storedIn: 'staff, staff_session, webauthn_credential: e-mail and TOTP secret encrypted with the field ring', access: 'permission', fields: STAFF },
];
