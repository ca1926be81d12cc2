// Contracts of the trader read path: what a member sees of a trader after their roles' field policy.
// Every field is optional (hidden fields are left out); the secret fields are not in this schema at all, so
// even a wrong policy could not let one through (the response schema is the last filter).
import { z } from 'zod';
import { FieldClass, RoleNameString } from './roles.js';

export const Wallet = z.object({ chain: z.string(), address: z.string() });
export const Balance = z.object({ asset: z.string(), amount: z.string() });

export const TraderFields = z
  .object({
    accountRef: z.string(),
    kind: z.string(),
    status: z.string(),
    country: z.string(),
    displayName: z.string(),
    createdAt: z.string(),
    legalName: z.string(),
    dateOfBirth: z.string().nullable(),
    idDocumentNumber: z.string().nullable(),
    email: z.string(),
    phone: z.string(),
    bankAccount: z.string().nullable(),
    wallets: z.array(Wallet),
    balances: z.array(Balance),
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

export const TraderListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

/** The reason is checked by the service (so a missing one is refused and audited, not only rejected). */
export const RevealRequest = z.object({ field: z.string().max(64), reason: z.string().max(1000).optional() });
export const RevealResponse = z.object({
  field: z.string(),
  value: z.union([z.string(), z.boolean(), z.null(), z.array(Wallet), z.array(Balance)]),
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
