// `bulwark screen "NAME" [--type person|organization] [--dob YYYY-MM-DD] [--country CC] [--wallet ADDR]
//                 [--threshold N] [--limit N] [--json] [--lists PATH...]`
// `bulwark screen --batch FILE.jsonl [--lists PATH...]`   one query per line in, one JSON result per line out
//
// The same engine as the screening service (engine/). Lists come from --lists paths (parsed by the lists
// module, format detected) or, without --lists, from the active list versions in the database. With no list
// at all it says "no lists loaded" and exits 3: an empty answer must never read as "no match".
// Exit codes: 0 screened (hits or not), 2 bad arguments or input file, 3 no lists loaded.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';

import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { ALGORITHM_VERSION, DEFAULT_THRESHOLD, buildScreeningIndex, screenBatch } from './engine/index.js';
import type { ListEntity, ListSource, ScreeningMatch, ScreeningQuery } from './model.js';

export interface ScreenCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

interface ScreenOptions {
  type?: 'person' | 'organization';
  dob?: string;
  country?: string[];
  wallet?: string;
  threshold: number;
  limit: number;
  json?: boolean;
  lists?: string[];
  batch?: string;
  workers?: number;
}

/** Where the lists came from: shown with every answer so an operator knows what "no match" was against. */
interface LoadedLists {
  lists: { source: ListSource; entities: ListEntity[] }[];
  described: string[];
}

const DOB = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const COUNTRY = /^[A-Za-z]{2}$/;
/** A batch line longer than this is refused (a name is short; this only bounds memory). */
const MAX_LINE = 16_384;

const threshold = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('a number from 0 to 1');
  return n;
};
const limit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return n;
};
const workers = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new InvalidArgumentError('a whole number from 0 to 16');
  return n;
};
const countries = (v: string, prev: string[] = []) => {
  const list = v.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of list) if (!COUNTRY.test(c)) throw new InvalidArgumentError(`"${c}" is not an ISO 3166-1 alpha-2 code`);
  return [...prev, ...list.map((c) => c.toUpperCase())];
};

/** Parses one --batch line into a query; a string saying what is wrong otherwise. */
export function batchQuery(line: string): ScreeningQuery | string {
  if (line.length > MAX_LINE) return `line longer than ${MAX_LINE} characters`;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not a JSON object';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  const q: ScreeningQuery = {};
  if (o.name !== undefined) {
    if (typeof o.name !== 'string' || o.name.length > 1000) return 'name must be a string of at most 1000 characters';
    q.name = o.name;
  }
  const kind = o.type ?? o.kind;
  if (kind !== undefined) {
    if (kind !== 'person' && kind !== 'organization') return 'type must be "person" or "organization"';
    q.kind = kind;
  }
  const dob = o.dob ?? o.birthDate;
  if (dob !== undefined) {
    if (typeof dob !== 'string' || !DOB.test(dob)) return 'dob must be YYYY, YYYY-MM or YYYY-MM-DD';
    q.birthDate = dob;
  }
  const c = o.country ?? o.countries;
  if (c !== undefined) {
    const arr = Array.isArray(c) ? c : [c];
    if (!arr.every((x) => typeof x === 'string' && COUNTRY.test(x))) return 'country must be ISO 3166-1 alpha-2 codes';
    q.countries = (arr as string[]).map((x) => x.toUpperCase());
  }
  if (o.wallet !== undefined) {
    if (typeof o.wallet !== 'string' || o.wallet.length > 200) return 'wallet must be a string of at most 200 characters';
    q.wallet = o.wallet;
  }
  if (!q.name?.trim() && !q.wallet?.trim()) return 'a name or a wallet is required';
  return q;
}

/** The compact form of a match in batch output: list, entity, matched name, score. */
function brief(m: ScreeningMatch) {
  return { list: m.source, entityId: m.entityId, entityName: m.entityName, matchedName: m.explanation.matchedName, nameKind: m.explanation.nameKind, score: m.score };
}

async function loadLists(opts: ScreenOptions, d: ScreenCliDeps, run: (l: LoadedLists) => Promise<void>): Promise<void> {
  if (opts.lists && opts.lists.length > 0) {
    // Imported lazily: the parsers (XML, CSV) are only needed when lists come from files.
    const { parseListPath } = await import('./lists/index.js');
    const out: LoadedLists = { lists: [], described: [] };
    for (const p of opts.lists) {
      let parsed;
      try {
        parsed = await parseListPath(p);
      } catch (err) {
        d.fail(`${p}: ${(err as Error).message}`, 2);
      }
      for (const w of parsed.warnings.slice(0, 5)) process.stderr.write(`warning: ${p}: ${w}\n`);
      out.lists.push({ source: parsed.source, entities: parsed.entities });
      out.described.push(`${parsed.source} from ${p} (${parsed.entities.length} entities, published ${parsed.publishedAt ?? 'date not stated'})`);
    }
    await run(out);
    return;
  }
  await d.withContainer({}, async (c) => {
    const active = await c.lists.activeEntities(d.cliActor('screen'));
    await run({
      lists: active.lists,
      described: active.versions.map((v) => `${v.source} v${v.version} (${v.entityCount} entities, published ${v.publishedAt ?? 'date not stated'}, sha256 ${v.sha256.slice(0, 12)}…)`),
    });
  });
}

function printHuman(name: string, matches: ScreeningMatch[], l: LoadedLists, t: number): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const entities = l.lists.reduce((n, x) => n + x.entities.length, 0);
  out(`screened ${JSON.stringify(name)} against ${entities} entities; algorithm ${ALGORITHM_VERSION}, threshold ${t}`);
  for (const d of l.described) out(`  list ${d}`);
  if (matches.length === 0) {
    out('no match');
    return;
  }
  matches.forEach((m, i) => {
    const e = m.explanation;
    out(`${i + 1}. ${m.score.toFixed(3)}  ${m.source}:${m.entityId}  ${m.entityName}  [${m.kind}${m.topics.length ? `; ${m.topics.join(', ')}` : ''}]`);
    if (e.nameKind !== 'primary') out(`     matched ${e.nameKind.replace('_', ' ')} ${JSON.stringify(e.matchedName)}`);
    if (e.tokens.length) out(`     tokens: ${e.tokens.map((t) => `${t.query}=${t.list} (${t.how} ${t.score})`).join(', ')}; name score ${e.nameScore}`);
    for (const f of e.factors) out(`     ${f.factor} ${f.effect >= 0 ? '+' : ''}${f.effect}: ${f.detail}`);
  });
}

/** Registers `bulwark screen`. */
export function registerScreenCommand(program: Command, d: ScreenCliDeps): void {
  program
    .command('screen')
    .description('screen a name or wallet (or a JSON-lines batch) against the sanctions, PEP and wallet lists')
    .argument('[name]', 'a person or organisation name, in any script')
    .option('--type <kind>', 'person or organization', (v) => {
      if (v !== 'person' && v !== 'organization') throw new InvalidArgumentError('person or organization');
      return v;
    })
    .option('--dob <date>', 'date of birth or incorporation: YYYY, YYYY-MM or YYYY-MM-DD', (v) => {
      if (!DOB.test(v)) throw new InvalidArgumentError('YYYY, YYYY-MM or YYYY-MM-DD');
      return v;
    })
    .option('--country <cc>', 'ISO 3166-1 alpha-2 code of nationality or residence (repeatable, or comma-separated)', countries)
    .option('--wallet <address>', 'a wallet address (exact match under the chain\'s case rules)')
    .option('--threshold <n>', 'minimum score to report', threshold, DEFAULT_THRESHOLD)
    .option('--limit <n>', 'at most this many matches per query', limit, 10)
    .option('--json', 'machine-readable output (one JSON object)')
    .option('--lists <path...>', 'screen against these list files or directories instead of the active lists in the database')
    .option('--batch <file>', 'screen every line of a JSON-lines file ({"name","type","dob","country","wallet","id"}); one JSON result per line')
    .option('--workers <n>', 'worker threads for --batch (default: the available cores)', workers)
    .action(async (name: string | undefined, opts: ScreenOptions) => {
      if (opts.batch && (name || opts.wallet)) d.fail('give either a NAME/--wallet or --batch FILE, not both', 2);
      if (!opts.batch && !name?.trim() && !opts.wallet?.trim()) d.fail('give a NAME, --wallet ADDRESS or --batch FILE', 2);
      await loadLists(opts, d, async (l) => {
        const entities = l.lists.reduce((n, x) => n + x.entities.length, 0);
        if (entities === 0) d.fail('no lists loaded: nothing was screened (import one with bulwark lists import PATH, or pass --lists PATH)', 3);
        const search = { threshold: opts.threshold, limit: opts.limit };
        if (opts.batch) {
          await runBatch(opts.batch, l, { ...search, workers: opts.workers }, d);
          return;
        }
        const query: ScreeningQuery = { name: name ?? undefined, kind: opts.type, birthDate: opts.dob, countries: opts.country, wallet: opts.wallet };
        const matches = buildScreeningIndex(l.lists).search(query, search);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ query, algorithmVersion: ALGORITHM_VERSION, threshold: opts.threshold, lists: l.described, matches }, null, 2)}\n`);
        } else printHuman(name ?? opts.wallet ?? '', matches, l, opts.threshold);
      });
    });
}

async function runBatch(file: string, l: LoadedLists, opts: { threshold: number; limit: number; workers?: number }, d: ScreenCliDeps): Promise<void> {
  const input = createReadStream(file, { encoding: 'utf8' });
  let openError: Error | null = null;
  input.on('error', (err) => (openError = err));
  const rl = createInterface({ input, crlfDelay: Infinity });
  // Lines that are not queries are answered in place (with their line number), never dropped.
  const rejected = new Map<number, string>();
  const ids = new Map<number, unknown>();
  const lineOf: number[] = [];
  let lineNo = 0;
  async function* queries(): AsyncGenerator<ScreeningQuery> {
    for await (const raw of rl) {
      lineNo++;
      if (!raw.trim()) continue;
      const q = batchQuery(raw);
      if (typeof q === 'string') {
        rejected.set(lineNo, q);
        // A placeholder keeps the output in input order; its result is replaced by the error below.
        lineOf.push(lineNo);
        yield {};
        continue;
      }
      try {
        const id = (JSON.parse(raw) as { id?: unknown }).id;
        if (id !== undefined) ids.set(lineNo, id);
      } catch {
        /* parsed above */
      }
      lineOf.push(lineNo);
      yield q;
    }
  }
  const write = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  try {
    await screenBatch(l.lists, queries(), (i, r) => {
      const line = lineOf[i]!;
      const bad = rejected.get(line);
      const id = ids.get(line);
      if (bad) write({ line, error: bad });
      else if ('error' in r) write({ line, ...(id !== undefined ? { id } : {}), error: r.error });
      else write({ line, ...(id !== undefined ? { id } : {}), matches: r.map(brief) });
      rejected.delete(line);
      ids.delete(line);
    }, opts);
  } catch (err) {
    if (openError) d.fail(`${file}: ${(openError as Error).message}`, 2);
    throw err;
  }
  if (openError) d.fail(`${file}: ${(openError as Error).message}`, 2);
}
