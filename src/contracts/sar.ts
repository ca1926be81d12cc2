// Contracts of suspicious-activity reports (SAR): the deadline list, one report with its subject snapshot, activity
// summary, transactions, narrative and history, the edits, filing, withdrawal and the reporting-entity settings used
// by the goAML export. Shared by the server (route schemas, the last filter of every answer) and the web UI.
//
// Who sees any of this is `sar.read` (tipping-off rules): none of these shapes is ever part of a case, trader or
// list answer given to a member without it.
import { z } from 'zod';

export const SAR_STATUSES = ['draft', 'ready_for_review', 'filed', 'withdrawn'] as const;
export type SarStatus = (typeof SAR_STATUSES)[number];

/** Longest narrative (goAML's `reason` is unbounded text; FIUs reject megabytes, and so do we). */
export const MAX_NARRATIVE = 20_000;
export const MAX_SHORT_TEXT = 4_000;
/** Most transactions one report carries (goAML files with more are split by FIUs; see docs/sar.md). */
export const MAX_TRANSACTIONS = 5_000;

// Free text may hold tabs and line breaks; other control characters are refused at the door (they are not even
// representable in XML 1.0, and the goAML export drops them from stored data again, see goaml.ts).
const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]*$/u, 'no control characters');
const Indicator = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'an indicator code (letters, digits, _ . -)');
const FiuReference = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$/, "the FIU's acknowledgement number (letters, digits, / . _ -)");
const Version = z.number().int().positive();
const when = z.iso.datetime({ offset: true });

export const SarSubject = z.object({
  traderId: z.string(),
  accountRef: z.string(),
  kind: z.string(),
  /** The trader was crypto-shredded before the draft: nothing personal was left to copy. */
  erased: z.boolean(),
  legalName: z.string(),
  dateOfBirth: z.string().nullable(),
  country: z.string(),
  wallets: z.array(z.object({ chain: z.string(), address: z.string() })),
  persons: z.array(z.object({ role: z.enum(['director', 'ubo']), name: z.string(), dateOfBirth: z.string().nullable(), nationality: z.string().nullable(), ownershipPct: z.string().nullable() })),
});
export type SarSubject = z.infer<typeof SarSubject>;

export const SarTransaction = z.object({
  eventId: z.string(),
  traderId: z.string(),
  accountRef: z.string(),
  type: z.enum(['deposit', 'withdrawal', 'trade', 'transfer']),
  occurredAt: when,
  asset: z.string().nullable(),
  amount: z.string().nullable(),
  amountUsd: z.number().nullable(),
  /** in: funds reached the trader's account; out: they left it; trades: the side. */
  direction: z.enum(['in', 'out']),
  counterparty: z.string().nullable(),
  chain: z.string().nullable(),
  txHash: z.string().nullable(),
  country: z.string().nullable(),
  /** trades: buy/sell and the quote asset; transfers: the other account. */
  detail: z.string().nullable(),
});
export type SarTransaction = z.infer<typeof SarTransaction>;

export const SarActivity = z.object({
  eventCount: z.number().int(),
  alertCount: z.number().int(),
  byType: z.record(z.string(), z.number().int()),
  totals: z.array(z.object({ asset: z.string(), direction: z.enum(['in', 'out']), amount: z.string(), amountUsd: z.number(), count: z.number().int() })),
  totalUsd: z.number(),
  firstAt: when.nullable(),
  lastAt: when.nullable(),
  /** Events linked to the case that were not found (another module may have removed them, or an id was wrong). */
  missingEvents: z.number().int(),
  /** One readable paragraph generated from the figures above (no names). */
  text: z.string(),
});
export type SarActivity = z.infer<typeof SarActivity>;

/** The reporting entity as the FIU knows it, and the goAML code tables (lookups differ per FIU). */
export const SarSettings = z.strictObject({
  /** The reporting entity's id at the FIU (goAML rentity_id). */
  rentityId: z.string().regex(/^[0-9]{1,10}$/, 'the numeric id the FIU issued'),
  rentityBranch: z.string().max(255).nullable(),
  entityName: z.string().min(1).max(255),
  fiuName: z.string().min(1).max(255),
  /** ISO 4217 local currency of amount_local. */
  currencyCodeLocal: z.string().regex(/^[A-Z]{3}$/),
  /** Local currency per US dollar (amounts arrive in USD); 1 when the local currency is USD. */
  usdToLocalRate: z.number().positive().max(1e6),
  /** Days from detection to the filing deadline. */
  deadlineDays: z.number().int().min(1).max(365),
  /** goAML lookups (FIU code tables): transmode and funds type of a virtual-asset transfer. */
  transmodeCode: z.string().regex(/^[A-Za-z0-9_]{1,20}$/),
  fundsCode: z.string().regex(/^[A-Za-z0-9_]{1,20}$/),
  /** The money-laundering reporting officer named in reporting_person. */
  reportingPerson: z.strictObject({
    firstName: z.string().min(1).max(100),
    lastName: z.string().min(1).max(100),
    email: z.email().max(255).nullable(),
    phone: z.string().regex(/^\+?[0-9 ()-]{4,30}$/).nullable(),
    occupation: z.string().max(255).nullable(),
  }),
  location: z.strictObject({
    addressType: z.string().regex(/^[A-Za-z0-9_]{1,20}$/),
    address: z.string().min(1).max(255),
    city: z.string().min(1).max(255),
    zip: z.string().max(20).nullable(),
    countryCode: z.string().regex(/^[A-Z]{2}$/),
  }),
});
export type SarSettings = z.infer<typeof SarSettings>;

export const SarSettingsView = z.object({
  /** False until someone with sar.file saved the entity's FIU registration: goAML export answers 409 until then. */
  configured: z.boolean(),
  version: z.number().int(),
  settings: SarSettings,
});
export type SarSettingsView = z.infer<typeof SarSettingsView>;
export const SarSettingsUpdate = z.strictObject({ settings: SarSettings, baseVersion: z.number().int().nonnegative() });

export const SarSummary = z.object({
  id: z.string(),
  caseId: z.string(),
  caseReference: z.string(),
  reference: z.string(),
  status: z.enum(SAR_STATUSES),
  detectedAt: when,
  dueAt: when,
  /** Still open (draft or ready for review) past its deadline. */
  overdue: z.boolean(),
  /** Whole days until the deadline (negative: overdue); null once filed or withdrawn. */
  daysLeft: z.number().int().nullable(),
  createdAt: when,
  updatedAt: when,
  filedAt: when.nullable(),
  fiuReference: z.string().nullable(),
});
export type SarSummary = z.infer<typeof SarSummary>;

export const SarView = z.object({
  sar: SarSummary,
  version: z.number().int(),
  subjects: z.array(SarSubject),
  activity: SarActivity,
  transactions: z.array(SarTransaction),
  narrative: z.string(),
  reasonForSuspicion: z.string(),
  action: z.string(),
  indicators: z.array(z.string()),
  createdByName: z.string().nullable(),
  readyByName: z.string().nullable(),
  filedByName: z.string().nullable(),
  history: z.array(z.object({ kind: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), actorName: z.string().nullable(), fields: z.array(z.string()), reason: z.string().nullable(), at: when })),
  can: z.object({ edit: z.boolean(), markReady: z.boolean(), file: z.boolean(), withdraw: z.boolean(), export: z.boolean() }),
});
export type SarView = z.infer<typeof SarView>;

export const SarListQuery = z.strictObject({
  status: z.enum(['open', 'all', ...SAR_STATUSES]).default('open'),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type SarListQuery = z.infer<typeof SarListQuery>;
export const SarList = z.object({ sars: z.array(SarSummary) });

export const CreateSarRequest = z.strictObject({
  narrative: text(MAX_NARRATIVE).optional(),
  reasonForSuspicion: text(MAX_SHORT_TEXT).optional(),
});
export type CreateSarRequest = z.infer<typeof CreateSarRequest>;

export const UpdateSarRequest = z.strictObject({
  /** The version the edit was made against (optimistic concurrency). */
  version: Version,
  narrative: text(MAX_NARRATIVE).optional(),
  reasonForSuspicion: text(MAX_SHORT_TEXT).optional(),
  action: text(MAX_SHORT_TEXT).optional(),
  indicators: z.array(Indicator).max(20).optional(),
});
export type UpdateSarRequest = z.infer<typeof UpdateSarRequest>;

export const VersionedRequest = z.strictObject({ version: Version });
export const FileSarRequest = z.strictObject({ version: Version, fiuReference: FiuReference });
export type FileSarRequest = z.infer<typeof FileSarRequest>;
export const WithdrawSarRequest = z.strictObject({ version: Version, reason: text(MAX_SHORT_TEXT).refine((s) => s.trim().length >= 5, 'at least 5 characters') });
export type WithdrawSarRequest = z.infer<typeof WithdrawSarRequest>;
