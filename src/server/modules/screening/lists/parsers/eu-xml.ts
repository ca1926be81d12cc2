// EU Financial Sanctions Files (FSF) full XML, schema 1.1 (namespace http://eu.europa.ec/fpi/fsd/export):
// export/sanctionEntity with nameAlias (wholeName, strong="true|false", a "low quality alias" remark makes it weak),
// birthdate (birthdate= the Gregorian date even for ISLAMIC calendar entries; year ranges yearRangeFrom/To),
// citizenship, address (countryIso2Code, "00" = unknown), regulation programme. The id is the logicalId.
import type { EntityKind, ParsedList } from '../../model.js';
import { EntityBuilder, ListParseError, UnknownCountries } from './common.js';
import { type XmlNode, child, children, streamXml } from './xml.js';

function kindOf(code: string | undefined): EntityKind {
  if (code === 'person') return 'person';
  if (code === 'enterprise') return 'organization';
  return 'unknown';
}

function iso2(b: EntityBuilder, code: string | undefined, description: string | undefined, nationality: boolean): void {
  const c = code && code !== '00' ? code : description && description !== 'UNKNOWN' ? description : undefined;
  if (!c) return;
  if (nationality) b.nationality(c);
  else b.country(c);
}

/** Parses an EU FSF XML export. */
export function parseEuXml(bytes: Uint8Array, file: string): ParsedList {
  const unknown = new UnknownCountries();
  const entities = new Map<string, ReturnType<EntityBuilder['build']>>();
  const warnings: string[] = [];
  let nameless = 0;
  const { root, rootAttrs } = streamXml(bytes, file, {
    records: new Set(['sanctionEntity']),
    onRecord(n: XmlNode) {
      const id = n.attrs.logicalId || n.attrs.euReferenceNumber;
      if (!id) throw new ListParseError('a sanctionEntity has no logicalId', file);
      const aliases = children(n, 'nameAlias')
        .map((a) => ({
          name: (a.attrs.wholeName || [a.attrs.firstName, a.attrs.middleName, a.attrs.lastName].filter(Boolean).join(' ')).trim(),
          strong: a.attrs.strong !== 'false' && !children(a, 'remark').some((r) => /low quality/i.test(r.text)),
        }))
        .filter((a) => a.name);
      // The first strong name is the primary; EU files have no separate primary-name field.
      const primary = aliases.find((a) => a.strong) ?? aliases[0];
      if (!primary) {
        nameless++;
        return;
      }
      const b = new EntityBuilder(id, kindOf(child(n, 'subjectType')?.attrs.code), primary.name, unknown).topic('sanction');
      for (const a of aliases) b.alias(a.name, a.strong);
      for (const r of children(n, 'regulation')) b.program(r.attrs.programme);
      for (const d of children(n, 'birthdate')) {
        const a = d.attrs;
        if (a.birthdate) b.birthDate(a.birthdate);
        else if (a.yearRangeFrom && a.yearRangeTo) b.birthDate(`${a.yearRangeFrom} to ${a.yearRangeTo}`);
        // A bare year is Gregorian only when the calendar says so (an ISLAMIC year 1402 is not 1402 AD).
        else if (a.year && (a.calendarType ?? 'GREGORIAN') === 'GREGORIAN') b.birthDate(a.monthOfYear ? `${a.year}-${a.monthOfYear.padStart(2, '0')}` : a.year);
        iso2(b, a.countryIso2Code, a.countryDescription, false);
      }
      for (const c of children(n, 'citizenship')) iso2(b, c.attrs.countryIso2Code, c.attrs.countryDescription, true);
      for (const c of children(n, 'address')) iso2(b, c.attrs.countryIso2Code, c.attrs.countryDescription, false);
      const listed = n.attrs.designationDate;
      if (listed && /^\d{4}-\d{2}-\d{2}/.test(listed)) b.listedOn = listed.slice(0, 10);
      entities.set(id, b.build());
    },
  });
  if (root !== 'export') throw new ListParseError(`${file}: the root element is <${root}>, expected <export> (EU FSF)`, file);
  if (nameless) warnings.push(`${nameless} sanctionEntity record(s) without any name: skipped`);
  warnings.push(...unknown.warnings());
  const generated = rootAttrs.generationDate;
  return { source: 'eu_fsf', format: 'eu_fsf_xml', publishedAt: generated ? new Date(generated).toISOString() : null, entities: [...entities.values()], warnings };
}
