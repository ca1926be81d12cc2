// Country names and nationalities as the lists write them → ISO 3166-1 alpha-2. Lists spell countries their own
// way ("Korea, North", "Iran (Islamic Republic of)", "Russian Federation", "Burma") and nationalities as adjectives
// ("Russian", "Syrian"): i18n-iso-countries knows the official and common English names; the table below adds the
// publishers' spellings seen in the real files and the adjectives. An unknown name is reported as a warning by the
// parser, never guessed.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Only the English names are registered: every publisher here writes English.
const countries = require('i18n-iso-countries') as typeof import('i18n-iso-countries');
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));

/** Lower-case, no diacritics, no punctuation, single spaces: the key both tables are looked up by. */
function key(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Publishers' spellings (OFAC, UN, EU, UK) that the ISO names do not cover.
const EXTRA: Record<string, string> = {
  'korea north': 'KP', 'north korea': 'KP', 'korea dpr': 'KP', 'dprk': 'KP', "democratic people s republic of korea": 'KP',
  'korea democratic people s republic of': 'KP', 'korea south': 'KR', 'south korea': 'KR', 'korea republic of': 'KR',
  'burma': 'MM', 'syria': 'SY', 'laos': 'LA', 'moldova': 'MD', 'brunei': 'BN', 'macau': 'MO', 'macao': 'MO',
  'bahamas the': 'BS', 'the bahamas': 'BS', 'gambia the': 'GM', 'the gambia': 'GM', 'cote d ivoire': 'CI', 'ivory coast': 'CI',
  'congo democratic republic of the': 'CD', 'democratic republic of the congo': 'CD', 'dr congo': 'CD', 'drc': 'CD',
  'congo republic of the': 'CG', 'republic of the congo': 'CG', 'congo': 'CG', 'man isle of': 'IM', 'isle of man': 'IM',
  'north macedonia the republic of': 'MK', 'the former yugoslav republic of macedonia': 'MK', 'macedonia': 'MK',
  'west bank': 'PS', 'gaza': 'PS', 'palestinian': 'PS', 'palestine': 'PS', 'occupied palestinian territory': 'PS',
  'state of palestine': 'PS', 'netherlands antilles': 'CW', 'kosovo': 'XK', 'russia': 'RU', 'russian federation': 'RU',
  'iran': 'IR', 'iran islamic republic of': 'IR', 'islamic republic of iran': 'IR', 'venezuela': 'VE',
  'venezuela bolivarian republic of': 'VE', 'bolivia': 'BO', 'bolivia plurinational state of': 'BO', 'tanzania': 'TZ',
  'united republic of tanzania': 'TZ', 'tanzania united republic of': 'TZ', 'vietnam': 'VN', 'viet nam': 'VN',
  'united kingdom': 'GB', 'uk': 'GB', 'great britain': 'GB', 'united kingdom of great britain and northern ireland': 'GB',
  'united states': 'US', 'usa': 'US', 'united states of america': 'US', 'turkey': 'TR', 'turkiye': 'TR',
  'czech republic': 'CZ', 'czechia': 'CZ', 'swaziland': 'SZ', 'eswatini': 'SZ', 'cape verde': 'CV', 'cabo verde': 'CV',
  'micronesia federated states of': 'FM', 'micronesia': 'FM', 'st kitts and nevis': 'KN', 'st lucia': 'LC',
  'st vincent and the grenadines': 'VC', 'saint vincent and the grenadines': 'VC', 'holy see': 'VA', 'vatican': 'VA',
  'taiwan': 'TW', 'taiwan province of china': 'TW', 'hong kong': 'HK', 'hong kong sar': 'HK', 'china hong kong special administrative region': 'HK',
  'hong kong special administrative region': 'HK', 'china macao special administrative region': 'MO', 'china hong kong sar': 'HK',
  'libyan arab jamahiriya': 'LY', 'libya': 'LY', 'sudan south': 'SS', 'south sudan': 'SS', 'timor leste': 'TL',
  'east timor': 'TL', 'british virgin islands': 'VG', 'virgin islands british': 'VG', 'brunei darussalam': 'BN',
  'lao people s democratic republic': 'LA', 'republic of moldova': 'MD', 'moldova republic of': 'MD', 'curacao': 'CW',
  'serbia and montenegro': 'RS', 'yugoslavia': 'RS', 'crimea': 'UA', 'region crimea': 'UA', 'ussr': 'RU', 'soviet union': 'RU',
};

// Nationality adjectives (and demonyms) as lists write them after "nationality"/"citizen" or in NATIONALITY fields.
const ADJECTIVES: Record<string, string> = {
  afghan: 'AF', albanian: 'AL', algerian: 'DZ', american: 'US', angolan: 'AO', argentine: 'AR', argentinian: 'AR',
  armenian: 'AM', australian: 'AU', austrian: 'AT', azerbaijani: 'AZ', bahraini: 'BH', bangladeshi: 'BD', belarusian: 'BY',
  belarussian: 'BY', belgian: 'BE', bosnian: 'BA', brazilian: 'BR', british: 'GB', bulgarian: 'BG', burmese: 'MM',
  burundian: 'BI', cambodian: 'KH', cameroonian: 'CM', canadian: 'CA', central_african: 'CF', chadian: 'TD', chilean: 'CL',
  chinese: 'CN', colombian: 'CO', congolese: 'CD', croatian: 'HR', cuban: 'CU', cypriot: 'CY', czech: 'CZ', danish: 'DK',
  djiboutian: 'DJ', dutch: 'NL', egyptian: 'EG', emirati: 'AE', eritrean: 'ER', estonian: 'EE', ethiopian: 'ET',
  filipino: 'PH', finnish: 'FI', french: 'FR', georgian: 'GE', german: 'DE', ghanaian: 'GH', greek: 'GR', guinean: 'GN',
  haitian: 'HT', hungarian: 'HU', indian: 'IN', indonesian: 'ID', iranian: 'IR', iraqi: 'IQ', irish: 'IE', israeli: 'IL',
  italian: 'IT', ivorian: 'CI', jamaican: 'JM', japanese: 'JP', jordanian: 'JO', kazakh: 'KZ', kazakhstani: 'KZ',
  kenyan: 'KE', kosovar: 'XK', kuwaiti: 'KW', kyrgyz: 'KG', latvian: 'LV', lebanese: 'LB', liberian: 'LR', libyan: 'LY',
  lithuanian: 'LT', macedonian: 'MK', malaysian: 'MY', malian: 'ML', maldivian: 'MV', mauritanian: 'MR', mexican: 'MX',
  moldovan: 'MD', mongolian: 'MN', montenegrin: 'ME', moroccan: 'MA', mozambican: 'MZ', nepalese: 'NP', nicaraguan: 'NI',
  nigerian: 'NG', nigerien: 'NE', 'north korean': 'KP', norwegian: 'NO', omani: 'OM', pakistani: 'PK', palestinian: 'PS',
  panamanian: 'PA', peruvian: 'PE', polish: 'PL', portuguese: 'PT', qatari: 'QA', romanian: 'RO', russian: 'RU',
  rwandan: 'RW', saudi: 'SA', 'saudi arabian': 'SA', senegalese: 'SN', serbian: 'RS', singaporean: 'SG', slovak: 'SK',
  slovenian: 'SI', somali: 'SO', 'south african': 'ZA', 'south korean': 'KR', 'south sudanese': 'SS', spanish: 'ES',
  'sri lankan': 'LK', sudanese: 'SD', swedish: 'SE', swiss: 'CH', syrian: 'SY', taiwanese: 'TW', tajik: 'TJ',
  tajikistani: 'TJ', tanzanian: 'TZ', thai: 'TH', tunisian: 'TN', turkish: 'TR', turkmen: 'TM', ugandan: 'UG',
  ukrainian: 'UA', uzbek: 'UZ', uzbekistani: 'UZ', venezuelan: 'VE', vietnamese: 'VN', yemeni: 'YE', zambian: 'ZM',
  zimbabwean: 'ZW', 'united arab emirates': 'AE', 'central african': 'CF', 'trinidadian': 'TT', 'bolivian': 'BO',
  ecuadorian: 'EC', guatemalan: 'GT', honduran: 'HN', salvadoran: 'SV', 'costa rican': 'CR', dominican: 'DO',
  'new zealander': 'NZ', icelandic: 'IS', luxembourgish: 'LU', maltese: 'MT',
};

const table = new Map<string, string>();
for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
  for (const n of names) table.set(key(n), code);
}
for (const [n, code] of Object.entries(EXTRA)) table.set(key(n), code);
const adjectives = new Map<string, string>(Object.entries(ADJECTIVES).map(([n, c]) => [key(n.replace(/_/g, ' ')), c]));

/** ISO 3166-1 alpha-2 of a country name (or an alpha-2/alpha-3 code) as a list writes it; null when unknown. */
export function countryCode(name: string | null | undefined): string | null {
  if (!name) return null;
  let k = key(name.replace(/^region:\s*/i, ''));
  if (!k) return null;
  if (/^[a-z]{2}$/.test(k) && countries.isValid(k.toUpperCase())) return k.toUpperCase();
  if (/^[a-z]{3}$/.test(k)) {
    const a2 = countries.alpha3ToAlpha2(k.toUpperCase());
    if (a2) return a2;
  }
  const direct = table.get(k);
  if (direct) return direct;
  // "Iran (Islamic Republic of)" → "Iran"; "Korea, Republic of" → "Republic of Korea".
  const noParen = key(name.replace(/\(.*?\)/g, ''));
  if (table.has(noParen)) return table.get(noParen)!;
  const comma = name.split(',');
  if (comma.length === 2) {
    k = key(`${comma[1]} ${comma[0]}`);
    if (table.has(k)) return table.get(k)!;
  }
  return null;
}

/** ISO alpha-2 of a nationality written as an adjective ("Russian") or a country name ("Russia"); null when unknown. */
export function nationalityCode(text: string | null | undefined): string | null {
  if (!text) return null;
  return adjectives.get(key(text)) ?? countryCode(text);
}
