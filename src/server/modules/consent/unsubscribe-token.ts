// The signed unsubscribe token: base64url("<trader id>.<category>.<issued at, unix seconds>") "." base64url(MAC).
//
// - The MAC is the vault's purpose-bound HMAC (a key derived from the blind-index ring; every held ring version
//   is tried, so a rotation does not break links already in mailboxes). Changing one byte, the category or the
//   trader id makes it fail; the payload is checked for shape only AFTER the MAC, so nothing about a forged
//   token is looked up in the database.
// - Not secret, but not guessable: the payload names the trader's id (an internal UUID, nothing personal), which
//   only the trader's own mailbox sees. It is not a sign-in: it can do one thing, opt out of one category, and
//   opting out again is harmless, so it has no expiry and no single use (a regulator expects an unsubscribe link
//   to keep working).
import { CONSENT_CATEGORIES, type ConsentCategory } from '../../../contracts/consent.js';
import type { Vault } from '../../platform/crypto/vault.js';

const PURPOSE = 'unsubscribe-link';
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC_BYTES = 32;

export interface UnsubscribeClaim {
  traderId: string;
  category: ConsentCategory;
  issuedAt: Date;
}

/** Builds the token for a trader and category, issued now. */
export function signUnsubscribeToken(vault: Pick<Vault, 'mac'>, claim: UnsubscribeClaim): string {
  const payload = `${claim.traderId.toLowerCase()}.${claim.category}.${Math.floor(claim.issuedAt.getTime() / 1000)}`;
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${vault.mac(PURPOSE, payload).toString('base64url')}`;
}

/** The claim of a genuine token, or null for anything forged, tampered with or malformed (never throws). */
export function verifyUnsubscribeToken(vault: Pick<Vault, 'verifyMac'>, token: string): UnsubscribeClaim | null {
  if (typeof token !== 'string' || token.length > 400) return null;
  const parts = token.split('.');
  if (parts.length !== 2 || !SEGMENT.test(parts[0]!) || !SEGMENT.test(parts[1]!)) return null;
  const payloadBytes = Buffer.from(parts[0]!, 'base64url');
  const tag = Buffer.from(parts[1]!, 'base64url');
  // Canonical encodings only: a second spelling of the same bytes would be a second valid token.
  if (payloadBytes.toString('base64url') !== parts[0] || tag.toString('base64url') !== parts[1] || tag.length !== MAC_BYTES) return null;
  const payload = payloadBytes.toString('utf8');
  if (!vault.verifyMac(PURPOSE, payload, tag)) return null;
  const [traderId, category, issued, ...rest] = payload.split('.');
  if (rest.length || !traderId || !UUID.test(traderId) || !(CONSENT_CATEGORIES as readonly string[]).includes(category ?? '') || !/^\d{1,12}$/.test(issued ?? '')) {
    return null;
  }
  return { traderId, category: category as ConsentCategory, issuedAt: new Date(Number(issued) * 1000) };
}
