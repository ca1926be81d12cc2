// Streaming XML on saxes (strict, well-formedness checked): only the record elements (and a few named header
// elements) are built into small trees and handed over one at a time, so a 100 MB list is never one big DOM.
// A cut-off file fails at its end with the line and column saxes reports ("unclosed tag").
import { SaxesParser } from 'saxes';
import { ListParseError, decodeText } from './common.js';

export interface XmlNode {
  /** Local name (namespace prefix dropped). */
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

export interface XmlStreamOptions {
  /** Local names of the elements handed to `onRecord`, wherever they are. */
  records: ReadonlySet<string>;
  onRecord(node: XmlNode): void;
  /** Other elements to build and hand to `onCapture` (header fields such as a generation date). */
  capture?: ReadonlySet<string>;
  onCapture?(node: XmlNode): void;
}

const local = (n: string) => n.slice(n.indexOf(':') + 1);

/** Parses `bytes` as XML, calling back per record; returns the root element's local name and attributes. */
export function streamXml(bytes: Uint8Array, file: string, opts: XmlStreamOptions): { root: string; rootAttrs: Record<string, string> } {
  const parser = new SaxesParser({ position: true });
  let root: { name: string; attrs: Record<string, string> } | null = null;
  // The stack of nodes being built (empty outside a record or captured element).
  const stack: XmlNode[] = [];
  let failure: Error | null = null;
  let recordDone: Error | null = null;

  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes as Record<string, string>)) attrs[local(k)] = v;
    if (!root) {
      root = { name, attrs };
      return;
    }
    if (stack.length > 0 || opts.records.has(name) || opts.capture?.has(name)) {
      const node: XmlNode = { name, attrs, children: [], text: '' };
      stack[stack.length - 1]?.children.push(node);
      stack.push(node);
    }
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    if (stack.length === 0) return;
    const node = stack.pop()!;
    if (stack.length === 0) {
      try {
        if (opts.records.has(node.name)) opts.onRecord(node);
        else opts.onCapture?.(node);
      } catch (e) {
        recordDone ??= e as Error;
      }
    }
  });

  const text = decodeText(bytes);
  // Fed in slices so an error stops the work early and memory stays at one record.
  const SLICE = 1 << 20;
  try {
    for (let i = 0; i < text.length && !failure && !recordDone; i += SLICE) parser.write(text.slice(i, i + SLICE));
    if (!failure && !recordDone) parser.close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (recordDone) throw recordDone;
  if (failure) {
    // saxes messages start with "[file:]line:column: "; we state the position our own way.
    const m = /^(?:[^:\d][^:]*:)?(\d+):(\d+):\s*/.exec(failure.message);
    const msg = m ? failure.message.slice(m[0].length) : failure.message;
    const truncated = /unclosed|unexpected end|document must contain a root/i.test(msg) ? ' — the file looks cut off' : '';
    const line = m ? Number(m[1]) : parser.line;
    const column = m ? Number(m[2]) : parser.column + 1;
    throw new ListParseError(`${file} is not well-formed XML: ${msg}${truncated}`, `${file} line ${line}, column ${column}`);
  }
  if (!root) throw new ListParseError(`${file} holds no XML element`, file);
  const r = root as { name: string; attrs: Record<string, string> };
  return { root: r.name, rootAttrs: r.attrs };
}

/** The first child element named `name`. */
export function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  return n?.children.find((c) => c.name === name);
}

/** Every child element named `name`. */
export function children(n: XmlNode | undefined, name: string): XmlNode[] {
  return n ? n.children.filter((c) => c.name === name) : [];
}

/** Trimmed text of the first child named `name` ('' when absent). */
export function textOf(n: XmlNode | undefined, name: string): string {
  return (child(n, name)?.text ?? '').trim();
}

/** Every element named `name` anywhere below `n`. */
export function descendants(n: XmlNode, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const c of n.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
