// The field policy of every record the exchange reports, so that what a member sees of it follows their roles
// like any trader field: amounts, prices and addresses are financial; IPs, key ids, key endings, IP whitelists
// and the account's defences (2FA, anti-phishing, withdrawal whitelist) are security. defineFieldPolicy takes a
// class, a purpose and a legal basis for every field: a field added to a record without them does not compile.
import type {
  ExchangeApiKey,
  ExchangeBalance,
  ExchangeOrder,
  ExchangeSecurityEvent,
  ExchangeSecuritySettings,
  ExchangeTrade,
  ExchangeTransfer,
} from '../../../contracts/exchange.js';
import { defineFieldPolicy } from '../../platform/authz/field-policy.js';
import { maskAmount, maskIp, maskLast4 } from '../../platform/authz/masks.js';

const ACCOUNT = 'contract' as const;
const AML = 'legal_obligation' as const;
const SECURITY = 'legitimate_interests' as const;
const SUPPORT = 'Answering the trader\'s questions about their account at the exchange';
const MONITORING = 'Transaction monitoring and investigations (read from the exchange, kept only as the last answer)';
const TAKEOVER = 'Account-takeover investigations and containment ("who disabled my 2FA?")';

export const BALANCE_FIELDS = defineFieldPolicy<ExchangeBalance>({
  asset: { class: 'public', label: 'Asset', purpose: SUPPORT, legalBasis: ACCOUNT },
  available: { class: 'financial', label: 'Available', mask: maskAmount, purpose: SUPPORT, legalBasis: ACCOUNT },
  locked: { class: 'financial', label: 'Locked in orders', mask: maskAmount, purpose: SUPPORT, legalBasis: ACCOUNT },
});

export const ORDER_FIELDS = defineFieldPolicy<ExchangeOrder>({
  orderId: { class: 'public', label: 'Order id', purpose: SUPPORT, legalBasis: ACCOUNT },
  market: { class: 'public', label: 'Market', purpose: SUPPORT, legalBasis: ACCOUNT },
  side: { class: 'public', label: 'Side', purpose: SUPPORT, legalBasis: ACCOUNT },
  type: { class: 'public', label: 'Type', purpose: SUPPORT, legalBasis: ACCOUNT },
  price: { class: 'financial', label: 'Price', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  quantity: { class: 'financial', label: 'Quantity', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  filled: { class: 'financial', label: 'Filled', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  status: { class: 'public', label: 'Status', purpose: SUPPORT, legalBasis: ACCOUNT },
  createdAt: { class: 'public', label: 'Placed', purpose: SUPPORT, legalBasis: ACCOUNT },
});

export const TRADE_FIELDS = defineFieldPolicy<ExchangeTrade>({
  tradeId: { class: 'public', label: 'Trade id', purpose: SUPPORT, legalBasis: ACCOUNT },
  orderId: { class: 'public', label: 'Order id', purpose: SUPPORT, legalBasis: ACCOUNT },
  market: { class: 'public', label: 'Market', purpose: SUPPORT, legalBasis: ACCOUNT },
  side: { class: 'public', label: 'Side', purpose: SUPPORT, legalBasis: ACCOUNT },
  price: { class: 'financial', label: 'Price', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  quantity: { class: 'financial', label: 'Quantity', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  fee: { class: 'financial', label: 'Fee', mask: maskAmount, purpose: SUPPORT, legalBasis: ACCOUNT },
  feeAsset: { class: 'public', label: 'Fee asset', purpose: SUPPORT, legalBasis: ACCOUNT },
  executedAt: { class: 'public', label: 'Executed', purpose: SUPPORT, legalBasis: ACCOUNT },
});

export type TransferRecord = ExchangeTransfer & { direction: 'deposit' | 'withdrawal' };
export const TRANSFER_FIELDS = defineFieldPolicy<TransferRecord>({
  direction: { class: 'public', label: 'Direction', purpose: SUPPORT, legalBasis: ACCOUNT },
  transferId: { class: 'public', label: 'Transfer id', purpose: SUPPORT, legalBasis: ACCOUNT },
  asset: { class: 'public', label: 'Asset', purpose: SUPPORT, legalBasis: ACCOUNT },
  amount: { class: 'financial', label: 'Amount', mask: maskAmount, purpose: MONITORING, legalBasis: AML },
  network: { class: 'public', label: 'Network', purpose: SUPPORT, legalBasis: ACCOUNT },
  address: { class: 'financial', label: 'Address', mask: maskLast4, purpose: 'Tracing funds; screening against sanctioned wallet lists', legalBasis: AML },
  txHash: { class: 'financial', label: 'Transaction hash', mask: maskLast4, purpose: 'Tracing funds on chain', legalBasis: AML },
  status: { class: 'public', label: 'Status', purpose: SUPPORT, legalBasis: ACCOUNT },
  at: { class: 'public', label: 'Time', purpose: SUPPORT, legalBasis: ACCOUNT },
});

export const SECURITY_EVENT_FIELDS = defineFieldPolicy<ExchangeSecurityEvent>({
  eventId: { class: 'public', label: 'Event id', purpose: TAKEOVER, legalBasis: SECURITY },
  kind: { class: 'public', label: 'Event', purpose: TAKEOVER, legalBasis: SECURITY },
  occurredAt: { class: 'public', label: 'Time', purpose: TAKEOVER, legalBasis: SECURITY },
  ip: { class: 'security', label: 'IP address', mask: maskIp, purpose: TAKEOVER, legalBasis: SECURITY },
  // A country is as coarse as the trader's own country (public in the trader policy).
  country: { class: 'public', label: 'Country', purpose: TAKEOVER, legalBasis: SECURITY },
  detail: { class: 'security', label: 'Detail', purpose: TAKEOVER, legalBasis: SECURITY },
});

export const SECURITY_SETTINGS_FIELDS = defineFieldPolicy<ExchangeSecuritySettings>({
  // Booleans have no partial form: masked, they are left out.
  twoFactorEnabled: { class: 'security', label: '2FA enabled', purpose: TAKEOVER, legalBasis: SECURITY },
  antiPhishingCodeSet: { class: 'security', label: 'Anti-phishing code set', purpose: 'Telling support whether replies can be sent (they carry the code)', legalBasis: SECURITY },
  withdrawalWhitelistEnabled: { class: 'security', label: 'Withdrawal whitelist on', purpose: TAKEOVER, legalBasis: SECURITY },
  whitelist: {
    class: 'security',
    label: 'Withdrawal address whitelist',
    mask: (ws) => ws.map((w) => ({ ...w, address: maskLast4(w.address) })),
    purpose: TAKEOVER,
    legalBasis: SECURITY,
  },
  frozen: { class: 'public', label: 'Frozen at the exchange', purpose: 'Whether the account may trade', legalBasis: ACCOUNT },
});

export const API_KEY_FIELDS = defineFieldPolicy<ExchangeApiKey>({
  keyId: { class: 'security', label: 'Key id', mask: maskLast4, purpose: 'Identifying a key to revoke in an incident', legalBasis: SECURITY },
  label: { class: 'public', label: 'Label', purpose: 'How the trader and support name a key', legalBasis: ACCOUNT },
  last4: { class: 'security', label: 'Last 4 characters', mask: () => '****', purpose: 'Matching a key the trader reads out (never the secret)', legalBasis: SECURITY },
  permissions: { class: 'public', label: 'Permissions', purpose: 'Whether a key can trade or withdraw (incident triage)', legalBasis: SECURITY },
  ipWhitelist: { class: 'security', label: 'IP whitelist', mask: (ips) => ips.map(maskIp), purpose: TAKEOVER, legalBasis: SECURITY },
  createdAt: { class: 'public', label: 'Created', purpose: TAKEOVER, legalBasis: SECURITY },
  lastUsedAt: { class: 'public', label: 'Last used', purpose: TAKEOVER, legalBasis: SECURITY },
});
