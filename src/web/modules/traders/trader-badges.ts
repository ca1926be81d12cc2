// Badge classes and labels of a trader's status, KYC state and risk level: colour plus the word itself, never
// colour alone (see styles.css, "Outcome and status badges").
import type { KYC_STATES } from '../../../contracts/traders.js';

export const STATUS_BADGES: Record<string, string> = { active: 'badge badge-ok', pending: 'badge badge-denied', frozen: 'badge badge-error', closed: 'badge badge-neutral' };

export const KYC_BADGES: Record<string, string> = {
  approved: 'badge badge-ok',
  pending: 'badge badge-denied',
  expired: 'badge badge-denied',
  rejected: 'badge badge-error',
  not_started: 'badge badge-neutral',
};

export const KYC_LABELS: Record<(typeof KYC_STATES)[number], string> = { not_started: 'not started', pending: 'pending', approved: 'approved', rejected: 'rejected', expired: 'expired' };

export const RISK_BADGES: Record<string, string> = { low: 'badge badge-ok', medium: 'badge badge-denied', high: 'badge badge-error' };
