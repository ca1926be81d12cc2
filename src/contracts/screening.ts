// Screening service contracts (issue 5): screenings of a trader, hits and the review queue, decisions, evidence.
// Shared by the server (route schemas, OpenAPI) and the web UI. List versions and diffs are the lists part's.
import { z } from 'zod';

export const SUBJECT_KINDS = ['trader', 'director', 'ubo', 'wallet', 'counterparty'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const HIT_STATUSES = ['open', 'false_positive', 'confirmed'] as const;
export type HitStatus = (typeof HIT_STATUSES)[number];
export const RUN_STATUSES = ['clear', 'hits', 'no_lists_loaded'] as const;
export const TRADER_SCREENING_STATUSES = ['no_lists_loaded', 'never_screened', 'clear', 'review', 'confirmed'] as const;

const iso = z.string();

export const ListVersionView = z.object({
  id: z.string(),
  source: z.string(),
  version: z.number(),
  sha256: z.string(),
  publishedAt: z.string().nullable(),
});
export type ListVersionView = z.infer<typeof ListVersionView>;

export const TokenMatchView = z.object({
  query: z.string(),
  list: z.string(),
  score: z.number(),
  how: z.enum(['exact', 'fuzzy', 'phonetic', 'initial', 'transliterated']),
});

export const FactorView = z.object({
  factor: z.enum(['birth_date', 'country', 'kind', 'wallet', 'name_coverage']),
  effect: z.number(),
  detail: z.string(),
});

/** Why a candidate scored what it did. The screened side (query, token.query) is '***' unless the member's identity class is shown in full. */
export const ExplanationView = z.object({
  query: z.string(),
  queryShown: z.boolean(),
  matchedName: z.string(),
  normalisedMatchedName: z.string(),
  nameKind: z.enum(['primary', 'alias', 'weak_alias', 'wallet']),
  tokens: z.array(TokenMatchView),
  nameScore: z.number(),
  factors: z.array(FactorView),
});
export type ExplanationView = z.infer<typeof ExplanationView>;

export const HitView = z.object({
  id: z.uuid(),
  traderId: z.uuid(),
  accountRef: z.string(),
  subjectKind: z.enum(SUBJECT_KINDS),
  subjectRef: z.string(),
  source: z.string(),
  entityId: z.string(),
  entityName: z.string(),
  entityKind: z.string(),
  entityTopics: z.array(z.string()),
  score: z.number(),
  status: z.enum(HIT_STATUSES),
  openedAt: iso,
  decidedAt: iso.nullable(),
  freezeApprovalId: z.string().nullable(),
  caseId: z.string().nullable(),
  explanation: ExplanationView,
});
export type HitView = z.infer<typeof HitView>;

export const HitPage = z.object({ hits: z.array(HitView), nextCursor: z.string().nullable() });
export type HitPage = z.infer<typeof HitPage>;

export const HitQueueQuery = z.object({
  status: z.enum(HIT_STATUSES).default('open'),
  source: z
    .string()
    .regex(/^[a-z_]{2,40}$/)
    .optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type HitQueueQuery = z.infer<typeof HitQueueQuery>;

export const DecisionView = z.object({
  id: z.uuid(),
  decision: z.enum(['false_positive', 'confirmed', 'reopened']),
  reason: z.string().nullable(),
  systemNote: z.string().nullable(),
  reviewerId: z.string().nullable(),
  reviewerName: z.string().nullable(),
  approvalId: z.string().nullable(),
  at: iso,
});
export type DecisionView = z.infer<typeof DecisionView>;

export const HitDetail = HitView.extend({
  decisions: z.array(DecisionView),
  /** The four-eyes freeze request of a confirmed hit, with its state (pending, executed, rejected, expired). */
  freeze: z.object({ approvalId: z.string(), status: z.string() }).nullable(),
});
export type HitDetail = z.infer<typeof HitDetail>;

/** A reviewer's decision; the reason is checked by the service (at least 10 characters) so a refusal is audited. */
export const DecideRequest = z.object({ reason: z.string().max(2000).optional() });

export const DecideResult = z.object({
  hit: HitDetail,
  /** Confirming files a four-eyes request to freeze the account (null when the account is already frozen). */
  freezeApprovalId: z.string().nullable(),
});

export const RunSummary = z.object({
  id: z.uuid(),
  at: iso,
  trigger: z.enum(['onboarding', 'field_change', 'list_change', 'counterparty', 'manual']),
  scope: z.enum(['full', 'delta', 'counterparty']),
  status: z.enum(RUN_STATUSES),
  actorType: z.string(),
  actorId: z.string().nullable(),
  subjectCount: z.number(),
  candidateCount: z.number(),
  listVersions: z.array(ListVersionView),
  algorithmVersion: z.string().nullable(),
  threshold: z.number().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const ScreenResult = z.object({ run: RunSummary, openHits: z.number() });
export type ScreenResult = z.infer<typeof ScreenResult>;

export const TraderScreening = z.object({
  traderId: z.uuid(),
  status: z.enum(TRADER_SCREENING_STATUSES),
  listsLoaded: z.boolean(),
  lastScreenedAt: iso.nullable(),
  runs: z.array(RunSummary),
  hits: z.array(HitView),
});
export type TraderScreening = z.infer<typeof TraderScreening>;

export const BatchView = z.object({
  id: z.uuid(),
  trigger: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  listVersionId: z.string().nullable(),
  listVersions: z.array(ListVersionView),
  deltaAdded: z.number(),
  deltaChanged: z.number(),
  deltaRemoved: z.number(),
  deltaSha256: z.string().nullable(),
  algorithmVersion: z.string(),
  threshold: z.number(),
  tradersScreened: z.number(),
  subjectsScreened: z.number(),
  tradersWithHits: z.number(),
  startedAt: iso,
  finishedAt: iso.nullable(),
});
export type BatchView = z.infer<typeof BatchView>;

export const ScreeningStatus = z.object({
  listsLoaded: z.boolean(),
  versions: z.array(ListVersionView),
  entityCount: z.number(),
  algorithmVersion: z.string(),
  threshold: z.number(),
  openHits: z.number(),
  lastBatch: BatchView.nullable(),
});
export type ScreeningStatus = z.infer<typeof ScreeningStatus>;

export const EvidenceCandidate = z.object({
  hitId: z.string().nullable(),
  source: z.string(),
  entityId: z.string(),
  entityName: z.string(),
  score: z.number(),
  /** new, open (still waiting), suppressed (an earlier false positive still holds), reopened, confirmed. */
  outcome: z.enum(['new', 'open', 'suppressed', 'reopened', 'confirmed']),
  explanation: ExplanationView,
});

export const EvidenceSubject = z.object({
  kind: z.enum(SUBJECT_KINDS),
  ref: z.string(),
  /** What was screened (name, date of birth, countries or wallet); masked like explanations. */
  screened: z.object({ name: z.string().optional(), kind: z.string().optional(), birthDate: z.string().optional(), countries: z.array(z.string()).optional(), wallet: z.string().optional() }),
  candidates: z.array(EvidenceCandidate),
});

export const EvidenceDocument = z.object({
  format: z.literal('bulwark.screening-evidence/1'),
  generatedAt: iso,
  generatedBy: z.string().nullable(),
  trader: z.object({ id: z.uuid(), accountRef: z.string() }),
  screenings: z.array(RunSummary.extend({ batchId: z.string().nullable(), subjects: z.array(EvidenceSubject) })),
  /** List-change re-screenings of every trader that covered this one (they record no per-trader row unless a candidate was found). */
  batches: z.array(BatchView),
  hits: z.array(HitView.extend({ decisions: z.array(DecisionView) })),
});
export type EvidenceDocument = z.infer<typeof EvidenceDocument>;
