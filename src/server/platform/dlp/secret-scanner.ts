// Secret scanner: finds values a trader must never share with staff (seed phrases, private keys, full API
// secrets, card numbers) in free text, so callers can redact them BEFORE the text is encrypted and stored.
// Whatever reaches the database has already lost the secret; we never keep "the original, just in case".
//
// Decisions (the security engineers who read this asked for them to be explicit):
// - Seed phrases: a run of >= 12 consecutive BIP-39 English words, separated only by whitespace, commas,
//   semicolons, dots, brackets, dashes or numbering ("1. abandon 2) ability"), case-insensitive. The BIP-39
//   checksum is NOT required: a phrase with one mistyped word (or a 12-word prefix of a 24-word phrase) still
//   gives an attacker most of the wallet. Runs longer than 12 that are not 15/18/21/24 are redacted whole for the
//   same reason. Ordinary English breaks such runs quickly: "the", "a", "is", "to", "of", "my" are not BIP-39 words.
// - Private keys: 64 hex characters (with or without 0x), WIF keys (base58check-valid), extended private keys
//   (xprv/yprv/zprv/tprv/uprv/vprv/Yprv/Zprv) and PEM "PRIVATE KEY" blocks (an unterminated block is redacted to
//   the end of the text). A 64-hex transaction hash is indistinguishable from a raw private key, so we redact it
//   too: a redacted tx hash costs the agent one question (and the exchange section shows the trader's
//   deposits/withdrawals anyway), a stored private key is an irreversible loss of the trader's funds.
// - API secrets: tokens of >= 32 base64/base64url/hex characters with high Shannon entropy. Wallet addresses
//   survive because traders quote them all the time: BTC legacy/P2SH and other base58 addresses (TRON, LTC, DOGE,
//   Solana: pure base58 up to 44 characters), bech32 addresses (bc1…, ltc1…, cosmos1…), XRP (r…), Monero
//   (4…/8…, 95/106 base58 characters), ETH (0x + 40 hex; also 40 hex without the prefix) and other 0x-hex data.
//   UUIDs survive. URL paths are judged segment by segment. The cost: an API secret that is itself pure base58 of
//   <= 44 characters is not caught — exchange API secrets are 64+ alphanumerics or base64, so we accept that.
// - Card numbers: 13–19 digits, single spaces or dashes between digits allowed, Luhn-valid. Any Luhn-valid run is
//   redacted (no issuer-prefix check): 1 in 10 random order numbers of that length will be redacted too, which is
//   the cheaper mistake.
// Offsets in `findings` refer to the INPUT text; `text` is the input with each finding replaced by its label.
import { createHash } from 'node:crypto';
import { wordlist as bip39English } from '@scure/bip39/wordlists/english.js';

export const SECRET_KINDS = ['seed_phrase', 'private_key', 'api_secret', 'card_number'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface SecretFinding {
  kind: SecretKind;
  start: number;
  end: number;
}

export interface ScanResult {
  text: string;
  findings: SecretFinding[];
}

const LABEL: Record<SecretKind, string> = {
  seed_phrase: 'seed phrase',
  private_key: 'private key',
  api_secret: 'API secret',
  card_number: 'card number',
};

/** The replacement text for a finding of this kind, e.g. "[redacted: seed phrase]". */
export function redactionLabel(kind: SecretKind): string {
  return `[redacted: ${LABEL[kind]}]`;
}

const BIP39 = new Set(bip39English);
const MIN_SEED_WORDS = 12;
// Entropy thresholds in bits per character (empirical Shannon entropy of the token itself). Random base64 or
// mixed-case alphanumerics of length 32 measure ~4.6–5.0; camelCase identifiers and English ~3.5–4.1. Random hex
// tops out at 4.0 and measures ~3.5–3.9 at 32–64 characters; repeated or patterned hex measures far lower.
const MIN_ENTROPY_MIXED = 4.2;
const MIN_ENTROPY_HEX = 3.0;
const MIN_ENTROPY_LETTERS = 4.5;
const MIN_SECRET_LENGTH = 32;

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_CLASS = '1-9A-HJ-NP-Za-km-z';

/** Scans free text for secrets and returns the redacted text plus what was found (kinds and input offsets). */
export function scanSecrets(text: string): ScanResult {
  const candidates: SecretFinding[] = [
    ...findPem(text),
    ...findSeedPhrases(text),
    ...findHexKeys(text),
    ...findWif(text),
    ...findExtendedKeys(text),
    ...findCardNumbers(text),
    ...findApiSecrets(text),
  ];
  const findings = resolveOverlaps(candidates);
  let out = '';
  let pos = 0;
  for (const f of findings) {
    out += text.slice(pos, f.start) + redactionLabel(f.kind);
    pos = f.end;
  }
  out += text.slice(pos);
  return { text: out, findings };
}

/** The distinct kinds found, in SECRET_KINDS order (what is stored in `redactions` and named in audit events). */
export function findingKinds(findings: readonly SecretFinding[]): SecretKind[] {
  return SECRET_KINDS.filter((k) => findings.some((f) => f.kind === k));
}

// Earlier detectors in the list win ties; otherwise the earliest, then the longest span wins. A span inside an
// accepted one is dropped (it is redacted anyway); the part of a span that sticks out is kept as its own finding.
function resolveOverlaps(candidates: SecretFinding[]): SecretFinding[] {
  const ordered = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.start - b.c.start || b.c.end - b.c.start - (a.c.end - a.c.start) || a.i - b.i);
  const accepted: SecretFinding[] = [];
  for (const { c } of ordered) {
    const last = accepted[accepted.length - 1];
    if (last && c.start < last.end) {
      if (c.end > last.end) accepted.push({ kind: c.kind, start: last.end, end: c.end });
      continue;
    }
    accepted.push({ ...c });
  }
  return accepted;
}

function findPem(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const endRe = /-----END ([A-Z0-9 ]+ )?PRIVATE KEY-----/g;
    endRe.lastIndex = m.index + m[0].length;
    const e = endRe.exec(text);
    // A truncated block (the trader pasted half of it) is still key material: redact to the end.
    const end = e ? e.index + e[0].length : text.length;
    out.push({ kind: 'private_key', start: m.index, end });
    re.lastIndex = end;
  }
  return out;
}

function findSeedPhrases(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  // Only whole words count: letters glued to digits ("3add5" inside a hex string) are not words, and the letters in
  // them break a run because the gap test below allows no letters.
  const words = [...text.matchAll(/(?<![0-9A-Za-z])[A-Za-z]+(?![0-9A-Za-z])/g)].map((m) => ({ w: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
  // Between two words of a phrase only separators and numbering may stand (no other letters, at most a short gap).
  const GAP = /^[\s,;.:)(\][#\-–—*\d]{1,16}$/;
  let runStart = -1;
  let runLen = 0;
  const flush = (lastIdx: number) => {
    if (runLen >= MIN_SEED_WORDS) out.push({ kind: 'seed_phrase', start: words[runStart]!.start, end: words[lastIdx]!.end });
    runStart = -1;
    runLen = 0;
  };
  for (let i = 0; i < words.length; i++) {
    const cur = words[i]!;
    if (!BIP39.has(cur.w)) {
      flush(i - 1);
      continue;
    }
    if (runLen > 0 && GAP.test(text.slice(words[i - 1]!.end, cur.start))) {
      runLen++;
    } else {
      flush(i - 1);
      runStart = i;
      runLen = 1;
    }
  }
  flush(words.length - 1);
  return out;
}

function findHexKeys(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])/g)) {
    out.push({ kind: 'private_key', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function findWif(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const re = new RegExp(`(?<![${B58_CLASS}])[5KLc9][${B58_CLASS}]{50,51}(?![${B58_CLASS}])`, 'g');
  for (const m of text.matchAll(re)) {
    if (isWif(m[0])) out.push({ kind: 'private_key', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function findExtendedKeys(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const re = new RegExp(`(?<![0-9A-Za-z])[xyztuvYZUV]prv[${B58_CLASS}]{100,112}(?![0-9A-Za-z])`, 'g');
  for (const m of text.matchAll(re)) out.push({ kind: 'private_key', start: m.index, end: m.index + m[0].length });
  return out;
}

function findCardNumbers(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const m of text.matchAll(/(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
      out.push({ kind: 'card_number', start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

function findApiSecrets(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/=_-]{32,}/g)) {
    for (const [s, e] of secretSpans(m[0])) out.push({ kind: 'api_secret', start: m.index + s, end: m.index + e });
  }
  return out;
}

// A candidate that looks like a URL path ("/api/v1/tickets/…": a slash-separated plain word) is judged segment by
// segment; otherwise the whole token is judged.
function secretSpans(token: string): [number, number][] {
  const segments = token.split('/');
  // A path has several plain-word segments; random base64 only now and then has a short lowercase run between two
  // slashes, and judging such a token piecewise would let a real secret through.
  const words = segments.filter((s) => /^[a-z][a-z0-9_.-]{1,30}$/.test(s) && !/\d.*\d.*\d/.test(s)).length;
  const nonEmpty = segments.filter((s) => s.length > 0).length;
  if (segments.length > 2 && words >= 2 && words * 2 >= nonEmpty) {
    const spans: [number, number][] = [];
    let off = 0;
    for (const s of segments) {
      if (s.length >= MIN_SECRET_LENGTH && looksLikeSecret(s)) spans.push([off, off + s.length]);
      off += s.length + 1;
    }
    return spans;
  }
  return looksLikeSecret(token) ? [[0, token.length]] : [];
}

function looksLikeSecret(token: string): boolean {
  const t = token.replace(/^[-_/+]+|[-_/+]+$/g, '');
  if (t.length < MIN_SECRET_LENGTH) return false;
  if (isWalletAddressOrId(t)) return false;
  if (/^(?:0x)?[0-9a-fA-F]+$/.test(t)) {
    // 0x-prefixed hex of any other length is an address, hash or call data, not a secret; 64 hex is handled as a
    // private key above.
    if (t.startsWith('0x')) return false;
    return shannon(t) >= MIN_ENTROPY_HEX;
  }
  // A secret is random: it mixes letters and digits (or base64 symbols) and has high per-character entropy.
  const hasDigit = /\d/.test(t);
  const hasLetter = /[A-Za-z]/.test(t);
  const hasSymbol = /[+/=]/.test(t);
  if (!hasLetter) return false;
  // Letters only: long words and identifiers are letters only too, so only a random-looking mix of upper and lower
  // case counts (English and camelCase measure well under this).
  if (!(hasDigit || hasSymbol)) return /[a-z]/.test(t) && /[A-Z]/.test(t) && shannon(t) >= MIN_ENTROPY_LETTERS;
  return shannon(t) >= MIN_ENTROPY_MIXED;
}

function isWalletAddressOrId(t: string): boolean {
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(t)) return true; // UUID
  if (/^(?:0x)?[0-9a-fA-F]{40}$/.test(t)) return true; // ETH and EVM addresses
  if (/^[a-z]{1,83}1[02-9ac-hj-np-z]{6,}$/.test(t) && bech32ChecksumOk(t)) return true; // bech32 / bech32m (bc1, ltc1, cosmos1, addr1 …)
  if (new RegExp(`^[${B58_CLASS}]{25,44}$`).test(t)) return true; // base58 addresses: BTC legacy, TRON, LTC, DOGE, Solana
  if (/^r[1-9A-Za-z]{24,34}$/.test(t)) return true; // XRP
  if (new RegExp(`^[48][${B58_CLASS}]{94}(?:[${B58_CLASS}]{11})?$`).test(t)) return true; // Monero
  return false;
}

// BIP-173/BIP-350: a bech32 string is only an address when its checksum holds (random hex can match the alphabet).
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function bech32ChecksumOk(s: string): boolean {
  const sep = s.lastIndexOf('1');
  const hrp = s.slice(0, sep);
  const data = [...s.slice(sep + 1)].map((c) => BECH32_CHARSET.indexOf(c));
  if (data.some((v) => v < 0)) return false;
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  const values = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...data];
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!;
  }
  return chk === 1 || chk === 0x2bc830a3; // bech32, bech32m
}

function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function base58Decode(s: string): Buffer | null {
  let n = 0n;
  for (const ch of s) {
    const v = B58.indexOf(ch);
    if (v < 0) return null;
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const body = n === 0n ? Buffer.alloc(0) : Buffer.from(hex, 'hex');
  let zeros = 0;
  while (zeros < s.length && s[zeros] === '1') zeros++;
  return Buffer.concat([Buffer.alloc(zeros), body]);
}

function isWif(s: string): boolean {
  const raw = base58Decode(s);
  if (!raw || (raw.length !== 37 && raw.length !== 38)) return false;
  const payload = raw.subarray(0, raw.length - 4);
  if (payload[0] !== 0x80 && payload[0] !== 0xef) return false;
  if (payload.length === 34 && payload[33] !== 0x01) return false;
  const sum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return sum.subarray(0, 4).equals(raw.subarray(raw.length - 4));
}
