// Which list format a file is, from its content (never from its name alone): the first bytes tell XML (and its
// root element), JSON lines, OFAC CSV rows or a list of addresses. Names only tell apart files that share a
// layout: sdn.csv vs cons_prim.csv, and the currency of a wallet list.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListFormat } from '../model.js';
import { ListParseError, decodeText } from './parsers/common.js';
import { ofacCsvRole } from './parsers/ofac-csv.js';
import { walletFileTicker } from './parsers/ofac-wallets.js';

const HEAD_BYTES = 64 * 1024;

/** The XML root element's local name, skipping the declaration, comments and a doctype; null if none. */
export function xmlRoot(text: string): string | null {
  const t = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '');
  const m = /<([A-Za-z_][\w.:-]*)/.exec(t);
  return m ? m[1]!.slice(m[1]!.indexOf(':') + 1) : null;
}

/** The format of one file from its name and first bytes; a ListParseError says why when it is none we know. */
export function detectFormatOf(name: string, head: Uint8Array): ListFormat {
  if (head.length === 0) throw new ListParseError(`${name} is empty`, name);
  if (head.subarray(0, Math.min(head.length, 4096)).includes(0)) throw new ListParseError(`${name} is a binary file, not a list (compressed? unpack it first)`, name);
  const text = decodeText(head).replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (!start) throw new ListParseError(`${name} holds only white space`, name);
  if (start.startsWith('<')) {
    const root = xmlRoot(start);
    switch (root) {
      case 'CONSOLIDATED_LIST':
        return 'un_xml';
      case 'export':
        return 'eu_fsf_xml';
      case 'Designations':
        return 'uk_xml';
      case 'sdnList':
        return 'ofac_xml';
      case 'Sanctions':
        throw new ListParseError(`${name} is OFAC's advanced XML (SDN_ADVANCED / SDN_ENHANCED), which is not supported: import sdn.xml or the CSV set (sdn.csv, alt.csv, add.csv, sdn_comments.csv)`, name);
      default:
        throw new ListParseError(`${name} is XML with root element <${root ?? '?'}>, which is none of the known lists (UN <CONSOLIDATED_LIST>, EU FSF <export>, UK <Designations>, OFAC <sdnList>)`, name);
    }
  }
  if (start.startsWith('{')) {
    const first = start.split('\n', 1)[0]!;
    if (/"DATA_SOURCE"\s*:/.test(first)) throw new ListParseError(`${name} is Senzing JSON, which is not supported: import the FollowTheMoney export (entities.ftm.json) of the same dataset`, name);
    if (/"schema"\s*:/.test(first) && /"properties"\s*:/.test(first)) return 'ftm_jsonl';
    throw new ListParseError(`${name} is JSON but not FollowTheMoney entities (one object with id, schema and properties per line)`, name);
  }
  if (start.startsWith('[')) {
    if (walletFileTicker(name)) return 'ofac_wallet_list';
    throw new ListParseError(`${name} is a JSON array; only OFAC wallet lists (sanctioned_addresses_<TICKER>.json) are JSON arrays`, name);
  }
  if (/^\d+,/.test(start)) return 'ofac_csv';
  if (walletFileTicker(name) && /^[A-Za-z0-9:]{20,120}\r?$/m.test(start.split('\n', 1)[0]!)) return 'ofac_wallet_list';
  throw new ListParseError(`${name} is not a list format Bulwark knows (OFAC CSV or XML, UN, EU FSF or UK XML, FollowTheMoney JSON lines, OFAC wallet lists)`, name);
}

/** The files of a directory that form one list set (OFAC CSV set or wallet lists), or the one list file it holds. */
export async function listSetFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name).sort();
  const ofac = names.filter((n) => ofacCsvRole(n));
  if (ofac.length > 0) return ofac.map((n) => join(dir, n));
  const wallets = names.filter((n) => walletFileTicker(n));
  if (wallets.length > 0) return wallets.map((n) => join(dir, n));
  const lists = names.filter((n) => !/^readme/i.test(n) && !/^index\.json$/i.test(n));
  if (lists.length === 1) return [join(dir, lists[0]!)];
  throw new ListParseError(
    lists.length === 0
      ? `${dir} holds no list file`
      : `${dir} holds ${lists.length} files that are not one list set (an OFAC CSV set or wallet lists): import one file at a time`,
    dir,
  );
}

/** The format of a file or of a directory's list set (reads at most the first 64 KiB of each file). */
export async function detectFormat(path: string): Promise<ListFormat> {
  const s = await stat(path);
  const files = s.isDirectory() ? await listSetFiles(path) : [path];
  const first = files[0]!;
  const fh = await open(first, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return detectFormatOf(first, buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
