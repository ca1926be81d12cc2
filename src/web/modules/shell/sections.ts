// The product's sections, in navigation order. `ready: false` sections show a neutral
// "not available yet" page until their module lands.
export interface Section {
  path: string;
  label: string;
  description: string;
  ready: boolean;
}

export const SECTIONS: readonly Section[] = [
  { path: 'traders', label: 'Traders', description: 'Trader records, onboarding status and account limits.', ready: true },
  { path: 'kyc', label: 'KYC', description: 'Identity and business verification reviews (KYC/KYB).', ready: true },
  { path: 'screening', label: 'Screening', description: 'Sanctions, PEP and wallet-address screening results.', ready: true },
  { path: 'monitoring', label: 'Monitoring', description: 'Transaction monitoring alerts and rules.', ready: true },
  { path: 'cases', label: 'Cases', description: 'Investigations opened from alerts and reviews.', ready: true },
  { path: 'support', label: 'Support', description: 'Trader support tickets.', ready: true },
  { path: 'marketing', label: 'Marketing', description: 'Segments of consenting traders for campaigns.', ready: true },
  { path: 'exports', label: 'Exports', description: 'Data exports, with four-eyes approval for large ones.', ready: false },
  { path: 'incidents', label: 'Incidents', description: 'Security incidents and containment actions.', ready: false },
  { path: 'audit', label: 'Audit log', description: 'The tamper-evident record of every access and change.', ready: true },
  { path: 'staff', label: 'Staff & roles', description: 'Staff accounts, roles and permissions.', ready: true },
  { path: 'settings', label: 'Settings', description: 'System settings, such as encryption keys.', ready: true },
];
