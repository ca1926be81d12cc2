// Synthetic traders for demos, tests and benchmarks. Everything is generated; nothing is real personal data.
import { randomBytes, randomInt } from 'node:crypto';

const FIRST = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kwame', 'Lena', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wanjiru', 'Xavier', 'Yara', 'Zeno'];
const LAST = ['Abara', 'Brennan', 'Castellano', 'Dvorak', 'Eriksen', 'Fontaine', 'Garrido', 'Halvorsen', 'Ishikawa', 'Jovanovic', 'Kowalczyk', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quispe', 'Rahman', 'Silva', 'Takahashi', 'Urban', 'Varga', 'Weiss', 'Yilmaz', 'Zimmer'];
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'PL', 'SE', 'GB', 'CH', 'AT', 'PT', 'IE', 'SG', 'JP', 'CA', 'AU', 'BR', 'ZA', 'AE', 'NG'];
const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'EUR'];

export interface SyntheticTrader {
  accountRef: string;
  kind: 'individual' | 'business';
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
  const year = 1950 + randomInt(55);
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  return {
    accountRef: `ACC-${String(n).padStart(7, '0')}-${tag}`,
    kind: randomInt(10) === 0 ? 'business' : 'individual',
    legalName: `${first} ${last}`,
    email: `${first}.${last}.${tag}@example.test`.toLowerCase(),
    phone: `+99${randomInt(100_000_000, 999_999_999)}${randomInt(10)}`,
    country,
    dateOfBirth: `${year}-${month}-${day}`,
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
