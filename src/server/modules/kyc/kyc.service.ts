// KYC/KYB cases: opening (jurisdiction check), questionnaire, documents, submission (screening + risk rating),
// the reviewer queue (take / assign, SLA), decisions (four eyes for high risk), enhanced due diligence, the
// provider's webhook, jurisdiction settings and the periodic refresh job.
//
// Security decisions:
// - Every per-trader call opens the trader for the `kyc` section first (traders.openSection) inside its audited
//   transaction: a malformed, missing or unopenable case id answers 404, a member whose roles do not show KYC 403.
//   A document id is looked up only within its case, so another case's document is a 404 too.
// - Everything personal (questionnaire, reasons, file names and contents, provider results, risk factors) is
//   encrypted under the trader's data key, bound to (table, column, row id), inside the transaction: uploaded
//   bytes live in memory only until they are ciphertext.
// - Viewing a document renders a watermarked PDF (viewer, time); the original is a separate permission. Both are
//   audited with the document id; a denied attempt is audited by the access gate.
// - Four eyes: the member who submitted a case cannot decide it; a high-risk approval becomes an approval request
//   that another member holding kyc.approve_high_risk must approve (senior sign-off), maker ≠ checker.
// - The provider's result is evidence, never a decision: a GREEN answer does not approve anything, a RED one
//   raises the priority. A reviewer decides every case.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import {
  EDD_ITEMS,
  KycProfile,
  KycSettings as KycSettingsSchema,
  type CaseDocument,
  type CaseListQuery,
  type CaseState,
  type CaseSummary,
  type CaseView,
  type DocumentTypeCode,
  type EddItem,
  type KycSettings,
  type ProviderWebhook,
  type RiskRating,
} from '../../../contracts/kyc.js';
import type { AuditOutcome } from '../../platform/audit/canonical.js';
import type { Audited, AuditedTx, AuditEventBuilder, AuditSpec } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { decryptForSubject, isCryptoError, type SubjectKey } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import type { ApprovalKind, ApprovalView } from '../approvals/approvals.service.js';
import type { ScreeningFacts, ScreeningForKyc } from '../screening/model.js';
import type { JurisdictionLookup } from '../monitoring/model.js';
import type { Member, TradersService } from '../traders/index.js';
import { checkDocument, MAX_DOCUMENTS_PER_CASE, renderWatermarked, type CheckedDocument } from './kyc.documents.js';
import * as repo from './kyc.repository.js';
import { DEFAULT_SETTINGS, loosening, nextReviewAt, normaliseSettings, rate, SLA_HOURS, type Rating } from './kyc.risk.js';

export const KYC_HIGH_RISK_KIND = 'kyc.high_risk_approval';
export const KYC_SETTINGS_RELAX_KIND = 'kyc.settings_relax';
/** A refresh task opens this long before the review is due. */
export const REFRESH_LEAD_DAYS = 30;
/** How far a webhook's timestamp may be from our clock (same rule as the support webhooks). */
const WEBHOOK_SKEW_MS = 5 * 60_000;

export interface KycDeps {
  audited: Audited;
  /** audited() for pure reads (AuditWriter.auditedRead: a read-only transaction beside the lanes); defaults to audited. */
  auditedRead?: Audited | undefined;
  /** Records an event without a transaction (refused webhooks). */
  record: (ctx: ActorContext, spec: AuditSpec, outcome: AuditOutcome, errorCode?: string | null) => Promise<void>;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'accountOf' | 'setKycState' | 'setRisk'>;
  approvals: { requestIn(tx: AuditedTx, makerId: string, input: { kind: string; payload: unknown; reason: string }): Promise<ApprovalView> };
  /** The screening service (optional: without it every rating says "not screened"). */
  screening?: ScreeningForKyc | undefined;
  /** HMAC secret of the provider webhook; undefined: the webhook is not configured. */
  webhookSecret: string | undefined;
}

export type KycService = ReturnType<typeof createKycService>;

/** Uploaded file as the route read it (in memory, size-limited). */
export interface UploadedFile {
  filename: string;
  mimetype: string | undefined;
  content: Buffer;
}

const caseNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such case', { denial: true });
const docNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such document', { denial: true });
const conflict = (message: string) => new AppError(ErrorCode.conflict, 409, message);
const at = (table: string, column: string, rowId: string) => ({ table, column, rowId });
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** Legal transitions: from → to (the decision routes name the target). */
const TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  draft: ['submitted'],
  submitted: ['in_review'],
  in_review: ['approved', 'rejected', 'more_info_needed'],
  more_info_needed: ['submitted'],
  approved: [],
  rejected: [],
};

/** What must be on the case before it can be submitted, by kind. */
const REQUIRED: Record<'individual' | 'business', DocumentTypeCode[]> = {
  individual: ['government_id', 'proof_of_address'],
  business: ['incorporation', 'registry_extract', 'ubo_declaration'],
};

type EddState = Partial<Record<EddItem, { done: boolean; by: string | null; byName?: string | null; at: string | null }>>;

/** Creates the KYC service. */
export function createKycService(d: KycDeps) {
  const now = () => d.clock.now();
  // Pure reads (queue, case, a trader's cases, settings, a document view) take the read path.
  const read: Audited = d.auditedRead ?? d.audited;

  async function settingsIn(tx: AuditedTx): Promise<{ settings: KycSettings; version: number; row: Awaited<ReturnType<typeof repo.latestSettings>> }> {
    const row = await repo.latestSettings(tx);
    if (!row) return { settings: normaliseSettings(DEFAULT_SETTINGS), version: 0, row };
    const parsed = KycSettingsSchema.safeParse(row.settings);
    // A stored version that no longer parses is a bug, not a reason to run without jurisdiction rules.
    if (!parsed.success) throw new Error('kyc_settings_version: the stored settings do not parse');
    return { settings: parsed.data, version: row.version, row };
  }

  /** A trader's key; a crypto-shredded trader's cases can no longer be read (their content is gone for good). */
  async function keyOrErased(get: () => Promise<SubjectKey>): Promise<SubjectKey> {
    try {
      return await get();
    } catch (err) {
      if (isCryptoError(err, 'key_destroyed')) throw new AppError(ErrorCode.conflict, 409, "This trader's personal data was erased: the case can no longer be opened");
      throw err;
    }
  }

  /** The case and its trader opened for the `kyc` section; 404 for a bad/missing id or an unopenable trader. */
  async function openCase(tx: AuditedTx, member: Member, id: string, opts: { lock?: boolean } = {}) {
    if (!isUuid(id)) throw caseNotFound();
    const row = await repo.findCase(tx, id.toLowerCase(), opts);
    if (!row) throw caseNotFound();
    const trader = await d.traders.openSection(tx, member, row.trader_id, 'kyc');
    return { row, trader, key: await keyOrErased(() => trader.subjectKey()) };
  }

  /** A document of a case (looked up within that case only: another case's document is a 404); the event names it. */
  async function openDocument(tx: AuditedTx, ev: AuditEventBuilder, member: Member, caseId: string, docId: string) {
    const { row, key } = await openCase(tx, member, caseId);
    const x = isUuid(docId) ? await repo.findDocument(tx, row.id, docId.toLowerCase()) : undefined;
    if (!x) throw docNotFound();
    ev.setTarget('kyc_document', x.id);
    return { x, key };
  }

  function overdue(row: repo.CaseRow): boolean {
    return Boolean(row.due_at && row.state !== 'approved' && row.state !== 'rejected' && new Date(row.due_at).getTime() < now().getTime());
  }

  function summary(row: repo.CaseRow): CaseSummary {
    return {
      id: row.id,
      traderId: row.trader_id,
      accountRef: row.account_ref,
      kind: row.kind,
      purpose: row.purpose,
      state: row.state,
      priority: row.priority,
      risk: row.risk,
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_name ?? null,
      dueAt: iso(row.due_at),
      overdue: overdue(row),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  function assertTransition(from: CaseState, to: CaseState): void {
    if (!TRANSITIONS[from].includes(to)) throw conflict(`A case in state ${from} cannot move to ${to}`);
  }

  /** Appends a history event (reason encrypted under the trader's key). */
  async function event(tx: AuditedTx, key: SubjectKey, row: { id: string; trader_id: string }, e: { kind: string; from?: string | null; to?: string | null; actorId: string | null; reason?: string | null }) {
    const id = randomUUID();
    await repo.insertEvent(tx, {
      id,
      case_id: row.id,
      trader_id: row.trader_id,
      kind: e.kind,
      from_state: e.from ?? null,
      to_state: e.to ?? null,
      actor_id: e.actorId,
      reason_ct: e.reason ? d.vault.encryptForSubject(key, at('kyc_case_event', 'reason_ct', id), e.reason) : null,
      created_at: now(),
    });
  }

  /** The trader's KYC state that follows a case (a refresh or change case never downgrades an approved trader while open). */
  async function followState(tx: AuditedTx, row: { trader_id: string; purpose: string }, state: CaseState): Promise<void> {
    if (state === 'approved') return d.traders.setKycState(tx, row.trader_id, 'approved');
    if (state === 'rejected') return d.traders.setKycState(tx, row.trader_id, 'rejected');
    if (row.purpose !== 'onboarding') return;
    await d.traders.setKycState(tx, row.trader_id, state === 'draft' ? 'not_started' : 'pending');
  }

  function decodeProfile(key: SubjectKey, row: repo.CaseRow): KycProfile | null {
    if (!row.profile_ct) return null;
    return KycProfile.parse(JSON.parse(d.vault.decryptForSubject(key, at('kyc_case', 'profile_ct', row.id), row.profile_ct)));
  }

  function decodeRating(key: SubjectKey, row: repo.CaseRow): RiskRating | null {
    if (!row.risk || !row.risk_factors_ct || !row.risk_rated_at) return null;
    const r = JSON.parse(d.vault.decryptForSubject(key, at('kyc_case', 'risk_factors_ct', row.id), row.risk_factors_ct)) as Omit<Rating, 'level'>;
    return { level: row.risk, points: r.points, factors: r.factors, screening: r.screening, ratedAt: iso(row.risk_rated_at)! };
  }

  /** Screens (on submission) or reads the facts, then rates; stores the rating and the trader's risk. */
  async function rateCase(tx: AuditedTx, key: SubjectKey, row: repo.CaseRow, screenNow: boolean): Promise<Rating> {
    let facts: ScreeningFacts | undefined;
    if (d.screening) facts = screenNow ? await d.screening.screenTrader(tx, row.trader_id, 'onboarding') : await d.screening.factsFor(tx, row.trader_id);
    const { settings } = await settingsIn(tx);
    const rating = rate({ country: row.country, kind: row.kind, profile: decodeProfile(key, row), screening: facts, providerAnswer: row.provider_answer }, settings);
    const edd = (row.edd ?? {}) as EddState;
    await repo.updateCase(tx, row.id, {
      risk: rating.level,
      risk_factors_ct: d.vault.encryptForSubject(key, at('kyc_case', 'risk_factors_ct', row.id), JSON.stringify({ points: rating.points, factors: rating.factors, screening: rating.screening })),
      risk_rated_at: now(),
      screening_status: rating.screening,
      // High risk opens enhanced due diligence; once opened it stays (a re-rating does not erase the checklist).
      edd_required: row.edd_required || rating.level === 'high',
      edd: JSON.stringify(edd),
      updated_at: now(),
    });
    await d.traders.setRisk(tx, row.trader_id, rating.level);
    return rating;
  }

  type PersonRow = Awaited<ReturnType<typeof repo.personsOf>>[number];

  /** What the case still needs; a business needs a UBO declaration naming each owner of 25 % or more. */
  function missingOf(row: repo.CaseRow, docs: { doc_type: string; person_id: string | null }[], persons: PersonRow[]): string[] {
    const have = new Set(docs.map((x) => x.doc_type));
    const missing: string[] = REQUIRED[row.kind].filter((t) => !have.has(t));
    persons.forEach((p, i) => {
      const pct = p.ownership_pct === null ? 0 : Number(p.ownership_pct);
      if (p.role === 'ubo' && pct >= 25 && !docs.some((x) => x.doc_type === 'ubo_declaration' && x.person_id === p.id)) {
        missing.push(`UBO declaration of owner ${i + 1} (${pct} %)`);
      }
    });
    if (row.kind === 'individual') {
      const liveness = row.provider_answer !== null || have.has('selfie');
      if (!liveness) missing.push('selfie or liveness result from the provider');
    }
    if (!row.profile_ct) missing.push('questionnaire');
    return missing;
  }

  /** A business's directors and UBOs (an individual has none). */
  function personsIf(tx: AuditedTx, row: { kind: string; trader_id: string }): Promise<PersonRow[]> {
    return row.kind === 'business' ? repo.personsOf(tx, row.trader_id) : Promise.resolve([]);
  }

  function eddMissing(row: repo.CaseRow, docs: { doc_type: string }[]): string[] {
    if (!row.edd_required) return [];
    const edd = (row.edd ?? {}) as EddState;
    const out: string[] = [];
    for (const item of ['source_of_funds', 'source_of_wealth'] as const) {
      if (!edd[item]?.done) out.push(item);
      else if (!docs.some((x) => x.doc_type === item)) out.push(`${item} document`);
    }
    return out;
  }

  /** Rejects a case (or creates it rejected) because the trader's country is blocked; the reason is recorded. */
  async function blockForJurisdiction(tx: AuditedTx, key: SubjectKey, row: { id: string; trader_id: string; purpose: string; state: CaseState }, country: string, actorId: string | null) {
    const reason = `Country ${country} is on the blocked-jurisdiction list: onboarding refused`;
    await repo.updateCase(tx, row.id, { state: 'rejected', decided_at: now(), decided_by: actorId, updated_at: now() });
    await event(tx, key, row, { kind: 'jurisdiction_blocked', from: row.state, to: 'rejected', actorId, reason });
    await followState(tx, row, 'rejected');
  }

  function present(row: repo.CaseRow, key: SubjectKey, docs: Awaited<ReturnType<typeof repo.documentsOf>>, events: Awaited<ReturnType<typeof repo.eventsOf>>, persons: Awaited<ReturnType<typeof repo.personsOf>>, member: Member): CaseView {
    const edd = (row.edd ?? {}) as EddState;
    const provider = row.provider_result_ct
      ? (JSON.parse(d.vault.decryptForSubject(key, at('kyc_case', 'provider_result_ct', row.id), row.provider_result_ct)) as { document: string; liveness: string; faceMatch: string; rejectLabels: string[] })
      : null;
    const documents: CaseDocument[] = docs.map((x) => ({
      id: x.id,
      type: x.doc_type as DocumentTypeCode,
      personId: x.person_id,
      filename: d.vault.decryptForSubject(key, at('kyc_document', 'filename_ct', x.id), x.filename_ct),
      contentType: x.content_type,
      size: x.size,
      pages: x.pages,
      stripped: x.stripped,
      uploadedBy: x.uploaded_by,
      createdAt: iso(x.created_at)!,
    }));
    const open = row.state !== 'approved' && row.state !== 'rejected';
    const submitter = events.find((e) => e.kind === 'transition' && e.to_state === 'submitted')?.actor_id ?? null;
    return {
      case: summary(row),
      profile: decodeProfile(key, row),
      risk: decodeRating(key, row),
      edd: {
        required: row.edd_required,
        items: EDD_ITEMS.map((item) => ({ item, done: Boolean(edd[item]?.done), byName: edd[item]?.byName ?? null, at: edd[item]?.at ?? null, evidence: docs.filter((x) => x.doc_type === item).length })),
      },
      provider:
        row.provider_answer && provider
          ? {
              answer: row.provider_answer,
              reference: row.provider_ref_ct ? d.vault.decryptForSubject(key, at('kyc_case', 'provider_ref_ct', row.id), row.provider_ref_ct) : '',
              document: provider.document,
              liveness: provider.liveness,
              faceMatch: provider.faceMatch,
              rejectLabels: provider.rejectLabels,
              updatedAt: iso(row.provider_updated_at)!,
            }
          : null,
      documents,
      persons: persons.map((p) => ({ id: p.id, role: p.role as 'director' | 'ubo', ownershipPct: p.ownership_pct === null ? null : Number(p.ownership_pct), declared: docs.some((x) => x.person_id === p.id) })),
      history: events.map((e) => ({
        kind: e.kind,
        fromState: e.from_state,
        toState: e.to_state,
        actorName: e.actor_name ?? null,
        reason: e.reason_ct ? d.vault.decryptForSubject(key, at('kyc_case_event', 'reason_ct', e.id), e.reason_ct) : null,
        at: iso(e.created_at)!,
      })),
      missing: open ? [...missingOf(row, docs, persons), ...eddMissing(row, docs)] : [],
      nextReviewAt: iso(row.next_review_at),
      pendingApprovalId: row.approval_request_id,
      can: {
        submit: member.permissions.has('kyc.submit') && (row.state === 'draft' || row.state === 'more_info_needed'),
        review: member.permissions.has('kyc.review') && open,
        decide: member.permissions.has('kyc.review') && row.state === 'in_review' && submitter !== member.id,
        viewDocuments: member.permissions.has('kyc.document.read'),
        download: member.permissions.has('kyc.document.download'),
      },
    };
  }

  async function view(tx: AuditedTx, member: Member, id: string): Promise<CaseView> {
    const { row, key } = await openCase(tx, member, id);
    const [docs, events, persons] = await Promise.all([repo.documentsOf(tx, row.id), repo.eventsOf(tx, row.id), personsIf(tx, row)]);
    const edd = (row.edd ?? {}) as EddState;
    // Names of who ticked EDD items, for the checklist (ids are stored; names are looked up at read time).
    for (const item of EDD_ITEMS) {
      const by = edd[item]?.by;
      if (by) edd[item]!.byName = (await tx.selectFrom('staff').select('display_name').where('id', '=', by).executeTakeFirst())?.display_name ?? null;
    }
    return present({ ...row, edd }, key, docs, events, persons, member);
  }

  /** Stores the next settings version; a concurrent change of the same version is a 409, never a lost update. */
  async function storeSettings(tx: AuditedTx, baseVersion: number, settings: KycSettings, by: string, reason: string): Promise<number> {
    try {
      await repo.insertSettings(tx, { version: baseVersion + 1, settings: JSON.stringify(settings), changed_by: by, reason, created_at: now() });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw conflict('The settings changed meanwhile; reload and try again');
      throw err;
    }
    return baseVersion + 1;
  }

  /** Executes a second member's approval of a loosening settings change (approvals module). */
  const settingsRelaxKind: ApprovalKind<{ settings: KycSettings; baseVersion: number; reason: string; loosened: string[] }> = {
    approvePermission: 'kyc.settings.manage',
    parse(payload) {
      const p = payload as { settings?: unknown; baseVersion?: unknown; reason?: unknown; loosened?: unknown };
      const s = KycSettingsSchema.safeParse(p?.settings);
      const loosened = Array.isArray(p?.loosened) ? p.loosened.filter((x): x is string => typeof x === 'string') : [];
      if (!s.success || typeof p.baseVersion !== 'number' || typeof p.reason !== 'string') throw new AppError(ErrorCode.validation, 400, 'Not a valid KYC settings request');
      return { settings: normaliseSettings(s.data), baseVersion: p.baseVersion, reason: p.reason, loosened };
    },
    // Country codes and activity names are not personal data: the checker sees exactly what is loosened.
    describe: (p) => `Loosen the KYC settings (version ${p.baseVersion} → ${p.baseVersion + 1}): ${p.loosened.join('; ')}`,
    async execute(tx, p, who) {
      const before = await settingsIn(tx);
      // Approving a request made against an older version would silently undo the change made since.
      if (before.version !== p.baseVersion) throw conflict('The settings changed since this request was made; make it again');
      await storeSettings(tx, p.baseVersion, p.settings, who.makerId, `${p.reason} (approved by a second member)`);
    },
  };

  /** Executes a senior's approval of a high-risk case (approvals module, inside the decision's transaction). */
  const highRiskApproval: ApprovalKind<{ caseId: string; traderId: string }> = {
    approvePermission: 'kyc.approve_high_risk',
    parse(payload) {
      const p = payload as { caseId?: unknown; traderId?: unknown };
      if (typeof p?.caseId !== 'string' || !isUuid(p.caseId) || typeof p.traderId !== 'string' || !isUuid(p.traderId)) {
        throw new AppError(ErrorCode.validation, 400, 'Not a valid KYC approval request');
      }
      return { caseId: p.caseId, traderId: p.traderId };
    },
    describe: (p) => `Approve the high-risk KYC case ${p.caseId} of trader ${p.traderId} (senior sign-off)`,
    async execute(tx, p, who) {
      const row = await repo.findCase(tx, p.caseId, { lock: true });
      if (!row || row.trader_id !== p.traderId) throw caseNotFound();
      if (row.state !== 'in_review' || !row.approval_request_id) throw conflict(`The case is ${row.state}; it can no longer be approved`);
      const events = await repo.eventsOf(tx, row.id);
      const submitter = events.find((e) => e.kind === 'transition' && e.to_state === 'submitted')?.actor_id;
      if (submitter === who.checkerId) throw new AppError(ErrorCode.forbidden, 403, 'The member who submitted the case cannot sign it off', { denial: true });
      const key = await d.vault.subjectKey(tx, row.trader_id, { create: false });
      const { settings } = await settingsIn(tx);
      const edd = (row.edd ?? {}) as EddState;
      edd.senior_signoff = { done: true, by: who.checkerId, at: now().toISOString() };
      await repo.updateCase(tx, row.id, {
        state: 'approved',
        edd: JSON.stringify(edd),
        approval_request_id: null,
        decided_by: who.checkerId,
        decided_at: now(),
        next_review_at: nextReviewAt(now(), row.risk ?? 'high', settings),
        updated_at: now(),
      });
      await event(tx, key, row, { kind: 'transition', from: 'in_review', to: 'approved', actorId: who.checkerId, reason: 'Senior sign-off of a high-risk case (four eyes)' });
      await followState(tx, row, 'approved');
    },
  };

  return {
    highRiskApproval,

    /** Whether the provider webhook is configured. */
    webhookSecret: d.webhookSecret,

    /** The queue: open (or filtered) cases with state, risk, assignee and SLA; audited `kyc.case_list`. */
    async list(ctx: ActorContext, member: Member, q: CaseListQuery): Promise<CaseSummary[]> {
      const filters = (['purpose', 'overdue'] as const).filter((k) => q[k] !== undefined).map((k) => `filter.${k}`);
      return read(ctx, { action: 'kyc.case_list', target: { type: 'kyc_case' }, fields: [`filter.state.${q.state}`, `filter.assignee.${q.assignee}`, ...filters] }, async (tx) => {
        const assignee = q.assignee === 'me' ? { kind: 'me' as const, id: member.id } : { kind: q.assignee };
        const rows = await repo.listCases(tx, { state: q.state, assignee, purpose: q.purpose, overdueAt: q.overdue === 'true' ? now() : undefined, limit: q.limit });
        return rows.map(summary);
      });
    },

    /** A trader's cases (profile KYC panel); audited `trader.kyc_view`. */
    async ofTrader(ctx: ActorContext, member: Member, traderId: string): Promise<CaseSummary[]> {
      return read(ctx, { action: 'trader.kyc_view', target: { type: 'trader', id: traderId } }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'kyc');
        return (await repo.casesOfTrader(tx, t.id)).map(summary);
      });
    },

    /** One case with documents, questionnaire, rating, EDD, provider result and history; audited `kyc.case_view`. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<CaseView> {
      const fields = ['case.profile', 'case.risk_factors', 'case.history.reason', 'document.filename', 'provider.result'];
      return read(ctx, { action: 'kyc.case_view', target: { type: 'kyc_case', id }, fields }, (tx) => view(tx, member, id));
    },

    /** Opens a case for a trader (jurisdiction check first: a blocked country is refused, with the reason recorded). */
    async create(ctx: ActorContext, member: Member, input: { traderId: string; purpose: 'onboarding' | 'refresh' }): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.case_create', target: { type: 'trader', id: input.traderId } }, async (tx, ev) => {
        const trader = await d.traders.openSection(tx, member, input.traderId, 'kyc');
        if (await repo.openCaseOf(tx, trader.id)) throw conflict('This trader already has an open case');
        const key = await trader.subjectKey();
        const id = randomUUID();
        const kind = trader.kind === 'business' ? 'business' : 'individual';
        const row = { id, trader_id: trader.id, purpose: input.purpose, state: 'draft' as CaseState };
        try {
          await repo.insertCase(tx, { ...row, kind, priority: 'normal', created_by: member.id, created_at: now(), updated_at: now() });
        } catch (err) {
          // Two openings at once: the one-open-case index decides; the loser gets the same 409 as above.
          if ((err as { code?: string }).code === '23505') throw conflict('This trader already has an open case');
          throw err;
        }
        ev.setTarget('kyc_case', id);
        await event(tx, key, row, { kind: 'created', to: 'draft', actorId: member.id });
        const { settings } = await settingsIn(tx);
        if (settings.blockedCountries.includes(trader.country)) {
          ev.addFields('result.jurisdiction_blocked');
          await blockForJurisdiction(tx, key, row, trader.country, member.id);
        } else {
          await followState(tx, row, 'draft');
        }
        return view(tx, member, id);
      });
    },

    /** Saves the questionnaire (occupation/business activity, expected volume, products); audited. */
    async saveProfile(ctx: ActorContext, member: Member, id: string, profile: KycProfile): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.profile_update', target: { type: 'kyc_case', id }, fields: ['case.profile'] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (row.state !== 'draft' && row.state !== 'more_info_needed') throw conflict(`The questionnaire cannot change while the case is ${row.state}`);
        await repo.updateCase(tx, row.id, { profile_ct: d.vault.encryptForSubject(key, at('kyc_case', 'profile_ct', row.id), JSON.stringify(profile)), updated_at: now() });
        return view(tx, member, id);
      });
    },

    /** Stores uploaded documents (checked, metadata stripped, encrypted); audited `kyc.document_upload`. */
    async upload(ctx: ActorContext, member: Member, id: string, input: { type: DocumentTypeCode; personId: string | null; files: UploadedFile[] }): Promise<CaseDocument[]> {
      // Checked before the transaction: parsing a PDF must not hold a connection or an audit lane.
      const checked: CheckedDocument[] = [];
      try {
        for (const f of input.files) checked.push(await checkDocument({ filename: f.filename, declaredType: f.mimetype, content: f.content }));
      } catch (err) {
        // A refused file (polyglot, lying type, oversized) is a security signal: recorded, naming the rule, never the content.
        if (err instanceof AppError) {
          await d.record(ctx, { action: 'kyc.document_upload', target: { type: 'kyc_case', id }, fields: ['document.refused'] }, 'error', err.code);
        }
        throw err;
      }
      return d.audited(ctx, { action: 'kyc.document_upload', target: { type: 'kyc_case', id }, fields: ['document.content', 'document.filename'] }, async (tx, ev) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (row.state !== 'draft' && row.state !== 'more_info_needed' && !(row.state === 'in_review' && (input.type === 'source_of_funds' || input.type === 'source_of_wealth'))) {
          throw conflict(`Documents cannot be added while the case is ${row.state}`);
        }
        if ((await repo.countDocuments(tx, row.id)) + checked.length > MAX_DOCUMENTS_PER_CASE) {
          throw new AppError(ErrorCode.payloadTooLarge, 413, `A case may hold at most ${MAX_DOCUMENTS_PER_CASE} documents`);
        }
        if (input.personId !== null) {
          const persons = await repo.personsOf(tx, row.trader_id);
          if (!isUuid(input.personId) || !persons.some((p) => p.id === input.personId!.toLowerCase())) {
            throw new AppError(ErrorCode.validation, 400, "The person is not one of this trader's directors or UBOs", { fieldErrors: [{ path: 'body.personId', message: 'not a person of this trader' }] });
          }
        }
        const out: CaseDocument[] = [];
        for (const c of checked) {
          const docId = randomUUID();
          await repo.insertDocument(tx, {
            id: docId,
            case_id: row.id,
            trader_id: row.trader_id,
            doc_type: input.type,
            person_id: input.personId?.toLowerCase() ?? null,
            filename_ct: d.vault.encryptForSubject(key, at('kyc_document', 'filename_ct', docId), c.filename),
            content_type: c.contentType,
            size: c.content.length,
            pages: c.pages,
            sha256: c.sha256,
            stripped: c.stripped,
            content_ct: d.vault.encryptForSubject(key, at('kyc_document', 'content_ct', docId), c.content),
            uploaded_by: member.id,
            created_at: now(),
          });
          ev.addFields(`document.${docId}`, ...c.stripped.map((s) => `stripped.${s}`));
          out.push({ id: docId, type: input.type, personId: input.personId?.toLowerCase() ?? null, filename: c.filename, contentType: c.contentType, size: c.content.length, pages: c.pages, stripped: c.stripped, uploadedBy: member.id, createdAt: now().toISOString() });
        }
        await event(tx, key, row, { kind: 'documents_added', actorId: member.id, reason: `${checked.length} × ${input.type}` });
        await repo.updateCase(tx, row.id, { updated_at: now() });
        return out;
      });
    },

    /** A document rendered into a watermarked PDF for this viewer; audited `kyc.document_view`. */
    async viewDocument(ctx: ActorContext, member: Member, caseId: string, docId: string): Promise<Uint8Array> {
      const doc = await read(ctx, { action: 'kyc.document_view', target: { type: 'kyc_case', id: caseId }, fields: ['document.content'] }, async (tx, ev) => {
        const { x, key } = await openDocument(tx, ev, member, caseId, docId);
        const viewer = (await tx.selectFrom('staff').select('display_name').where('id', '=', member.id).executeTakeFirst())?.display_name ?? member.id;
        return { contentType: x.content_type, content: decryptForSubject(key, at('kyc_document', 'content_ct', x.id), x.content_ct), viewer };
      });
      return renderWatermarked(doc, `${doc.viewer} (${member.id.slice(0, 8)})`, now());
    },

    /** The original file (separate permission, step-up); audited `kyc.document_download`. */
    async downloadDocument(ctx: ActorContext, member: Member, caseId: string, docId: string): Promise<{ filename: string; contentType: string; content: Buffer }> {
      return read(ctx, { action: 'kyc.document_download', target: { type: 'kyc_case', id: caseId }, fields: ['document.content', 'document.filename'] }, async (tx, ev) => {
        const { x, key } = await openDocument(tx, ev, member, caseId, docId);
        return {
          filename: d.vault.decryptForSubject(key, at('kyc_document', 'filename_ct', x.id), x.filename_ct),
          contentType: x.content_type,
          content: decryptForSubject(key, at('kyc_document', 'content_ct', x.id), x.content_ct),
        };
      });
    },

    /** Submits a case: jurisdiction check, completeness, screening and risk rating, SLA; audited `kyc.case_submit`. */
    async submit(ctx: ActorContext, member: Member, id: string): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.case_submit', target: { type: 'kyc_case', id } }, async (tx, ev) => {
        const { row, trader, key } = await openCase(tx, member, id, { lock: true });
        assertTransition(row.state, 'submitted');
        const { settings } = await settingsIn(tx);
        if (settings.blockedCountries.includes(trader.country)) {
          ev.addFields('result.jurisdiction_blocked');
          await blockForJurisdiction(tx, key, row, trader.country, member.id);
          return view(tx, member, id);
        }
        const missing = missingOf(row, await repo.documentsOf(tx, row.id), await personsIf(tx, row));
        if (missing.length) {
          throw new AppError(ErrorCode.validation, 422, `The case is incomplete: ${missing.join(', ')}`, { fieldErrors: missing.map((m) => ({ path: 'case', message: `missing ${m}` })) });
        }
        const rating = await rateCase(tx, key, row, true);
        ev.addFields(`risk.${rating.level}`, `screening.${rating.screening}`);
        const priority = rating.level === 'high' || row.provider_answer === 'red' ? 'high' : row.priority === 'urgent' ? 'urgent' : 'normal';
        await repo.updateCase(tx, row.id, {
          state: 'submitted',
          priority,
          submitted_at: now(),
          due_at: new Date(now().getTime() + SLA_HOURS[priority] * 3_600_000),
          updated_at: now(),
        });
        await event(tx, key, row, { kind: 'transition', from: row.state, to: 'submitted', actorId: member.id });
        await followState(tx, row, 'submitted');
        return view(tx, member, id);
      });
    },

    /** Takes a case from the queue (submitted → in review, assigned to the caller); audited `kyc.case_take`. */
    async take(ctx: ActorContext, member: Member, id: string): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.case_take', target: { type: 'kyc_case', id } }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (row.state === 'in_review' && row.assignee_id === member.id) return view(tx, member, id);
        assertTransition(row.state, 'in_review');
        await repo.updateCase(tx, row.id, { state: 'in_review', assignee_id: member.id, updated_at: now() });
        await event(tx, key, row, { kind: 'transition', from: row.state, to: 'in_review', actorId: member.id });
        return view(tx, member, id);
      });
    },

    /** Assigns (or unassigns) an open case to an active member; audited `kyc.case_assign`. */
    async assign(ctx: ActorContext, member: Member, id: string, assigneeId: string | null): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.case_assign', target: { type: 'kyc_case', id }, fields: ['case.assignee'] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (row.state === 'approved' || row.state === 'rejected') throw conflict(`The case is ${row.state}`);
        if (assigneeId && !(await repo.isActiveStaff(tx, assigneeId))) {
          throw new AppError(ErrorCode.validation, 400, 'No such active staff member', { fieldErrors: [{ path: 'body.assigneeId', message: 'not an active staff member' }] });
        }
        await repo.updateCase(tx, row.id, { assignee_id: assigneeId, updated_at: now() });
        await event(tx, key, row, { kind: 'assigned', actorId: member.id });
        return view(tx, member, id);
      });
    },

    /** Ticks (or unticks) an EDD item; the matching document must be on the case; audited `kyc.edd_update`. */
    async updateEdd(ctx: ActorContext, member: Member, id: string, input: { item: 'source_of_funds' | 'source_of_wealth'; done: boolean; note?: string | undefined }): Promise<CaseView> {
      return d.audited(ctx, { action: 'kyc.edd_update', target: { type: 'kyc_case', id }, fields: [`edd.${input.item}`] }, async (tx) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        if (!row.edd_required) throw conflict('This case needs no enhanced due diligence (its risk is not high)');
        if (row.state === 'approved' || row.state === 'rejected') throw conflict(`The case is ${row.state}`);
        if (input.done && !(await repo.documentsOf(tx, row.id)).some((x) => x.doc_type === input.item)) {
          throw new AppError(ErrorCode.validation, 422, `Upload the ${input.item.replace(/_/g, ' ')} evidence first`);
        }
        const edd = (row.edd ?? {}) as EddState;
        edd[input.item] = input.done ? { done: true, by: member.id, at: now().toISOString() } : { done: false, by: null, at: null };
        await repo.updateCase(tx, row.id, { edd: JSON.stringify(edd), updated_at: now() });
        await event(tx, key, row, { kind: `edd.${input.item}.${input.done ? 'done' : 'undone'}`, actorId: member.id, reason: input.note ?? null });
        return view(tx, member, id);
      });
    },

    /**
     * Decides a case in review: approve, reject or ask for more information, with a reason. The submitter cannot
     * decide; a high-risk approval needs the EDD checklist and becomes a four-eyes request. Audited `kyc.case_decide`.
     */
    async decide(ctx: ActorContext, member: Member, id: string, input: { decision: 'approve' | 'reject' | 'more_info'; reason: string }): Promise<{ case: CaseSummary; approvalRequestId: string | null }> {
      // The reason is free text about a person: it goes, encrypted, into the case history only. The audit log and the
      // approvals table are append-only and in clear, and a trader's erasure (crypto-shredding) must reach it.
      return d.audited(ctx, { action: 'kyc.case_decide', target: { type: 'kyc_case', id }, fields: [`decision.${input.decision}`, 'case.history.reason'] }, async (tx, ev) => {
        const { row, key } = await openCase(tx, member, id, { lock: true });
        const to: CaseState = input.decision === 'approve' ? 'approved' : input.decision === 'reject' ? 'rejected' : 'more_info_needed';
        assertTransition(row.state, to);
        const events = await repo.eventsOf(tx, row.id);
        const submitter = events.find((e) => e.kind === 'transition' && e.to_state === 'submitted')?.actor_id;
        if (submitter === member.id) throw new AppError(ErrorCode.forbidden, 403, 'You submitted this case: another member must decide it', { denial: true });
        if (row.approval_request_id && (await repo.approvalStatus(tx, row.approval_request_id)) === 'pending') {
          throw conflict('A senior sign-off is pending for this case; it is decided there');
        }
        if (to === 'approved') {
          // The rating is refreshed at decision time: a hit found since submission must not slip through.
          const rating = await rateCase(tx, key, row, false);
          const fresh = (await repo.findCase(tx, row.id))!;
          const docs = await repo.documentsOf(tx, row.id);
          const missing = [...missingOf(fresh, docs, await personsIf(tx, fresh)), ...eddMissing(fresh, docs)];
          if (missing.length) throw new AppError(ErrorCode.validation, 422, `Cannot approve yet: ${missing.join(', ')}`);
          if (rating.level === 'high') {
            const req = await d.approvals.requestIn(tx, member.id, {
              kind: KYC_HIGH_RISK_KIND,
              payload: { caseId: row.id, traderId: row.trader_id },
              reason: "Reviewer's approval after enhanced due diligence; the reasons are in the case history",
            });
            await repo.updateCase(tx, row.id, { approval_request_id: req.id, updated_at: now() });
            await event(tx, key, row, { kind: 'senior_signoff_requested', actorId: member.id, reason: input.reason });
            ev.addFields('result.four_eyes_requested');
            return { case: summary((await repo.findCase(tx, row.id))!), approvalRequestId: req.id };
          }
          const { settings } = await settingsIn(tx);
          await repo.updateCase(tx, row.id, { state: 'approved', decided_by: member.id, decided_at: now(), next_review_at: nextReviewAt(now(), rating.level, settings), updated_at: now() });
        } else {
          await repo.updateCase(tx, row.id, { state: to, ...(to === 'rejected' ? { decided_by: member.id, decided_at: now() } : {}), updated_at: now() });
        }
        await event(tx, key, row, { kind: 'transition', from: row.state, to, actorId: member.id, reason: input.reason });
        await followState(tx, row, to);
        return { case: summary((await repo.findCase(tx, row.id))!), approvalRequestId: null };
      });
    },

    /** Records a refused provider webhook (bad or missing signature, stale timestamp): a security event. */
    async rejectWebhook(ctx: ActorContext, reason: string): Promise<void> {
      await d.record(ctx, { action: 'kyc.webhook_rejected', target: { type: 'webhook', id: 'kyc_provider' }, fields: [`reason.${reason}`] }, 'denied', ErrorCode.webhookSignatureInvalid);
    },

    /** Maps a verified provider result into its case (evidence only; never a decision); replays are refused. */
    async providerResult(ctx: ActorContext, signatureSha256: string, p: ProviderWebhook): Promise<void> {
      await d.audited(ctx, { action: 'kyc.provider_result', target: { type: 'webhook', id: 'kyc_provider' } }, async (tx, ev) => {
        const t = now();
        // A signature verifies for 2 × the allowed skew; remember it a little longer than that.
        if (!(await repo.rememberSignature(tx, signatureSha256, t, new Date(t.getTime() - 2 * WEBHOOK_SKEW_MS - 60_000)))) {
          throw new AppError(ErrorCode.webhookReplayed, 409, 'This request was already received', { denial: true });
        }
        const row = isUuid(p.caseId) ? await repo.findCase(tx, p.caseId.toLowerCase(), { lock: true }) : undefined;
        if (!row) {
          ev.addFields('result.dropped_unknown_case');
          return;
        }
        ev.setTarget('kyc_case', row.id);
        ev.addFields('provider.result');
        const key = await d.vault.subjectKey(tx, row.trader_id, { create: false });
        const answer = p.review.answer === 'GREEN' ? 'green' : p.review.answer === 'RED' ? 'red' : 'pending';
        const result = { document: p.checks.document, liveness: p.checks.liveness, faceMatch: p.checks.faceMatch, rejectLabels: p.review.rejectLabels, type: p.type, eventId: p.eventId, occurredAt: p.occurredAt };
        const open = row.state !== 'approved' && row.state !== 'rejected';
        await repo.updateCase(tx, row.id, {
          provider_answer: answer,
          provider_ref_ct: d.vault.encryptForSubject(key, at('kyc_case', 'provider_ref_ct', row.id), p.applicantId),
          provider_result_ct: d.vault.encryptForSubject(key, at('kyc_case', 'provider_result_ct', row.id), JSON.stringify(result)),
          provider_updated_at: t,
          // RED raises the priority of an open case; nothing is decided automatically.
          ...(answer === 'red' && open && row.priority !== 'urgent' ? { priority: 'high' as const } : {}),
          updated_at: t,
        });
        const labels = p.review.rejectLabels.length ? ` (${p.review.rejectLabels.join(', ')})` : '';
        await event(tx, key, row, { kind: 'provider_result', actorId: null, reason: `Provider ${answer.toUpperCase()}${labels}; document ${p.checks.document}, liveness ${p.checks.liveness}, face match ${p.checks.faceMatch}` });
      });
    },

    /** The jurisdiction and refresh settings in force; audited `kyc.settings_view`. */
    async getSettings(ctx: ActorContext) {
      return read(ctx, { action: 'kyc.settings_view', target: { type: 'kyc_settings' } }, async (tx) => {
        const s = await settingsIn(tx);
        return { settings: s.settings, version: s.version, changedByName: s.row?.changed_by_name ?? null, reason: s.row?.reason ?? 'Built-in defaults', changedAt: iso(s.row?.created_at ?? null), pendingApprovalId: null };
      });
    },

    settingsRelaxKind,

    /**
     * The jurisdiction lists in force as a lookup (transaction monitoring's rules), read in the caller's transaction;
     * the sets are rebuilt only when the settings version changes (a change applies to the next evaluated batch).
     */
    jurisdictionLookupIn: (() => {
      let cached: { version: number; lookup: JurisdictionLookup } | undefined;
      return async (tx: AuditedTx): Promise<JurisdictionLookup> => {
        const { settings, version } = await settingsIn(tx);
        if (cached?.version !== version) {
          const blocked = new Set(settings.blockedCountries);
          const high = new Set(settings.highRiskCountries);
          cached = { version, lookup: (c) => (blocked.has(c) ? 'blocked' : high.has(c) ? 'high_risk' : null) };
        }
        return cached.lookup;
      };
    })(),

    /**
     * Changes the settings (a new version: who, why); audited `kyc.settings_update` naming the lists that changed.
     * Tightening applies at once; loosening (a country off a list, an activity off the high-risk list, a longer
     * review interval) becomes a four-eyes request that another member holding kyc.settings.manage approves.
     */
    async updateSettings(ctx: ActorContext, member: Member, settings: KycSettings, reason: string) {
      const clean = normaliseSettings(settings);
      return d.audited(ctx, { action: 'kyc.settings_update', target: { type: 'kyc_settings' }, reason }, async (tx, ev) => {
        const before = await settingsIn(tx);
        for (const k of ['blockedCountries', 'highRiskCountries', 'highRiskActivities', 'refreshYears'] as const) {
          if (JSON.stringify(before.settings[k]) !== JSON.stringify(clean[k])) ev.addFields(`settings.${k}`);
        }
        const overlap = clean.blockedCountries.filter((c) => clean.highRiskCountries.includes(c));
        if (overlap.length) throw new AppError(ErrorCode.validation, 400, `A country is either blocked or high risk, not both: ${overlap.join(', ')}`, { fieldErrors: [{ path: 'body.settings.highRiskCountries', message: 'overlaps the blocked list' }] });
        const loosened = loosening(before.settings, clean);
        if (loosened.length) {
          const req = await d.approvals.requestIn(tx, member.id, { kind: KYC_SETTINGS_RELAX_KIND, payload: { settings: clean, baseVersion: before.version, reason, loosened }, reason });
          ev.addFields('result.four_eyes_requested');
          const cur = before.row;
          return { settings: before.settings, version: before.version, changedByName: cur?.changed_by_name ?? null, reason: cur?.reason ?? 'Built-in defaults', changedAt: iso(cur?.created_at ?? null), pendingApprovalId: req.id };
        }
        const version = await storeSettings(tx, before.version, clean, member.id, reason);
        ev.setTarget('kyc_settings', String(version));
        return { settings: clean, version, changedByName: member.displayName ?? null, reason, changedAt: now().toISOString(), pendingApprovalId: null };
      });
    },

    /**
     * A trader's country changed (the trader module's change hook): a blocked country opens an urgent review case,
     * a high-risk one a high-priority one, each with the reason recorded. Runs in the caller's transaction.
     */
    async jurisdictionChanged(tx: AuditedTx, traderId: string, country: string, actorId: string | null): Promise<'none' | 'blocked' | 'high_risk'> {
      const { settings } = await settingsIn(tx);
      const verdict = settings.blockedCountries.includes(country) ? 'blocked' : settings.highRiskCountries.includes(country) ? 'high_risk' : 'none';
      if (verdict === 'none') return verdict;
      const key = await d.vault.subjectKey(tx, traderId, { create: false });
      const reason = `Country changed to ${country}, on the ${verdict === 'blocked' ? 'blocked-jurisdiction' : 'high-risk'} list`;
      const open = await repo.openCaseOf(tx, traderId);
      if (open) {
        await repo.updateCase(tx, open.id, { priority: verdict === 'blocked' ? 'urgent' : 'high', updated_at: now() });
        await event(tx, key, open, { kind: 'jurisdiction_change', actorId, reason });
        return verdict;
      }
      const t = await d.traders.accountOf(tx, traderId);
      if (!t) return 'none';
      const kindRow = await tx.selectFrom('trader').select('kind').where('id', '=', traderId).executeTakeFirstOrThrow();
      const id = randomUUID();
      const priority = verdict === 'blocked' ? 'urgent' : 'high';
      await repo.insertCase(tx, {
        id,
        trader_id: traderId,
        kind: kindRow.kind === 'business' ? 'business' : 'individual',
        purpose: 'change',
        state: 'submitted',
        priority,
        due_at: new Date(now().getTime() + SLA_HOURS[priority] * 3_600_000),
        submitted_at: now(),
        created_by: actorId,
        created_at: now(),
        updated_at: now(),
      });
      await event(tx, key, { id, trader_id: traderId }, { kind: 'jurisdiction_change', to: 'submitted', actorId, reason });
      return verdict;
    },

    /**
     * The periodic refresh: opens a review task for every approved trader whose review is due within
     * REFRESH_LEAD_DAYS (due time = the review date), and marks traders whose refresh is overdue as expired.
     * `dryRun` counts without writing. Audited `kyc.refresh_run`.
     */
    async runRefresh(ctx: ActorContext, opts: { dryRun: boolean }): Promise<{ opened: number; expired: number; dryRun: boolean }> {
      return d.audited(ctx, { action: 'kyc.refresh_run', target: { type: 'kyc_case' }, fields: opts.dryRun ? ['dry_run'] : [] }, async (tx) => {
        const t = now();
        const due = await repo.dueForRefresh(tx, new Date(t.getTime() + REFRESH_LEAD_DAYS * 86_400_000), 10_000);
        let opened = 0;
        for (const c of due) {
          if (await repo.openCaseOf(tx, c.trader_id)) continue;
          // An erased trader (key destroyed) is no longer a customer to review.
          const key = await d.vault.subjectKey(tx, c.trader_id, { create: false }).catch((err: unknown) => {
            if (isCryptoError(err, 'key_destroyed')) return null;
            throw err;
          });
          if (!key) continue;
          opened++;
          if (opts.dryRun) continue;
          const id = randomUUID();
          await repo.insertCase(tx, {
            id,
            trader_id: c.trader_id,
            kind: c.kind,
            purpose: 'refresh',
            state: 'draft',
            priority: c.risk === 'high' ? 'high' : 'normal',
            due_at: c.next_review_at,
            created_by: null,
            created_at: t,
            updated_at: t,
          });
          await event(tx, key, { id, trader_id: c.trader_id }, { kind: 'refresh_opened', to: 'draft', actorId: null, reason: `Periodic review due ${iso(c.next_review_at)!.slice(0, 10)} (risk ${c.risk ?? 'unrated'})` });
        }
        const late = await repo.overdueRefreshes(tx, t);
        if (!opts.dryRun) for (const c of late) await d.traders.setKycState(tx, c.trader_id, 'expired');
        return { opened, expired: late.length, dryRun: opts.dryRun };
      });
    },

    /** Starts the daily refresh job (first run a minute after start); returns a function that stops it. */
    startDailyRefresh(ctx: ActorContext, onError: (err: unknown) => void): () => void {
      const run = () => void this.runRefresh(ctx, { dryRun: false }).catch(onError);
      const first = setTimeout(run, 60_000);
      const every = setInterval(run, 24 * 3_600_000);
      first.unref();
      every.unref();
      return () => {
        clearTimeout(first);
        clearInterval(every);
      };
    },
  };
}
