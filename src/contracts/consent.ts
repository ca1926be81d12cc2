// Contracts of consent (per trader and category, with its history), marketing segments and their audience, and
// the public unsubscribe link. Shared by the server (request/response schemas) and the web UI.
import { z } from 'zod';

export const CONSENT_CATEGORIES = ['marketing_email', 'product_news', 'research'] as const;
export const ConsentCategory = z.enum(CONSENT_CATEGORIES);
export type ConsentCategory = z.infer<typeof ConsentCategory>;

export const CONSENT_SOURCES = ['signup', 'settings', 'support', 'unsubscribe_link', 'import'] as const;
export const ConsentSource = z.enum(CONSENT_SOURCES);
export type ConsentSource = z.infer<typeof ConsentSource>;

export const ACTIVITY_BANDS = ['dormant', 'low', 'medium', 'high'] as const;
export const ActivityBand = z.enum(ACTIVITY_BANDS);
export type ActivityBand = z.infer<typeof ActivityBand>;

/** The same rule as the database's check on consent_event.wording_version. */
export const WordingVersion = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'letters, digits, dot, dash or underscore; at most 40');

/** Where one category stands for a trader: granted, withdrawn, or never asked (no answer recorded). */
export const ConsentState = z.enum(['granted', 'withdrawn', 'not_asked']);
export type ConsentState = z.infer<typeof ConsentState>;

export const ConsentCurrent = z.object({
  category: ConsentCategory,
  state: ConsentState,
  wordingVersion: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type ConsentCurrent = z.infer<typeof ConsentCurrent>;

export const ConsentEvent = z.object({
  id: z.string(),
  category: ConsentCategory,
  granted: z.boolean(),
  source: ConsentSource,
  wordingVersion: z.string(),
  /** A staff member's display name, or the channel (unsubscribe link, import, signup…); never a trader's data. */
  recordedBy: z.string(),
  recordedAt: z.string(),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

export const TraderConsents = z.object({
  traderId: z.string(),
  /** One entry per category, in CONSENT_CATEGORIES order. */
  current: z.array(ConsentCurrent),
  /** Newest first. */
  history: z.array(ConsentEvent),
  /** The member may record a change (consent.manage); the server checks it again on POST. */
  canManage: z.boolean(),
});
export type TraderConsents = z.infer<typeof TraderConsents>;

/** A change recorded by support on the trader's behalf: the wording version and a reason are required. */
export const RecordConsentRequest = z.object({
  category: ConsentCategory,
  granted: z.boolean(),
  wordingVersion: WordingVersion,
  reason: z.string().trim().min(5, 'at least 5 characters').max(1000),
});
export type RecordConsentRequest = z.infer<typeof RecordConsentRequest>;

const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals');

export const SegmentInput = z.object({
  name: z.string().trim().min(1).max(80),
  category: ConsentCategory,
  /** Empty: any country. */
  countries: z.array(Country).max(250).default([]),
  /** Empty: any band. */
  activityBands: z.array(ActivityBand).max(ACTIVITY_BANDS.length).default([]),
  /** null: VIP or not. */
  vip: z.boolean().nullable().default(null),
});
export type SegmentInput = z.input<typeof SegmentInput>;

export const SegmentPatch = z
  .object({
    name: z.string().trim().min(1).max(80),
    category: ConsentCategory,
    countries: z.array(Country).max(250),
    activityBands: z.array(ActivityBand).max(ACTIVITY_BANDS.length),
    vip: z.boolean().nullable(),
  })
  .partial();
export type SegmentPatch = z.infer<typeof SegmentPatch>;

export const Segment = z.object({
  id: z.string(),
  name: z.string(),
  category: ConsentCategory,
  countries: z.array(z.string()),
  activityBands: z.array(ActivityBand),
  vip: z.boolean().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Segment = z.infer<typeof Segment>;

export const SegmentList = z.object({ segments: z.array(Segment) });
export type SegmentList = z.infer<typeof SegmentList>;

export const AudienceQuery = z.object({
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/**
 * One trader of an audience: display name (first word of the legal name) and e-mail, nothing else — strict,
 * so the response schema itself refuses any other key. Fields the member's roles hide are left out.
 */
export const AudienceMember = z.strictObject({ displayName: z.string().optional(), email: z.string().optional() });
export type AudienceMember = z.infer<typeof AudienceMember>;

export const AudiencePage = z.object({
  segment: z.object({ id: z.string(), name: z.string(), category: ConsentCategory }),
  /** Traders in the segment right now (consenting, active, matching the filters). */
  count: z.number().int(),
  audience: z.array(AudienceMember),
  /** Opaque (encrypted): a cursor names no trader. */
  nextCursor: z.string().nullable(),
});
export type AudiencePage = z.infer<typeof AudiencePage>;

/** Any string: the server checks the token itself, so a malformed one is refused AND audited. */
export const UnsubscribeToken = z.string().max(1000);
export const UnsubscribeQuery = z.object({ token: UnsubscribeToken });
export const UnsubscribeRequest = z.object({ token: UnsubscribeToken });
/** What a public caller learns: the category only (no trader id, no personal data). */
export const UnsubscribeInfo = z.object({ category: ConsentCategory });
export const UnsubscribeResult = z.object({ category: ConsentCategory, unsubscribed: z.literal(true) });

export const CONSENT_CATEGORY_LABELS: Record<ConsentCategory, string> = {
  marketing_email: 'Marketing e-mail',
  product_news: 'Product news',
  research: 'Research',
};
