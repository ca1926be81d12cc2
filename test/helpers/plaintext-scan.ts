// Scans raw bytes (database files, a pg_dump) for many plaintext values at once, case-insensitively (ASCII),
// both as UTF-8 bytes and as the lowercase hex a text dump uses for bytea columns. Aho–Corasick over bytes,
// so tens of megabytes are searched for hundreds of values in well under a second.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sql, type Kysely } from 'kysely';

export interface Needle {
  /** What the value is (e.g. "trader 3 email"); reported on a hit, the value itself is not. */
  label: string;
  value: string;
}

export interface Hit {
  label: string;
  form: 'utf8' | 'hex';
  source: string;
  offset: number;
}

const FOLD = new Uint8Array(256).map((_, b) => (b >= 65 && b <= 90 ? b + 32 : b));

export class PlaintextScanner {
  private readonly delta: Int32Array;
  private readonly out: { label: string; form: 'utf8' | 'hex'; length: number }[][];

  constructor(needles: Needle[]) {
    const patterns: { bytes: Uint8Array; label: string; form: 'utf8' | 'hex' }[] = [];
    for (const n of needles) {
      const utf8 = Buffer.from(n.value, 'utf8');
      patterns.push({ bytes: utf8.map((b) => FOLD[b]!), label: n.label, form: 'utf8' });
      patterns.push({ bytes: Buffer.from(utf8.toString('hex'), 'latin1'), label: n.label, form: 'hex' });
    }
    // Trie.
    const children: Map<number, number>[] = [new Map()];
    const outs: { label: string; form: 'utf8' | 'hex'; length: number }[][] = [[]];
    for (const p of patterns) {
      let s = 0;
      for (const b of p.bytes) {
        let next = children[s]!.get(b);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outs.push([]);
          children[s]!.set(b, next);
        }
        s = next;
      }
      outs[s]!.push({ label: p.label, form: p.form, length: p.bytes.length });
    }
    // Failure links by breadth-first search, folded into a complete transition table (a DFA).
    const n = children.length;
    const delta = new Int32Array(n * 256);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const c = children[0]!.get(b);
      delta[b] = c ?? 0;
      if (c !== undefined) queue.push(c);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      outs[s]!.push(...outs[fail[s]!]!);
      for (let b = 0; b < 256; b++) {
        const c = children[s]!.get(b);
        if (c !== undefined) {
          fail[c] = delta[fail[s]! * 256 + b]!;
          delta[s * 256 + b] = c;
          queue.push(c);
        } else {
          delta[s * 256 + b] = delta[fail[s]! * 256 + b]!;
        }
      }
    }
    this.delta = delta;
    this.out = outs;
  }

  /** Every occurrence of every value in buf. */
  scan(buf: Uint8Array, source: string): Hit[] {
    const hits: Hit[] = [];
    const { delta, out } = this;
    let s = 0;
    for (let i = 0; i < buf.length; i++) {
      s = delta[s * 256 + FOLD[buf[i]!]!]!;
      const o = out[s]!;
      if (o.length) for (const m of o) hits.push({ label: m.label, form: m.form, source, offset: i + 1 - m.length });
    }
    return hits;
  }

  /** Scans every file under dir (recursively); sources are paths relative to dir. */
  scanDir(dir: string): { hits: Hit[]; files: number; bytes: number } {
    const hits: Hit[] = [];
    let files = 0;
    let bytes = 0;
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) {
          const buf = readFileSync(p);
          files++;
          bytes += buf.length;
          hits.push(...this.scan(buf, relative(dir, p)));
        }
      }
    };
    walk(dir);
    return { hits, files, bytes };
  }
}

/**
 * Scans every row of every table of a test app's database (as JSON text, and each bytea value as raw bytes) for
 * the needles; the hits, each naming its table. A "control:" needle that must be found proves the scan sees data.
 */
export async function scanAllTables<D>(db: Kysely<D>, scanner: PlaintextScanner): Promise<Hit[]> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db);
  const hits: Hit[] = [];
  for (const { table_name } of tables.rows) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(db)).rows;
    const text = JSON.stringify(rows, (_k, v) => (v && typeof v === 'object' && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    hits.push(...scanner.scan(Buffer.from(text, 'utf8'), table_name));
    for (const r of rows) for (const v of Object.values(r)) if (v instanceof Uint8Array) hits.push(...scanner.scan(v, table_name));
  }
  return hits;
}
