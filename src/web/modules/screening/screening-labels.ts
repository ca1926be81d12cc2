// Words and badges for screening states, shared by the queue, the hit page and the trader panel.
export const HIT_STATUS_LABELS: Record<string, string> = { open: 'Open', false_positive: 'False positive', confirmed: 'True match' };
export const HIT_STATUS_BADGES: Record<string, string> = { open: 'badge badge-warning', false_positive: 'badge badge-neutral', confirmed: 'badge badge-error' };
export const SUBJECT_LABELS: Record<string, string> = { trader: 'Trader', director: 'Director', ubo: 'UBO', wallet: 'Wallet', counterparty: 'Counterparty wallet' };
export const LIST_LABELS: Record<string, string> = {
  ofac_sdn: 'OFAC SDN',
  ofac_cons: 'OFAC consolidated',
  un_sc: 'UN Security Council',
  eu_fsf: 'EU financial sanctions',
  uk_sanctions: 'UK sanctions',
  opensanctions: 'OpenSanctions',
  ofac_wallets: 'OFAC wallet addresses',
};
export const TRADER_STATUS: Record<string, { label: string; badge: string }> = {
  no_lists_loaded: { label: 'No lists loaded — not screened', badge: 'badge badge-error' },
  never_screened: { label: 'Not screened yet', badge: 'badge badge-warning' },
  clear: { label: 'Clear', badge: 'badge badge-ok' },
  review: { label: 'Hits to review', badge: 'badge badge-warning' },
  confirmed: { label: 'Confirmed match', badge: 'badge badge-error' },
};
export const listLabel = (s: string) => LIST_LABELS[s] ?? s;
export const scorePct = (x: number) => `${Math.round(x * 100)}%`;
