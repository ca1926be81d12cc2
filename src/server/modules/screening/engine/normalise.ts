// Name normalisation: one canonical, comparable form for a name in any script, on both sides of a match
// (list names are analysed once when the index is built; queries on every search).
//
//   raw → NFKC → transliterate (Cyrillic, Greek, Arabic/Persian, Hebrew) → NFKD, drop combining marks
//       → special Latin letters (ß, æ, ø, ł, đ, þ, ı, œ) → lower case → punctuation and control characters
//       become spaces (apostrophes vanish: O'Brien = OBrien) → tokens
//       → honorifics at the start removed (Mr, Dr, Sheikh, Haji, …), noted
//       → legal forms at the start or end removed (LLC, OOO, GmbH, JSC, …, and their spelled-out forms), noted
//
// Removed words are kept on the analysis (honorifics, legalForms) so the explanation can show them; they
// do not take part in the score, because "Siemens AG" and "Siemens Aktiengesellschaft" are the same company
// and "Dr" is no evidence either way.

import { hasNonLatinLetters, transliterate } from './transliterate.js';
import { phoneticKey } from './phonetic.js';

/** Names longer than this are cut before analysis: no real name is, and scoring cost grows with length. */
export const MAX_NAME_CHARS = 300;
/** At most this many tokens per name are scored (list names with 20+ tokens are descriptions, not names). */
export const MAX_TOKENS = 12;

const LATIN_SPECIAL: Record<string, string> = {
  ß: 'ss', æ: 'ae', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', œ: 'oe', ħ: 'h', ŀ: 'l', ŧ: 't', ĸ: 'k',
  ſ: 's', ŋ: 'ng',
};

const HONORIFICS = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady', 'hon', 'honorable',
  'honourable', 'rev', 'reverend', 'fr', 'sheikh', 'shaikh', 'sheik', 'shaykh', 'shaik', 'haji', 'hajji', 'hadji',
  'alhaj', 'alhajji', 'hajj', 'mullah', 'mulla', 'mullo', 'maulvi', 'mawlawi', 'moulvi', 'maulana', 'mawlana',
  'qari', 'hafiz', 'ustad', 'ustaz', 'eng', 'engr', 'gen', 'general', 'col', 'colonel', 'capt', 'captain',
  'maj', 'major', 'lt', 'lieutenant', 'sgt', 'admiral', 'adm', 'brig', 'brigadier', 'herr', 'frau', 'senor',
  'sr', 'sra', 'don', 'dona', 'gospodin', 'monsieur', 'mme', 'mlle', 'sayed', 'sayyed', 'syed',
]);

// Canonical legal form → spellings (after normalisation). Multi-word spellings are matched as token runs.
const LEGAL_FORMS: Record<string, string[]> = {
  llc: ['llc', 'l l c', 'limited liability company', 'limited liability co', 'ooo', 'o o o', 'tov', 'too',
    'obshchestvo s ogranichennoy otvetstvennostyu', 'obshchestvo s ogranichennoi otvetstvennostiu',
    'obshestvo s ogranichennoy otvetstvennostyu', 'tovarystvo z obmezhenoyu vidpovidalnistyu', 'mchj', 'xk'],
  jsc: ['jsc', 'ojsc', 'cjsc', 'pjsc', 'ao', 'oao', 'zao', 'pao', 'jsc', 'joint stock company', 'joint-stock company',
    'open joint stock company', 'closed joint stock company', 'public joint stock company', 'aktsionernoe obshchestvo',
    'aktsionernoye obshchestvo', 'otkrytoe aktsionernoe obshchestvo', 'zakrytoe aktsionernoe obshchestvo',
    'publichnoe aktsionernoe obshchestvo', 'pat', 'prat', 'at', 'vat', 'zat'],
  ltd: ['ltd', 'limited', 'pte ltd', 'pvt ltd', 'pty ltd', 'private limited', 'co ltd', 'company limited'],
  gmbh: ['gmbh', 'gesellschaft mit beschrankter haftung', 'ges m b h', 'gmbh co kg', 'gmbh and co kg'],
  ag: ['ag', 'aktiengesellschaft'],
  inc: ['inc', 'incorporated'],
  corp: ['corp', 'corporation'],
  co: ['co', 'company', 'cia', 'compania'],
  plc: ['plc', 'public limited company'],
  sa: ['sa', 's a', 'sas', 'sarl', 'sa de cv', 's a de c v', 'sociedad anonima', 'societe anonyme', 'sl', 'srl',
    's r l', 'spa', 's p a', 'sapi de cv', 'ltda', 'eireli', 'cv'],
  bv: ['bv', 'b v', 'nv', 'n v', 'vof'],
  kg: ['kg', 'ohg', 'kgaa', 'ug'],
  llp: ['llp', 'lp', 'l p', 'limited partnership', 'limited liability partnership'],
  nordic: ['ab', 'aps', 'as', 'asa', 'oy', 'oyj', 'hf', 'ehf'],
  ce: ['sp z o o', 'spolka z ograniczona odpowiedzialnoscia', 'sro', 's r o', 'as', 'kft', 'zrt', 'nyrt', 'doo', 'd o o',
    'dd', 'ad', 'ead', 'eood', 'ood'],
  asia: ['sdn bhd', 'bhd', 'pte', 'pvt', 'pty', 'kk', 'kabushiki kaisha', 'yk', 'tbk', 'pt', 'jsc', 'co ltd'],
  gulf: ['fze', 'fzco', 'fzc', 'fz llc', 'fzllc', 'wll', 'w l l', 'spc', 'est', 'establishment'],
  na: ['na', 'n a'],
};

// Spelling → canonical form, longest spelling first (so "joint stock company" wins over "company"), looked up
// by the word a spelling ends with (at the end of a name) and starts with (at its start).
const LEGAL_SPELLINGS: { tokens: string[]; canonical: string }[] = Object.entries(LEGAL_FORMS)
  .flatMap(([canonical, spellings]) => spellings.map((s) => ({ tokens: s.split(' '), canonical })))
  .sort((a, b) => b.tokens.length - a.tokens.length);
const BY_LAST = new Map<string, typeof LEGAL_SPELLINGS>();
const BY_FIRST = new Map<string, typeof LEGAL_SPELLINGS>();
for (const lf of LEGAL_SPELLINGS) {
  const last = lf.tokens[lf.tokens.length - 1]!;
  const first = lf.tokens[0]!;
  BY_LAST.set(last, [...(BY_LAST.get(last) ?? []), lf]);
  BY_FIRST.set(first, [...(BY_FIRST.get(first) ?? []), lf]);
}

/** Function words that say little about identity: scored with a low weight. */
export const STOPWORDS = new Set([
  'the', 'of', 'and', 'for', 'de', 'la', 'le', 'du', 'des', 'del', 'da', 'di', 'do', 'dos', 'das', 'y', 'e', 'und',
  'et', 'van', 'von', 'der', 'den', 'al', 'el', 'ul', 'bin', 'ibn', 'bint', 'ben', 'abu', 'abd', 'a', 'an', 'in',
]);

export interface NameToken {
  text: string;
  /** Phonetic key (phonetic.ts). */
  key: string;
  /** Contribution to the name score (longer, rarer-looking tokens weigh more; function words less). */
  weight: number;
}

export interface AnalysedName {
  /** Tokens joined by one space: the normalised name. */
  normalised: string;
  tokens: NameToken[];
  /** All tokens concatenated: catches "SiemensAG" / "Siemens AG", "Abdulrahman" / "Abdul Rahman". */
  compact: string;
  /** The tokens in sorted order, concatenated: the order-independent form the fuzzy whole-name comparison uses. */
  sortedCompact: string;
  /** Letter and digit counts of sortedCompact (a-z, 0-9): a cheap bound before comparing whole names. */
  letters: Uint8Array;
  /** As compact, legal forms and honorifics included ("SiemensAG" = "Siemens AG" before the AG is removed). */
  fullCompact: string;
  /** Legal forms removed (canonical, e.g. 'llc', 'jsc'). */
  legalForms: string[];
  honorifics: string[];
  /** The input had non-Latin letters that were transliterated. */
  transliterated: boolean;
}

// Everything that is not a letter or digit once the marks are gone separates tokens; apostrophes join.
const APOSTROPHES = /['\u2018\u2019\u02bc\u02bb\u0060\u00b4]/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

/** Lower-case Latin tokens of a name, before honorifics and legal forms are removed. */
export function baseTokens(input: string): { tokens: string[]; transliterated: boolean } {
  if (typeof input !== 'string' || input.length === 0) return { tokens: [], transliterated: false };
  let s = input.length > MAX_NAME_CHARS ? input.slice(0, MAX_NAME_CHARS) : input;
  s = s.normalize('NFKC');
  const transliterated = hasNonLatinLetters(s);
  if (transliterated) s = transliterate(s);
  s = s.normalize('NFKD').replace(MARKS, '').toLowerCase();
  s = s.replace(/[ßæøłđðþıœħŀŧĸſŋ]/gu, (c) => LATIN_SPECIAL[c] ?? c);
  s = s.replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim();
  if (s.length === 0) return { tokens: [], transliterated };
  return { tokens: s.split(' '), transliterated };
}

function runMatches(tokens: string[], at: number, spelling: string[]): boolean {
  if (at + spelling.length > tokens.length) return false;
  for (let k = 0; k < spelling.length; k++) if (tokens[at + k] !== spelling[k]) return false;
  return true;
}

/** Removes legal forms at the end (repeatedly: "Foo Trading Co Ltd") and at the start ("OOO Romashka"). */
function stripLegalForms(tokens: string[]): { tokens: string[]; legalForms: string[] } {
  const legalForms: string[] = [];
  let t = tokens;
  for (let guard = 0; guard < 4; guard++) {
    let changed = false;
    // Never remove the last remaining word: "Company" alone stays a name.
    for (const lf of BY_LAST.get(t[t.length - 1]!) ?? []) {
      if (t.length - lf.tokens.length >= 1 && runMatches(t, t.length - lf.tokens.length, lf.tokens)) {
        t = t.slice(0, t.length - lf.tokens.length);
        legalForms.push(lf.canonical);
        changed = true;
        break;
      }
    }
    if (!changed) {
      for (const lf of BY_FIRST.get(t[0]!) ?? []) {
        if (t.length - lf.tokens.length >= 1 && runMatches(t, 0, lf.tokens)) {
          t = t.slice(lf.tokens.length);
          legalForms.push(lf.canonical);
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  return { tokens: t, legalForms };
}

function tokenWeight(text: string): number {
  if (STOPWORDS.has(text)) return 0.3;
  if (/^[0-9]+$/.test(text)) return 1;
  // Length-based: an initial counts a little, a long token a lot, capped so one long word cannot carry a name.
  return Math.min(Math.max(text.length, 1.5), 8) / 4;
}

function letterCounts(tokens: string[]): Uint8Array {
  const counts = new Uint8Array(37);
  for (const t of tokens) {
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      const k = c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? 26 + c - 48 : 36;
      if (counts[k]! < 255) counts[k] = counts[k]! + 1;
    }
  }
  return counts;
}

/**
 * Analyses a name for matching. `kind` 'person' keeps words that look like legal forms (a person named
 * "Ao" or "Sa" exists); organisations and unknown kinds have them removed.
 */
export function analyseName(input: string, kind?: string): AnalysedName {
  const base = baseTokens(input);
  let tokens = base.tokens;
  const honorifics: string[] = [];
  while (tokens.length > 1 && HONORIFICS.has(tokens[0]!)) {
    honorifics.push(tokens[0]!);
    tokens = tokens.slice(1);
  }
  let legalForms: string[] = [];
  if (kind !== 'person') ({ tokens, legalForms } = stripLegalForms(tokens));
  if (tokens.length > MAX_TOKENS) tokens = tokens.slice(0, MAX_TOKENS);
  const nameTokens = tokens.map((text) => ({ text, key: phoneticKey(text), weight: tokenWeight(text) }));
  return {
    normalised: tokens.join(' '),
    tokens: nameTokens,
    compact: tokens.join(''),
    sortedCompact: [...tokens].sort().join(''),
    letters: letterCounts(tokens),
    fullCompact: base.tokens.join(''),
    legalForms,
    honorifics,
    transliterated: base.transliterated,
  };
}

/** The normalised form of a name: case, diacritics, script, punctuation, honorifics and legal forms removed. */
export function normaliseName(input: string, kind?: string): string {
  return analyseName(input, kind).normalised;
}
