// What every parser shares: the error that names the problem and its position, text decoding, date parsing,
// and an entity builder that de-duplicates and drops empty values.
import type { EntityKind, ListEntity, ListWallet } from '../../model.js';
import { countryCode, nationalityCode } from '../countries.js';

/** A list file that cannot be imported: `message` says what is wrong and `position` where (file, line, column). */
export class ListParseError extends Error {
  override name = 'ListParseError';
  constructor(
    message: string,
    readonly position: string | null = null,
  ) {
    super(position ? `${message} (${position})` : message);
  }
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Latin-1 (older OFAC files): never a replacement char. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

// A range wider than this is not a date of birth any more: kept as its two ends only.
const MAX_RANGE_YEARS = 15;

/**
 * Dates of birth as lists write them → 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD': "28 Jul 1963", "Jul 1963", "1963",
 * "circa 1963", "1960 to 1965" (every year of the range), "01 Jan 1960 to 31 Dec 1962", ISO "1963-07-28",
 * "28/07/1963", "28.07.1963". Unreadable text gives [] (the caller warns).
 */
export function parseDates(text: string): string[] {
  const t = text.trim().replace(/\.$/, '').replace(/^(circa|approximately|approx\.?|about|ca\.?)\s+/i, '');
  const range = /^(.+?)\s+(?:to|-|–)\s+(.+)$/i.exec(t) ?? /^(\d{4})\s*[-–]\s*(\d{4})$/.exec(t);
  if (range && /\d{4}/.test(range[1]!) && /\d{4}/.test(range[2]!)) {
    const a = parseOneDate(range[1]!);
    const b = parseOneDate(range[2]!);
    if (a && b) {
      const ya = Number(a.slice(0, 4));
      const yb = Number(b.slice(0, 4));
      if (yb >= ya && yb - ya <= MAX_RANGE_YEARS) return Array.from({ length: yb - ya + 1 }, (_, i) => String(ya + i));
      return [a, b];
    }
  }
  const one = parseOneDate(t);
  return one ? [one] : [];
}

function parseOneDate(s: string): string | null {
  const t = s.trim().replace(/\.$/, '');
  let m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(t);
  if (m) return validDate(m[1]!, m[2], m[3]);
  m = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(t);
  if (m) return validDate(m[3]!, MONTHS[m[2]!.toLowerCase()], m[1]!.padStart(2, '0'));
  m = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(t);
  if (m) return validDate(m[2]!, MONTHS[m[1]!.toLowerCase()]);
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t);
  if (m) return validDate(m[3]!, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0'));
  m = /^(\d{1,2})[/.](\d{4})$/.exec(t);
  if (m) return validDate(m[2]!, m[1]!.padStart(2, '0'));
  return null;
}

function validDate(y: string, mo?: string, d?: string): string | null {
  const year = Number(y);
  if (year < 1800 || year > 2100) return null;
  if (mo === undefined || mo === '00') return y;
  const month = Number(mo);
  if (!(month >= 1 && month <= 12)) return null;
  if (d === undefined || d === '00') return `${y}-${mo}`;
  const day = Number(d);
  if (!(day >= 1 && day <= 31)) return null;
  return `${y}-${mo}-${d}`;
}

/** Collects one entity's values, de-duplicated, with unknown countries reported once per name. */
export class EntityBuilder {
  private readonly aliases = new Set<string>();
  private readonly weak = new Set<string>();
  private readonly dates = new Set<string>();
  private readonly nats = new Set<string>();
  private readonly ctrs = new Set<string>();
  private readonly progs = new Set<string>();
  private readonly tops = new Set<string>();
  private readonly wallets = new Map<string, ListWallet>();
  listedOn: string | undefined;

  constructor(
    readonly id: string,
    public kind: EntityKind,
    public name: string,
    private readonly unknown: UnknownCountries,
  ) {}

  alias(name: string | null | undefined, strong = true): this {
    const n = clean(name);
    if (n) (strong ? this.aliases : this.weak).add(n);
    return this;
  }
  birthDate(text: string | null | undefined): boolean {
    if (!text) return false;
    const ds = parseDates(text);
    for (const d of ds) this.dates.add(d);
    return ds.length > 0;
  }
  date(iso: string): this {
    this.dates.add(iso);
    return this;
  }
  nationality(text: string | null | undefined): this {
    const t = clean(text);
    if (!t) return this;
    const c = nationalityCode(t);
    if (c) this.nats.add(c);
    else this.unknown.add(t);
    return this;
  }
  country(text: string | null | undefined): this {
    const t = clean(text);
    if (!t) return this;
    const c = countryCode(t);
    if (c) this.ctrs.add(c);
    else this.unknown.add(t);
    return this;
  }
  /** A place ("Toledo District, Belize"): its last part, when it is a country; a bare city is no warning. */
  place(text: string | null | undefined): this {
    const parts = (clean(text) ?? '').split(',');
    const c = countryCode(parts[parts.length - 1]!.trim());
    if (c) this.ctrs.add(c);
    return this;
  }
  program(p: string | null | undefined): this {
    const t = clean(p);
    if (t) this.progs.add(t);
    return this;
  }
  topic(t: string): this {
    this.tops.add(t);
    return this;
  }
  wallet(currency: string, address: string): this {
    const a = address.trim().replace(/[.,;]+$/, '');
    if (a) this.wallets.set(`${currency.toUpperCase()}:${a}`, { currency: currency.toUpperCase(), address: a });
    return this;
  }

  build(): ListEntity {
    const name = clean(this.name) ?? '';
    this.aliases.delete(name);
    for (const a of this.aliases) this.weak.delete(a);
    this.weak.delete(name);
    const e: ListEntity = {
      id: this.id,
      kind: this.kind,
      name,
      aliases: [...this.aliases],
      weakAliases: [...this.weak],
      birthDates: [...this.dates].sort(),
      nationalities: [...this.nats].sort(),
      countries: [...this.ctrs].sort(),
      programs: [...this.progs].sort(),
      topics: [...this.tops].sort(),
      wallets: [...this.wallets.values()],
    };
    if (this.listedOn) e.listedOn = this.listedOn;
    return e;
  }
}

/** Country names no table knew: reported once as a warning (the entity keeps its other countries). */
export class UnknownCountries {
  private readonly names = new Map<string, number>();
  add(name: string): void {
    // Lists' own words for "no country": not a name we failed to read.
    if (/^(undetermined|none identified|unknown|stateless)$/i.test(name)) return;
    this.names.set(name, (this.names.get(name) ?? 0) + 1);
  }
  warnings(): string[] {
    if (this.names.size === 0) return [];
    const top = [...this.names.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    return [`${this.names.size} country or nationality name(s) not recognised, left out: ${top.map(([n, c]) => `"${n}" (${c})`).join(', ')}${this.names.size > 10 ? ', …' : ''}`];
  }
}

/** Trimmed, inner whitespace collapsed; '', '-0-' and 'n/a' become null. */
export function clean(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.replace(/\s+/g, ' ').trim();
  if (!t || t === '-0-' || /^n\/?a$/i.test(t)) return null;
  return t;
}
