// Downloads a list from its publisher: HTTPS (plain HTTP only to loopback, for tests and local mirrors), through
// HTTPS_PROXY/HTTP_PROXY (NO_PROXY honoured) via undici's EnvHttpProxyAgent, with a timeout, a running size cap,
// and checks that what arrived is what was expected: status 200, the whole body (Content-Length matched), not
// empty, and the format the source publishes. Anything else fails the sync of that source; the previous version
// stays active.
import { EnvHttpProxyAgent, fetch } from 'undici';
import type { ListFormat, ListSource } from '../model.js';
import { detectFormatOf } from './detect.js';
import { ListParseError } from './parsers/common.js';
import type { ListFile } from './parse.js';

export interface SyncSourceSettings {
  source: ListSource;
  enabled: boolean;
  /** One URL, or several for a set (OFAC CSV: SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV). */
  urls: string[];
}

/** The formats each source may arrive in. */
export const SOURCE_FORMATS: Record<ListSource, ListFormat[]> = {
  ofac_sdn: ['ofac_csv', 'ofac_xml'],
  ofac_cons: ['ofac_csv', 'ofac_xml'],
  un_sc: ['un_xml'],
  eu_fsf: ['eu_fsf_xml'],
  uk_sanctions: ['uk_xml'],
  opensanctions: ['ftm_jsonl'],
  ofac_wallets: ['ofac_wallet_list'],
};

const OFAC = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports';
const WALLET_TICKERS = ['XBT', 'ETH', 'USDT', 'USDC', 'LTC', 'BCH', 'TRX', 'XMR', 'ZEC', 'DASH', 'ARB', 'BSC', 'BSV', 'BTG', 'ETC', 'XRP', 'XVG'];

/** The official publishers' URLs (docs/screening-lists.md). OpenSanctions is off by default: licence and size. */
export const DEFAULT_SYNC_SOURCES: SyncSourceSettings[] = [
  { source: 'ofac_sdn', enabled: true, urls: ['SDN.CSV', 'ALT.CSV', 'ADD.CSV', 'SDN_COMMENTS.CSV'].map((f) => `${OFAC}/${f}`) },
  { source: 'ofac_cons', enabled: true, urls: ['CONS_PRIM.CSV', 'CONS_ALT.CSV', 'CONS_ADD.CSV', 'CONS_COMMENTS.CSV'].map((f) => `${OFAC}/${f}`) },
  { source: 'un_sc', enabled: true, urls: ['https://scsanctions.un.org/resources/xml/en/consolidated.xml'] },
  { source: 'eu_fsf', enabled: true, urls: ['https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw'] },
  { source: 'uk_sanctions', enabled: true, urls: ['https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml'] },
  { source: 'opensanctions', enabled: false, urls: ['https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json'] },
  {
    source: 'ofac_wallets',
    enabled: true,
    urls: WALLET_TICKERS.map((t) => `https://raw.githubusercontent.com/0xB10C/ofac-sanctioned-digital-currency-addresses/lists/sanctioned_addresses_${t}.txt`),
  },
];

let agent: EnvHttpProxyAgent | undefined;
function dispatcher(): EnvHttpProxyAgent {
  // Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment (the standard variables; not Bulwark settings).
  agent ??= new EnvHttpProxyAgent();
  return agent;
}

function fileNameOf(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? 'download');
  return last.replace(/[^\w.-]/g, '_') || 'download';
}

const MAX_REDIRECTS = 5;

/** The URL if it may be fetched: https, or plain http to this machine only (tests, a local mirror). */
function checkedUrl(raw: string, via?: string): URL {
  const url = new URL(raw);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ListParseError(`${via ? `${via} redirected to ${url.protocol}//${url.host}` : raw}: only https:// URLs are fetched (plain http only on this machine)`);
  }
  return url;
}

/** Downloads one URL with a timeout and a running size cap; refuses anything but a complete 200 answer. */
export async function downloadOne(rawUrl: string, opts: { maxBytes: number; timeoutMs: number }): Promise<ListFile> {
  // Redirects are followed by hand so that every hop passes the same check as the configured URL: publishers do
  // redirect (to their CDN), but a redirect must never take the download to plain http or to another scheme.
  let url = checkedUrl(rawUrl);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res = await fetch(url, { dispatcher: dispatcher(), signal, redirect: 'manual' });
  for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.get('location'); hops++) {
    await res.body?.cancel().catch(() => undefined);
    if (hops === MAX_REDIRECTS) throw new ListParseError(`${rawUrl}: more than ${MAX_REDIRECTS} redirects`);
    url = checkedUrl(new URL(res.headers.get('location')!, url).toString(), rawUrl);
    res = await fetch(url, { dispatcher: dispatcher(), signal, redirect: 'manual' });
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new ListParseError(`${url.host}${url.pathname} answered HTTP ${res.status}`);
  }
  const declared = res.headers.get('content-length');
  if (declared && Number(declared) > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ListParseError(`${url.host}${url.pathname} is ${declared} bytes, more than the limit of ${opts.maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > opts.maxBytes) throw new ListParseError(`${url.host}${url.pathname} is more than the limit of ${opts.maxBytes} bytes`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  } catch (e) {
    if (e instanceof ListParseError) throw e;
    throw new ListParseError(`${url.host}${url.pathname}: the download broke off after ${size} bytes (${(e as Error).message})`);
  }
  if (declared && Number(declared) !== size) throw new ListParseError(`${url.host}${url.pathname}: got ${size} of ${declared} bytes (truncated)`);
  if (size === 0) throw new ListParseError(`${url.host}${url.pathname} answered an empty body`);
  return { name: fileNameOf(url), bytes: Buffer.concat(chunks) };
}

/** Downloads every file of a source and checks the format is one that source publishes. */
export async function downloadList(s: SyncSourceSettings, opts: { maxBytes: number; timeoutMs: number }): Promise<ListFile[]> {
  const files: ListFile[] = [];
  let total = 0;
  for (const u of s.urls) {
    const f = await downloadOne(u, { ...opts, maxBytes: opts.maxBytes - total });
    total += f.bytes.length;
    const format = detectFormatOf(f.name, f.bytes.subarray(0, 64 * 1024));
    if (!SOURCE_FORMATS[s.source].includes(format)) throw new ListParseError(`${u} served ${format}, not a ${s.source} list (${SOURCE_FORMATS[s.source].join(' or ')})`);
    files.push(f);
  }
  return files;
}
