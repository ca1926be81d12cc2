// The trader's contact as a ticket shows it, through the member's field policy: junior support sees the display
// name and the e-mail address and phone number MASKED (enough to confirm "is this j***@g***.com?"), seniors see
// them masked with reveal on the profile page, compliance in full. Exhaustive: a field added here without a
// class does not compile.
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';
import { maskEmail, maskPhone } from '../../platform/authz/masks.js';

export interface TicketContactRecord {
  accountRef: string;
  /** The first name, derived from the legal name: how a reply greets the trader. */
  displayName: string;
  email: string;
  phone: string;
}

export const TICKET_CONTACT_FIELDS = defineFieldPolicy<TicketContactRecord>({
  accountRef: { class: 'public', label: 'Account reference', purpose: 'Identifies the account the ticket is about', legalBasis: 'contract' },
  displayName: { class: 'public', label: 'Display name (first name)', purpose: 'How support greets the trader in replies', legalBasis: 'contract' },
  email: { class: 'contact', label: 'Email', mask: maskEmail, purpose: 'Where support replies are sent; confirming who wrote in', legalBasis: 'contract' },
  phone: { class: 'contact', label: 'Phone', mask: maskPhone, purpose: 'Verifying a caller who refers to a ticket', legalBasis: 'contract' },
});
