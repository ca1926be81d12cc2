// UN Security Council Consolidated List (https://www.un.org/sc/resources/sc-sanctions.xsd): INDIVIDUALS/INDIVIDUAL
// and ENTITIES/ENTITY. Ids are REFERENCE_NUMBER (e.g. CDi.001). Alias QUALITY "Low" is a weak alias; "Good",
// "a.k.a." and "f.k.a." are names. Dates of birth are EXACT (DATE or YEAR), APPROXIMATELY (YEAR) or BETWEEN
// (FROM_YEAR–TO_YEAR).
import type { ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries, clean } from './common.js';
import { type XmlNode, children, streamXml, textOf } from './xml.js';

/** Parses the UN consolidated list XML. */
export function parseUnXml(bytes: Uint8Array, file: string): ParsedList {
  const unknown = new UnknownCountries();
  const entities = new Map<string, ReturnType<EntityBuilder['build']>>();
  const warnings: string[] = [];
  let unreadDob = 0;
  const { root, rootAttrs } = streamXml(bytes, file, {
    records: new Set(['INDIVIDUAL', 'ENTITY']),
    onRecord(n: XmlNode) {
      const person = n.name === 'INDIVIDUAL';
      const id = textOf(n, 'REFERENCE_NUMBER') || textOf(n, 'DATAID');
      if (!id) throw new ListParseError(`${n.name} without REFERENCE_NUMBER or DATAID`, file);
      const name = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((f) => textOf(n, f)).filter(Boolean).join(' ');
      if (!clean(name)) throw new ListParseError(`${n.name} ${id} has no name`, file);
      const b = new EntityBuilder(id, person ? 'person' : 'organization', name, unknown).topic('sanction');
      b.program(textOf(n, 'UN_LIST_TYPE'));
      const listed = textOf(n, 'LISTED_ON');
      if (/^\d{4}-\d{2}-\d{2}/.test(listed)) b.listedOn = listed.slice(0, 10);
      for (const a of children(n, person ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
        b.alias(textOf(a, 'ALIAS_NAME'), !/^low$/i.test(textOf(a, 'QUALITY')));
      }
      for (const v of children(children(n, 'NATIONALITY')[0], 'VALUE')) b.nationality(v.text);
      for (const a of children(n, person ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) b.country(textOf(a, 'COUNTRY'));
      for (const p of children(n, 'INDIVIDUAL_PLACE_OF_BIRTH')) b.country(textOf(p, 'COUNTRY'));
      for (const d of children(n, 'INDIVIDUAL_DATE_OF_BIRTH')) {
        const type = textOf(d, 'TYPE_OF_DATE').toUpperCase();
        let ok: boolean;
        if (type === 'BETWEEN') ok = b.birthDate(`${textOf(d, 'FROM_YEAR')} to ${textOf(d, 'TO_YEAR')}`);
        else if (textOf(d, 'DATE')) ok = b.birthDate(textOf(d, 'DATE'));
        else if (textOf(d, 'YEAR')) ok = b.birthDate(textOf(d, 'YEAR'));
        else ok = true; // an empty element: no date given
        if (!ok) unreadDob++;
      }
      if (entities.has(id)) warnings.push(`reference number ${id} appears twice: the later record was kept`);
      entities.set(id, b.build());
    },
  });
  if (root !== 'CONSOLIDATED_LIST') throw new ListParseError(`${file}: the root element is <${root}>, expected <CONSOLIDATED_LIST> (UN list)`, file);
  if (unreadDob) warnings.push(`${unreadDob} date(s) of birth could not be read: left out`);
  warnings.push(...unknown.warnings());
  const generated = rootAttrs.dateGenerated;
  return { source: 'un_sc', format: 'un_xml', publishedAt: generated ? new Date(generated).toISOString() : null, entities: [...entities.values()], warnings };
}
