// A phonetic key for name tokens: a consonant skeleton in the spirit of Metaphone, tuned for the names on
// sanctions lists (Arabic, Russian, Persian and Korean names romanised several ways). Two tokens with the same
// key sound alike under the common romanisations: Mohammed / Muhammad / Mohamad (MHMT), Hassan / Hasan,
// Akhmed / Ahmed / Ahmad (AHMT), Yusuf / Yousef / Jusuf. Vowels carry little information across
// romanisations, so only a leading vowel is kept (as 'A'). Double Metaphone was considered: its rules are
// tuned for English and Germanic spellings and it keys fewer of these pairs alike.

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

// Multi-letter spellings of one sound, by their first letter, longest first (a digraph replaces its letters
// before single-letter rules run).
const DIGRAPHS: [string, string][] = [
  ['shch', 'S'], ['sch', 'S'], ['tch', 'C'], ['dzh', 'J'],
  ['ch', 'C'], ['sh', 'S'], ['zh', 'J'], ['kh', 'H'], ['gh', 'K'], ['ph', 'F'], ['th', 'T'], ['dh', 'T'],
  ['ck', 'K'], ['ts', 'S'], ['tz', 'S'], ['dj', 'J'], ['dz', 'J'], ['ou', 'U'], ['oo', 'U'],
];
const DIGRAPHS_BY_FIRST = new Map<string, [string, string][]>();
for (const d of DIGRAPHS) {
  const list = DIGRAPHS_BY_FIRST.get(d[0][0]!) ?? [];
  list.push(d);
  DIGRAPHS_BY_FIRST.set(d[0][0]!, list);
}

const SINGLE: Record<string, string> = {
  b: 'P', p: 'P', d: 'T', t: 'T', g: 'K', k: 'K', q: 'K', c: 'K', x: 'KS', s: 'S', z: 'S', f: 'F', v: 'F', w: 'F',
  j: 'J', l: 'L', r: 'R', m: 'M', n: 'N', h: 'H',
};

/** The phonetic key of one normalised (lower-case ASCII) token; '' for a token without letters. */
export function phoneticKey(token: string): string {
  if (token.length === 0) return '';
  let out = '';
  let i = 0;
  const first = token[0]!;
  if (VOWELS.has(first) && first !== 'y') {
    out = 'A';
    i = 1;
  }
  // Silent leading consonants (knight, gnome, pneumo, wright).
  else if (/^(kn|gn|pn|wr)/.test(token)) i = 1;
  while (i < token.length) {
    const c = token[i]!;
    const candidates = DIGRAPHS_BY_FIRST.get(c);
    let matched = false;
    if (candidates) {
      for (const [dg, key] of candidates) {
        if (token.startsWith(dg, i)) {
          // 'ou'/'oo' are vowels: dropped inside a word like any other.
          if (key !== 'U') out += key;
          i += dg.length;
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    if (VOWELS.has(c)) {
      // Initial y is a consonant (Yusuf = Jusuf).
      if (c === 'y' && i === 0) out += 'J';
      i++;
      continue;
    }
    if (c === 'c') {
      const n = token[i + 1];
      out += n === 'e' || n === 'i' || n === 'y' ? 'S' : 'K';
    } else if (c === 'h') {
      // h after a vowel and before a consonant or the end is mostly silent (Shah; Ahmed keeps it: A-H-M).
      const prev = token[i - 1];
      const next = token[i + 1];
      if (!(prev && VOWELS.has(prev) && (next === undefined || !VOWELS.has(next)) && i > 1)) out += 'H';
    } else out += SINGLE[c] ?? (c >= '0' && c <= '9' ? c : '');
    i++;
  }
  // Doubled sounds count once (Hassan, Mohammed).
  let key = '';
  for (let k = 0; k < out.length; k++) if (out[k] !== out[k - 1]) key += out[k];
  return key;
}
