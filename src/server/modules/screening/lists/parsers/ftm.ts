// OpenSanctions FollowTheMoney entities, one JSON object per line (entities.ftm.json): sanctions and PEP datasets.
// Screening targets are the Person / Organization / Company / LegalEntity / Vessel / Airplane entities marked
// `target: true` (relatives, addresses, sanctions and ownership records are context). CryptoWallet entities are
// attached to their holder. Topics come from the entity (role.pep, sanction, …).
import type { EntityKind, ListEntity, ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries, decodeText } from './common.js';

const KINDS: Record<string, EntityKind> = {
  Person: 'person',
  Organization: 'organization',
  Company: 'organization',
  LegalEntity: 'organization',
  PublicBody: 'organization',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

interface FtmEntity {
  id: string;
  schema: string;
  caption?: string;
  target?: boolean;
  properties: Record<string, unknown>;
  first_seen?: string;
  last_change?: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Parses FtM JSON lines; a line that is not a JSON entity stops the import with its line number. */
export function parseFtm(bytes: Uint8Array, file: string): ParsedList {
  const text = decodeText(bytes);
  const unknown = new UnknownCountries();
  const warnings: string[] = [];
  const targets: FtmEntity[] = [];
  const wallets: { holder: string; currency: string; address: string }[] = [];
  let anyTargetFlag = false;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const l = line.trim();
    if (!l) continue;
    let e: FtmEntity;
    try {
      e = JSON.parse(l) as FtmEntity;
    } catch (err) {
      throw new ListParseError(`${file}: a line is not valid JSON (${(err as Error).message}) — the file is cut off or not FollowTheMoney JSON lines`, `${file} line ${lineNo}`);
    }
    if (!e || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.schema !== 'string' || typeof e.properties !== 'object' || e.properties === null) {
      throw new ListParseError(`${file}: a line is not a FollowTheMoney entity (needs id, schema and properties)`, `${file} line ${lineNo}`);
    }
    if (typeof e.target === 'boolean') anyTargetFlag = true;
    if (e.schema === 'CryptoWallet') {
      const holder = strings(e.properties.holder)[0];
      const address = strings(e.properties.publicKey)[0];
      if (holder && address) wallets.push({ holder, currency: strings(e.properties.currency)[0] ?? '', address });
    } else if (KINDS[e.schema]) targets.push(e);
  }
  // Exports without the target flag (older files) list only what they mean: every party counts.
  const chosen = anyTargetFlag ? targets.filter((e) => e.target === true) : targets;
  let noTopics = 0;
  const byId = new Map<string, EntityBuilder>();
  for (const e of chosen) {
    const p = e.properties;
    const name = strings(p.name)[0] ?? e.caption ?? '';
    if (!name.trim()) continue;
    const b = new EntityBuilder(e.id, KINDS[e.schema]!, name, unknown);
    for (const n of strings(p.name).slice(1)) b.alias(n, true);
    for (const n of [...strings(p.alias), ...strings(p.previousName)]) b.alias(n, true);
    for (const n of strings(p.weakAlias)) b.alias(n, false);
    for (const d of [...strings(p.birthDate), ...strings(p.incorporationDate)]) b.birthDate(d);
    for (const c of [...strings(p.nationality), ...strings(p.citizenship)]) b.nationality(c);
    for (const c of [...strings(p.country), ...strings(p.jurisdiction), ...strings(p.birthCountry), ...strings(p.mainCountry)]) b.country(c);
    for (const pr of strings(p.programId)) b.program(pr);
    const topics = strings(p.topics);
    for (const t of topics) b.topic(t);
    if (topics.length === 0) {
      noTopics++;
      // A PEP crawler's people carry a position but, in some exports, no topic: a position holder is a PEP.
      if (e.schema === 'Person' && strings(p.position).length > 0) b.topic('role.pep');
    }
    const created = strings(p.createdAt)[0] ?? e.first_seen;
    if (created && /^\d{4}-\d{2}-\d{2}/.test(created)) b.listedOn = created.slice(0, 10);
    byId.set(e.id, b);
  }
  let orphanWallets = 0;
  for (const w of wallets) {
    const b = byId.get(w.holder);
    if (b) b.wallet(w.currency || 'UNKNOWN', w.address);
    else orphanWallets++;
  }
  if (noTopics) warnings.push(`${noTopics} target(s) carry no topics: those holding a position were marked role.pep`);
  if (orphanWallets) warnings.push(`${orphanWallets} crypto wallet(s) whose holder is not a target: ignored`);
  warnings.push(...unknown.warnings());
  const entities: ListEntity[] = [...byId.values()].map((b) => b.build());
  return { source: 'opensanctions', format: 'ftm_jsonl', publishedAt: null, entities, warnings };
}
