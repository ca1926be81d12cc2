// Parsing of a consent import file (CSV: account_ref,category,granted,source,wording_version,recorded_at). Pure:
// it checks every row's shape and reports each bad one with its line number; the service resolves account
// references and writes everything in one transaction, or nothing.
import { CONSENT_CATEGORIES, CONSENT_SOURCES, WordingVersion, type ConsentCategory, type ConsentSource } from '../../../contracts/consent.js';

export const IMPORT_COLUMNS = ['account_ref', 'category', 'granted', 'source', 'wording_version', 'recorded_at'] as const;
/** Rows per file: an import is one transaction, so it is bounded. */
export const MAX_IMPORT_ROWS = 100_000;

export interface ImportRow {
  line: number;
  accountRef: string;
  category: ConsentCategory;
  granted: boolean;
  source: ConsentSource;
  wordingVersion: string;
  recordedAt: Date;
}

export interface ImportProblem {
  line: number;
  message: string;
}

const TRUE = new Set(['true', 'yes', '1', 'granted']);
const FALSE = new Set(['false', 'no', '0', 'withdrawn']);
const ISO_TIME = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d))?$/;
const ACCOUNT_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields); null when its quotes do not close. */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  out.push(cur);
  return out.map((v) => v.trim());
}

/** Parses the file; rows are returned only when no line has a problem (an import is all or nothing). */
export function parseConsentCsv(text: string, now: Date): { rows: ImportRow[]; problems: ImportProblem[] } {
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = splitCsvLine(raw);
    if (first) {
      first = false;
      // The header is optional, but when present it must name the columns in the documented order.
      if (cells && cells[0]?.toLowerCase() === 'account_ref') {
        if (cells.join(',').toLowerCase() !== IMPORT_COLUMNS.join(',')) problems.push({ line, message: `the header must be ${IMPORT_COLUMNS.join(',')}` });
        continue;
      }
    }
    if (rows.length + problems.length >= MAX_IMPORT_ROWS) {
      problems.push({ line, message: `more than ${MAX_IMPORT_ROWS} rows: split the file` });
      break;
    }
    if (!cells) {
      problems.push({ line, message: 'a quoted field is not closed' });
      continue;
    }
    if (cells.length !== IMPORT_COLUMNS.length) {
      problems.push({ line, message: `expected ${IMPORT_COLUMNS.length} columns, found ${cells.length}` });
      continue;
    }
    const [accountRef, category, granted, source, wordingVersion, recordedAt] = cells as [string, string, string, string, string, string];
    // Messages name the column and the rule, never echo the value (an import file may hold personal data in the
    // wrong column, and the messages end up in terminals and logs).
    const bad: string[] = [];
    if (!ACCOUNT_REF.test(accountRef)) bad.push('account_ref is not an account reference');
    if (!(CONSENT_CATEGORIES as readonly string[]).includes(category)) bad.push(`category must be one of ${CONSENT_CATEGORIES.join(', ')}`);
    const g = granted.toLowerCase();
    if (!TRUE.has(g) && !FALSE.has(g)) bad.push('granted must be true or false');
    if (!(CONSENT_SOURCES as readonly string[]).includes(source)) bad.push(`source must be one of ${CONSENT_SOURCES.join(', ')}`);
    if (!WordingVersion.safeParse(wordingVersion).success) bad.push('wording_version must be 1-40 letters, digits, dots, dashes or underscores');
    const at = ISO_TIME.test(recordedAt) ? new Date(recordedAt) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) bad.push('recorded_at must be an ISO 8601 date or time');
    else if (at.getTime() > now.getTime() + 5 * 60_000) bad.push('recorded_at is in the future');
    if (bad.length) {
      problems.push({ line, message: bad.join('; ') });
      continue;
    }
    rows.push({
      line,
      accountRef,
      category: category as ConsentCategory,
      granted: TRUE.has(g),
      source: source as ConsentSource,
      wordingVersion,
      recordedAt: at,
    });
  }
  if (!problems.length && rows.length === 0) problems.push({ line: 0, message: 'the file holds no rows' });
  return problems.length ? { rows: [], problems } : { rows, problems };
}
