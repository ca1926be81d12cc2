// Masks: what a member whose role holds `masked` (or `reveal`, until revealed) sees of a value. Each mask keeps
// only a small, fixed part of the value and a fixed-length run of asterisks, so the masked form never tells
// the length of what it hides. A value too short to keep anything of safely is masked completely.
//
//   email      joana.silva@example.test  → j***@e***.test   (first character, first character of the domain, TLD)
//   phone      +351 912 345 678          → ***78            (last 2 digits)
//   account    PT50000201231234567890154 → ****0154          (IBAN, bank account, wallet address, API key: last 4)
//   document   P1234567                  → ***567            (ID and passport numbers: last 3)
//   name       Joana Exemplo Silva       → J*** E*** S***    (first letter of each word)
//   date       1988-04-23                → ****-**-**        (fully masked: year and birthday are both quasi-identifiers)
//   amount     12500.00                  → ***               (presence only)

const STARS = '***';

function firstChar(s: string): string {
  // Code points, not UTF-16 units: a name starting with an astral character keeps a whole character.
  return Array.from(s)[0] ?? '';
}

/** `j***@d***.com`: first character of the local part, first character of the domain, and the top-level domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return STARS;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const last = dot > 0 ? domain.slice(dot + 1) : '';
  // The top-level domain is kept only when it looks like one (letters, 2–10): an odd last label could be most of
  // the value, and the mask must stay short whatever the input.
  const tld = /^[A-Za-z]{2,10}$/.test(last) ? last : '';
  return `${firstChar(local)}${STARS}@${firstChar(domain)}${STARS}${tld ? `.${tld}` : ''}`;
}

/** `***78`: the last two digits (nothing for numbers with fewer than 6 digits). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 6 ? `${STARS}${digits.slice(-2)}` : STARS;
}

/** `****0154`: the last four characters of an account number, IBAN, wallet address or API key (spaces ignored). */
export function maskLast4(value: string): string {
  const compact = value.replace(/\s/g, '');
  return compact.length > 8 ? `****${compact.slice(-4)}` : '****';
}

/** `***567`: the last three characters of an identity document number. */
export function maskDocument(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  return compact.length > 5 ? `${STARS}${compact.slice(-3)}` : STARS;
}

/** `J*** S***`: the first letter of each word of a name. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.length ? words.map((w) => `${firstChar(w)}${STARS}`).join(' ') : STARS;
}

/** `****-**-**`: a masked date shows nothing but that there is one (see the file comment). */
export function maskDate(_date: string): string {
  return '****-**-**';
}

/** `***`: a masked amount shows nothing but that there is one. */
export function maskAmount(_amount: string): string {
  return STARS;
}

/** IPv4: the /24 network (`203.0.113.***`); IPv6: the first three groups (`2001:db8:85a3:***`); else `***`. */
export function maskIp(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.***`;
  if (ip.includes(':')) {
    const groups = ip.split(':').filter(Boolean).slice(0, 3);
    if (groups.length === 3) return `${groups.join(':')}:***`;
  }
  return '***';
}
