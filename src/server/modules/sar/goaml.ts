// A SAR as a goAML report (the UNODC schema many financial intelligence units take): one <report> with the
// reporting entity, STR as report code, the reason (reason for suspicion, narrative and activity summary), the
// action taken, one <transaction> per deposit, withdrawal, trade or transfer, and the report indicators.
//
// Element names and their order follow the goAML 4.0/5.0 XML schema (report → rentity_id, rentity_branch,
// submission_code, report_code, entity_reference, submission_date, currency_code_local, reporting_person, location,
// reason, action, transaction*, report_indicators; transaction → transactionnumber, transaction_location,
// transaction_description, date_transaction, transmode_code, amount_local, t_from_my_client | t_from,
// t_to_my_client | t_to, comments). The mapping table is in docs/sar.md.
//
// Pure: no database, no clock, no I/O. Every text passes through `clean` first: characters XML 1.0 cannot carry
// (control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so a hostile narrative or a strange address
// can never produce a file the FIU's parser rejects; xmlbuilder2 then escapes & < > (so `]]>` cannot end anything).
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { SarActivity, SarSettings, SarSubject, SarTransaction } from '../../../contracts/sar.js';

export interface GoAmlInput {
  reference: string;
  submissionDate: Date;
  settings: SarSettings;
  subjects: SarSubject[];
  transactions: SarTransaction[];
  activity: SarActivity;
  narrative: string;
  reasonForSuspicion: string;
  action: string;
  indicators: string[];
}

/** ISO 3166 "unknown or unspecified" for a counterparty whose jurisdiction the exchange did not report. */
export const UNKNOWN_COUNTRY = 'ZZ';

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML 1.0 can carry it: characters it cannot are replaced by U+FFFD (visible, never silently dropped). */
export function clean(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD');
}

/** goAML's xs:dateTime as FIUs read it: UTC, seconds, no zone designator. */
export function goAmlDate(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 19);
}

/** Splits a legal name into goAML's first and last name (the last word is the last name; one word: both). */
export function splitName(full: string): { first: string; last: string } {
  const parts = full.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return { first: 'Unknown', last: 'Unknown' };
  if (parts.length === 1) return { first: parts[0]!, last: parts[0]! };
  return { first: parts.slice(0, -1).join(' '), last: parts.at(-1)! };
}

function leaf(parent: XMLBuilder, name: string, value: string | number | boolean | null | undefined): void {
  if (value === null || value === undefined || value === '') return;
  parent.ele(name).txt(clean(String(value)));
}

function money(n: number): string {
  return (Math.round(n * 100) / 100).toFixed(2);
}

function personOf(parent: XMLBuilder, tag: string, p: { name: string; dateOfBirth: string | null; nationality: string | null; residence: string | null }): void {
  const el = parent.ele(tag);
  const n = splitName(p.name);
  leaf(el, 'first_name', n.first);
  leaf(el, 'last_name', n.last);
  if (p.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(p.dateOfBirth)) leaf(el, 'birthdate', `${p.dateOfBirth}T00:00:00`);
  leaf(el, 'nationality1', p.nationality);
  leaf(el, 'residence', p.residence);
}

/** The trader's account with the exchange (a my-client side): the entity, the account, its holder or signatories. */
function clientAccount(parent: XMLBuilder, tag: string, s: GoAmlInput['settings'], subject: SarSubject | undefined, accountRef: string): void {
  const acc = parent.ele(tag);
  leaf(acc, 'institution_name', s.entityName);
  leaf(acc, 'institution_code', s.rentityId);
  leaf(acc, 'non_bank_institution', 'true');
  leaf(acc, 'branch', s.rentityBranch);
  leaf(acc, 'account', accountRef);
  if (subject && !subject.erased) leaf(acc, 'account_name', subject.legalName);
  leaf(acc, 'client_number', accountRef);
  if (!subject || subject.erased) {
    leaf(acc, 'comments', 'Account holder data erased before the report was drafted');
    return;
  }
  if (subject.kind === 'business') {
    const ent = acc.ele('t_entity');
    leaf(ent, 'name', subject.legalName);
    leaf(ent, 'incorporation_country_code', subject.country);
    for (const p of subject.persons.filter((x) => x.role === 'director')) {
      const sig = acc.ele('signatory');
      leaf(sig, 'is_primary', 'false');
      personOf(sig, 't_person', { name: p.name, dateOfBirth: p.dateOfBirth, nationality: p.nationality, residence: null });
    }
  } else {
    const sig = acc.ele('signatory');
    leaf(sig, 'is_primary', 'true');
    personOf(sig, 't_person', { name: subject.legalName, dateOfBirth: subject.dateOfBirth, nationality: null, residence: subject.country });
  }
}

/** A wallet outside the exchange (or another account of it, for transfers): a third-party side. */
function externalAccount(parent: XMLBuilder, tag: string, t: SarTransaction, s: GoAmlInput['settings']): void {
  const acc = parent.ele(tag);
  if (t.type === 'transfer') {
    leaf(acc, 'institution_name', s.entityName);
    leaf(acc, 'institution_code', s.rentityId);
    leaf(acc, 'non_bank_institution', 'true');
    leaf(acc, 'account', t.counterparty ?? 'unknown');
    leaf(acc, 'comments', 'Another account at the reporting entity (internal transfer)');
    return;
  }
  leaf(acc, 'institution_name', t.chain ? `Virtual asset wallet (${t.chain})` : 'Virtual asset wallet');
  leaf(acc, 'non_bank_institution', 'true');
  leaf(acc, 'account', t.counterparty ?? 'unknown');
  leaf(acc, 'comments', [t.chain ? `Chain: ${t.chain}` : null, t.txHash ? `Transaction hash: ${t.txHash}` : null].filter(Boolean).join('; ') || null);
}

function foreignCurrency(parent: XMLBuilder, tag: string, t: SarTransaction, local: number | null): void {
  if (!t.asset || !t.amount) return;
  const fc = parent.ele(tag);
  leaf(fc, 'foreign_currency_code', t.asset);
  leaf(fc, 'foreign_amount', t.amount);
  const amount = Number(t.amount);
  leaf(fc, 'foreign_exchange_rate', local !== null && amount > 0 ? String(Number((local / amount).toPrecision(12))) : null);
}

function description(t: SarTransaction): string {
  const what = `${t.amount ?? '?'} ${t.asset ?? ''}`.trim();
  switch (t.type) {
    case 'deposit':
      return `Deposit of ${what} from an external wallet`;
    case 'withdrawal':
      return `Withdrawal of ${what} to an external wallet`;
    case 'trade':
      return `Trade: ${t.detail ?? 'trade'} ${what}`;
    case 'transfer':
      return `Internal transfer ${t.direction === 'in' ? 'into' : 'out of'} the account: ${what}`;
  }
}

function transaction(report: XMLBuilder, t: SarTransaction, input: GoAmlInput, subjects: Map<string, SarSubject>): void {
  const s = input.settings;
  const el = report.ele('transaction');
  const local = t.amountUsd === null ? null : t.amountUsd * s.usdToLocalRate;
  leaf(el, 'transactionnumber', t.eventId);
  leaf(el, 'transaction_location', 'Online: virtual asset exchange');
  leaf(el, 'transaction_description', description(t));
  leaf(el, 'date_transaction', goAmlDate(t.occurredAt));
  leaf(el, 'transmode_code', s.transmodeCode);
  leaf(el, 'amount_local', money(local ?? 0));
  const subject = subjects.get(t.traderId);
  const clientCountry = subject?.country ?? UNKNOWN_COUNTRY;
  const otherCountry = t.country ?? UNKNOWN_COUNTRY;
  // Funds into the trader's account come from a third party (or from the same account, for a trade); funds out go to one.
  const fromClient = t.type === 'trade' || t.direction === 'out';
  const toClient = t.type === 'trade' || t.direction === 'in';
  if (fromClient) {
    const from = el.ele('t_from_my_client');
    leaf(from, 'from_funds_code', s.fundsCode);
    foreignCurrency(from, 'from_foreign_currency', t, local);
    clientAccount(from, 'from_account', s, subject, t.accountRef);
    leaf(from, 'from_country', clientCountry);
  } else {
    const from = el.ele('t_from');
    leaf(from, 'from_funds_code', s.fundsCode);
    foreignCurrency(from, 'from_foreign_currency', t, local);
    externalAccount(from, 'from_account', t, s);
    leaf(from, 'from_country', otherCountry);
  }
  if (toClient) {
    const to = el.ele('t_to_my_client');
    leaf(to, 'to_funds_code', s.fundsCode);
    foreignCurrency(to, 'to_foreign_currency', t, local);
    clientAccount(to, 'to_account', s, subject, t.accountRef);
    leaf(to, 'to_country', clientCountry);
  } else {
    const to = el.ele('t_to');
    leaf(to, 'to_funds_code', s.fundsCode);
    foreignCurrency(to, 'to_foreign_currency', t, local);
    externalAccount(to, 'to_account', t, s);
    leaf(to, 'to_country', otherCountry);
  }
  leaf(el, 'comments', t.amountUsd === null ? 'The exchange did not report a value for this transaction: amount_local is 0' : null);
}

/** The goAML STR report of a SAR, as UTF-8 XML text. */
export function buildGoAml(input: GoAmlInput): string {
  const s = input.settings;
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const report = doc.ele('report');
  leaf(report, 'rentity_id', s.rentityId);
  leaf(report, 'rentity_branch', s.rentityBranch);
  // E: electronic submission; STR: suspicious transaction report.
  leaf(report, 'submission_code', 'E');
  leaf(report, 'report_code', 'STR');
  leaf(report, 'entity_reference', input.reference);
  leaf(report, 'submission_date', goAmlDate(input.submissionDate));
  leaf(report, 'currency_code_local', s.currencyCodeLocal);
  const rp = report.ele('reporting_person');
  leaf(rp, 'first_name', s.reportingPerson.firstName);
  leaf(rp, 'last_name', s.reportingPerson.lastName);
  leaf(rp, 'email', s.reportingPerson.email);
  leaf(rp, 'occupation', s.reportingPerson.occupation);
  const loc = report.ele('location');
  leaf(loc, 'address_type', s.location.addressType);
  leaf(loc, 'address', s.location.address);
  leaf(loc, 'city', s.location.city);
  leaf(loc, 'zip', s.location.zip);
  leaf(loc, 'country_code', s.location.countryCode);
  const reason = [
    `Reason for suspicion:\n${input.reasonForSuspicion.trim() || '(none given)'}`,
    `Narrative:\n${input.narrative.trim() || '(none given)'}`,
    `Activity summary:\n${input.activity.text}`,
  ].join('\n\n');
  leaf(report, 'reason', reason);
  leaf(report, 'action', input.action.trim() || 'Reported to the FIU; account under review');
  const subjects = new Map(input.subjects.map((x) => [x.traderId, x]));
  for (const t of input.transactions) transaction(report, t, input, subjects);
  if (input.indicators.length) {
    const ind = report.ele('report_indicators');
    for (const i of input.indicators) leaf(ind, 'indicator', i);
  }
  return doc.end({ prettyPrint: true });
}
