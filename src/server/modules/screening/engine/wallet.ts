// Wallet addresses match exactly, never fuzzily: a one-character difference is a different wallet. What
// "exactly" means depends on the encoding, so each address is brought to its canonical form first:
//
//   hex (0x… on Ethereum and every EVM chain, TRON's 41… hex form)  case-insensitive: the mixed case of
//       EIP-55 is only a checksum, so the lower-case form is canonical.
//   bech32 / bech32m (bc1…, ltc1…, tb1…) and CashAddr (bitcoincash:q…)  case-insensitive but never mixed
//       case (BIP-173: a mixed-case string is invalid): all-upper and all-lower are the same address; a
//       mixed-case string is kept as typed, so it equals nothing on a list.
//   base58 (BTC legacy 1…/3…, TRX T…, XMR 4…/8…, LTC L…/M…, DASH X…, ZEC t1…, XRP r…) and anything else
//       case-sensitive: upper-casing a base58 address makes another (usually invalid) address.

/** How an address is compared. */
export type WalletEncoding = 'hex' | 'bech32' | 'cashaddr' | 'case_sensitive';

const HEX_EVM = /^0x[0-9a-f]{40}$/i;
const HEX_TRON = /^41[0-9a-f]{40}$/i;
// human-readable part, separator '1', data in the bech32 alphabet (no 1, b, i, o), checksum 6+ characters.
const BECH32 = /^[a-z]{1,20}1[02-9ac-hj-np-z]{6,90}$/i;
const CASHADDR = /^(bitcoincash|bchtest|ecash):[02-9ac-hj-np-z]{20,}$/i;

function oneCase(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase();
}

/** Which comparison rule applies to an address (the currency is a hint only; the form decides). */
export function walletEncoding(address: string): WalletEncoding {
  if (HEX_EVM.test(address) || HEX_TRON.test(address)) return 'hex';
  if (CASHADDR.test(address) && oneCase(address)) return 'cashaddr';
  if (BECH32.test(address) && oneCase(address)) return 'bech32';
  return 'case_sensitive';
}

/**
 * The canonical form of a wallet address for exact comparison: trimmed, internal whitespace removed, and
 * lower-cased only where the encoding is case-insensitive. '' for input that cannot be an address.
 * `currency` is accepted for callers that have it (a list's ticker); the encoding is read from the address.
 */
export function normaliseWallet(address: string, currency?: string): string {
  void currency;
  if (typeof address !== 'string') return '';
  const a = address.normalize('NFKC').replace(/\s+/gu, '');
  if (a.length < 20 || a.length > 128 || !/^[0-9A-Za-z:]+$/.test(a)) return '';
  switch (walletEncoding(a)) {
    case 'hex':
    case 'bech32':
    case 'cashaddr':
      return a.toLowerCase();
    default:
      return a;
  }
}
