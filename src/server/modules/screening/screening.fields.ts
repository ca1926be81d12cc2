// What the screening service stores about a trader, classified for the field registry (docs/data-inventory.md).
// Access is by permission (screening.read / screening.review, through the trader's 'risk' section); the screened
// side of an explanation is additionally shown only to members whose identity class is shown in full.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';

const AML = 'Sanctions, PEP and wallet screening required by AML/CFT law, and the proof that it ran';

export const SCREENING_FIELDS = defineFieldPolicy<{
  screened: string;
  explanation: string;
  subjectRef: string;
  subjectHash: string;
  listEntity: string;
  score: string;
  decisionReason: string;
  reviewer: string;
  runMeta: string;
}>({
  screened: { class: 'identity', label: 'What was screened (names, dates of birth, countries, wallet and counterparty addresses)', purpose: AML, legalBasis: 'legal_obligation' },
  explanation: { class: 'identity', label: "Match explanation (the screened name's tokens and the factors compared)", purpose: AML, legalBasis: 'legal_obligation' },
  subjectRef: { class: 'public', label: 'Screened subject: kind and reference (trader, director, UBO, wallet, transfer id)', purpose: AML, legalBasis: 'legal_obligation' },
  subjectHash: { class: 'public', label: "Keyed hash (HMAC) of the subject's screened fields", purpose: 'Re-opening a cleared false positive when the subject changes', legalBasis: 'legal_obligation' },
  listEntity: { class: 'public', label: 'Matched list entity (list, id, name, topics, content hash): public list data', purpose: AML, legalBasis: 'legal_obligation' },
  score: { class: 'public', label: 'Score and status of a hit', purpose: AML, legalBasis: 'legal_obligation' },
  decisionReason: { class: 'identity', label: "Reviewer's rationale (false positive or true match)", purpose: AML, legalBasis: 'legal_obligation' },
  reviewer: { class: 'public', label: 'Reviewer and decision time', purpose: 'Accountability for each decision', legalBasis: 'legal_obligation' },
  runMeta: { class: 'public', label: 'Screening time, trigger, list versions and hashes, algorithm version, threshold', purpose: 'Proof that a check ran on a given date', legalBasis: 'legal_obligation' },
});
