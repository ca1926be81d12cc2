// The KYC records' fields for the field registry (docs/data-inventory.md): what a case and its documents hold,
// with class, purpose and lawful basis. Access is by permission (kyc.read for the case, kyc.document.read for a
// document's content, kyc.document.download for the original), on top of the trader's `kyc` section.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';

const CDD = 'Customer due diligence: verifying who the trader is before and while doing business (AML directives, FATF R.10)';

export const KYC_CASE_FIELDS = defineFieldPolicy<{
  state: string;
  questionnaire: string;
  riskRating: string;
  riskFactors: string;
  reasons: string;
  eddChecklist: string;
  providerResult: string;
  nextReviewAt: string;
}>({
  state: { class: 'public', label: 'Case state, priority, assignee, due time', purpose: 'Running the review queue and its SLA', legalBasis: 'legal_obligation' },
  questionnaire: { class: 'identity', label: 'Occupation or business activity, expected volume, products', purpose: `${CDD}; input of the risk rating`, legalBasis: 'legal_obligation' },
  riskRating: { class: 'public', label: 'Risk level (low, medium, high)', purpose: 'Risk-based approach: depth of due diligence and review interval', legalBasis: 'legal_obligation' },
  riskFactors: { class: 'identity', label: 'Risk factors and their points (country, PEP, screening, activity, volume, products)', purpose: 'Explaining a rating to a reviewer and a regulator', legalBasis: 'legal_obligation' },
  reasons: { class: 'identity', label: 'Reasons written by reviewers (decisions, requests for information)', purpose: 'Record-keeping of due-diligence decisions', legalBasis: 'legal_obligation' },
  eddChecklist: { class: 'public', label: 'Enhanced due diligence checklist (who ticked what, when)', purpose: 'Enhanced due diligence of high-risk customers and its senior sign-off', legalBasis: 'legal_obligation' },
  providerResult: { class: 'identity', label: "Verification provider's result and reference", purpose: `${CDD} (document and liveness checks)`, legalBasis: 'legal_obligation' },
  nextReviewAt: { class: 'public', label: 'Next periodic review', purpose: 'Keeping due diligence up to date (periodic refresh)', legalBasis: 'legal_obligation' },
});

export const KYC_DOCUMENT_FIELDS = defineFieldPolicy<{ content: string; filename: string; type: string; digest: string }>({
  content: { class: 'identity', label: 'Document content (ID, proof of address, selfie, company documents, source of funds/wealth)', purpose: CDD, legalBasis: 'legal_obligation' },
  filename: { class: 'identity', label: 'File name', purpose: CDD, legalBasis: 'legal_obligation' },
  type: { class: 'public', label: 'Document type, size, pages, metadata removed', purpose: 'Knowing what is on file without opening it', legalBasis: 'legal_obligation' },
  digest: { class: 'public', label: 'SHA-256 of the stored file', purpose: 'Proving a document was not altered', legalBasis: 'legal_obligation' },
});
