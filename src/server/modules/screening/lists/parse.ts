// One entry point for every list format: a path (file or directory) or in-memory files (an upload, a download)
// → ParsedList. Refuses what must not become a list version: empty or oversized input, mixed formats, and a
// parse that yields no entity (a list does not become empty by accident).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ListFormat, ParsedList } from '../model.js';
import { detectFormatOf, listSetFiles } from './detect.js';
import { ListParseError } from './parsers/common.js';
import { parseEuXml } from './parsers/eu-xml.js';
import { parseFtm } from './parsers/ftm.js';
import { ofacCsvRole, parseOfacCsv } from './parsers/ofac-csv.js';
import { parseOfacWallets } from './parsers/ofac-wallets.js';
import { parseOfacXml } from './parsers/ofac-xml.js';
import { parseUkXml } from './parsers/uk-xml.js';
import { parseUnXml } from './parsers/un-xml.js';

export { ListParseError } from './parsers/common.js';
export { detectFormat, detectFormatOf } from './detect.js';

/** One file of a list: its name (the base name decides the role inside an OFAC CSV set) and its bytes. */
export interface ListFile {
  name: string;
  bytes: Uint8Array;
}

/** Largest list accepted (all files of a set together), unless the caller says otherwise. */
export const DEFAULT_MAX_LIST_BYTES = 256 * 1024 * 1024;

export interface ParseOptions {
  maxBytes?: number;
}

/** Reads a list file, or a directory's list set, refusing more than `maxBytes` before reading it. */
export async function readListPath(path: string, opts: ParseOptions = {}): Promise<ListFile[]> {
  const max = opts.maxBytes ?? DEFAULT_MAX_LIST_BYTES;
  const s = await stat(path).catch(() => {
    throw new ListParseError(`${path} does not exist or cannot be read`, path);
  });
  const paths = s.isDirectory() ? await listSetFiles(path) : [path];
  let total = 0;
  for (const p of paths) total += (await stat(p)).size;
  if (total > max) throw new ListParseError(`${path} is ${total} bytes, more than the limit of ${max} bytes`, path);
  return Promise.all(paths.map(async (p) => ({ name: basename(p), bytes: await readFile(p) })));
}

/** SHA-256 (hex) of a list's bytes: of the files concatenated in name order for a set. */
export function hashListFiles(files: ListFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) h.update(f.bytes);
  return h.digest('hex');
}

/** Parses in-memory list files (one file, or the files of one OFAC CSV or wallet set). Throws ListParseError. */
export function parseListFiles(files: ListFile[], opts: ParseOptions = {}): ParsedList {
  const max = opts.maxBytes ?? DEFAULT_MAX_LIST_BYTES;
  if (files.length === 0) throw new ListParseError('no file given');
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  if (total > max) throw new ListParseError(`the list is ${total} bytes, more than the limit of ${max} bytes`);
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new ListParseError(`${f.name} is given twice`, f.name);
    names.add(f.name);
  }
  const formats = files.map((f) => ({ f, format: detectFormatOf(f.name, f.bytes.subarray(0, 64 * 1024)) }));
  const format = formats[0]!.format;
  const other = formats.find((x) => x.format !== format);
  if (other) throw new ListParseError(`${formats[0]!.f.name} is ${format} but ${other.f.name} is ${other.format}: one list at a time`);
  if (files.length > 1 && format !== 'ofac_csv' && format !== 'ofac_wallet_list') {
    throw new ListParseError(`${format} is one file: import ${files.map((f) => f.name).join(', ')} one at a time`);
  }
  const parsed = parseByFormat(format, files);
  if (parsed.entities.length === 0) {
    throw new ListParseError(`${files.map((f) => f.name).join(', ')} holds no entity: refused (a list does not become empty by an import)`);
  }
  return parsed;
}

function parseByFormat(format: ListFormat, files: ListFile[]): ParsedList {
  const one = files[0]!;
  switch (format) {
    case 'ofac_csv': {
      // A lone CSV file under another name (an upload) is taken as the primary file; its columns are checked.
      const named = files.length === 1 && !ofacCsvRole(one.name) ? [{ name: 'sdn.csv', bytes: one.bytes }] : files;
      return parseOfacCsv(named);
    }
    case 'ofac_xml':
      return parseOfacXml(one.bytes, one.name, /cons/i.test(one.name));
    case 'un_xml':
      return parseUnXml(one.bytes, one.name);
    case 'eu_fsf_xml':
      return parseEuXml(one.bytes, one.name);
    case 'uk_xml':
      return parseUkXml(one.bytes, one.name);
    case 'ftm_jsonl':
      return parseFtm(one.bytes, one.name);
    case 'ofac_wallet_list':
      return parseOfacWallets(files);
  }
}

/** Parses a list file or a directory holding an OFAC CSV set (sdn.csv + alt.csv + add.csv + sdn_comments.csv, or cons_*) or wallet lists. */
export async function parseListPath(path: string, opts: ParseOptions = {}): Promise<ParsedList> {
  return parseListFiles(await readListPath(path, opts), opts);
}
