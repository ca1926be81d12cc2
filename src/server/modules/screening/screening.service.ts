// The screening service: screens traders, their directors and UBOs, their wallets and their counterparties'
// wallets against the active sanctions, PEP and wallet lists; stores the evidence of every screening; keeps the
// hits for review; remembers false positives; turns a confirmed match into a four-eyes freeze request.
//
// Security and evidence decisions:
// - One in-memory index of the active list versions, rebuilt when a list version is activated and swapped in one
//   assignment: a search in flight finishes on the index it started with. With no list loaded a screening is
//   stored with status `no_lists_loaded` and the trader is never reported clear.
// - Everything personal that a screening stores (what was screened, the explanations quoting it, the reviewers'
//   rationales) is encrypted under the trader's own data key, bound to table/column/row; subjects are named by
//   reference (trader, trader_person or trader_wallet id, exchange transfer id) and by an HMAC of the screened
//   fields (the vault's MAC: a low-entropy name cannot be guessed back from the hash).
// - A false positive is remembered for that trader-subject and that list entity until either changes: the hit
//   keeps the HMAC of the subject's screened fields and the SHA-256 of the entity's content as decided; a new
//   screening that finds the pair again with both unchanged records `suppressed` in its evidence, otherwise the
//   hit is re-opened with a system decision saying why.
// - A confirmed match opens a four-eyes request (kind `screening.freeze`, approved by `screening.freeze.approve`,
//   never by the reviewer who confirmed); the request's reason names only the list entity (public data), the
//   reviewer's own rationale stays encrypted with the decision. Cases (issue 6) read confirmed hits (case_id).
// - Every per-trader call starts with traders.openSection(…, 'risk'); a hit id opens its trader the same way, so
//   a malformed, unknown or unopenable id is the same 404 everywhere. The screened side of an explanation (the
//   trader's name tokens, dates, countries) is shown only to members whose identity class is shown in full.
// - List-change re-screening runs every trader against an index of the delta only (added + changed entities),
//   page by page (keyset by id); each page is one audited read, and only traders with candidates get a run row;
//   the batch row is the evidence that everyone else was screened against that delta on that date.
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  BatchView,
  DecisionView,
  EvidenceDocument,
  ExplanationView,
  HitDetail,
  HitPage,
  HitQueueQuery,
  HitView,
  ListVersionView,
  RunSummary,
  ScreeningStatus,
  ScreenResult,
  SubjectKind,
  TraderScreening,
} from '../../../contracts/screening.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { ClassPolicy } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { subjectKeyCache } from '../../platform/crypto/subject-key-cache.js';
import type { StoredListVersion } from '../../platform/db/schema-screening.js';
import { AppError } from '../../platform/http/errors.js';
import { currentContext, systemContext, type ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import type { ApprovalKind, ApprovalView } from '../approvals/approvals.service.js';
import type { RolesService } from '../roles/index.js';
import { sectionsFor, type Member, type ScreeningSubjects, type TradersService } from '../traders/index.js';
import type {
  ListDelta,
  ListEntity,
  ListSource,
  ListVersionRef,
  MatchExplanation,
  ScreeningFacts,
  ScreeningForKyc,
  ScreeningIndex,
  ScreeningMatch,
  ScreeningQuery,
  ScreeningTrigger,
} from './model.js';
import * as repo from './screening.repository.js';

/** What the lists service tells screening (lists/index.ts implements it). */
export interface ListActivation {
  version: ListVersionRef;
  previous: ListVersionRef | null;
  delta: ListDelta;
}

export interface ScreeningListsSource {
  activeEntities(): Promise<{ versions: ListVersionRef[]; lists: { source: ListSource; entities: ListEntity[] }[] }>;
  onActivated(listener: (e: ListActivation) => Promise<void> | void): void;
}

/** The matching engine as the service uses it (engine/index.ts). */
export interface ScreeningEngine {
  buildIndex(lists: { source: ListSource; entities: ListEntity[] }[]): ScreeningIndex;
  algorithmVersion: string;
  threshold: number;
  /** Matching on worker threads (engine/batch.ts), for re-screening many traders; absent: on this thread. */
  screenBatch?: (
    lists: readonly { source: ListSource; entities: readonly ListEntity[] }[],
    queries: AsyncIterable<ScreeningQuery>,
    onResult: (i: number, result: ScreeningMatch[] | { error: string }) => void,
    opts: { threshold?: number; limit?: number; workers?: number },
  ) => Promise<number>;
  /** Worker threads for screenBatch (default: the engine's choice, the available cores). */
  workers?: number;
  /** Re-screen on workers only from this many traders (starting workers costs an index build each). Default 20,000. */
  workersFrom?: number;
}

/** A deposit or withdrawal address the exchange reported for a trader (the counterparty side). */
export interface CounterpartyTransfer {
  direction: 'deposit' | 'withdrawal';
  transferId: string;
  asset: string;
  network: string;
  address: string;
  at: string;
}

export interface ScreeningDeps {
  audited: Audited;
  /** Read-only audited transactions (AuditWriter.auditedRead); defaults to audited. */
  auditedRead?: Audited;
  vault: Vault;
  clock: Clock;
  roles: Pick<RolesService, 'fieldAccess'>;
  traders: Pick<TradersService, 'openSection' | 'screeningSubjectsOf' | 'screeningSubjectsPage'>;
  exchange: {
    /** Deposit and withdrawal addresses of a trader, read from the exchange (audited by the exchange module). */
    counterpartiesOf(ctx: ActorContext, traderId: string): Promise<CounterpartyTransfer[]>;
    /** The containment freeze, inside the caller's audited transaction (an approved four-eyes request). */
    freezeIn(tx: AuditedTx, traderId: string): Promise<void>;
  };
  approvals: { requestIn(tx: AuditedTx, makerId: string, input: { kind: string; payload: unknown; reason: string }): Promise<ApprovalView> };
  lists: ScreeningListsSource;
  engine: ScreeningEngine;
  /** Traders per page when re-screening everyone (default 1,000). */
  pageSize?: number;
  log?: { info(o: object, m: string): void; error(o: object, m: string): void };
}

export const FREEZE_KIND = 'screening.freeze';

/** The trader fields a screening reads (named in audit events, never their values). */
const SCREENED_FIELDS = ['legalName', 'dateOfBirth', 'country', 'directors', 'ubos', 'wallets'];

const MIN_REASON = 10;
const RUNS_SHOWN = 20;

interface Subject {
  kind: SubjectKind;
  ref: string;
  query: ScreeningQuery;
}

interface Screened {
  subject: Subject;
  matches: ScreeningMatch[];
}

interface IndexState {
  index: ScreeningIndex | null;
  versions: ListVersionRef[];
  /** `${source}:${id}` → entity (for the content hash a false positive is remembered against). */
  entities: Map<string, ListEntity>;
  /** Whether any entity lists a wallet (if not, re-screening everyone skips reading and decrypting wallets). */
  wallets: boolean;
  /** The lists the index was built from (worker threads build their own copy). */
  lists: { source: ListSource; entities: ListEntity[] }[];
}

type Outcome = 'new' | 'open' | 'suppressed' | 'reopened' | 'confirmed';

/** What a run stores, encrypted (evidence_ct). */
interface StoredEvidence {
  subjects: { kind: SubjectKind; ref: string; screened: ScreeningQuery; candidates: { hitId: string | null; source: string; entityId: string; entityName: string; score: number; outcome: Outcome; explanation: MatchExplanation }[] }[];
}

const notFound = (what = 'No such screening hit') => new AppError(ErrorCode.notFound, 404, what, { denial: true });
const reasonError = () =>
  new AppError(ErrorCode.validation, 400, `Give a reason (at least ${MIN_REASON} characters)`, { fieldErrors: [{ path: 'body.reason', message: `at least ${MIN_REASON} characters` }], denial: true });

/** JSON with object keys sorted: the same value always hashes the same. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const entityKey = (source: string, id: string) => `${source}:${id}`;
const hitKey = (kind: string, ref: string, source: string, entityId: string) => `${kind}|${ref}|${source}|${entityId}`;

/** The entity's content hash, once per entity object. */
const entityHashes = new WeakMap<ListEntity, string>();
export function entityContentHash(e: ListEntity): string {
  let h = entityHashes.get(e);
  if (!h) entityHashes.set(e, (h = sha256(canonical(e))));
  return h;
}

/** The subjects of a trader: the trader, each director and UBO, each wallet. */
export function subjectsOf(s: ScreeningSubjects): Subject[] {
  if (s.erased) return [];
  const out: Subject[] = [];
  const trader: ScreeningQuery = { name: s.legalName, kind: s.kind === 'business' ? 'organization' : 'person', countries: [s.country] };
  if (s.dateOfBirth) trader.birthDate = s.dateOfBirth;
  out.push({ kind: 'trader', ref: s.id, query: trader });
  for (const p of s.persons) {
    const q: ScreeningQuery = { name: p.name, kind: 'person', countries: p.nationality ? [p.nationality] : [] };
    if (p.dateOfBirth) q.birthDate = p.dateOfBirth;
    out.push({ kind: p.role, ref: p.id, query: q });
  }
  for (const w of s.wallets) out.push({ kind: 'wallet', ref: w.id, query: { wallet: w.address } });
  return out;
}

const hasWallets = (entities: Iterable<ListEntity>) => {
  for (const e of entities) if (e.wallets.length > 0) return true;
  return false;
};

const versionView = (v: StoredListVersion | ListVersionRef): ListVersionView => ({ id: v.id, source: v.source, version: v.version, sha256: v.sha256, publishedAt: v.publishedAt });
const iso = (v: Date | string) => new Date(v).toISOString();

/** Creates the screening service. */
export function createScreeningService(d: ScreeningDeps) {
  const read: Audited = d.auditedRead ?? d.audited;
  const pageSize = d.pageSize ?? 1000;
  let state: IndexState = { index: null, versions: [], entities: new Map(), wallets: false, lists: [] };
  let loaded = false;

  /** Loads the active lists into a new index and swaps it in (searches in flight keep the old one). */
  async function loadIndex(): Promise<IndexState> {
    const active = await d.lists.activeEntities();
    const entities = new Map<string, ListEntity>();
    for (const l of active.lists) for (const e of l.entities) entities.set(entityKey(l.source, e.id), e);
    const next: IndexState = { index: entities.size > 0 ? d.engine.buildIndex(active.lists) : null, versions: active.versions, entities, wallets: hasWallets(entities.values()), lists: active.lists };
    state = next;
    loaded = true;
    return next;
  }

  function screen(index: ScreeningIndex | null, subjects: Subject[]): Screened[] {
    if (!index) return subjects.map((subject) => ({ subject, matches: [] }));
    return subjects.map((subject) => ({ subject, matches: index.search(subject.query, { threshold: d.engine.threshold, limit: 10 }) }));
  }

  const subjectHash = (s: Subject) => d.vault.mac('screening.subject', canonical({ kind: s.kind, query: s.query }));

  function actorNow(): { type: string; id: string | null } {
    const c = currentContext();
    return { type: c?.actorType ?? 'system', id: c?.actorId ?? null };
  }

  /** Each trader's key once per transaction; null when the trader was crypto-shredded. */
  const keyCache = (tx: AuditedTx) => subjectKeyCache(d.vault, tx);

  interface RunMeta {
    trigger: ScreeningTrigger;
    scope: 'full' | 'delta' | 'counterparty';
    batchId: string | null;
    versions: ListVersionRef[];
    /** False when no list is loaded: the run says so and nothing is clear. */
    listsLoaded: boolean;
    subjectCount: number;
    entityOf: (source: string, id: string) => ListEntity | undefined;
  }

  /**
   * Stores one screening of one trader and brings its hits up to date (see the file comment for false
   * positives). Returns the run's summary and the trader's open hits after it.
   */
  async function persist(tx: AuditedTx, traderId: string, key: SubjectKey, screened: Screened[], meta: RunMeta): Promise<ScreenResult> {
    const now = d.clock.now();
    const runId = randomUUID();
    const actor = actorNow();
    const existing = new Map((await repo.hitsOfTraderForUpdate(tx, traderId)).map((h) => [hitKey(h.subject_kind, h.subject_ref, h.source, h.entity_id), h]));
    const evidence: StoredEvidence = { subjects: [] };
    const writes: (() => Promise<void>)[] = [];
    let candidates = 0;
    for (const { subject, matches } of screened) {
      const ev: StoredEvidence['subjects'][number] = { kind: subject.kind, ref: subject.ref, screened: subject.query, candidates: [] };
      evidence.subjects.push(ev);
      if (matches.length === 0) continue;
      const hash = subjectHash(subject);
      const canon = canonical({ kind: subject.kind, query: subject.query });
      for (const m of matches) {
        candidates++;
        const entity = meta.entityOf(m.source, m.entityId);
        const entitySha = entity ? entityContentHash(entity) : sha256(canonical({ source: m.source, id: m.entityId, name: m.entityName }));
        const prev = existing.get(hitKey(subject.kind, subject.ref, m.source, m.entityId));
        const hitId = prev?.id ?? randomUUID();
        const enc = () => d.vault.encryptForSubject(key, { table: 'screening_hit', column: 'explanation_ct', rowId: hitId }, JSON.stringify(m.explanation));
        const fresh = { subject_hash: hash, entity_name: m.entityName, entity_kind: m.kind, entity_topics: m.topics, entity_sha256: entitySha, score: m.score, last_run_id: runId, updated_at: now };
        let outcome: Outcome;
        if (!prev) {
          outcome = 'new';
          writes.push(() =>
            repo.insertHit(tx, {
              id: hitId,
              trader_id: traderId,
              subject_kind: subject.kind,
              subject_ref: subject.ref,
              source: m.source,
              entity_id: m.entityId,
              ...fresh,
              explanation_ct: enc(),
              status: 'open',
              first_run_id: runId,
              decided_by: null,
              decided_at: null,
              freeze_approval_id: null,
              case_id: null,
              opened_at: now,
              created_at: now,
            }),
          );
        } else if (prev.status === 'open') {
          outcome = 'open';
          writes.push(() => repo.updateHit(tx, hitId, { ...fresh, explanation_ct: enc() }));
        } else if (prev.status === 'confirmed') {
          outcome = 'confirmed';
          writes.push(() => repo.updateHit(tx, hitId, { last_run_id: runId, updated_at: now }));
        } else {
          // A false positive holds while the subject's screened fields and the entity's content are unchanged.
          const subjectSame = d.vault.verifyMac('screening.subject', canon, prev.subject_hash);
          const entitySame = prev.entity_sha256 === entitySha;
          if (subjectSame && entitySame) {
            outcome = 'suppressed';
            writes.push(() => repo.updateHit(tx, hitId, { last_run_id: runId, updated_at: now }));
          } else {
            outcome = 'reopened';
            const note = [!subjectSame && "the trader's screened details changed", !entitySame && 'the list entry changed'].filter(Boolean).join(' and ');
            writes.push(async () => {
              await repo.updateHit(tx, hitId, { ...fresh, explanation_ct: enc(), status: 'open', decided_by: null, decided_at: null, opened_at: now });
              await repo.insertDecision(tx, {
                id: randomUUID(),
                hit_id: hitId,
                trader_id: traderId,
                decision: 'reopened',
                reason_ct: null,
                system_note: `Re-opened: ${note} since it was cleared as a false positive`,
                reviewer_id: null,
                subject_hash: hash,
                entity_sha256: entitySha,
                approval_id: null,
                created_at: now,
              });
            });
          }
        }
        ev.candidates.push({ hitId, source: m.source, entityId: m.entityId, entityName: m.entityName, score: m.score, outcome, explanation: m.explanation });
      }
    }
    const status = !meta.listsLoaded ? 'no_lists_loaded' : candidates > 0 ? 'hits' : 'clear';
    const versions = meta.versions.map(versionView);
    await repo.insertRun(tx, {
      id: runId,
      trader_id: traderId,
      batch_id: meta.batchId,
      trigger: meta.trigger,
      scope: meta.scope,
      status,
      actor_type: actor.type,
      actor_id: actor.id,
      list_versions: JSON.stringify(versions),
      algorithm_version: d.engine.algorithmVersion,
      threshold: d.engine.threshold,
      subject_count: meta.subjectCount,
      candidate_count: candidates,
      evidence_ct: d.vault.encryptForSubject(key, { table: 'screening_run', column: 'evidence_ct', rowId: runId }, JSON.stringify(evidence)),
      created_at: now,
    });
    for (const w of writes) await w();
    const facts = await factsIn(tx, traderId);
    return {
      run: {
        id: runId,
        at: now.toISOString(),
        trigger: meta.trigger,
        scope: meta.scope,
        status,
        actorType: actor.type,
        actorId: actor.id,
        subjectCount: meta.subjectCount,
        candidateCount: candidates,
        listVersions: versions,
        algorithmVersion: d.engine.algorithmVersion,
        threshold: d.engine.threshold,
      },
      openHits: facts.openHits,
    };
  }

  /** Screens one trader (all subjects) against the whole active index inside tx; undefined when the trader is missing or erased. */
  async function screenTraderIn(tx: AuditedTx, traderId: string, trigger: ScreeningTrigger): Promise<ScreenResult | undefined> {
    const s = await d.traders.screeningSubjectsOf(tx, traderId);
    if (!s || s.erased) return undefined;
    const st = state;
    const subjects = subjectsOf(s);
    const key = await d.vault.subjectKey(tx, s.id, { create: false });
    return persist(tx, s.id, key, screen(st.index, subjects), {
      trigger,
      scope: 'full',
      batchId: null,
      versions: st.versions,
      listsLoaded: st.index !== null,
      subjectCount: subjects.length,
      entityOf: (source, id) => st.entities.get(entityKey(source, id)),
    });
  }

  async function factsIn(tx: AuditedTx, traderId: string): Promise<ScreeningFacts> {
    const [last, hits, batch, created] = await Promise.all([repo.lastRunOf(tx, traderId), repo.hitFacts(tx, traderId), repo.lastBatch(tx), repo.traderCreatedAt(tx, traderId)]);
    let lastAt = last ? new Date(last.created_at) : null;
    // A finished list-change batch screened every trader that existed when it started.
    if (batch && batch.status === 'done' && created && new Date(batch.started_at) >= created && (!lastAt || new Date(batch.started_at) > lastAt)) lastAt = new Date(batch.started_at);
    const active = hits.filter((h) => h.status === 'open' || h.status === 'confirmed');
    return {
      lists: state.index ? 'loaded' : 'none',
      lastScreenedAt: lastAt,
      openHits: hits.filter((h) => h.status === 'open').length,
      confirmedHits: hits.filter((h) => h.status === 'confirmed').length,
      pep: active.some((h) => h.entity_topics.includes('role.pep')),
    };
  }

  /** The member's field policy when they may see the risk section of traders (404 / 403 otherwise, like openSection). */
  async function riskPolicy(tx: AuditedTx, member: Member): Promise<ClassPolicy> {
    const access = await d.roles.fieldAccess(tx, member.roles, 'profile');
    if (!access.canView) throw notFound('No such trader');
    if (!sectionsFor(member.permissions, access.policy).includes('risk')) {
      throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show the risk section of traders', { denial: true });
    }
    return access.policy;
  }

  /** The screened side of an explanation only where the member's identity class is shown in full. */
  function presentExplanation(e: MatchExplanation, showQuery: boolean): ExplanationView {
    return {
      query: showQuery ? e.query : '***',
      queryShown: showQuery,
      matchedName: e.matchedName,
      normalisedMatchedName: e.normalisedMatchedName,
      nameKind: e.nameKind,
      tokens: e.tokens.map((t) => ({ ...t, query: showQuery ? t.query : '***' })),
      nameScore: e.nameScore,
      // Factor details compare the trader's date of birth and countries with the list's.
      factors: e.factors.map((f) => ({ ...f, detail: showQuery ? f.detail : '***' })),
    };
  }

  function presentScreened(q: ScreeningQuery, showQuery: boolean) {
    if (showQuery) return { ...q };
    const m = (v: string | undefined) => (v === undefined ? undefined : '***');
    return Object.fromEntries(Object.entries({ name: m(q.name), kind: q.kind, birthDate: m(q.birthDate), countries: q.countries?.map(() => '***'), wallet: m(q.wallet) }).filter(([, v]) => v !== undefined));
  }

  async function presentHits(tx: AuditedTx, rows: repo.HitRow[], showQuery: boolean): Promise<HitView[]> {
    const keyOf = keyCache(tx);
    const out: HitView[] = [];
    for (const h of rows) {
      const key = await keyOf(h.trader_id);
      // An erased trader's explanation is gone with the key; the hit itself (list data) remains.
      const expl: MatchExplanation = key
        ? (JSON.parse(d.vault.decryptForSubject(key, { table: 'screening_hit', column: 'explanation_ct', rowId: h.id }, h.explanation_ct)) as MatchExplanation)
        : { query: '', matchedName: h.entity_name, normalisedMatchedName: '', nameKind: 'primary', tokens: [], nameScore: 0, factors: [] };
      out.push({
        id: h.id,
        traderId: h.trader_id,
        accountRef: h.account_ref,
        subjectKind: h.subject_kind,
        subjectRef: h.subject_ref,
        source: h.source,
        entityId: h.entity_id,
        entityName: h.entity_name,
        entityKind: h.entity_kind,
        entityTopics: h.entity_topics,
        score: Number(h.score),
        status: h.status,
        openedAt: iso(h.opened_at),
        decidedAt: h.decided_at ? iso(h.decided_at) : null,
        freezeApprovalId: h.freeze_approval_id,
        caseId: h.case_id,
        explanation: presentExplanation(expl, showQuery && key !== null),
      });
    }
    return out;
  }

  async function presentDecisions(tx: AuditedTx, hitIds: string[]): Promise<Map<string, DecisionView[]>> {
    const rows = await repo.decisionsOf(tx, hitIds);
    const keyOf = keyCache(tx);
    const out = new Map<string, DecisionView[]>();
    for (const r of rows) {
      const key = r.reason_ct ? await keyOf(r.trader_id) : null;
      const list = out.get(r.hit_id) ?? [];
      list.push({
        id: r.id,
        decision: r.decision,
        reason: r.reason_ct && key ? d.vault.decryptForSubject(key, { table: 'screening_decision', column: 'reason_ct', rowId: r.id }, r.reason_ct) : null,
        systemNote: r.system_note,
        reviewerId: r.reviewer_id,
        reviewerName: r.reviewer_name ?? null,
        approvalId: r.approval_id,
        at: iso(r.created_at),
      });
      out.set(r.hit_id, list);
    }
    return out;
  }

  function runView(r: repo.RunRow): RunSummary {
    return {
      id: r.id,
      at: iso(r.created_at),
      trigger: r.trigger as RunSummary['trigger'],
      scope: r.scope,
      status: r.status,
      actorType: r.actor_type,
      actorId: r.actor_id,
      subjectCount: r.subject_count,
      candidateCount: r.candidate_count,
      listVersions: (r.list_versions ?? []).map(versionView),
      algorithmVersion: r.algorithm_version,
      threshold: r.threshold === null ? null : Number(r.threshold),
    };
  }

  function batchView(b: NonNullable<Awaited<ReturnType<typeof repo.lastBatch>>>): BatchView {
    return {
      id: b.id,
      trigger: b.trigger,
      status: b.status,
      listVersionId: b.list_version_id,
      listVersions: (b.list_versions ?? []).map(versionView),
      deltaAdded: b.delta_added,
      deltaChanged: b.delta_changed,
      deltaRemoved: b.delta_removed,
      deltaSha256: b.delta_sha256,
      algorithmVersion: b.algorithm_version,
      threshold: Number(b.threshold),
      tradersScreened: b.traders_screened,
      subjectsScreened: b.subjects_screened,
      tradersWithHits: b.traders_with_hits,
      startedAt: iso(b.started_at),
      finishedAt: b.finished_at ? iso(b.finished_at) : null,
    };
  }

  async function hitDetailIn(tx: AuditedTx, h: repo.HitRow, showQuery: boolean): Promise<HitDetail> {
    const [view] = await presentHits(tx, [h], showQuery);
    const decisions = (await presentDecisions(tx, [h.id])).get(h.id) ?? [];
    const approvals = await repo.approvalStatuses(tx, h.freeze_approval_id ? [h.freeze_approval_id] : []);
    return { ...view!, decisions, freeze: h.freeze_approval_id ? { approvalId: h.freeze_approval_id, status: approvals.get(h.freeze_approval_id) ?? 'unknown' } : null };
  }

  /** Opens a hit for a member: 404 for a malformed or unknown id or a trader the member may not open. */
  async function openHit(tx: AuditedTx, member: Member, hitId: string, lock = false) {
    if (!isUuid(hitId)) throw notFound();
    const h = await repo.findHit(tx, hitId.toLowerCase(), lock);
    if (!h) throw notFound();
    const t = await d.traders.openSection(tx, member, h.trader_id, 'risk');
    return { h, t, showQuery: t.policy.identity === 'full' };
  }

  /**
   * Re-screens every trader against one index (a list delta, or the whole active list), a page at a time; see
   * the file comment. Returns the finished batch.
   */
  async function rescreenEveryone(
    ctx: ActorContext,
    index: { index: ScreeningIndex; lists: { source: ListSource; entities: ListEntity[] }[] } | null,
    meta: {
      trigger: 'list_change' | 'manual';
      versions: ListVersionRef[];
      listVersionId: string | null;
      previousVersionId: string | null;
      delta?: { added: number; changed: number; removed: number; sha256: string };
      entityOf: RunMeta['entityOf'];
      /** False when no entity screened against has a wallet: wallets are then neither read nor decrypted. */
      wallets: boolean;
    },
    onProgress?: (p: { traders: number; subjects: number; tradersWithHits: number }) => void,
  ): Promise<BatchView> {
    const batchId = randomUUID();
    const versions = meta.versions.map(versionView);
    await d.audited(ctx, { action: 'screening.batch_start', target: { type: 'screening_batch', id: batchId } }, (tx) =>
      repo.insertBatch(tx, {
        id: batchId,
        trigger: meta.trigger,
        list_version_id: meta.listVersionId,
        previous_version_id: meta.previousVersionId,
        list_versions: JSON.stringify(versions),
        delta_added: meta.delta?.added ?? 0,
        delta_changed: meta.delta?.changed ?? 0,
        delta_removed: meta.delta?.removed ?? 0,
        delta_sha256: meta.delta?.sha256 ?? null,
        algorithm_version: d.engine.algorithmVersion,
        threshold: d.engine.threshold,
        status: 'running',
        error: null,
        started_at: d.clock.now(),
        finished_at: null,
      }),
    );
    const counts = { traders: 0, subjects: 0, tradersWithHits: 0 };
    const readPage = (after: string | undefined) =>
      read(ctx, { action: 'screening.rescreen_read', target: { type: 'screening_batch', id: batchId }, fields: SCREENED_FIELDS }, (tx) => d.traders.screeningSubjectsPage(tx, after, pageSize, { wallets: meta.wallets }));
    type Found = { traderId: string; screened: Screened[]; subjectCount: number };
    const store = async (found: Found[]) => {
      if (found.length === 0) return;
      counts.tradersWithHits += found.length;
      await d.audited(ctx, { action: 'screening.rescreen_hits', target: { type: 'screening_batch', id: batchId }, fields: ['screening_run.evidence', 'screening_hit'] }, async (tx) => {
        const keyOf = keyCache(tx);
        for (const f of found) {
          const key = await keyOf(f.traderId);
          if (!key) continue;
          await persist(tx, f.traderId, key, f.screened, {
            trigger: meta.trigger === 'list_change' ? 'list_change' : 'manual',
            scope: meta.trigger === 'list_change' ? 'delta' : 'full',
            batchId,
            versions: meta.versions,
            listsLoaded: true,
            subjectCount: f.subjectCount,
            entityOf: meta.entityOf,
          });
        }
      });
    };
    /** Every page in turn; the next page's query runs while this one is matched. */
    async function* pages() {
      let next = readPage(undefined);
      for (;;) {
        const page = await next;
        if (page.length === 0) return;
        next = page.length < pageSize ? Promise.resolve([]) : readPage(page.at(-1)!.id);
        yield page;
      }
    }
    try {
      if (index && d.engine.screenBatch && (await countTraders(ctx)) >= (d.engine.workersFrom ?? 20_000)) {
        await rescreenOnWorkers(pages(), index.lists, store, counts, onProgress);
      } else if (index) {
        for await (const page of pages()) {
          const found: Found[] = [];
          for (const s of page) {
            const subjects = subjectsOf(s);
            counts.subjects += subjects.length;
            const screened = screen(index.index, subjects);
            if (screened.some((x) => x.matches.length > 0)) found.push({ traderId: s.id, screened, subjectCount: subjects.length });
          }
          counts.traders += page.length;
          await store(found);
          onProgress?.(counts);
        }
      }
      return await d.audited(ctx, { action: 'screening.batch_finish', target: { type: 'screening_batch', id: batchId } }, async (tx) => {
        const done = { status: 'done' as const, traders_screened: counts.traders, subjects_screened: counts.subjects, traders_with_hits: counts.tradersWithHits, finished_at: d.clock.now() };
        await repo.updateBatch(tx, batchId, done);
        return batchView((await tx.selectFrom('screening_batch').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow()) as Parameters<typeof batchView>[0]);
      });
    } catch (err) {
      d.log?.error({ err, batchId }, 'screening re-screen failed');
      await d.audited(ctx, { action: 'screening.batch_fail', target: { type: 'screening_batch', id: batchId } }, (tx) =>
        repo.updateBatch(tx, batchId, { status: 'failed', error: err instanceof Error ? err.name : 'error', traders_screened: counts.traders, finished_at: d.clock.now() }),
      );
      throw err;
    }
  }

  /** How many traders there are (to choose between matching here and on worker threads). */
  async function countTraders(ctx: ActorContext): Promise<number> {
    return read(ctx, { action: 'screening.rescreen_count', target: { type: 'trader' } }, (tx) => repo.countTraders(tx));
  }

  /**
   * The matching of a re-screen on worker threads (engine screenBatch): this thread reads and decrypts pages and
   * feeds the subjects' queries in order; answers come back in the same order and are gathered per trader; traders
   * with a candidate are stored a few hundred at a time. A query that fails fails the batch (never a silent pass).
   */
  async function rescreenOnWorkers(
    pages: AsyncGenerator<ScreeningSubjects[]>,
    lists: { source: ListSource; entities: ListEntity[] }[],
    store: (found: { traderId: string; screened: Screened[]; subjectCount: number }[]) => Promise<void>,
    counts: { traders: number; subjects: number; tradersWithHits: number },
    onProgress?: (p: { traders: number; subjects: number; tradersWithHits: number }) => void,
  ): Promise<void> {
    const pendingSubjects: { traderId: string; subject: Subject; of: number }[] = [];
    let head = 0;
    const partial = new Map<string, Screened[]>();
    let found: { traderId: string; screened: Screened[]; subjectCount: number }[] = [];
    let failure: string | null = null;
    async function* queries(): AsyncGenerator<ScreeningQuery> {
      for await (const page of pages) {
        if (failure) throw new Error(`screening query failed: ${failure}`);
        for (const s of page) {
          const subjects = subjectsOf(s);
          counts.subjects += subjects.length;
          for (const subject of subjects) {
            pendingSubjects.push({ traderId: s.id, subject, of: subjects.length });
            yield subject.query;
          }
        }
        counts.traders += page.length;
        if (found.length >= 200) {
          const f = found;
          found = [];
          await store(f);
        }
        // Drop answered entries now and then (the queue only grows by what is in flight).
        if (head > 50_000) {
          pendingSubjects.splice(0, head);
          head = 0;
        }
        onProgress?.(counts);
      }
    }
    await d.engine.screenBatch!(
      lists,
      queries(),
      (_i, result) => {
        const p = pendingSubjects[head++]!;
        if (!Array.isArray(result)) {
          failure ??= result.error;
          return;
        }
        const list = partial.get(p.traderId) ?? [];
        list.push({ subject: p.subject, matches: result });
        if (list.length < p.of) partial.set(p.traderId, list);
        else {
          partial.delete(p.traderId);
          if (list.some((x) => x.matches.length > 0)) found.push({ traderId: p.traderId, screened: list, subjectCount: p.of });
        }
      },
      { threshold: d.engine.threshold, limit: 10, ...(d.engine.workers !== undefined ? { workers: d.engine.workers } : {}) },
    );
    if (failure) throw new Error(`screening query failed: ${failure}`);
    await store(found);
  }

  const FreezePayload = z.object({ traderId: z.uuid(), hitId: z.uuid() });
  type FreezePayload = z.infer<typeof FreezePayload>;

  const freezeKind: ApprovalKind<FreezePayload> = {
    approvePermission: 'screening.freeze.approve',
    parse(payload) {
      const p = FreezePayload.safeParse(payload);
      if (!p.success) throw new AppError(ErrorCode.validation, 400, 'Not a valid screening freeze request');
      return p.data;
    },
    // The checker sees what they approve for an opaque trader id: no personal data in the inbox.
    describe: (p) => `Freeze the exchange account of trader ${p.traderId}: screening hit ${p.hitId} was confirmed as a true match`,
    async execute(tx, p) {
      const h = await repo.findHit(tx, p.hitId);
      // A hit re-opened or changed since the request no longer carries it.
      if (!h || h.trader_id !== p.traderId || h.status !== 'confirmed') throw new AppError(ErrorCode.conflict, 409, 'The screening hit is no longer confirmed');
      await d.exchange.freezeIn(tx, p.traderId);
    },
  };

  // Issue 6: a confirmed true match opens (or joins) an AML case; the cases module registers this hook (container.ts).
  let confirmedHook: ((tx: AuditedTx, hit: { id: string; traderId: string; source: string; entityId: string; entityName: string }, actorId: string) => Promise<string>) | undefined;

  const service = {
    /** Registers what runs when a hit is confirmed, in the confirmation's transaction; returns the case id recorded on the hit. */
    onConfirmedMatch(hook: NonNullable<typeof confirmedHook>): void {
      confirmedHook = hook;
    },

    freezeKind,

    /** Loads the active lists into the index (at start-up; list activations reload it themselves). */
    loadIndex: async (): Promise<void> => void (await loadIndex()),

    /**
     * The active lists' entries carrying this wallet address (exact, under the chain's case rules), for transaction
     * monitoring's counterparty rule. Synchronous and in memory: no database, no audit (the caller audits).
     */
    walletListed(address: string): { source: string; entityId: string; name: string }[] {
      const index = state.index;
      if (!index) return [];
      return index.search({ wallet: address }).map((m) => ({ source: m.source, entityId: m.entityId, name: m.entityName }));
    },

    /** True once at least one list version is loaded (a monitoring rule must not report "clean" without lists). */
    listsLoaded(): boolean {
      return state.index !== null;
    },

    /** The listener for list activations: reloads the index, then re-screens every trader against the delta. */
    async onListActivated(e: ListActivation): Promise<BatchView> {
      const st = await loadIndex();
      // Each version is re-screened against once: a version imported by `bulwark lists import` was re-screened by
      // that process, and the server's 5-minute check then only reloads its index.
      const ctx = systemContext('screening:list-change');
      const done = await read(ctx, { action: 'screening.batch_lookup', target: { type: 'list_version', id: e.version.id } }, (tx) => repo.batchForVersion(tx, e.version.id));
      if (done) return batchView(done);
      const entities = [...e.delta.added, ...e.delta.changed.map((c) => c.after)];
      const byKey = new Map(entities.map((x) => [entityKey(e.version.source, x.id), x]));
      const deltaLists = [{ source: e.version.source, entities }];
      const deltaIndex = entities.length ? { index: d.engine.buildIndex(deltaLists), lists: deltaLists } : null;
      const sorted = [...entities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return rescreenEveryone(
        ctx,
        deltaIndex,
        {
          trigger: 'list_change',
          versions: st.versions,
          listVersionId: e.version.id,
          previousVersionId: e.previous?.id ?? null,
          delta: { added: e.delta.added.length, changed: e.delta.changed.length, removed: e.delta.removed.length, sha256: sha256(canonical(sorted)) },
          entityOf: (source, id) => byKey.get(entityKey(source, id)) ?? st.entities.get(entityKey(source, id)),
          wallets: hasWallets(entities),
        },
      );
    },

    /** Re-screens every trader against the whole active list (operators; the benchmark). */
    async rescreenAll(ctx: ActorContext, onProgress?: (p: { traders: number; subjects: number; tradersWithHits: number }) => void): Promise<BatchView> {
      const st = loaded ? state : await loadIndex();
      // No list: nothing to screen against, and a batch would read as a check that ran.
      if (!st.index) throw new AppError(ErrorCode.conflict, 409, 'No list is loaded: nobody can be screened (import or sync the lists first)');
      return rescreenEveryone(ctx, { index: st.index, lists: st.lists }, { trigger: 'manual', versions: st.versions, listVersionId: null, previousVersionId: null, entityOf: (s, id) => st.entities.get(entityKey(s, id)), wallets: st.wallets }, onProgress);
    },

    /** Re-screens every trader against an index of the given entities only (what a list activation does; the benchmark). */
    async rescreenAgainst(ctx: ActorContext, source: ListSource, entities: ListEntity[], onProgress?: (p: { traders: number; subjects: number; tradersWithHits: number }) => void): Promise<BatchView> {
      const byKey = new Map(entities.map((x) => [entityKey(source, x.id), x]));
      const lists = [{ source, entities }];
      const index = entities.length ? { index: d.engine.buildIndex(lists), lists } : null;
      return rescreenEveryone(ctx, index, { trigger: 'manual', versions: state.versions, listVersionId: null, previousVersionId: null, entityOf: (s, id) => byKey.get(entityKey(s, id)), wallets: hasWallets(entities) }, onProgress);
    },

    /** For KYC: screens the trader and their directors, UBOs and wallets inside the caller's transaction; the facts after. */
    async screenTrader(tx: AuditedTx, traderId: string, trigger: ScreeningTrigger): Promise<ScreeningFacts> {
      await screenTraderIn(tx, traderId, trigger);
      return factsIn(tx, traderId);
    },

    /** For KYC (risk rating): the trader's current screening facts. */
    factsFor: (tx: AuditedTx, traderId: string): Promise<ScreeningFacts> => factsIn(tx, traderId),

    /** The traders service's change hook: a screened field changed, so the trader is screened again in the same transaction. */
    async onScreenedFieldChange(tx: AuditedTx, traderId: string): Promise<void> {
      await screenTraderIn(tx, traderId, 'field_change');
    },

    /** Screens a trader now (a reviewer's action); audited `screening.screen`. */
    async screenNow(ctx: ActorContext, member: Member, traderId: string): Promise<ScreenResult> {
      return d.audited(ctx, { action: 'screening.screen', target: { type: 'trader', id: traderId }, fields: SCREENED_FIELDS }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'risk');
        const r = await screenTraderIn(tx, t.id, 'manual');
        if (!r) throw new AppError(ErrorCode.conflict, 409, 'This trader was erased: there is nothing left to screen');
        return r;
      });
    },

    /**
     * Screens the deposit and withdrawal addresses the exchange reports for a trader (their counterparties): the
     * section is opened first (404/403), the exchange is read outside any transaction, then the run is stored.
     */
    async screenCounterparties(ctx: ActorContext, member: Member, traderId: string): Promise<ScreenResult> {
      const t = await d.audited(ctx, { action: 'screening.counterparties', target: { type: 'trader', id: traderId } }, (tx) => d.traders.openSection(tx, member, traderId, 'risk'));
      return screenCounterpartiesOf(ctx, t.id);
    },

    /** The review queue: hits of a status, oldest first, filtered by list and score; audited `screening.queue_view`. */
    async queue(ctx: ActorContext, member: Member, q: HitQueueQuery): Promise<HitPage> {
      const filters = (['source', 'minScore'] as const).filter((k) => q[k] !== undefined).map((k) => `filter.${k}`);
      return read(ctx, { action: 'screening.queue_view', target: { type: 'screening_hit' }, fields: filters }, async (tx, ev) => {
        let after: { at: Date; id: string } | undefined;
        if (q.cursor) {
          const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
          if (!at || !id || !isUuid(id) || Number.isNaN(Date.parse(at))) {
            throw new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });
          }
          after = { at: new Date(at), id };
        }
        const policy = await riskPolicy(tx, member);
        const showQuery = policy.identity === 'full';
        const rows = await repo.queue(tx, { status: q.status, source: q.source, minScore: q.minScore, after, limit: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        ev.addFields('screening_hit.explanation', ...(showQuery ? ['screening_hit.screened_name'] : []));
        const last = page.at(-1);
        return {
          hits: await presentHits(tx, page, showQuery),
          nextCursor: rows.length > q.limit && last ? Buffer.from(`${iso(last.opened_at)}|${last.id}`, 'utf8').toString('base64url') : null,
        };
      });
    },

    /** One hit with its explanation and decisions; audited `screening.hit_view`. */
    async hit(ctx: ActorContext, member: Member, hitId: string): Promise<HitDetail> {
      return read(ctx, { action: 'screening.hit_view', target: { type: 'screening_hit', id: hitId } }, async (tx, ev) => {
        const { h, showQuery } = await openHit(tx, member, hitId);
        ev.addFields('screening_hit.explanation', 'screening_decision.reason', ...(showQuery ? ['screening_hit.screened_name'] : []));
        return hitDetailIn(tx, h, showQuery);
      });
    },

    /** Clears an open hit as a false positive with a rationale (remembered until subject or entity changes); audited. */
    async falsePositive(ctx: ActorContext, member: Member, hitId: string, reason: string | undefined): Promise<{ hit: HitDetail; freezeApprovalId: null }> {
      return d.audited(ctx, { action: 'screening.hit.false_positive', target: { type: 'screening_hit', id: hitId }, fields: ['screening_decision.reason'] }, async (tx) => {
        const { h, showQuery } = await openHit(tx, member, hitId, true);
        const why = reason?.trim() ?? '';
        if (why.length < MIN_REASON) throw reasonError();
        if (h.status !== 'open') throw new AppError(ErrorCode.conflict, 409, `This hit is already ${h.status.replace('_', ' ')}`, { denial: true });
        const now = d.clock.now();
        await decide(tx, h, member, 'false_positive', why, null, now);
        await repo.updateHit(tx, h.id, { status: 'false_positive', decided_by: member.id, decided_at: now, updated_at: now });
        const after = (await repo.findHit(tx, h.id))!;
        return { hit: await hitDetailIn(tx, after, showQuery), freezeApprovalId: null };
      });
    },

    /**
     * Confirms an open hit as a true match (reason required; the route needs step-up): files the four-eyes freeze
     * request unless the account is already frozen, and records the match for the cases module (issue 6).
     */
    async confirm(ctx: ActorContext, member: Member, hitId: string, reason: string | undefined): Promise<{ hit: HitDetail; freezeApprovalId: string | null }> {
      return d.audited(ctx, { action: 'screening.hit.confirm', target: { type: 'screening_hit', id: hitId }, fields: ['screening_decision.reason'] }, async (tx) => {
        const { h, t, showQuery } = await openHit(tx, member, hitId, true);
        const why = reason?.trim() ?? '';
        if (why.length < MIN_REASON) throw reasonError();
        if (h.status !== 'open') throw new AppError(ErrorCode.conflict, 409, `This hit is already ${h.status.replace('_', ' ')}`, { denial: true });
        const now = d.clock.now();
        let approvalId: string | null = null;
        if (t.status !== 'frozen') {
          const v = await d.approvals.requestIn(tx, member.id, {
            kind: FREEZE_KIND,
            payload: { traderId: h.trader_id, hitId: h.id },
            // Only list data (public) in the clear request; the reviewer's rationale stays encrypted with the decision.
            reason: `Confirmed screening match on ${h.source} entity ${h.entity_id} (${h.entity_name}); hit ${h.id}`,
          });
          approvalId = v.id;
        }
        await decide(tx, h, member, 'confirmed', why, approvalId, now);
        const caseId = confirmedHook ? await confirmedHook(tx, { id: h.id, traderId: h.trader_id, source: h.source, entityId: h.entity_id, entityName: h.entity_name }, member.id) : null;
        await repo.updateHit(tx, h.id, { status: 'confirmed', decided_by: member.id, decided_at: now, updated_at: now, freeze_approval_id: approvalId, ...(caseId ? { case_id: caseId } : {}) });
        const after = (await repo.findHit(tx, h.id))!;
        return { hit: await hitDetailIn(tx, after, showQuery), freezeApprovalId: approvalId };
      });
    },

    /** A trader's screening panel: status, last screened, recent screenings, hits; audited `screening.trader_view`. */
    async ofTrader(ctx: ActorContext, member: Member, traderId: string): Promise<TraderScreening> {
      return read(ctx, { action: 'screening.trader_view', target: { type: 'trader', id: traderId } }, async (tx, ev) => {
        const t = await d.traders.openSection(tx, member, traderId, 'risk');
        const showQuery = t.policy.identity === 'full';
        ev.addFields('screening_hit.explanation', ...(showQuery ? ['screening_hit.screened_name'] : []));
        const [runs, hits, facts] = await Promise.all([repo.runsOf(tx, t.id, RUNS_SHOWN), repo.hitsOfTrader(tx, t.id), factsIn(tx, t.id)]);
        const status: TraderScreening['status'] =
          facts.confirmedHits > 0 ? 'confirmed' : facts.openHits > 0 ? 'review' : facts.lists === 'none' ? 'no_lists_loaded' : facts.lastScreenedAt ? 'clear' : 'never_screened';
        return {
          traderId: t.id,
          status,
          listsLoaded: facts.lists === 'loaded',
          lastScreenedAt: facts.lastScreenedAt ? facts.lastScreenedAt.toISOString() : null,
          runs: runs.map(runView),
          hits: await presentHits(tx, hits, showQuery),
        };
      });
    },

    /**
     * Every screening of a trader as one JSON document (dates, list versions and hashes, algorithm, threshold,
     * what was screened, candidates, decisions, reviewers), so the exchange can prove a check ran on a given date.
     * Audited `screening.evidence_export`.
     */
    async evidence(ctx: ActorContext, member: Member, traderId: string): Promise<EvidenceDocument> {
      return read(ctx, { action: 'screening.evidence_export', target: { type: 'trader', id: traderId } }, async (tx, ev) => {
        const t = await d.traders.openSection(tx, member, traderId, 'risk');
        const showQuery = t.policy.identity === 'full';
        ev.addFields('screening_run.evidence', 'screening_hit.explanation', 'screening_decision.reason', ...(showQuery ? ['screening_hit.screened_name'] : []));
        const [runs, hits, created] = await Promise.all([repo.runsOf(tx, t.id, 10_000), repo.hitsOfTrader(tx, t.id), repo.traderCreatedAt(tx, t.id)]);
        const key = await keyCache(tx)(t.id);
        const decisions = await presentDecisions(tx, hits.map((h) => h.id));
        const batches = created ? await repo.batchesSince(tx, created) : [];
        return {
          format: 'bulwark.screening-evidence/1' as const,
          generatedAt: d.clock.now().toISOString(),
          generatedBy: ctx.actorId,
          trader: { id: t.id, accountRef: t.accountRef },
          screenings: runs.map((r) => {
            const stored: StoredEvidence = key ? (JSON.parse(d.vault.decryptForSubject(key, { table: 'screening_run', column: 'evidence_ct', rowId: r.id }, r.evidence_ct)) as StoredEvidence) : { subjects: [] };
            return {
              ...runView(r),
              batchId: r.batch_id,
              subjects: stored.subjects.map((s) => ({
                kind: s.kind,
                ref: s.ref,
                screened: presentScreened(s.screened, showQuery),
                candidates: s.candidates.map((c) => ({ ...c, explanation: presentExplanation(c.explanation, showQuery) })),
              })),
            };
          }),
          batches: batches.map(batchView),
          hits: (await presentHits(tx, hits, showQuery)).map((h) => ({ ...h, decisions: decisions.get(h.id) ?? [] })),
        };
      });
    },

    /** The state of screening: lists loaded, versions, algorithm, threshold, open hits, the last batch; audited `screening.status_view`. */
    async status(ctx: ActorContext, member: Member): Promise<ScreeningStatus> {
      return read(ctx, { action: 'screening.status_view', target: { type: 'screening' } }, async (tx) => {
        await riskPolicy(tx, member);
        const st = state;
        const [open, batch] = await Promise.all([repo.countOpen(tx), repo.lastBatch(tx)]);
        return {
          listsLoaded: st.index !== null,
          versions: st.versions.map(versionView),
          entityCount: st.index?.entityCount ?? 0,
          algorithmVersion: d.engine.algorithmVersion,
          threshold: d.engine.threshold,
          openHits: open,
          lastBatch: batch ? batchView(batch) : null,
        };
      });
    },
  };

  async function decide(tx: AuditedTx, h: repo.HitRow, member: Member, decision: 'false_positive' | 'confirmed', reason: string, approvalId: string | null, now: Date) {
    const key = await d.vault.subjectKey(tx, h.trader_id, { create: false });
    const id = randomUUID();
    await repo.insertDecision(tx, {
      id,
      hit_id: h.id,
      trader_id: h.trader_id,
      decision,
      reason_ct: d.vault.encryptForSubject(key, { table: 'screening_decision', column: 'reason_ct', rowId: id }, reason),
      system_note: null,
      reviewer_id: member.id,
      subject_hash: h.subject_hash,
      entity_sha256: h.entity_sha256,
      approval_id: approvalId,
      created_at: now,
    });
  }

  /** Screens a trader's counterparty addresses (no member: jobs and issue 6's event ingestion call this). */
  async function screenCounterpartiesOf(ctx: ActorContext, traderId: string): Promise<ScreenResult> {
    const transfers = await d.exchange.counterpartiesOf(ctx, traderId);
    const st = state;
    const seen = new Set<string>();
    const subjects: Subject[] = [];
    for (const tr of transfers) {
      const ref = `${tr.direction}:${tr.transferId}`;
      if (seen.has(ref)) continue;
      seen.add(ref);
      subjects.push({ kind: 'counterparty', ref, query: { wallet: tr.address } });
    }
    const screened = screen(st.index, subjects);
    return d.audited(ctx, { action: 'screening.screen', target: { type: 'trader', id: traderId }, fields: ['counterparty.address'] }, async (tx) => {
      const key = await d.vault.subjectKey(tx, traderId, { create: false });
      return persist(tx, traderId, key, screened, {
        trigger: 'counterparty',
        scope: 'counterparty',
        batchId: null,
        versions: st.versions,
        listsLoaded: st.index !== null,
        subjectCount: subjects.length,
        entityOf: (source, id) => st.entities.get(entityKey(source, id)),
      });
    });
  }

  return { ...service, screenCounterpartiesOf } satisfies ScreeningForKyc & Record<string, unknown>;
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
