// Script-to-Latin transliteration for name matching. Hand-written tables (no dependency): Cyrillic (Russian,
// Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian letters; BGN/PCGN-like, the romanisation sanctions
// lists use most), Greek (ELOT 743-like), Arabic and Persian letters (consonant skeleton: short vowels are not
// written in the script, so the phonetic key, which drops vowels, does most of the cross-script work) and
// Hebrew. Other characters pass through unchanged. The goal is a key that lands close to how a list publishes
// the Latin form, not a reversible romanisation.

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian and Belarusian
  є: 'ye', і: 'i', ї: 'yi', ґ: 'g', ў: 'u',
  // Serbian, Macedonian
  ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ѓ: 'gj', ќ: 'kj', ѕ: 'dz',
  // Mongolian and Kazakh letters seen on lists
  ө: 'o', ү: 'u', ә: 'a', ғ: 'g', қ: 'k', ң: 'n', ұ: 'u', һ: 'h',
};

const GREEK: Record<string, string> = {
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n',
  ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
};
// Greek digraphs read as one sound (ELOT 743): checked before single letters.
const GREEK_DIGRAPHS: Record<string, string> = { ου: 'ou', αι: 'ai', ει: 'ei', οι: 'oi', γγ: 'ng', γκ: 'gk', μπ: 'b', ντ: 'nt' };

const ARABIC: Record<string, string> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'a', ٱ: 'a', ب: 'b', ت: 't', ث: 'th', ج: 'j', ح: 'h', خ: 'kh', د: 'd', ذ: 'dh',
  ر: 'r', ز: 'z', س: 's', ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z', ع: '', غ: 'gh', ف: 'f', ق: 'q', ك: 'k',
  ل: 'l', م: 'm', ن: 'n', ه: 'h', و: 'w', ي: 'y', ة: 'a', ء: '', ئ: 'i', ؤ: 'u', ى: 'a',
  // Persian and Urdu
  پ: 'p', چ: 'ch', ژ: 'zh', گ: 'g', ک: 'k', ی: 'i', ۀ: 'a', ے: 'e', ٹ: 't', ڈ: 'd', ڑ: 'r', ں: 'n', ھ: 'h',
};

const HEBREW: Record<string, string> = {
  א: 'a', ב: 'b', ג: 'g', ד: 'd', ה: 'h', ו: 'v', ז: 'z', ח: 'kh', ט: 't', י: 'y', כ: 'k', ך: 'k', ל: 'l',
  מ: 'm', ם: 'm', נ: 'n', ן: 'n', ס: 's', ע: '', פ: 'p', ף: 'f', צ: 'ts', ץ: 'ts', ק: 'k', ר: 'r', ש: 'sh', ת: 't',
};

const isArabicLetter = (c: string): boolean => c in ARABIC;

function arabicLetter(c: string, prev: string | undefined, next: string | undefined): string {
  const wordStart = prev === undefined || !isArabicLetter(prev);
  // و and ي are consonants at the start of a word and long vowels inside it.
  if (c === 'و') return wordStart ? 'w' : 'u';
  if (c === 'ي' || c === 'ی') return wordStart ? 'y' : 'i';
  // ع at the start of a word is written with a vowel in Latin (Ali, Omar, Abd); elsewhere it is dropped.
  if (c === 'ع') return wordStart ? 'a' : '';
  // ة (ta marbuta) at the end of a word is "a"/"ah".
  if (c === 'ة') return next === undefined || !isArabicLetter(next) ? 'a' : 't';
  return ARABIC[c] ?? c;
}

/** True when the text has a letter of a script this module transliterates. */
export function hasNonLatinLetters(s: string): boolean {
  return /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u1f00-\u1fff]/u.test(s);
}

/** Greek letters carry accents as separate marks once decomposed: strip them so ά reads as α. */
function baseLetter(c: string): string {
  const d = c.normalize('NFD');
  return d.length > 1 ? d[0]! : c;
}

/** Latin letters for Cyrillic, Greek, Arabic/Persian and Hebrew text (lower-cased); anything else unchanged. */
export function transliterate(input: string): string {
  if (!hasNonLatinLetters(input)) return input;
  const chars = Array.from(input.toLowerCase());
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const cyr = CYRILLIC[c];
    if (cyr !== undefined) {
      // Russian е after a vowel, ъ/ь or at a word start is "ye" in BGN/PCGN; lists mostly write plain "e",
      // so the plain form is kept (the fuzzy score absorbs the difference).
      out += cyr;
      continue;
    }
    const g = baseLetter(c);
    if (g in GREEK) {
      const pair = g + baseLetter(chars[i + 1] ?? '');
      const di = GREEK_DIGRAPHS[pair];
      if (di !== undefined) {
        out += di;
        i++;
      } else out += GREEK[g]!;
      continue;
    }
    if (isArabicLetter(c)) {
      out += arabicLetter(c, chars[i - 1], chars[i + 1]);
      continue;
    }
    const h = HEBREW[c];
    if (h !== undefined) {
      out += h;
      continue;
    }
    // Arabic short-vowel marks (harakat), tatweel: no Latin letter of their own.
    if (/[\u064b-\u065f\u0670\u0640]/u.test(c)) continue;
    out += c;
  }
  return out;
}
