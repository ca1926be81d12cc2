// Contracts of KYC/KYB cases: the queue, a case with its history, documents, questionnaire, risk rating, enhanced
// due diligence, the provider's result, the jurisdiction settings and the provider webhook. Shared by the server
// (route schemas, the last filter of every answer) and the web UI.
import { z } from 'zod';

export const CASE_STATES = ['draft', 'submitted', 'in_review', 'approved', 'rejected', 'more_info_needed'] as const;
export const CASE_PURPOSES = ['onboarding', 'refresh', 'change'] as const;
export const CASE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const RISK = ['low', 'medium', 'high'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export type Risk = (typeof RISK)[number];

/** Document types: individual (ID, address, selfie), business (incorporation, registry, UBO), EDD evidence. */
export const DOCUMENT_TYPES = [
  'government_id',
  'proof_of_address',
  'selfie',
  'incorporation',
  'registry_extract',
  'ubo_declaration',
  'director_id',
  'source_of_funds',
  'source_of_wealth',
  'other',
] as const;
export type DocumentTypeCode = (typeof DOCUMENT_TYPES)[number];

/** Occupation (individuals) or business activity (businesses), as a code: the risk factor reads it. */
export const ACTIVITIES = [
  'employee',
  'self_employed',
  'business_owner',
  'student',
  'retired',
  'unemployed',
  'public_official',
  'technology',
  'retail',
  'trading_company',
  'holding',
  'investment_fund',
  'charity',
  'crypto_business',
  'money_services',
  'gambling',
  'precious_metals',
  'arms_defence',
  'cash_intensive',
  'shell_or_nominee',
  'other',
] as const;
export const VOLUME_BANDS = ['under_10k', '10k_100k', '100k_1m', 'over_1m'] as const;
export const PRODUCTS = ['spot', 'otc', 'margin', 'derivatives', 'crypto_withdrawals', 'fiat_withdrawals'] as const;

export const KycProfile = z.object({
  activity: z.enum(ACTIVITIES),
  /** Expected monthly volume (EUR equivalent). */
  expectedMonthlyVolume: z.enum(VOLUME_BANDS),
  products: z.array(z.enum(PRODUCTS)).max(PRODUCTS.length),
});
export type KycProfile = z.infer<typeof KycProfile>;

export const EDD_ITEMS = ['source_of_funds', 'source_of_wealth', 'senior_signoff'] as const;
export type EddItem = (typeof EDD_ITEMS)[number];

const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals');

export const CaseSummary = z.object({
  id: z.string(),
  traderId: z.string(),
  accountRef: z.string(),
  kind: z.enum(['individual', 'business']),
  purpose: z.enum(CASE_PURPOSES),
  state: z.enum(CASE_STATES),
  priority: z.enum(CASE_PRIORITIES),
  risk: z.enum(RISK).nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CaseListQuery = z.object({
  state: z.enum([...CASE_STATES, 'open']).default('open'),
  assignee: z.enum(['anyone', 'me', 'unassigned']).default('anyone'),
  purpose: z.enum(CASE_PURPOSES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;
export const CaseList = z.object({ cases: z.array(CaseSummary) });

export const RiskFactor = z.object({
  factor: z.enum(['country', 'pep', 'screening', 'activity', 'volume', 'products', 'kind', 'provider']),
  /** What the factor saw (a country code, an activity code…): shown to permitted reviewers only. */
  value: z.string(),
  points: z.number(),
  /** A factor that sets a floor on the level whatever the points. */
  floor: z.enum(RISK).nullable(),
  note: z.string(),
});
export type RiskFactor = z.infer<typeof RiskFactor>;

export const RiskRating = z.object({
  level: z.enum(RISK),
  points: z.number(),
  factors: z.array(RiskFactor),
  /** 'no_lists' / 'unavailable': the trader was NOT screened, and the rating says so. */
  screening: z.enum(['clear', 'hits', 'no_lists', 'unavailable']),
  ratedAt: z.string(),
});
export type RiskRating = z.infer<typeof RiskRating>;

export const CaseDocument = z.object({
  id: z.string(),
  type: z.enum(DOCUMENT_TYPES),
  personId: z.string().nullable(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  pages: z.number(),
  stripped: z.array(z.string()),
  uploadedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type CaseDocument = z.infer<typeof CaseDocument>;

export const CaseEvent = z.object({
  kind: z.string(),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  actorName: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
});

export const EddChecklist = z.object({
  required: z.boolean(),
  items: z.array(z.object({ item: z.enum(EDD_ITEMS), done: z.boolean(), byName: z.string().nullable(), at: z.string().nullable(), evidence: z.number() })),
});

export const ProviderResult = z.object({
  answer: z.enum(['green', 'red', 'pending']),
  reference: z.string(),
  document: z.string(),
  liveness: z.string(),
  faceMatch: z.string(),
  rejectLabels: z.array(z.string()),
  updatedAt: z.string(),
});

export const CaseView = z.object({
  case: CaseSummary,
  profile: KycProfile.nullable(),
  risk: RiskRating.nullable(),
  edd: EddChecklist,
  provider: ProviderResult.nullable(),
  documents: z.array(CaseDocument),
  persons: z.array(z.object({ id: z.string(), role: z.enum(['director', 'ubo']), ownershipPct: z.number().nullable(), declared: z.boolean() })),
  history: z.array(CaseEvent),
  /** What is still missing before the case can be submitted. */
  missing: z.array(z.string()),
  nextReviewAt: z.string().nullable(),
  pendingApprovalId: z.string().nullable(),
  can: z.object({ submit: z.boolean(), review: z.boolean(), decide: z.boolean(), viewDocuments: z.boolean(), download: z.boolean() }),
});
export type CaseView = z.infer<typeof CaseView>;

export const CreateCaseRequest = z.object({
  traderId: z.string().max(64),
  purpose: z.enum(['onboarding', 'refresh']).default('onboarding'),
});

export const Reason = z.string().trim().min(5, 'at least 5 characters').max(2000);

export const DecisionRequest = z.object({
  decision: z.enum(['approve', 'reject', 'more_info']),
  reason: Reason,
});

export const DecisionResult = z.object({
  case: CaseSummary,
  /** A high-risk approval became a four-eyes request: its id (the case stays in review until it is decided). */
  approvalRequestId: z.string().nullable(),
});

export const AssignRequest = z.object({ assigneeId: z.string().uuid().nullable() });
export const EddRequest = z.object({ item: z.enum(['source_of_funds', 'source_of_wealth']), done: z.boolean(), note: z.string().trim().max(2000).optional() });

export const KycSettings = z.object({
  blockedCountries: z.array(Country).max(250),
  highRiskCountries: z.array(Country).max(250),
  highRiskActivities: z.array(z.enum(ACTIVITIES)).max(ACTIVITIES.length),
  /** Years between periodic reviews, by risk. */
  refreshYears: z.object({ low: z.number().int().min(1).max(5), medium: z.number().int().min(1).max(5), high: z.number().int().min(1).max(5) }),
});
export type KycSettings = z.infer<typeof KycSettings>;
export const SettingsView = z.object({
  settings: KycSettings,
  version: z.number(),
  changedByName: z.string().nullable(),
  reason: z.string(),
  changedAt: z.string().nullable(),
  /** A change that loosens a rule waits for a second member: the approval request's id (the settings are unchanged). */
  pendingApprovalId: z.string().nullable().default(null),
});
export const SettingsUpdate = z.object({ settings: KycSettings, reason: Reason });

export const TraderCases = z.object({ cases: z.array(CaseSummary) });

export const UploadResult = z.object({ documents: z.array(CaseDocument) });

/** The identity-verification provider's webhook (Sumsub/Onfido-like; see docs/kyc.md). */
export const ProviderWebhook = z.object({
  eventId: z.string().min(1).max(200),
  type: z.enum(['applicant.reviewed', 'applicant.pending', 'check.completed']),
  /** Our case id, passed to the provider as the applicant's external reference. */
  caseId: z.string().max(64),
  applicantId: z.string().min(1).max(200),
  review: z.object({ answer: z.enum(['GREEN', 'RED']).optional(), rejectLabels: z.array(z.string().max(100)).max(50).default([]) }).default({ rejectLabels: [] }),
  checks: z
    .object({
      document: z.enum(['passed', 'failed', 'suspected', 'not_done']).default('not_done'),
      liveness: z.enum(['passed', 'failed', 'not_done']).default('not_done'),
      faceMatch: z.enum(['passed', 'failed', 'not_done']).default('not_done'),
    })
    .default({ document: 'not_done', liveness: 'not_done', faceMatch: 'not_done' }),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type ProviderWebhook = z.infer<typeof ProviderWebhook>;
export const WebhookAccepted = z.object({ accepted: z.literal(true) });

export const RefreshResult = z.object({ opened: z.number(), expired: z.number(), dryRun: z.boolean() });
