// Every migration, listed explicitly in order (no directory scanning: what runs is what is reviewed).
import type { Migration } from 'kysely';
import * as foundation from './2026-11-21T00-00-00_foundation.js';
import * as identity from './2026-11-21T06-00-00_identity.js';
import * as traders from './2026-11-21T12-00-00_traders.js';
import * as support from './2026-11-21T13-20-00_support.js';
import * as screeningLists from './2026-11-21T15-00-00_screening_lists.js';
import * as screening from './2026-11-21T15-10-00_screening.js';
import * as kyc from './2026-11-21T15-20-00_kyc.js';
import * as monitoringEvents from './2026-11-21T16-00-00_monitoring_events.js';
import * as monitoringRules from './2026-11-21T16-10-00_monitoring_rules.js';
import * as cases from './2026-11-21T16-20-00_cases.js';
import * as sar from './2026-11-21T16-30-00_sar.js';
import * as withdrawalLimits from './2026-11-21T16-40-00_withdrawal_limits.js';

export const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-00_foundation': foundation,
  '2026-11-21T06-00-00_identity': identity,
  '2026-11-21T12-00-00_traders': traders,
  '2026-11-21T13-20-00_support': support,
  '2026-11-21T15-00-00_screening_lists': screeningLists,
  '2026-11-21T15-10-00_screening': screening,
  '2026-11-21T15-20-00_kyc': kyc,
  '2026-11-21T16-00-00_monitoring_events': monitoringEvents,
  '2026-11-21T16-10-00_monitoring_rules': monitoringRules,
  '2026-11-21T16-20-00_cases': cases,
  '2026-11-21T16-30-00_sar': sar,
  '2026-11-21T16-40-00_withdrawal_limits': withdrawalLimits,
};
