// Display formats shared by the staff pages. Times are shown in UTC everywhere, so that what staff read
// matches the audit log, exports and server logs whatever their workstation's time zone.

/** "2025-03-04 09:15:02" (UTC) from an ISO instant; the input unchanged if it does not parse. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A count with thousands separators ("12,345"). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/** "1 event" / "3 events". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A byte size for people ("12.3 kB"). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
