// OFAC's legacy CSV files: the SDN set (sdn.csv + alt.csv + add.csv + sdn_comments.csv) and the consolidated
// non-SDN set (cons_prim.csv + cons_alt.csv + cons_add.csv + cons_comments.csv). No header row, CRLF, `-0-` for
// empty, most files end with a 0x1A byte. Remarks hold DOB, POB, nationality, weak a.k.a.s and digital-currency
// addresses; where sdn.csv cut a remark short, sdn_comments.csv continues it (same ent_num).
import { parse } from 'csv-parse/sync';
import type { EntityKind, ListEntity, ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries, clean, decodeText } from './common.js';

export type OfacCsvRole = 'prim' | 'alt' | 'add' | 'comments';

/** Columns per file role (OFAC dat_spec). */
export const OFAC_COLUMNS: Record<OfacCsvRole, number> = { prim: 12, alt: 5, add: 6, comments: 2 };

/** Which file of a set a name is ('sdn.csv', 'cons_alt.csv', …), and whether it belongs to the consolidated list. */
export function ofacCsvRole(fileName: string): { role: OfacCsvRole; consolidated: boolean } | null {
  const base = fileName.replace(/^.*[/\\]/, '').toLowerCase();
  const m = /^(sdn|cons_prim|alt|cons_alt|add|cons_add|sdn_comments|cons_comments)\.(csv|ff|pip)$/.exec(base);
  if (!m) return null;
  const n = m[1]!;
  const consolidated = n.startsWith('cons_');
  const role: OfacCsvRole = n === 'sdn' || n === 'cons_prim' ? 'prim' : n.endsWith('alt') ? 'alt' : n.endsWith('add') ? 'add' : 'comments';
  return { role, consolidated };
}

const ROLE_LABEL: Record<OfacCsvRole, string> = { prim: 'sdn.csv / cons_prim.csv', alt: 'alt.csv', add: 'add.csv', comments: 'sdn_comments.csv' };

export interface OfacCsvFile {
  name: string;
  bytes: Uint8Array;
}

/** Reads one file's rows, checking the column count of every row; errors name the file and line. */
function readRows(file: OfacCsvFile, role: OfacCsvRole): { line: number; cells: string[] }[] {
  const base = file.name.replace(/^.*[/\\]/, '');
  // The trailing SUB (0x1A, an old DOS end-of-file mark) and blank lines at the end are not data.
  const text = decodeText(file.bytes).replace(/[\x1a\s]+$/, '');
  if (!text) return [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    throw new ListParseError(`${base} is not valid CSV: ${e.message.replace(/^Invalid Record Length: |\s*$/g, '')}`, e.lines ? `${base} line ${e.lines}` : base);
  }
  const want = OFAC_COLUMNS[role];
  const rows: { line: number; cells: string[] }[] = [];
  for (const { record, info } of records) {
    if (record.length !== want) {
      throw new ListParseError(`${base}: a row has ${record.length} column(s), expected ${want} — the file is cut off or not an OFAC ${ROLE_LABEL[role]} file`, `${base} line ${info.lines}`);
    }
    if (!/^\d+$/.test(record[0]!.trim())) {
      throw new ListParseError(`${base}: the first column must be an OFAC entity number, found "${record[0]!.slice(0, 20)}"`, `${base} line ${info.lines}`);
    }
    rows.push({ line: info.lines, cells: record });
  }
  return rows;
}

/** OFAC's SDN_Type / sdnType → EntityKind (empty or "Entity": an organisation). */
export function ofacKind(sdnType: string | null): EntityKind {
  switch (sdnType?.toLowerCase()) {
    case 'individual':
      return 'person';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    default:
      return 'organization'; // -0- : OFAC's "entity"
  }
}

/** Parses an OFAC CSV set. `files` must contain the primary file (sdn.csv or cons_prim.csv); the others are optional. */
export function parseOfacCsv(files: OfacCsvFile[]): ParsedList {
  const byRole = new Map<OfacCsvRole, OfacCsvFile>();
  let consolidated: boolean | null = null;
  for (const f of files) {
    const r = ofacCsvRole(f.name);
    if (!r) throw new ListParseError(`${f.name} is not a file of an OFAC CSV set (expected sdn.csv, alt.csv, add.csv, sdn_comments.csv or cons_*.csv)`);
    if (consolidated !== null && consolidated !== r.consolidated) throw new ListParseError('SDN and consolidated (cons_*) files are mixed in one set');
    consolidated = r.consolidated;
    if (byRole.has(r.role)) throw new ListParseError(`two ${r.role} files in one set (${byRole.get(r.role)!.name}, ${f.name})`);
    byRole.set(r.role, f);
  }
  const prim = byRole.get('prim');
  if (!prim) {
    throw new ListParseError(`an OFAC CSV set needs its primary file (${consolidated ? 'cons_prim.csv' : 'sdn.csv'}); alt/add/comments files alone carry no names and types`);
  }
  const warnings: string[] = [];
  const unknown = new UnknownCountries();
  const remarks = new Map<string, string>();
  const builders = new Map<string, EntityBuilder>();

  for (const { line, cells } of readRows(prim, 'prim')) {
    const [entNum, name, type, program, , , , , , vessFlag, , remark] = cells.map((c) => c.trim());
    const id = entNum!;
    if (builders.has(id)) throw new ListParseError(`entity ${id} appears twice`, `${prim.name} line ${line}`);
    const n = clean(name);
    if (!n) throw new ListParseError(`entity ${id} has no name`, `${prim.name} line ${line}`);
    const b = new EntityBuilder(id, ofacKind(clean(type)), n, unknown).topic('sanction');
    for (const p of (clean(program) ?? '').split(/\]\s*\[/)) b.program(p.replace(/^\[|\]$/g, ''));
    if (clean(vessFlag)) b.country(vessFlag);
    builders.set(id, b);
    const r = clean(remark);
    if (r) remarks.set(id, r);
  }

  const orphans = { alt: 0, add: 0, comments: 0 };
  const comments = byRole.get('comments');
  if (comments) {
    for (const { cells } of readRows(comments, 'comments')) {
      const id = cells[0]!.trim();
      const more = clean(cells[1]);
      if (!builders.has(id)) orphans.comments++;
      else if (more) remarks.set(id, (remarks.get(id) ?? '') + more);
    }
  }
  const alt = byRole.get('alt');
  if (alt) {
    for (const { cells } of readRows(alt, 'alt')) {
      const b = builders.get(cells[0]!.trim());
      if (!b) orphans.alt++;
      // alt.csv holds OFAC's strong aliases (a.k.a., f.k.a., n.k.a.); weak ones are only in the remarks.
      else b.alias(cells[3], true);
    }
  }
  const add = byRole.get('add');
  if (add) {
    for (const { cells } of readRows(add, 'add')) {
      const b = builders.get(cells[0]!.trim());
      if (!b) orphans.add++;
      else b.country(cells[4]);
    }
  }
  for (const [role, count] of Object.entries(orphans)) {
    if (count > 0) warnings.push(`${count} ${role} row(s) name an entity number that is not in ${prim.name}: ignored`);
  }

  let unreadDob = 0;
  for (const [id, r] of remarks) unreadDob += applyRemarks(builders.get(id)!, r);
  if (unreadDob > 0) warnings.push(`${unreadDob} date(s) of birth in remarks could not be read: left out`);
  warnings.push(...unknown.warnings());

  const entities: ListEntity[] = [...builders.values()].map((b) => b.build());
  return { source: consolidated ? 'ofac_cons' : 'ofac_sdn', format: 'ofac_csv', publishedAt: null, entities, warnings };
}

const AKA = /^([afn])\.k\.a\.,?\s*'(.+)'\.?$/i;
const WALLET = /^Digital Currency Address - ([A-Za-z0-9]+)\s+(\S+?)\.?$/;

/** Reads the structured facts inside an OFAC remark; returns how many DOBs could not be read. */
export function applyRemarks(b: EntityBuilder, remark: string): number {
  let unread = 0;
  for (const raw of remark.split(';')) {
    const seg = raw.trim().replace(/^alt\.\s+/i, '');
    if (!seg) continue;
    let m: RegExpExecArray | null;
    if ((m = AKA.exec(seg))) {
      // Remarks hold OFAC's weak (low-quality) a.k.a.s: scored, but lower than names (OFAC FAQ on weak AKAs).
      b.alias(m[2], false);
    } else if ((m = WALLET.exec(seg))) {
      b.wallet(m[1]!, m[2]!);
    } else if ((m = /^DOB\s+(.+)$/i.exec(seg))) {
      if (!b.birthDate(m[1]!)) unread++;
    } else if ((m = /^Organization Established Date\s+(.+)$/i.exec(seg))) {
      b.birthDate(m[1]!);
    } else if ((m = /^Nationality of Registration\s+(.+?)\.?$/i.exec(seg))) {
      b.country(m[1]!);
    } else if ((m = /^(?:nationality|citizen)\s+(?:possibly\s+)?(.+?)\.?$/i.exec(seg))) {
      b.nationality(m[1]!);
    } else if ((m = /^POB\s+(.+?)\.?$/i.exec(seg))) {
      // "POB Toledo District, Belize": the country is the last part.
      b.place(m[1]!);
    }
  }
  return unread;
}
