// The withdrawal-limit request's fields for the field registry (docs/data-inventory.md): what a request holds, with
// class, purpose and lawful basis. Access is by permission (withdrawal_limit.request lists requests; reasons only to
// holders of withdrawal_limit.approve or .decrease, and to the member who wrote one), after the trader's record-level
// check.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';

const LIMITS = 'Setting how much a trader may withdraw per day, and changing it only with a second person (four eyes)';

export const WITHDRAWAL_LIMIT_FIELDS = defineFieldPolicy<{ limits: string; state: string; reason: string; decisionReason: string; exchangeRequestId: string }>({
  limits: { class: 'financial', label: 'Asset, daily limit at request time and the requested limit', purpose: LIMITS, legalBasis: 'contract' },
  state: { class: 'public', label: 'Direction, source (staff or trader), state, who asked and decided, when, error code of a failed application', purpose: 'Accountability for every change of a limit', legalBasis: 'legal_obligation' },
  reason: {
    class: 'financial',
    label: "Reason for the request (the trader's words, a member's note, or a risk reason for a decrease)",
    purpose: `${LIMITS}; a risk decrease's reason may name a suspicion, so trader-facing staff do not see it`,
    legalBasis: 'legal_obligation',
  },
  decisionReason: { class: 'financial', label: "The approver's reason", purpose: 'Record-keeping of four-eyes decisions', legalBasis: 'legal_obligation' },
  exchangeRequestId: { class: 'public', label: "The exchange's request id (trader requests)", purpose: 'Answering a redelivered request once (idempotency)', legalBasis: 'contract' },
});
