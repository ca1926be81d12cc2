// Contracts of the trader read path: what a member sees of a trader after their roles' field policy.
// Every field is optional (hidden fields are left out); the secret fields are not in this schema at all, so
// even a wrong policy could not let one through (the response schema is the last filter).
import { z } from 'zod';
import { FieldClass, RoleNameString } from './roles.js';

export const Wallet = z.object({ chain: z.string(), address: z.string() });
export const Balance = z.object({ asset: z.string(), amount: z.string() });
export const TraderPerson = z.object({
  role: z.enum(['director', 'ubo']),
  name: z.string(),
  dateOfBirth: z.string().nullable(),
  nationality: z.string().nullable(),
  ownershipPct: z.string().nullable(),
});

export const TraderFields = z
  .object({
    accountRef: z.string(),
    kind: z.string(),
    status: z.string(),
    country: z.string(),
    displayName: z.string(),
    createdAt: z.string(),
    vip: z.boolean(),
    legalName: z.string(),
    dateOfBirth: z.string().nullable(),
    idDocumentNumber: z.string().nullable(),
    registrationNumber: z.string().nullable(),
    directors: z.array(TraderPerson),
    ubos: z.array(TraderPerson),
    email: z.string(),
    phone: z.string(),
    bankAccount: z.string().nullable(),
    wallets: z.array(Wallet),
    balances: z.array(Balance),
    activityBand: z.string(),
    tradingVolume30d: z.string().nullable(),
    twoFactorEnabled: z.boolean().nullable(),
    apiKey: z.string().nullable(),
  })
  .partial();
export type TraderFields = z.infer<typeof TraderFields>;

export const TraderView = z.object({
  id: z.string(),
  fields: TraderFields,
  /** Fields shown in masked form. */
  masked: z.array(z.string()),
  /** Fields the member may reveal (reason + step-up). */
  revealable: z.array(z.string()),
});
export type TraderView = z.infer<typeof TraderView>;

export const TraderPage = z.object({ traders: z.array(TraderView), nextCursor: z.string().nullable() });
export type TraderPage = z.infer<typeof TraderPage>;

export const TRADER_STATUSES = ['pending', 'active', 'frozen', 'closed'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const KYC_STATES = ['not_started', 'pending', 'approved', 'rejected', 'expired'] as const;

export const TraderListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  status: z.enum(TRADER_STATUSES).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'two capital letters (ISO 3166-1 alpha-2)').optional(),
  /** Filtering by risk or KYC state tells the risk or the state: only for members whose roles show that section. */
  risk: z.enum(RISK_LEVELS).optional(),
  kycState: z.enum(KYC_STATES).optional(),
  vip: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type TraderListQuery = z.infer<typeof TraderListQuery>;

/**
 * Editing a trader's details (support, on the trader's verified request): only the fields given change. The reason
 * is checked by the service, so a missing one is refused and audited. Legal name, date of birth and country are
 * screened fields: changing one re-runs sanctions screening and the jurisdiction rules.
 */
export const TraderUpdateRequest = z
  .object({
    legalName: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().email().max(254).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{5,32}$/, 'a phone number').optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'two capital letters (ISO 3166-1 alpha-2)').optional(),
    dateOfBirth: z.iso.date().nullable().optional(),
    reason: z.string().max(1000).optional(),
  })
  .strict();
export type TraderUpdateRequest = z.infer<typeof TraderUpdateRequest>;

export const SEARCH_KINDS = ['email', 'phone', 'name', 'accountRef', 'wallet'] as const;
/**
 * Exact-match search through blind indexes: the value is normalised and HMAC-ed, never stored or logged; the
 * audit event names the kind of search, not the value. POST so the value stays out of URLs and access logs.
 */
export const TraderSearchRequest = z.object({ by: z.enum(SEARCH_KINDS), value: z.string().trim().min(1).max(320) });

/** The reason is checked by the service (so a missing one is refused and audited, not only rejected). */
export const RevealRequest = z.object({ field: z.string().max(64), reason: z.string().max(1000).optional() });
export const RevealResponse = z.object({
  field: z.string(),
  value: z.union([z.string(), z.boolean(), z.null(), z.array(Wallet), z.array(Balance), z.array(TraderPerson)]),
});
export type RevealResponse = z.infer<typeof RevealResponse>;

export const PreviewField = z.object({
  name: z.string(),
  label: z.string(),
  class: FieldClass,
  shown: z.enum(['full', 'masked', 'hidden']),
  revealable: z.boolean(),
});
export type PreviewField = z.infer<typeof PreviewField>;

export const RolePreview = z.object({
  role: RoleNameString,
  /** profile: the role opens trader profiles; audience: only the marketing audience list; none: no trader data. */
  view: z.enum(['profile', 'audience', 'none']),
  sample: TraderView,
  fields: z.array(PreviewField),
});
export type RolePreview = z.infer<typeof RolePreview>;

/**
 * The sections of a trader's profile page. Which of them a member sees follows from their permissions and
 * their roles' field policy (server: modules/traders/traders.policy.ts, sectionsFor); each section's own
 * endpoint enforces the same rule, so hiding a section in the UI is never the only guard.
 */
export const PROFILE_SECTIONS = [
  'identity', 'contact', 'business', 'kyc', 'risk', 'security', 'apiKeys', 'balances', 'orders', 'trades', 'transfers',
  'tickets', 'notes', 'consents', 'timeline',
] as const;
export type ProfileSection = (typeof PROFILE_SECTIONS)[number];
export const ProfileSectionName = z.enum(PROFILE_SECTIONS);

export const ProfileView = z.object({
  trader: TraderView,
  /** The sections of the page this member sees (the other sections' endpoints answer 403). */
  sections: z.array(ProfileSectionName),
  kyc: z.object({ state: z.enum(KYC_STATES) }).optional(),
  risk: z.object({ level: z.enum(RISK_LEVELS) }).optional(),
});
export type ProfileView = z.infer<typeof ProfileView>;

export const TraderNote = z.object({
  id: z.string(),
  body: z.string(),
  /** Kinds of secrets removed from the text before it was stored (seed phrase, private key…). */
  redactions: z.array(z.string()),
  authorName: z.string().nullable(),
  createdAt: z.string(),
});
export type TraderNote = z.infer<typeof TraderNote>;
export const TraderNotes = z.object({ notes: z.array(TraderNote) });
export const NewTraderNote = z.object({ body: z.string().trim().min(1).max(5000) });
export const NewTraderNoteResult = z.object({ note: TraderNote, redacted: z.array(z.string()) });

export const TIMELINE_KINDS = ['security', 'staff', 'ticket', 'kyc', 'aml'] as const;
export const TimelineEntry = z.object({
  /** Stable id of the entry: `<kind>:<source id>`. */
  id: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  at: z.string(),
  /** What happened: an exchange event kind (2fa_disabled…), an audit action (trader.reveal…) or a ticket event. */
  event: z.string(),
  summary: z.string(),
  /** Who: the staff member (staff actions) or the trader (security events). */
  actor: z.string().nullable(),
  /** From where: the staff member's IP; the trader's IP per the security field policy (masked or left out). */
  ip: z.string().nullable(),
  country: z.string().nullable(),
  outcome: z.string().nullable(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const TimelineQuery = z.object({
  kinds: z
    .string()
    .max(100)
    .transform((v, ctx) => {
      const kinds = v.split(',').filter(Boolean);
      for (const k of kinds) if (!(TIMELINE_KINDS as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', message: `unknown kind ${k.slice(0, 20)}` });
      return kinds as (typeof TIMELINE_KINDS)[number][];
    })
    .optional(),
  cursor: z.string().max(4000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const TimelinePage = z.object({
  entries: z.array(TimelineEntry),
  /** Pass as `cursor` for the next (older) page, or null. */
  nextCursor: z.string().nullable(),
  /** The kinds this member's roles show (KYC events need kyc.read, AML events screening.read). */
  kinds: z.array(z.enum(TIMELINE_KINDS)),
  /** Sources that are not recorded in this deployment (no module registered them). */
  notYetRecorded: z.array(z.string()),
});
export type TimelinePage = z.infer<typeof TimelinePage>;
