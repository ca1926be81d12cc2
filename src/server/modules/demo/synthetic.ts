// Synthetic traders for demos, tests and benchmarks. Everything is generated; nothing is real personal data.
import { randomBytes, randomInt } from 'node:crypto';

const FIRST = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kwame', 'Lena', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wanjiru', 'Xavier', 'Yara', 'Zeno'];
const LAST = ['Abara', 'Brennan', 'Castellano', 'Dvorak', 'Eriksen', 'Fontaine', 'Garrido', 'Halvorsen', 'Ishikawa', 'Jovanovic', 'Kowalczyk', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quispe', 'Rahman', 'Silva', 'Takahashi', 'Urban', 'Varga', 'Weiss', 'Yilmaz', 'Zimmer'];
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'PL', 'SE', 'GB', 'CH', 'AT', 'PT', 'IE', 'SG', 'JP', 'CA', 'AU', 'BR', 'ZA', 'AE', 'NG'];
const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'EUR'];

export interface SyntheticPerson {
  role: 'director' | 'ubo';
  name: string;
  dateOfBirth: string;
  nationality: string;
  ownershipPct: string | null;
}

export interface SyntheticTrader {
  accountRef: string;
  kind: 'individual' | 'business';
  risk: 'low' | 'medium' | 'high';
  kycState: 'not_started' | 'pending' | 'approved' | 'rejected' | 'expired';
  vip: boolean;
  activityBand: 'dormant' | 'low' | 'medium' | 'high';
  /** Most traders have set one at the exchange; support cannot e-mail those who have not. */
  antiPhishingCode: string | null;
  registrationNumber: string | null;
  persons: SyntheticPerson[];
  legalName: string;
  email: string;
  phone: string;
  country: string;
  dateOfBirth: string;
  bankAccount: string;
  wallets: { chain: string; address: string }[];
  balances: { asset: string; amount: string }[];
}

function pick<T>(xs: readonly T[]): T {
  return xs[randomInt(xs.length)]!;
}

/** Picks by weight: [[value, weight], …]. */
function weighted<T>(xs: readonly (readonly [T, number])[]): T {
  const total = xs.reduce((n, [, w]) => n + w, 0);
  let r = randomInt(total);
  for (const [v, w] of xs) {
    if (r < w) return v;
    r -= w;
  }
  return xs[0]![0];
}

function syntheticDate(from: number, span: number): string {
  return `${from + randomInt(span)}-${String(1 + randomInt(12)).padStart(2, '0')}-${String(1 + randomInt(28)).padStart(2, '0')}`;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** IBAN with a valid ISO 13616 check digit (mod 97) over a random synthetic account number. */
export function syntheticIban(country: string): string {
  const bban = Array.from({ length: 18 }, () => randomInt(10)).join('');
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of rearranged) rem = (rem * 10 + Number(ch)) % 97;
  const check = String(98 - rem).padStart(2, '0');
  return `${country}${check}${bban}`;
}

/** One synthetic trader; `n` makes account references and emails unique. */
export function syntheticTrader(n: number): SyntheticTrader {
  const first = pick(FIRST);
  const last = pick(LAST);
  const country = pick(COUNTRIES);
  const tag = randomBytes(3).toString('hex');
  const kind = randomInt(10) === 0 ? 'business' : 'individual';
  const persons: SyntheticPerson[] =
    kind === 'business'
      ? [
          { role: 'director', name: `${pick(FIRST)} ${pick(LAST)}`, dateOfBirth: syntheticDate(1955, 45), nationality: pick(COUNTRIES), ownershipPct: null },
          { role: 'ubo', name: `${first} ${last}`, dateOfBirth: syntheticDate(1955, 45), nationality: country, ownershipPct: String(25 + randomInt(60)) },
        ]
      : [];
  return {
    accountRef: `ACC-${String(n).padStart(7, '0')}-${tag}`,
    kind,
    risk: weighted([['low', 80], ['medium', 15], ['high', 5]] as const),
    kycState: weighted([['approved', 70], ['pending', 15], ['not_started', 10], ['rejected', 4], ['expired', 1]] as const),
    vip: randomInt(20) === 0,
    activityBand: weighted([['dormant', 30], ['low', 40], ['medium', 20], ['high', 10]] as const),
    antiPhishingCode: randomInt(5) === 0 ? null : Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''),
    registrationNumber: kind === 'business' ? `HRB ${randomInt(10_000, 999_999)}` : null,
    persons,
    legalName: kind === 'business' ? `${last} ${pick(['Capital', 'Digital', 'Trading', 'Ventures'])} ${pick(['GmbH', 'Ltd', 'B.V.', 'S.A.'])}` : `${first} ${last}`,
    email: `${first}.${last}.${tag}@example.test`.toLowerCase(),
    phone: `+99${randomInt(100_000_000, 999_999_999)}${randomInt(10)}`,
    country,
    dateOfBirth: syntheticDate(1950, 55),
    bankAccount: syntheticIban(country),
    wallets: [
      { chain: 'ETH', address: `0x${randomBytes(20).toString('hex')}` },
      { chain: 'BTC', address: `bc1q${randomBytes(20).toString('hex').slice(0, 38)}` },
    ],
    balances: ASSETS.slice(0, 2 + randomInt(4)).map((asset) => ({
      asset,
      amount: (randomInt(1, 10_000_000) / 1000).toFixed(3),
    })),
  };
}
