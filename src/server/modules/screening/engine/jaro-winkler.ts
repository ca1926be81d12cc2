// Jaro and Jaro-Winkler similarity (Winkler 1990): the string score of record linkage and of most sanctions
// screeners (OFAC's own search tool, Watchman). Written here rather than taken from a package: it is 40 lines,
// hot (called for every candidate token pair), and works on UTF-16 code units of already-normalised ASCII.

// Reused match flags: a query is scored against hundreds of tokens; allocating two arrays per pair is the
// larger part of the cost otherwise. Tokens are capped well below this length by normalisation.
const MAX = 256;
const flagsA = new Uint8Array(MAX);
const flagsB = new Uint8Array(MAX);

/** Jaro similarity in [0, 1]; 1 for equal strings, 0 when no characters match (or either is empty). */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = Math.min(a.length, MAX);
  const lb = Math.min(b.length, MAX);
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === ca) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
}

/** Jaro-Winkler similarity in [0, 1]: Jaro plus a bonus for a common prefix of up to 4 characters (p = 0.1). */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  if (j === 0 || j === 1) return j;
  let prefix = 0;
  const limit = Math.min(4, a.length, b.length);
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}
