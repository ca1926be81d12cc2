// The risk rating is explainable and fails safe: every factor is listed with its points, floors cannot be
// out-voted by low points, and a trader who was not screened (no service, no lists) is never rated as clear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScreeningFacts } from '../screening/model.js';
import { DEFAULT_SETTINGS, loosening, nextReviewAt, rate, THRESHOLDS } from './kyc.risk.js';

const clear: ScreeningFacts = { lists: 'loaded', lastScreenedAt: new Date('2026-11-20T00:00:00Z'), openHits: 0, confirmedHits: 0, pep: false };
const quiet = { activity: 'employee', expectedMonthlyVolume: 'under_10k', products: ['spot'] } as const;
const base = { country: 'NL', kind: 'individual', profile: { ...quiet, products: [...quiet.products] }, screening: clear, providerAnswer: null };

describe('kyc risk rating', () => {
  it('a screened, ordinary individual is low, with every factor listed and summed', () => {
    const r = rate(base, DEFAULT_SETTINGS);
    assert.equal(r.level, 'low');
    assert.equal(r.screening, 'clear');
    assert.equal(r.points, r.factors.reduce((s, f) => s + f.points, 0));
    assert.deepEqual(r.factors.map((f) => f.factor).sort(), ['activity', 'country', 'products', 'screening', 'volume']);
  });

  it('never treats an unscreened trader as clear: no service, or no lists loaded, floors at medium', () => {
    const none = rate({ ...base, screening: undefined }, DEFAULT_SETTINGS);
    assert.equal(none.screening, 'unavailable');
    assert.equal(none.level, 'medium');
    const noLists = rate({ ...base, screening: { ...clear, lists: 'none' } }, DEFAULT_SETTINGS);
    assert.equal(noLists.screening, 'no_lists');
    assert.equal(noLists.level, 'medium');
  });

  it('floors: PEP and a confirmed hit are high, a high-risk country and open hits at least medium', () => {
    assert.equal(rate({ ...base, screening: { ...clear, pep: true } }, DEFAULT_SETTINGS).level, 'high');
    assert.equal(rate({ ...base, screening: { ...clear, confirmedHits: 1 } }, DEFAULT_SETTINGS).level, 'high');
    assert.equal(rate({ ...base, screening: { ...clear, openHits: 2 } }, DEFAULT_SETTINGS).level, 'medium');
    assert.equal(rate({ ...base, country: 'VE' }, DEFAULT_SETTINGS).level, 'medium');
    assert.equal(rate({ ...base, providerAnswer: 'red' }, DEFAULT_SETTINGS).level, 'medium');
  });

  it('points add up to high: risky activity, large volume and OTC', () => {
    const r = rate({ ...base, profile: { activity: 'money_services', expectedMonthlyVolume: 'over_1m', products: ['otc'] } }, DEFAULT_SETTINGS);
    assert.ok(r.points >= THRESHOLDS.high);
    assert.equal(r.level, 'high');
    assert.equal(r.factors.find((f) => f.factor === 'activity')!.points, 30);
  });

  it('the settings decide which countries and activities are high risk', () => {
    const s = { ...DEFAULT_SETTINGS, highRiskCountries: ['NL'], highRiskActivities: [] };
    assert.equal(rate(base, s).factors.find((f) => f.factor === 'country')!.points, 35);
    assert.equal(rate({ ...base, profile: { ...base.profile, activity: 'gambling' } }, s).factors.find((f) => f.factor === 'activity')!.points, 0);
  });

  it('loosening: a country or activity off a list, or a longer review interval; tightening is not', () => {
    const s = DEFAULT_SETTINGS;
    assert.deepEqual(loosening(s, s), []);
    assert.deepEqual(loosening(s, { ...s, blockedCountries: [...s.blockedCountries, 'RU'] }), []);
    assert.deepEqual(loosening(s, { ...s, blockedCountries: ['CU', 'KP', 'SY'] }), ['blockedCountries -IR']);
    assert.deepEqual(loosening(s, { ...s, highRiskActivities: [] }).length, 1);
    assert.deepEqual(loosening(s, { ...s, refreshYears: { low: 3, medium: 2, high: 2 } }), ['refreshYears.high 1→2']);
    assert.deepEqual(loosening(s, { ...s, refreshYears: { low: 2, medium: 1, high: 1 } }), []);
  });

  it('the next review is 1, 2 or 3 years away by risk (configurable)', () => {
    const from = new Date('2026-11-22T00:00:00Z');
    assert.equal(nextReviewAt(from, 'high', DEFAULT_SETTINGS).toISOString(), '2027-11-22T00:00:00.000Z');
    assert.equal(nextReviewAt(from, 'medium', DEFAULT_SETTINGS).toISOString(), '2028-11-22T00:00:00.000Z');
    assert.equal(nextReviewAt(from, 'low', DEFAULT_SETTINGS).toISOString(), '2029-11-22T00:00:00.000Z');
    assert.equal(nextReviewAt(from, 'low', { ...DEFAULT_SETTINGS, refreshYears: { low: 5, medium: 2, high: 1 } }).getUTCFullYear(), 2031);
  });
});
