// Contracts of the sanctions, PEP and wallet lists (modules/screening/lists): list versions with their diffs,
// import by upload, sync from the publishers. Shared by the server (route schemas, the last filter of every
// answer) and the web UI. List data is public (published sanctions lists), not personal data of traders.
import { z } from 'zod';

export const LIST_SOURCE_NAMES = ['ofac_sdn', 'ofac_cons', 'un_sc', 'eu_fsf', 'uk_sanctions', 'opensanctions', 'ofac_wallets'] as const;
export const ListSourceName = z.enum(LIST_SOURCE_NAMES);

/** How people read a source's name. */
export const LIST_SOURCE_LABELS: Record<(typeof LIST_SOURCE_NAMES)[number], string> = {
  ofac_sdn: 'OFAC SDN',
  ofac_cons: 'OFAC consolidated (non-SDN)',
  un_sc: 'UN Security Council',
  eu_fsf: 'EU financial sanctions',
  uk_sanctions: 'UK sanctions list',
  opensanctions: 'OpenSanctions',
  ofac_wallets: 'OFAC digital-currency addresses',
};

export const ListVersionSummary = z.object({
  id: z.string(),
  source: ListSourceName,
  version: z.number().int(),
  format: z.string(),
  sha256: z.string(),
  fileNames: z.array(z.string()),
  byteSize: z.number(),
  publishedAt: z.string().nullable(),
  importedAt: z.string(),
  entityCount: z.number().int(),
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  previousId: z.string().nullable(),
  origin: z.enum(['upload', 'file', 'sync']),
  originUrl: z.string().nullable(),
  importedBy: z.string().nullable(),
  warnings: z.array(z.string()),
  shrinkAllowed: z.boolean(),
});
export type ListVersionSummary = z.infer<typeof ListVersionSummary>;

export const ListSourceStatus = z.object({
  source: ListSourceName,
  label: z.string(),
  active: ListVersionSummary.nullable(),
  /** Last time the list was confirmed current (imported, or found unchanged at the publisher). */
  lastCheckedAt: z.string().nullable(),
  /** Whole days since lastCheckedAt (null: never loaded). */
  ageDays: z.number().nullable(),
  /** Older than the configured limit (LISTS_STALE_DAYS): screening against it may miss new designations. */
  stale: z.boolean(),
  lastFailureAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type ListSourceStatus = z.infer<typeof ListSourceStatus>;

export const ListsOverview = z.object({
  /** 'none' when no list is loaded: screening then reports "no lists loaded", never clear. */
  lists: z.enum(['loaded', 'none']),
  staleDays: z.number().int(),
  maxShrinkPercent: z.number(),
  maxUploadBytes: z.number().int(),
  sources: z.array(ListSourceStatus),
  versions: z.array(ListVersionSummary),
});
export type ListsOverview = z.infer<typeof ListsOverview>;

export const ListEntityView = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  weakAliases: z.array(z.string()),
  birthDates: z.array(z.string()),
  nationalities: z.array(z.string()),
  countries: z.array(z.string()),
  programs: z.array(z.string()),
  topics: z.array(z.string()),
  wallets: z.array(z.object({ currency: z.string(), address: z.string() })),
  listedOn: z.string().optional(),
});
export type ListEntityView = z.infer<typeof ListEntityView>;

export const ListChange = z.object({
  entityId: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  name: z.string(),
  /** For 'changed': the fields that differ. */
  fields: z.array(z.string()),
  before: ListEntityView.nullable(),
  after: ListEntityView.nullable(),
});
export type ListChange = z.infer<typeof ListChange>;

export const ListVersionQuery = z.object({
  change: z.enum(['added', 'removed', 'changed']).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ListVersionDetail = z.object({
  version: ListVersionSummary,
  changes: z.array(ListChange),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});
export type ListVersionDetail = z.infer<typeof ListVersionDetail>;

/** An upload: one file, or the files of one OFAC CSV set or wallet-list set, in base64. */
export const ListImportRequest = z.object({
  files: z
    .array(z.object({ name: z.string().min(1).max(200).regex(/^[^/\\\0]+$/, 'a file name, not a path'), contentBase64: z.string().min(1) }))
    .min(1)
    .max(40),
  /** Accept a drop of more entities than the configured limit (a deliberate mass de-listing). */
  allowShrink: z.boolean().default(false),
});
export type ListImportRequest = z.infer<typeof ListImportRequest>;

export const ListImportResult = z.object({
  status: z.enum(['imported', 'unchanged']),
  version: ListVersionSummary,
  warnings: z.array(z.string()),
});
export type ListImportResult = z.infer<typeof ListImportResult>;

export const ListSyncRequest = z.object({
  sources: z.array(ListSourceName).max(7).optional(),
  allowShrink: z.boolean().default(false),
});

export const ListSyncResult = z.object({
  results: z.array(
    z.object({
      source: ListSourceName,
      status: z.enum(['imported', 'unchanged', 'failed']),
      version: ListVersionSummary.nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type ListSyncResult = z.infer<typeof ListSyncResult>;
