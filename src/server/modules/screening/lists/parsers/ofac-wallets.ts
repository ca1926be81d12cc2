// OFAC digital-currency address lists (sanctioned_addresses_<TICKER>.txt one address per line, or .json an array
// of strings), as extracted nightly from SDN_ADVANCED.XML. They carry no entity: each address is an entity of its
// own (id TICKER:address, named by its address) so a wallet hit says which list and which address; the SDN entity
// behind it comes from the SDN remarks.
import type { ListEntity, ParsedList } from '../../model.js';
import { ListParseError, decodeText } from './common.js';

/** The ticker a wallet-list file name states (sanctioned_addresses_XBT.txt → XBT), or null. */
export function walletFileTicker(name: string): string | null {
  const m = /sanctioned_addresses_([A-Za-z0-9]+)\.(txt|json)$/i.exec(name);
  return m ? m[1]!.toUpperCase() : null;
}

// Addresses are base58, bech32, hex (0x…), or with a chain prefix (bitcoincash:…): letters, digits and ':'.
const ADDRESS = /^[A-Za-z0-9:]{20,120}$/;

/** Parses one or more wallet-list files (of different tickers; a .json beside its .txt is the same list: skipped). */
export function parseOfacWallets(files: { name: string; bytes: Uint8Array }[]): ParsedList {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const entities: ListEntity[] = [];
  const txt = new Set(files.filter((f) => /\.txt$/i.test(f.name)).map((f) => walletFileTicker(f.name)));
  for (const f of files) {
    const ticker = walletFileTicker(f.name);
    if (!ticker) throw new ListParseError(`${f.name}: a wallet list's name must state its currency (sanctioned_addresses_<TICKER>.txt or .json)`, f.name);
    const isJson = /\.json$/i.test(f.name);
    if (isJson && txt.has(ticker)) continue;
    const text = decodeText(f.bytes).replace(/[\x1a\s]+$/, '');
    let addresses: { value: string; line: number }[];
    if (isJson) {
      let arr: unknown;
      try {
        arr = JSON.parse(text);
      } catch (e) {
        throw new ListParseError(`${f.name} is not valid JSON (${(e as Error).message}) — the file is cut off?`, f.name);
      }
      if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) throw new ListParseError(`${f.name} must be a JSON array of address strings`, f.name);
      addresses = (arr as string[]).map((value, i) => ({ value: value.trim(), line: i + 1 }));
    } else {
      addresses = text.split(/\r?\n/).map((value, i) => ({ value: value.trim(), line: i + 1 }));
    }
    for (const { value, line } of addresses) {
      if (!value) continue;
      if (!ADDRESS.test(value)) throw new ListParseError(`${f.name}: "${value.slice(0, 40)}" is not a digital-currency address`, `${f.name} ${isJson ? 'item' : 'line'} ${line}`);
      const id = `${ticker}:${value}`;
      if (seen.has(id)) continue;
      seen.add(id);
      entities.push({
        id,
        kind: 'unknown',
        name: value,
        aliases: [],
        weakAliases: [],
        birthDates: [],
        nationalities: [],
        countries: [],
        programs: [],
        topics: ['sanction'],
        wallets: [{ currency: ticker, address: value }],
      });
    }
  }
  return { source: 'ofac_wallets', format: 'ofac_wallet_list', publishedAt: null, entities, warnings };
}
