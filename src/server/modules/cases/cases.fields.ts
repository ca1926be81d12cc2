// Alerts and cases for the field registry (docs/data-inventory.md): what an alert, the events behind it and a case
// hold, with class, purpose and lawful basis. Alerts and cases are permission records (monitoring.read, case.read);
// the events' identifying parts are presented per field policy (ALERT_EVENT_FIELDS: the alert page masks them).
import { maskIp, maskLast4 } from '../../platform/authz/masks.js';
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';

const MONITORING = 'Transaction monitoring: detecting and investigating suspicious activity (AML directives, FATF R.20)';
const INVESTIGATION = 'Investigating suspicious activity and recording the decision (AML record-keeping, FATF R.11)';

export const ALERT_FIELDS = defineFieldPolicy<{ state: string; explanation: string; facts: string; closeReason: string }>({
  state: { class: 'public', label: 'Rule, version, severity, status, times, event ids, case', purpose: 'Running the alert queue', legalBasis: 'legal_obligation' },
  explanation: { class: 'financial', label: "The rule's explanation (amounts, counts, windows; no names)", purpose: MONITORING, legalBasis: 'legal_obligation' },
  facts: { class: 'financial', label: 'The facts the explanation was rendered from', purpose: MONITORING, legalBasis: 'legal_obligation' },
  closeReason: { class: 'identity', label: 'Reason an alert was closed (free text)', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
});

/**
 * The events behind an alert as the alert page shows them. The movement (type, time, asset, amount, USD value,
 * country) is the plain, pseudonymous part of the event and is shown whole to whoever may open the alert — the
 * alert is about it; the identifying parts follow the member's field policy.
 */
export const ALERT_EVENT_FIELDS = defineFieldPolicy<{ movement: string; chain: string; counterparty: string; txHash: string; ip: string }>({
  movement: { class: 'public', label: 'Event type, time, asset, amount, USD value, country', purpose: MONITORING, legalBasis: 'legal_obligation' },
  chain: { class: 'public', label: 'Blockchain network', purpose: MONITORING, legalBasis: 'legal_obligation' },
  counterparty: { class: 'financial', label: 'Deposit source or withdrawal destination address', purpose: MONITORING, legalBasis: 'legal_obligation', mask: maskLast4 },
  txHash: { class: 'financial', label: 'Transaction hash', purpose: MONITORING, legalBasis: 'legal_obligation', mask: maskLast4 },
  ip: { class: 'security', label: 'Login or security event IP', purpose: MONITORING, legalBasis: 'legal_obligation', mask: maskIp },
});

export const CASE_FIELDS = defineFieldPolicy<{ state: string; title: string; notes: string; attachments: string; attachmentNames: string; decisionReason: string; timeline: string }>({
  state: { class: 'public', label: 'Reference, status, queue, priority, SLA, assignee, links (record ids)', purpose: 'Running the case queues and their SLA', legalBasis: 'legal_obligation' },
  title: { class: 'identity', label: 'Case title (free text)', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
  notes: { class: 'identity', label: 'Investigation notes (free text)', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
  attachments: { class: 'identity', label: 'Attachment content (statements, screenshots, correspondence)', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
  attachmentNames: { class: 'identity', label: 'Attachment file names', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
  decisionReason: { class: 'identity', label: 'Reason of the closing decision', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
  timeline: { class: 'identity', label: 'Timeline details (reasons of status changes, assignments, links)', purpose: INVESTIGATION, legalBasis: 'legal_obligation' },
});
