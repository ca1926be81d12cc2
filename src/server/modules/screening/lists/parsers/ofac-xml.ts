// OFAC's sdn.xml / consolidated.xml (schema sdnList.xsd): sdnList/publshInformation/Publish_Date (MM/DD/YYYY) and
// sdnEntry (uid, firstName, lastName, sdnType, programList, akaList/aka with category strong|weak,
// addressList, idList with "Digital Currency Address - XBT" ids, nationalityList, citizenshipList,
// dateOfBirthList, placeOfBirthList). No sample of this format is in ../shared/data: the test uses a small file
// written to the published schema. The ent_num is the uid, as in the CSV files, so versions compare across formats.
import type { ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries } from './common.js';
import { ofacKind } from './ofac-csv.js';
import { type XmlNode, child, children, descendants, streamXml, textOf } from './xml.js';

const fullName = (n: XmlNode) => [textOf(n, 'lastName'), textOf(n, 'firstName')].filter(Boolean).join(', ');

/** Parses an OFAC sdn.xml (or consolidated.xml) file. */
export function parseOfacXml(bytes: Uint8Array, file: string, consolidated: boolean): ParsedList {
  const unknown = new UnknownCountries();
  const entities = new Map<string, ReturnType<EntityBuilder['build']>>();
  const warnings: string[] = [];
  let published: string | null = null;
  let unreadDob = 0;
  const { root } = streamXml(bytes, file, {
    records: new Set(['sdnEntry']),
    capture: new Set(['publshInformation']),
    onCapture(n) {
      const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(textOf(n, 'Publish_Date'));
      if (m) published = `${m[3]}-${m[1]}-${m[2]}T00:00:00.000Z`;
    },
    onRecord(n) {
      const id = textOf(n, 'uid');
      if (!id) throw new ListParseError('an sdnEntry has no uid', file);
      const name = fullName(n);
      if (!name) throw new ListParseError(`sdnEntry ${id} has no name`, file);
      const b = new EntityBuilder(id, ofacKind(textOf(n, 'sdnType')), name, unknown).topic('sanction');
      for (const p of children(child(n, 'programList'), 'program')) b.program(p.text);
      for (const a of children(child(n, 'akaList'), 'aka')) b.alias(fullName(a), textOf(a, 'category').toLowerCase() !== 'weak');
      for (const a of children(child(n, 'addressList'), 'address')) b.country(textOf(a, 'country'));
      for (const a of descendants(n, 'nationality')) b.nationality(textOf(a, 'country'));
      for (const a of descendants(n, 'citizenship')) b.nationality(textOf(a, 'country'));
      for (const d of descendants(n, 'dateOfBirthItem')) if (!b.birthDate(textOf(d, 'dateOfBirth'))) unreadDob++;
      for (const p of descendants(n, 'placeOfBirthItem')) b.place(textOf(p, 'placeOfBirth'));
      for (const i of children(child(n, 'idList'), 'id')) {
        const m = /^Digital Currency Address - ([A-Za-z0-9]+)$/.exec(textOf(i, 'idType'));
        if (m) b.wallet(m[1]!, textOf(i, 'idNumber'));
      }
      entities.set(id, b.build());
    },
  });
  if (root !== 'sdnList') throw new ListParseError(`${file}: the root element is <${root}>, expected <sdnList> (OFAC XML)`, file);
  if (unreadDob) warnings.push(`${unreadDob} date(s) of birth could not be read: left out`);
  warnings.push(...unknown.warnings());
  return { source: consolidated ? 'ofac_cons' : 'ofac_sdn', format: 'ofac_xml', publishedAt: published, entities: [...entities.values()], warnings };
}
