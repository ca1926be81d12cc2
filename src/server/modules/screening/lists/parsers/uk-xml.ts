// UK Sanctions List (FCDO) XML: Designations/Designation with UniqueID, Names/Name (Name1..Name6, NameType
// "Primary Name" | "Primary Name Variation" | "Alias", AliasStrength "Low quality a.k.a" = weak), NonLatinNames,
// RegimeName, IndividualEntityShip, Addresses, IndividualDetails (DOBs as dd/mm/yyyy, "dd/mm/1945", nationalities,
// country of birth), DateDesignated. DateGenerated is dd/mm/yyyy.
import type { EntityKind, ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries } from './common.js';
import { type XmlNode, descendants, streamXml, textOf } from './xml.js';

function kindOf(s: string): EntityKind {
  const t = s.toLowerCase();
  if (t === 'individual') return 'person';
  if (t === 'entity') return 'organization';
  if (t === 'ship') return 'vessel';
  return 'unknown';
}

/** "12/05/1958" → 1958-05-12; "dd/mm/1945" → 1945; "1946" stays. */
function ukDate(s: string): string {
  return s
    .trim()
    .replace(/^dd\/mm\//i, '')
    .replace(/^dd\//i, '');
}

/** Parses the UK sanctions list XML. */
export function parseUkXml(bytes: Uint8Array, file: string): ParsedList {
  const unknown = new UnknownCountries();
  const entities = new Map<string, ReturnType<EntityBuilder['build']>>();
  const warnings: string[] = [];
  let generated: string | null = null;
  let unreadDob = 0;
  const { root } = streamXml(bytes, file, {
    records: new Set(['Designation']),
    capture: new Set(['DateGenerated']),
    onCapture(n) {
      const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(n.text.trim());
      if (m) generated = `${m[3]}-${m[2]}-${m[1]}T00:00:00.000Z`;
    },
    onRecord(n: XmlNode) {
      const id = textOf(n, 'UniqueID');
      if (!id) throw new ListParseError('a Designation has no UniqueID', file);
      const names = descendants(n, 'Name').map((x) => ({
        name: ['Name1', 'Name2', 'Name3', 'Name4', 'Name5', 'Name6'].map((f) => textOf(x, f)).filter(Boolean).join(' '),
        type: textOf(x, 'NameType'),
        weak: /low/i.test(textOf(x, 'AliasStrength')),
      }));
      const primary = names.find((x) => x.type === 'Primary Name' && x.name) ?? names.find((x) => x.name);
      if (!primary) throw new ListParseError(`designation ${id} has no name`, file);
      const b = new EntityBuilder(id, kindOf(textOf(n, 'IndividualEntityShip')), primary.name, unknown).topic('sanction');
      for (const x of names) b.alias(x.name, !x.weak);
      for (const x of descendants(n, 'NameNonLatinScript')) b.alias(x.text, true);
      b.program(textOf(n, 'RegimeName'));
      for (const a of descendants(n, 'AddressCountry')) b.country(a.text);
      for (const a of descendants(n, 'CountryOfBirth')) b.country(a.text);
      for (const a of descendants(n, 'CurrentBelievedFlagOfShip')) b.country(a.text);
      for (const a of descendants(n, 'Nationality')) b.nationality(a.text);
      for (const d of descendants(n, 'DOB')) if (!b.birthDate(ukDate(d.text))) unreadDob++;
      const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(textOf(n, 'DateDesignated'));
      if (m) b.listedOn = `${m[3]}-${m[2]}-${m[1]}`;
      if (entities.has(id)) warnings.push(`UniqueID ${id} appears twice: the later record was kept`);
      entities.set(id, b.build());
    },
  });
  if (root !== 'Designations') throw new ListParseError(`${file}: the root element is <${root}>, expected <Designations> (UK sanctions list)`, file);
  if (unreadDob) warnings.push(`${unreadDob} date(s) of birth could not be read: left out`);
  warnings.push(...unknown.warnings());
  return { source: 'uk_sanctions', format: 'uk_xml', publishedAt: generated, entities: [...entities.values()], warnings };
}
