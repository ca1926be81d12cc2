// The risk rating: points from documented factors, plus floors that no amount of low points can undo.
//
//   factor      what it reads                                   points / floor (defaults)
//   country     the trader's country on the high-risk list      +35, floor medium
//   pep         screening says PEP (open or confirmed hit)      +50, floor high
//   screening   confirmed hit                                   +60, floor high
//               open hits waiting for review                    +30, floor medium
//               no lists loaded / screening not wired           +25, floor medium ("not screened", never clear)
//   activity    occupation / business activity on the list      +30
//   volume      expected monthly volume band                    0 / 5 / 15 / 25
//   products    OTC +10, margin or derivatives +5, crypto withdrawals +5
//   kind        a business (ownership chain to look through)    +5
//   provider    the verification provider answered RED         +20, floor medium
//
// Level: high at 50 points or more, medium at 25, else low; then the highest floor applies. The blocked and
// high-risk country lists, the high-risk activities and the refresh periods are settings (kyc_settings_version);
// the points are here, named, and every rating stores each factor with its contribution.
import type { KycProfile, KycSettings, Risk, RiskFactor } from '../../../contracts/kyc.js';
import type { ScreeningFacts } from '../screening/model.js';

/**
 * Default jurisdictions. Blocked: the comprehensively sanctioned jurisdictions (US OFAC country programmes, EU/UK
 * restrictive measures): Cuba, Iran, North Korea, Syria. The occupied regions of Ukraine (Crimea, Donetsk, Luhansk)
 * are comprehensively sanctioned too but have no ISO 3166-1 alpha-2 code of their own; trader.country cannot
 * represent them, so they are caught by address screening, not by this list. Russia and Belarus are under broad
 * sectoral (not comprehensive) sanctions: high risk here, an operator may block them.
 * High risk: FATF "black list" (call for action: KP, IR, MM) and "grey list" (increased monitoring) as published
 * in October 2025, plus RU and BY. Review both lists against the current FATF publication: they are settings.
 */
export const DEFAULT_SETTINGS: KycSettings = {
  blockedCountries: ['CU', 'IR', 'KP', 'SY'],
  highRiskCountries: [
    'MM', 'DZ', 'AO', 'BO', 'BG', 'CM', 'CI', 'HR', 'CD', 'HT', 'KE', 'LA', 'LB', 'MC', 'NA', 'NP', 'SS', 'VE', 'VN', 'VG', 'YE', 'RU', 'BY',
  ],
  highRiskActivities: ['public_official', 'money_services', 'gambling', 'precious_metals', 'arms_defence', 'cash_intensive', 'shell_or_nominee', 'crypto_business'],
  refreshYears: { high: 1, medium: 2, low: 3 },
};

/** Settings in their stored form: lists de-duplicated and sorted, refresh periods in a fixed key order. */
export function normaliseSettings(s: KycSettings): KycSettings {
  const sorted = <T extends string>(xs: readonly T[]) => [...new Set(xs)].sort();
  return {
    blockedCountries: sorted(s.blockedCountries),
    highRiskCountries: sorted(s.highRiskCountries),
    highRiskActivities: sorted(s.highRiskActivities),
    refreshYears: { low: s.refreshYears.low, medium: s.refreshYears.medium, high: s.refreshYears.high },
  };
}

/** What a change of settings loosens (empty: it only tightens or keeps): these need four eyes. */
export function loosening(before: KycSettings, after: KycSettings): string[] {
  const out: string[] = [];
  for (const k of ['blockedCountries', 'highRiskCountries', 'highRiskActivities'] as const) {
    const gone = (before[k] as readonly string[]).filter((x) => !(after[k] as readonly string[]).includes(x));
    if (gone.length) out.push(`${k} -${gone.join(',')}`);
  }
  for (const r of ['low', 'medium', 'high'] as const) if (after.refreshYears[r] > before.refreshYears[r]) out.push(`refreshYears.${r} ${before.refreshYears[r]}→${after.refreshYears[r]}`);
  return out;
}

export const POINTS = {
  highRiskCountry: 35,
  pep: 50,
  confirmedHit: 60,
  openHits: 30,
  notScreened: 25,
  highRiskActivity: 30,
  volume: { under_10k: 0, '10k_100k': 5, '100k_1m': 15, over_1m: 25 },
  products: { otc: 10, margin: 5, derivatives: 5, crypto_withdrawals: 5, spot: 0, fiat_withdrawals: 0 },
  business: 5,
  providerRed: 20,
} as const;

export const THRESHOLDS = { high: 50, medium: 25 } as const;

export type ScreeningStatus = 'clear' | 'hits' | 'no_lists' | 'unavailable';

export interface RiskInput {
  country: string;
  kind: string;
  profile: KycProfile | null;
  /** Undefined: no screening service is wired. */
  screening: ScreeningFacts | undefined;
  providerAnswer: 'green' | 'red' | 'pending' | null;
}

export interface Rating {
  level: Risk;
  points: number;
  factors: RiskFactor[];
  screening: ScreeningStatus;
}

const ORDER: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

/** Rates a trader from the factors above; pure. */
export function rate(input: RiskInput, settings: KycSettings): Rating {
  const factors: RiskFactor[] = [];
  const add = (factor: RiskFactor['factor'], value: string, points: number, floor: Risk | null, note: string) => factors.push({ factor, value, points, floor, note });

  if (settings.highRiskCountries.includes(input.country)) add('country', input.country, POINTS.highRiskCountry, 'medium', 'Country on the high-risk list');
  else if (settings.blockedCountries.includes(input.country)) add('country', input.country, POINTS.highRiskCountry, 'high', 'Country on the blocked list');
  else add('country', input.country, 0, null, 'Country not on the high-risk list');

  let screening: ScreeningStatus;
  const s = input.screening;
  if (!s) {
    screening = 'unavailable';
    add('screening', 'unavailable', POINTS.notScreened, 'medium', 'Screening is not available: the trader was NOT screened and is not treated as clear');
  } else if (s.lists === 'none') {
    screening = 'no_lists';
    add('screening', 'no_lists', POINTS.notScreened, 'medium', 'No sanctions/PEP lists are loaded: the trader was NOT screened and is not treated as clear');
  } else if (s.confirmedHits > 0) {
    screening = 'hits';
    add('screening', `${s.confirmedHits} confirmed`, POINTS.confirmedHit, 'high', 'A reviewer confirmed a screening hit as a true match');
  } else if (s.openHits > 0) {
    screening = 'hits';
    add('screening', `${s.openHits} open`, POINTS.openHits, 'medium', 'Screening hits wait for review');
  } else {
    screening = 'clear';
    add('screening', 'clear', 0, null, `Screened${s.lastScreenedAt ? ` on ${s.lastScreenedAt.toISOString().slice(0, 10)}` : ''}: no open or confirmed hits`);
  }
  if (s?.pep) add('pep', 'yes', POINTS.pep, 'high', 'Politically exposed person (screening)');

  const p = input.profile;
  if (p) {
    const risky = settings.highRiskActivities.includes(p.activity);
    add('activity', p.activity, risky ? POINTS.highRiskActivity : 0, null, risky ? 'Occupation or business activity on the high-risk list' : 'Occupation or business activity not on the high-risk list');
    add('volume', p.expectedMonthlyVolume, POINTS.volume[p.expectedMonthlyVolume], null, 'Expected monthly volume');
    const productPoints = p.products.reduce((sum, x) => sum + POINTS.products[x], 0);
    add('products', p.products.join(',') || 'none', productPoints, null, 'Products the trader will use');
  } else {
    add('activity', 'unknown', POINTS.highRiskActivity, null, 'No questionnaire: activity unknown, rated as high-risk activity');
  }
  if (input.kind === 'business') add('kind', 'business', POINTS.business, null, 'A business: ownership and control to look through');
  if (input.providerAnswer === 'red') add('provider', 'red', POINTS.providerRed, 'medium', 'The verification provider answered RED');

  const points = factors.reduce((sum, f) => sum + f.points, 0);
  let level: Risk = points >= THRESHOLDS.high ? 'high' : points >= THRESHOLDS.medium ? 'medium' : 'low';
  for (const f of factors) if (f.floor && ORDER[f.floor] > ORDER[level]) level = f.floor;
  return { level, points, factors, screening };
}

/** When the next periodic review is due after an approval at this risk level. */
export function nextReviewAt(from: Date, level: Risk, settings: KycSettings): Date {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + settings.refreshYears[level]);
  return d;
}

/** SLA: hours from submission to decision, by priority. */
export const SLA_HOURS = { urgent: 8, high: 24, normal: 72, low: 120 } as const;
