// The SAR record's fields for the field registry (docs/data-inventory.md): what a report holds, with class, purpose
// and lawful basis. Access is by permission (sar.read to see, sar.manage to edit, sar.file to file or withdraw), on
// top of the subject trader's `risk` section; none of it is ever shown to trader-facing staff (tipping-off).
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';

const SAR = 'Reporting suspicious activity to the financial intelligence unit (AML directives, FATF R.20)';

export const SAR_REPORT_FIELDS = defineFieldPolicy<{
  workflow: string;
  subjects: string;
  transactions: string;
  narrative: string;
  reason: string;
  fiuReference: string;
  withdrawReason: string;
}>({
  workflow: { class: 'public', label: 'Reference, status, detection date, deadline, who drafted, readied, filed', purpose: 'Meeting the filing deadline; accountability of the reporting process', legalBasis: 'legal_obligation' },
  subjects: { class: 'identity', label: 'Subject snapshot: names, date of birth, country, account, wallets, directors and UBOs', purpose: SAR, legalBasis: 'legal_obligation' },
  transactions: { class: 'financial', label: 'Transactions: amounts, assets, dates, counterparty addresses, chains, transaction hashes', purpose: SAR, legalBasis: 'legal_obligation' },
  narrative: { class: 'identity', label: 'Narrative, action taken, indicators', purpose: SAR, legalBasis: 'legal_obligation' },
  reason: { class: 'identity', label: 'Reason for suspicion', purpose: SAR, legalBasis: 'legal_obligation' },
  fiuReference: { class: 'public', label: "The FIU's acknowledgement number", purpose: 'Proving the report was filed', legalBasis: 'legal_obligation' },
  withdrawReason: { class: 'identity', label: 'Why a report was withdrawn', purpose: 'Accountability of a decision not to report', legalBasis: 'legal_obligation' },
});
