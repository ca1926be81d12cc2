// Shared by the scripts that keep a generated part of a document in step with the code: a Markdown table, and
// replacing what lies between the two markers.

/** A Markdown table. */
export function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The document with the part between the markers replaced by `generated`. */
export function replaceGenerated(doc: string, start: string, end: string, generated: string, path: string): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path}: markers not found`);
  return `${doc.slice(0, a + start.length)}\n\n${generated}\n${doc.slice(b)}`;
}
