// IP addresses for the adaptive sign-in rules: the country of an address (geoip-lite's offline database), the
// network it belongs to (/24 for IPv4, /48 for IPv6), and CIDR ranges (node:net's BlockList, no extra code).
import { BlockList, isIP } from 'node:net';
import geoip from 'geoip-lite';

/** Country code used for addresses with no country: loopback, private and link-local networks. */
export const PRIVATE_COUNTRY = 'ZZ';

/** The address in canonical form: IPv4-mapped IPv6 (::ffff:1.2.3.4) becomes plain IPv4. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** ISO 3166 country of an address, or ZZ when it has none (loopback, private networks, unknown). */
export function countryOf(ip: string): string {
  const addr = normalizeIp(ip);
  if (!isIP(addr)) return PRIVATE_COUNTRY;
  return geoip.lookup(addr)?.country || PRIVATE_COUNTRY;
}

/** The eight 16-bit groups of an IPv6 address. */
function ipv6Groups(ip: string): number[] {
  let addr = ip.split('%')[0]!;
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    addr = `${addr.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => parseInt(g, 16) || 0);
}

/** The network an address belongs to, for "never seen before" checks: a.b.c.0/24 or the IPv6 /48. */
export function networkOf(ip: string): string {
  const addr = normalizeIp(ip);
  const kind = isIP(addr);
  if (kind === 4) return `${addr.split('.').slice(0, 3).join('.')}.0/24`;
  if (kind === 6) return `${ipv6Groups(addr).slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
  return `unknown/${addr.slice(0, 64)}`;
}

/** Parses "addr/bits" or a bare address (a /32 or /128); returns the canonical text or null when invalid. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6'; text: string } | null {
  const parts = text.trim().split('/');
  if (parts.length > 2) return null;
  const address = normalizeIp(parts[0]!);
  const kind = isIP(address);
  if (kind === 0) return null;
  const max = kind === 4 ? 32 : 128;
  let prefix = max;
  if (parts[1] !== undefined) {
    if (!/^\d{1,3}$/.test(parts[1])) return null;
    prefix = Number(parts[1]);
    if (prefix > max) return null;
  }
  return { address, prefix, family: kind === 4 ? 'ipv4' : 'ipv6', text: `${address}/${prefix}` };
}

const lists = new Map<string, BlockList>();

/** True when ip lies in one of the CIDR ranges (an empty list means "no restriction" and answers true). */
export function inRanges(ip: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  const key = cidrs.join(',');
  let list = lists.get(key);
  if (!list) {
    list = new BlockList();
    for (const c of cidrs) {
      const p = parseCidr(c);
      if (p) list.addSubnet(p.address, p.prefix, p.family);
    }
    if (lists.size > 1000) lists.clear();
    lists.set(key, list);
  }
  const addr = normalizeIp(ip);
  const kind = isIP(addr);
  if (kind === 0) return false;
  return list.check(addr, kind === 4 ? 'ipv4' : 'ipv6');
}

/** True for an IPv6 address (after IPv4-mapped addresses were made plain IPv4). */
export function isIpv6Address(ip: string): boolean {
  return isIP(normalizeIp(ip)) === 6;
}

/** The /64 of an IPv6 address (one subscriber's allocation), as "a:b:c:d::/64". */
export function ipv6Prefix64(ip: string): string {
  return `${ipv6Groups(normalizeIp(ip)).slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
