// The one permission registry: typed `resource.action` strings with their dependencies, and the built-in
// roles as shipped. Permissions are code (a route can only name a registered one); roles are data (tables
// role, role_permission, role_field_policy), seeded from BUILT_IN_ROLES when missing and then edited by
// administrators. The access gate reads a member's grants from the database on every request
// (modules/roles: permissionsFor), never from here.
import type { ClassPolicy } from './field-policy.js';

export interface PermissionSpec {
  description: string;
  dependsOn: readonly string[];
  /**
   * A role holding this permission is privileged: granting it, or changing it, needs a second member's
   * approval (four eyes). These are the permissions that change who may do what, or that approve.
   */
  privileged?: boolean;
}

export const PERMISSIONS = {
  // Staff accounts and access
  'staff.read': { description: 'See staff members, their roles and status (factor counts only, never secrets)', dependsOn: [] },
  'staff.invite': { description: 'Invite staff members and revoke invitations', dependsOn: ['staff.read'] },
  'staff.disable': { description: 'Disable and re-enable staff accounts', dependsOn: ['staff.read'] },
  'staff.reset': { description: 'Send a member a password-reset link (never sets or sees the password)', dependsOn: ['staff.read'] },
  'staff.networks.edit': { description: "Edit a member's allowed IP ranges", dependsOn: ['staff.read'] },
  'staff.roles.grant': {
    description: "Change members' roles (grants of privileged roles, and grants to oneself, need a second member's approval)",
    dependsOn: ['staff.read', 'role.read'],
    privileged: true,
  },
  'role.read': { description: 'See roles, their permissions and field policies, and preview what a role sees', dependsOn: [] },
  'role.manage': {
    description: 'Create roles and change their permissions, field policies and session settings (privileged roles through four eyes)',
    dependsOn: ['role.read'],
    privileged: true,
  },
  'role.grant.approve': {
    description: 'Approve (four eyes) grants of privileged roles, invitations with them, and changes to privileged roles',
    dependsOn: ['approval.decide', 'role.read', 'staff.read'],
    privileged: true,
  },
  'approval.read': { description: 'See four-eyes requests', dependsOn: [] },
  'approval.decide': { description: 'Approve or reject four-eyes requests (each kind also names its own permission)', dependsOn: ['approval.read'] },
  'session.manage': { description: "End other members' sessions, or everyone's", dependsOn: ['staff.read'] },

  // Security operations
  'security.alert.read': { description: 'Read security alerts (new country or network, possible token theft)', dependsOn: [] },
  'security.alert.manage': { description: 'Acknowledge and resolve security alerts', dependsOn: ['security.alert.read'] },
  'security.unfreeze': { description: 'Unlock locked and unfreeze frozen staff accounts (with a reason)', dependsOn: ['staff.read'], privileged: true },
  'incident.read': { description: 'See security incidents', dependsOn: [] },
  'incident.manage': { description: 'Open incidents and take containment actions (freeze a trader, revoke API keys, end sessions)', dependsOn: ['incident.read'] },

  // Audit log and keys
  'audit.read': { description: 'Read the audit log and its verification status', dependsOn: [] },
  'audit.export': { description: 'Export signed audit bundles', dependsOn: ['audit.read'] },
  'keys.read': { description: 'See key versions and usage (never key material)', dependsOn: [] },
  'keys.rotate': { description: 'Add a key version and re-encrypt in the background', dependsOn: ['keys.read'], privileged: true },

  // Traders (every read goes through the role's field policy)
  'trader.read': { description: "Open trader profiles and lists (the role's field policy decides what each field shows)", dependsOn: [] },
  'trader.search': { description: 'Find traders by exact email, phone, name or wallet address (blind-index search)', dependsOn: ['trader.read'] },
  'trader.reveal': {
    description: 'Reveal a masked field of a class the role holds as "reveal" (reason, step-up, rate-limited, audited)',
    dependsOn: ['trader.read'],
  },
  'trader.update': { description: 'Edit trader contact details and status', dependsOn: ['trader.read'] },
  'trader.note.write': { description: 'Add notes to a trader (scanned for secrets before they are stored)', dependsOn: ['trader.read'] },
  'trader.timeline.read': {
    description: "See a trader's timeline: security events from the exchange, staff actions from the audit log (who viewed, revealed, changed what, from where), tickets",
    dependsOn: ['trader.read'],
  },
  'marketing.audience.read': {
    description: 'List the traders of a marketing segment: consenting traders only, display name and email only',
    dependsOn: [],
  },
  'marketing.segment.manage': { description: 'Create and change marketing segments (country, activity band, VIP, consent category)', dependsOn: ['marketing.audience.read'] },
  'consent.read': { description: "See a trader's consents and their history", dependsOn: ['trader.read'] },
  'consent.manage': { description: "Record a trader's consent or opt-out on their behalf (source: support)", dependsOn: ['consent.read'] },
  'exchange.read': { description: 'Read-only view of the trading engine (balances, orders, trades, deposits, withdrawals); the financial field policy applies', dependsOn: ['trader.read'] },
  'exchange.configure': {
    description: "Set the trading engine's address and credentials (stored encrypted; never shown again)",
    dependsOn: [],
    privileged: true,
  },

  // Support
  'ticket.read': { description: 'Read support tickets and chat history', dependsOn: [] },
  'ticket.reply': { description: 'Reply to, assign and close support tickets, and add internal notes', dependsOn: ['ticket.read'] },
  'ticket.attachment.read': { description: 'Open ticket attachments (documents and images traders send)', dependsOn: ['ticket.read'] },
  'ticket.canned.manage': { description: 'Create and change canned replies', dependsOn: ['ticket.read'] },

  // Compliance
  'kyc.read': { description: "See KYC/KYB cases: state, reasons, risk rating and the list of documents (not their content)", dependsOn: ['trader.read'] },
  'kyc.submit': { description: 'Open KYC/KYB cases for a trader and upload documents on their behalf', dependsOn: ['kyc.read'] },
  'kyc.document.read': {
    description: "View KYC documents in the browser (streamed, watermarked with the viewer's name and time, every view audited)",
    dependsOn: ['kyc.read'],
  },
  'kyc.document.download': {
    description: 'Download the original KYC document file (no built-in role has it: grant it deliberately)',
    dependsOn: ['kyc.document.read'],
  },
  'kyc.review': { description: 'Take KYC/KYB cases from the queue and approve, reject or ask for more information', dependsOn: ['kyc.read'] },
  'kyc.approve_high_risk': {
    description: 'Senior sign-off: approve (four eyes) KYC cases rated high risk after enhanced due diligence',
    dependsOn: ['kyc.review', 'approval.decide'],
    privileged: true,
  },
  'kyc.settings.manage': {
    description: 'Change blocked and high-risk country lists and the risk-rating factors (who may onboard)',
    dependsOn: ['kyc.read'],
    privileged: true,
  },
  'screening.read': { description: 'See sanctions, PEP and wallet-address screening results, their evidence and the list versions', dependsOn: ['trader.read'] },
  'screening.review': { description: 'Clear screening hits as false positives (with rationale) or confirm them as true matches', dependsOn: ['screening.read'] },
  'screening.freeze.approve': {
    description: 'Approve (four eyes) freezing an account at the exchange after a confirmed sanctions match',
    dependsOn: ['screening.review', 'approval.decide'],
    privileged: true,
  },
  'screening.lists.manage': {
    description: 'Import sanctions, PEP and wallet lists and run a sync from the publishers',
    dependsOn: ['screening.read'],
  },
  'monitoring.read': { description: 'See transaction-monitoring alerts and rules', dependsOn: ['trader.read'] },
  'monitoring.rules.manage': { description: 'Change transaction-monitoring rules and thresholds', dependsOn: ['monitoring.read'] },
  'case.read': { description: 'Read investigation cases', dependsOn: ['trader.read'] },
  'case.manage': { description: 'Open, assign, annotate and close cases', dependsOn: ['case.read'] },
  'withdrawal_limit.request': { description: "Request a change to a trader's withdrawal limit (increases need four eyes)", dependsOn: ['trader.read'] },
  'withdrawal_limit.approve': {
    description: 'Approve withdrawal-limit increases (four eyes)',
    dependsOn: ['approval.decide', 'trader.read'],
    privileged: true,
  },
  'withdrawal_limit.decrease': {
    description: "Lower a trader's withdrawal limit at once for a risk reason (no four eyes: a decrease only contains)",
    dependsOn: ['trader.read'],
  },
  // Suspicious-activity reports are their own permissions (tipping-off rules): case.read does not reveal that a
  // SAR exists, and trader-facing roles (support) never hold any of these.
  'sar.read': { description: 'See suspicious-activity reports and that a case has one (tipping-off: never trader-facing staff)', dependsOn: ['case.read'] },
  'sar.manage': { description: 'Draft and edit suspicious-activity reports from a case', dependsOn: ['sar.read', 'case.manage'] },
  'sar.file': { description: 'Mark a suspicious-activity report as filed with the financial intelligence unit', dependsOn: ['sar.manage'], privileged: true },
  'report.read': { description: 'Read compliance and operational reports', dependsOn: [] },

  // Exports
  'export.create': { description: 'Export trader data (large exports need four eyes)', dependsOn: ['trader.read'] },
  'export.approve': { description: 'Approve large exports (four eyes)', dependsOn: ['approval.decide'], privileged: true },
} as const satisfies Record<string, PermissionSpec>;

export type Permission = keyof typeof PERMISSIONS;

/** Every registered permission, in registry order (the order of the UI's matrix). */
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** The registry entry of p. */
export function permissionSpec(p: Permission): PermissionSpec {
  return PERMISSIONS[p] as PermissionSpec;
}

/** Permissions that make a role privileged (see PermissionSpec.privileged). */
export const PRIVILEGED_PERMISSIONS: ReadonlySet<Permission> = new Set(ALL_PERMISSIONS.filter((p) => permissionSpec(p).privileged === true));

export interface BuiltInRole {
  description: string;
  privileged: boolean;
  requireHardwareKey: boolean;
  idleTimeoutMinutes: number;
  permissions: readonly Permission[];
  fieldPolicy: ClassPolicy;
}

const NOTHING_BUT_PUBLIC = { public: 'full', contact: 'hidden', identity: 'hidden', financial: 'hidden', security: 'hidden', secret: 'hidden' } as const;

/**
 * The roles a fresh deployment starts with (inserted when missing, never overwritten: an administrator's
 * edits stay). Deny by default: what is not listed is not granted, and a class not listed is hidden.
 */
export const BUILT_IN_ROLES = {
  support_junior: {
    description: 'First-line support: tickets and chat, masked contact details, no financial or identity data',
    privileged: false,
    requireHardwareKey: false,
    idleTimeoutMinutes: 10,
    permissions: ['ticket.read', 'ticket.reply', 'trader.read', 'trader.search', 'trader.note.write', 'consent.read'],
    fieldPolicy: { public: 'full', contact: 'masked', identity: 'hidden', financial: 'hidden', security: 'hidden', secret: 'hidden' },
  },
  support_senior: {
    description: 'Second-line support: may reveal contact and identity details with a reason; financial data masked',
    privileged: false,
    requireHardwareKey: false,
    idleTimeoutMinutes: 10,
    permissions: [
      'ticket.read', 'ticket.reply', 'ticket.attachment.read', 'ticket.canned.manage', 'trader.read', 'trader.search', 'trader.reveal',
      'trader.update', 'trader.note.write', 'trader.timeline.read', 'kyc.read', 'kyc.submit', 'consent.read', 'consent.manage',
      // A support agent files a trader's request for a higher withdrawal limit; only compliance_senior approves it.
      'withdrawal_limit.request',
    ],
    fieldPolicy: { public: 'full', contact: 'reveal', identity: 'reveal', financial: 'masked', security: 'masked', secret: 'hidden' },
  },
  marketing: {
    // The audience list (issue 4) shows only display name and email, and only of traders who consented;
    // marketing cannot open trader profiles, and never sees bank details, balances or trading volume.
    description: 'Campaigns: display name and email of consenting traders only; never bank details or trading volume',
    privileged: false,
    requireHardwareKey: false,
    idleTimeoutMinutes: 10,
    permissions: ['marketing.audience.read', 'marketing.segment.manage'],
    fieldPolicy: { public: 'full', contact: 'full', identity: 'hidden', financial: 'hidden', security: 'hidden', secret: 'hidden' },
  },
  compliance_officer: {
    description: 'KYC, screening, monitoring and cases; financial details revealed on demand with a reason',
    privileged: false,
    requireHardwareKey: false,
    idleTimeoutMinutes: 10,
    permissions: [
      'trader.read', 'trader.search', 'trader.reveal', 'trader.note.write', 'trader.timeline.read', 'exchange.read', 'kyc.read', 'kyc.review',
      'kyc.submit', 'kyc.document.read', 'screening.read', 'screening.review', 'monitoring.read', 'case.read', 'case.manage',
      'withdrawal_limit.request', 'withdrawal_limit.decrease', 'sar.read', 'sar.manage', 'report.read', 'export.create', 'approval.read', 'ticket.read', 'ticket.attachment.read', 'consent.read',
    ],
    fieldPolicy: { public: 'full', contact: 'full', identity: 'full', financial: 'reveal', security: 'masked', secret: 'hidden' },
  },
  compliance_senior: {
    description: 'Senior compliance: everything a compliance officer does, full financial data, and the only approver of withdrawal-limit increases',
    privileged: true,
    requireHardwareKey: true,
    idleTimeoutMinutes: 10,
    permissions: [
      'trader.read', 'trader.search', 'trader.reveal', 'trader.note.write', 'trader.timeline.read', 'exchange.read', 'kyc.read', 'kyc.review',
      'kyc.submit', 'kyc.document.read', 'kyc.approve_high_risk', 'kyc.settings.manage', 'screening.read', 'screening.review',
      'screening.freeze.approve', 'screening.lists.manage', 'monitoring.read', 'monitoring.rules.manage', 'case.read', 'case.manage',
      'withdrawal_limit.request', 'withdrawal_limit.approve', 'withdrawal_limit.decrease', 'sar.read', 'sar.manage', 'sar.file', 'report.read', 'export.create', 'export.approve', 'approval.read',
      'approval.decide', 'ticket.read', 'ticket.attachment.read', 'consent.read',
    ],
    fieldPolicy: { public: 'full', contact: 'full', identity: 'full', financial: 'full', security: 'masked', secret: 'hidden' },
  },
  security_officer: {
    description: 'Account security: alerts, unfreezing, sessions, incidents, audit log; approves privileged grants',
    privileged: true,
    requireHardwareKey: true,
    idleTimeoutMinutes: 10,
    permissions: [
      'audit.read', 'audit.export', 'keys.read', 'staff.read', 'approval.read', 'approval.decide', 'session.manage', 'security.unfreeze',
      'security.alert.read', 'security.alert.manage', 'role.read', 'role.grant.approve', 'incident.read', 'incident.manage', 'trader.read',
      'trader.search', 'trader.timeline.read',
    ],
    fieldPolicy: { public: 'full', contact: 'masked', identity: 'hidden', financial: 'hidden', security: 'full', secret: 'hidden' },
  },
  admin: {
    description: 'Administration: staff accounts, roles and keys; trader personal data masked',
    privileged: true,
    requireHardwareKey: true,
    idleTimeoutMinutes: 10,
    permissions: [
      'audit.read', 'audit.export', 'keys.read', 'keys.rotate', 'staff.read', 'trader.read', 'approval.read', 'approval.decide',
      'staff.invite', 'staff.disable', 'staff.reset', 'staff.networks.edit', 'session.manage', 'security.alert.read',
      'role.read', 'role.manage', 'staff.roles.grant', 'role.grant.approve', 'exchange.configure',
    ],
    fieldPolicy: { public: 'full', contact: 'masked', identity: 'masked', financial: 'masked', security: 'masked', secret: 'hidden' },
  },
  auditor: {
    description: 'Read-only: the audit log and reports',
    privileged: false,
    requireHardwareKey: false,
    idleTimeoutMinutes: 10,
    permissions: ['audit.read', 'audit.export', 'report.read'],
    fieldPolicy: NOTHING_BUT_PUBLIC,
  },
} as const satisfies Record<string, BuiltInRole>;

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;
/** @deprecated use BuiltInRoleName; roles are data, any name in the role table is a role. */
export type RoleName = BuiltInRoleName;

/** True when p is a registered permission. */
export function isPermission(p: string): p is Permission {
  return Object.hasOwn(PERMISSIONS, p);
}

/** The permissions granted directly, closed over dependencies; unregistered strings grant nothing. */
export function closePermissions(granted: Iterable<string>): Set<Permission> {
  const out = new Set<Permission>();
  const add = (p: Permission) => {
    if (out.has(p)) return;
    out.add(p);
    for (const d of permissionSpec(p).dependsOn) add(d as Permission);
  };
  for (const p of granted) if (isPermission(p)) add(p);
  return out;
}

/** True when a role granting these permissions (or flagged so) is privileged. */
export function isPrivilegedGrant(flagged: boolean, permissions: Iterable<string>): boolean {
  if (flagged) return true;
  for (const p of closePermissions(permissions)) if (PRIVILEGED_PERMISSIONS.has(p)) return true;
  return false;
}

/**
 * What the BUILT-IN roles grant as shipped, closed over dependencies (docs, tests). The access gate does not
 * use this: it reads the roles from the database on every request, so an administrator's edit applies at once.
 */
export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const granted: string[] = [];
  for (const r of roles) {
    // Own properties only: a role named "constructor" or "__proto__" must grant nothing, not crash.
    if (!Object.hasOwn(BUILT_IN_ROLES, r)) continue;
    granted.push(...(BUILT_IN_ROLES as Record<string, BuiltInRole>)[r]!.permissions);
  }
  return closePermissions(granted);
}
