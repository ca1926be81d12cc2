// Suspicious-activity reports: a draft from a case (subjects from the linked traders, transactions from the linked
// events and the events of linked alerts, an activity summary computed from them), edits while open, review,
// goAML XML and PDF exports, filing (the FIU's acknowledgement number), withdrawal, and the deadline list.
//
// Security decisions:
// - Tipping-off: everything here needs sar.read (route config), and nothing here is reachable from a case, trader or
//   list endpoint of another module. Audit events target `sar_report` (or `case_sar` for a case's list), never
//   `trader`: the trader timeline shows staff actions targeting the trader to trader-facing staff, and a
//   `sar.create` there would tip them off. A record a member may not open and one that does not exist both answer 404.
// - Every report opens its subject trader for the `risk` section (traders.openSection) inside the audited
//   transaction; a refusal there is answered as 404 too, so the answer never says "there is a SAR you may not see".
// - Content (subject snapshot, transactions with addresses, narrative, reason, action) is one ciphertext under the
//   subject trader's key, bound to (sar_report, content_ct, id). A withdrawal's reason is encrypted the same way.
// - Filing is a senior act (sar.file, step-up MFA at the route) and takes a second pair of eyes: the member who
//   drafted the report or marked it ready cannot file it. The content the filer reviewed is the content filed:
//   an edit to a report that is ready for review sends it back to draft.
// - Optimistic concurrency: every change names the version it was made against; a stale one is a 409.
// - The detection date is derived from the case (first alert detected, else the case opened) and cannot be edited:
//   moving it would move the legal deadline.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../contracts/errors.js';
import {
  MAX_TRANSACTIONS,
  SarSettings as SarSettingsSchema,
  type CreateSarRequest,
  type FileSarRequest,
  type SarActivity,
  type SarListQuery,
  type SarSettings,
  type SarSettingsView,
  type SarSubject,
  type SarSummary,
  type SarTransaction,
  type SarView,
  type UpdateSarRequest,
  type WithdrawSarRequest,
} from '../../../contracts/sar.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { isCryptoError, type SubjectKey } from '../../platform/crypto/index.js';
import type { Vault } from '../../platform/crypto/vault.js';
import type { SarEventKind, SarStatus } from '../../platform/db/schema-sar.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { isUuid } from '../../platform/ids.js';
import type { Member, TradersService } from '../traders/index.js';
import { buildGoAml } from './goaml.js';
import { renderSarPdfOffThread } from './sar-pdf-render.js';
import * as repo from './sar.repository.js';

export interface SarDeps {
  audited: Audited;
  /** audited() for pure reads (a read-only transaction beside the lanes); defaults to audited. */
  auditedRead?: Audited | undefined;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'screeningSubjectsOf' | 'accountOf'>;
  /**
   * The cases service's hook for the case timeline (SAR steps as restricted 'sar' entries, shown to sar.read holders
   * only). Optional so that the module stands alone; without it the steps are in the report's own history only.
   */
  cases?: { addTimelineEventIn(tx: AuditedTx, caseId: string, e: { kind: string; actorId: string | null; detail?: string | null; restricted?: 'sar' | null }): Promise<boolean> } | undefined;
}

export type SarService = ReturnType<typeof createSarService>;

/** What content_ct holds (JSON under the subject trader's key). */
interface Content {
  subjects: SarSubject[];
  transactions: SarTransaction[];
  activity: SarActivity;
  narrative: string;
  reasonForSuspicion: string;
  action: string;
  indicators: string[];
  /** The reporting entity as it stood when the report was marked ready (and filed); null while a draft. */
  entity: { version: number; settings: SarSettings } | null;
}

/** Until someone with sar.file saves the entity's registration, exports to goAML are refused (409). */
export const DEFAULT_SAR_SETTINGS: SarSettings = {
  rentityId: '0',
  rentityBranch: null,
  entityName: 'Reporting entity (not configured)',
  fiuName: 'Financial intelligence unit (not configured)',
  currencyCodeLocal: 'USD',
  usdToLocalRate: 1,
  deadlineDays: 30,
  transmodeCode: 'VA',
  fundsCode: 'VA',
  reportingPerson: { firstName: 'Not', lastName: 'Configured', email: null, phone: null, occupation: 'Money laundering reporting officer' },
  location: { addressType: 'B', address: 'Not configured', city: 'Not configured', zip: null, countryCode: 'ZZ' },
};

const DAY_MS = 86_400_000;
const OPEN: readonly SarStatus[] = ['draft', 'ready_for_review'];
const FINANCIAL = new Set(['deposit', 'withdrawal', 'trade', 'transfer']);

const sarNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such report', { denial: true });
const caseNotFound = () => new AppError(ErrorCode.notFound, 404, 'No such case', { denial: true });
const conflict = (message: string) => new AppError(ErrorCode.conflict, 409, message);
const stale = () => conflict('The report changed meanwhile; reload it and try again');
const iso = (v: Date | string) => new Date(v).toISOString();
const at = (rowId: string) => ({ table: 'sar_report', column: 'content_ct', rowId });
const reasonAt = (rowId: string) => ({ table: 'sar_report_event', column: 'reason_ct', rowId });

/** Decimal strings summed exactly (numeric(38, 18) amounts; floats would drift). */
function addDecimal(a: string, b: string): string {
  const scale = 18;
  const toUnits = (s: string) => {
    const [i, f = ''] = s.split('.');
    return BigInt(i!) * 10n ** BigInt(scale) + BigInt((f + '0'.repeat(scale)).slice(0, scale) || '0');
  };
  const sum = toUnits(a) + toUnits(b);
  const int = sum / 10n ** BigInt(scale);
  const frac = (sum % 10n ** BigInt(scale)).toString().padStart(scale, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

const trimDecimal = (s: string | null) => (s === null ? null : s.includes('.') ? s.replace(/\.?0+$/, '') : s);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The activity summary computed from the case's events (counts, totals per asset and direction, dates); no names. */
export function summarise(events: { type: string; occurredAt: string }[], transactions: SarTransaction[], alertCount: number, missingEvents: number): SarActivity {
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const totals = new Map<string, { asset: string; direction: 'in' | 'out'; amount: string; amountUsd: number; count: number }>();
  let totalUsd = 0;
  for (const t of transactions) {
    if (!t.asset || !t.amount) continue;
    const k = `${t.asset}:${t.direction}`;
    const cur = totals.get(k) ?? { asset: t.asset, direction: t.direction, amount: '0', amountUsd: 0, count: 0 };
    cur.amount = addDecimal(cur.amount, t.amount);
    cur.amountUsd += t.amountUsd ?? 0;
    cur.count += 1;
    totals.set(k, cur);
    totalUsd += t.amountUsd ?? 0;
  }
  const times = events.map((e) => e.occurredAt).sort();
  const firstAt = times[0] ?? null;
  const lastAt = times.at(-1) ?? null;
  const list = [...totals.values()].sort((a, b) => a.asset.localeCompare(b.asset) || a.direction.localeCompare(b.direction));
  const typeText = Object.entries(byType)
    .sort()
    .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
    .join(', ');
  const parts = [
    events.length
      ? `${events.length} event(s) between ${firstAt!.slice(0, 10)} and ${lastAt!.slice(0, 10)} (${typeText}).`
      : 'No events are linked to the case.',
    ...list.map((x) => `${x.direction === 'in' ? 'In' : 'Out'}: ${x.amount} ${x.asset} in ${x.count} transaction(s) (USD ${x.amountUsd.toFixed(2)}).`),
    `Total value of the transactions: USD ${totalUsd.toFixed(2)}.`,
    `${alertCount} monitoring alert(s) linked to the case.`,
    ...(missingEvents ? [`${missingEvents} linked event(s) could not be found.`] : []),
  ];
  return {
    eventCount: events.length,
    alertCount,
    byType,
    totals: list.map((x) => ({ ...x, amountUsd: Math.round(x.amountUsd * 100) / 100 })),
    totalUsd: Math.round(totalUsd * 100) / 100,
    firstAt,
    lastAt,
    missingEvents,
    text: parts.join(' '),
  };
}

/** Creates the SAR service. */
export function createSarService(d: SarDeps) {
  const now = () => d.clock.now();
  const read: Audited = d.auditedRead ?? d.audited;

  async function settingsIn(tx: AuditedTx): Promise<SarSettingsView> {
    const row = await repo.latestSettings(tx);
    if (!row) return { configured: false, version: 0, settings: DEFAULT_SAR_SETTINGS };
    const parsed = SarSettingsSchema.safeParse(row.settings);
    // A stored version that no longer parses is a bug, not a reason to export with made-up entity data.
    if (!parsed.success) throw new Error('sar_settings_version: the stored settings do not parse');
    return { configured: true, version: row.version, settings: parsed.data };
  }

  /** Opens a trader for the risk section; any refusal (403 included) is answered as the record's 404. */
  async function openSubject(tx: AuditedTx, member: Member, traderId: string, notFound: () => AppError) {
    try {
      return await d.traders.openSection(tx, member, traderId, 'risk');
    } catch (err) {
      if (err instanceof AppError && (err.status === 403 || err.status === 404)) throw notFound();
      throw err;
    }
  }

  async function keyOf(tx: AuditedTx, traderId: string): Promise<SubjectKey> {
    try {
      return await d.vault.subjectKey(tx, traderId, { create: false });
    } catch (err) {
      if (isCryptoError(err, 'key_destroyed')) throw conflict("The subject's personal data was erased: the report can no longer be opened");
      throw err;
    }
  }

  async function openCase(tx: AuditedTx, member: Member, caseId: string) {
    if (!isUuid(caseId)) throw caseNotFound();
    const c = await repo.findCase(tx, caseId.toLowerCase());
    if (!c) throw caseNotFound();
    await openSubject(tx, member, c.subject_trader_id, caseNotFound);
    return c;
  }

  async function openSar(tx: AuditedTx, member: Member, id: string, opts: { lock?: boolean } = {}) {
    if (!isUuid(id)) throw sarNotFound();
    const row = await repo.findSar(tx, id.toLowerCase(), opts);
    if (!row) throw sarNotFound();
    await openSubject(tx, member, row.subject_trader_id, sarNotFound);
    const key = await keyOf(tx, row.subject_trader_id);
    return { row, key, content: decode(key, row) };
  }

  function decode(key: SubjectKey, row: { id: string; content_ct: Uint8Array }): Content {
    return JSON.parse(d.vault.decryptForSubject(key, at(row.id), row.content_ct)) as Content;
  }

  function encode(key: SubjectKey, id: string, content: Content): Buffer {
    return d.vault.encryptForSubject(key, at(id), JSON.stringify(content));
  }

  function summary(row: repo.SarRow): SarSummary {
    const open = OPEN.includes(row.status);
    const due = new Date(row.due_at).getTime();
    return {
      id: row.id,
      caseId: row.case_id,
      caseReference: row.case_reference,
      reference: row.reference,
      status: row.status,
      detectedAt: iso(row.detected_at),
      dueAt: iso(row.due_at),
      overdue: open && due < now().getTime(),
      daysLeft: open ? Math.floor((due - now().getTime()) / DAY_MS) : null,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      filedAt: row.filed_at ? iso(row.filed_at) : null,
      fiuReference: row.fiu_reference,
    };
  }

  /** Whether a member may file (or withdraw) this report: sar.file, and neither its drafter nor who marked it ready. */
  function secondPair(member: Member, row: repo.SarRow): boolean {
    return member.id !== row.created_by && member.id !== row.ready_by;
  }

  async function view(tx: AuditedTx, member: Member, row: repo.SarRow, key: SubjectKey, content: Content): Promise<SarView> {
    const events = await repo.eventsOf(tx, row.id);
    const open = OPEN.includes(row.status);
    const p = member.permissions;
    return {
      sar: summary(row),
      version: row.version,
      subjects: content.subjects,
      activity: content.activity,
      transactions: content.transactions,
      narrative: content.narrative,
      reasonForSuspicion: content.reasonForSuspicion,
      action: content.action,
      indicators: content.indicators,
      createdByName: row.created_by_name ?? null,
      readyByName: row.ready_by_name ?? null,
      filedByName: row.filed_by_name ?? null,
      history: events.map((e) => ({
        kind: e.kind,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        actorName: e.actor_name ?? null,
        fields: e.fields,
        reason: e.reason_ct ? d.vault.decryptForSubject(key, reasonAt(e.id), e.reason_ct) : null,
        at: iso(e.created_at),
      })),
      can: {
        edit: p.has('sar.manage') && open,
        markReady: p.has('sar.manage') && row.status === 'draft',
        file: p.has('sar.file') && row.status === 'ready_for_review' && secondPair(member, row),
        withdraw: p.has('sar.file') && open,
        export: row.status !== 'withdrawn',
      },
    };
  }

  async function event(tx: AuditedTx, key: SubjectKey, row: { id: string; case_id: string; reference: string }, e: { kind: SarEventKind; from?: SarStatus | null; to?: SarStatus | null; actorId: string | null; fields?: string[]; reason?: string }) {
    const id = randomUUID();
    await repo.insertEvent(tx, {
      id,
      sar_id: row.id,
      case_id: row.case_id,
      kind: e.kind,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      actor_id: e.actorId,
      fields: e.fields ?? [],
      reason_ct: e.reason ? d.vault.encryptForSubject(key, reasonAt(id), e.reason) : null,
      created_at: now(),
    });
    // The case timeline gets the step too, restricted to sar.read holders; the reference only, never the content.
    await d.cases?.addTimelineEventIn(tx, row.case_id, { kind: `sar.${e.kind}`, actorId: e.actorId, detail: row.reference, restricted: 'sar' });
  }

  /** The subject snapshot of one trader (decrypted through the traders service, which owns those fields). */
  async function subjectOf(tx: AuditedTx, traderId: string): Promise<SarSubject | undefined> {
    const [subj, acct] = await Promise.all([d.traders.screeningSubjectsOf(tx, traderId), d.traders.accountOf(tx, traderId)]);
    if (!subj || !acct) return undefined;
    return {
      traderId,
      accountRef: acct.account_ref,
      kind: subj.kind,
      erased: subj.erased,
      legalName: subj.legalName,
      dateOfBirth: subj.dateOfBirth,
      country: subj.country,
      wallets: subj.wallets.map((w) => ({ chain: w.chain, address: w.address })),
      persons: subj.persons.map((p) => ({ role: p.role, name: p.name, dateOfBirth: p.dateOfBirth, nationality: p.nationality, ownershipPct: p.ownershipPct })),
    };
  }

  /** Transactions from stored events; the identifying parts (address, chain, hash) decrypted under each trader's key. */
  async function transactionsOf(tx: AuditedTx, rows: Awaited<ReturnType<typeof repo.eventsByIds>>): Promise<SarTransaction[]> {
    const keys = new Map<string, SubjectKey | null>();
    const out: SarTransaction[] = [];
    for (const e of rows) {
      if (!FINANCIAL.has(e.type)) continue;
      if (!keys.has(e.trader_id)) {
        keys.set(
          e.trader_id,
          await d.vault.subjectKey(tx, e.trader_id, { create: false }).catch((err: unknown) => {
            if (isCryptoError(err, 'key_destroyed')) return null;
            throw err;
          }),
        );
      }
      const key = keys.get(e.trader_id);
      // The payload's keys are the ingestion's (contracts/monitoring-events.ts); read tolerantly, a missing key is null.
      let p: Record<string, unknown> = {};
      if (key) {
        try {
          p = JSON.parse(d.vault.decryptForSubject(key, { table: 'monitoring_event', column: 'payload_ct', rowId: e.event_id }, e.payload_ct)) as Record<string, unknown>;
        } catch {
          p = {};
        }
      }
      const detailDir = e.detail === 'in' || e.detail === 'out' ? e.detail : null;
      const side = str(p.side) ?? (e.detail === 'buy' || e.detail === 'sell' ? e.detail : null);
      const direction: 'in' | 'out' =
        e.type === 'deposit' ? 'in' : e.type === 'withdrawal' ? 'out' : e.type === 'trade' ? (side === 'sell' ? 'out' : 'in') : ((str(p.direction) as 'in' | 'out' | null) ?? detailDir ?? 'in');
      out.push({
        eventId: e.event_id,
        traderId: e.trader_id,
        accountRef: e.account_ref,
        type: e.type as SarTransaction['type'],
        occurredAt: iso(e.occurred_at),
        asset: e.asset,
        amount: trimDecimal(e.amount === null ? null : String(e.amount)),
        amountUsd: e.amount_usd,
        direction,
        counterparty: e.type === 'transfer' ? str(p.counterpartAccount) : (str(p.address) ?? str(p.counterparty)),
        chain: str(p.chain),
        txHash: str(p.txHash),
        country: e.country,
        detail: e.type === 'trade' ? [side, str(p.quote) ? `against ${str(p.quote)}` : null].filter(Boolean).join(' ') || null : null,
      });
    }
    return out;
  }

  /** Everything a draft is prefilled with, read from the case's links. */
  async function prefill(tx: AuditedTx, c: NonNullable<Awaited<ReturnType<typeof repo.findCase>>>) {
    const links = await repo.caseLinks(tx, c.id);
    const alertIds = links.filter((l) => l.kind === 'alert' && isUuid(l.ref)).map((l) => l.ref.toLowerCase());
    const alerts = await repo.alertsByIds(tx, alertIds);
    const traderIds = [...new Set([c.subject_trader_id, ...links.filter((l) => l.kind === 'trader' && isUuid(l.ref)).map((l) => l.ref.toLowerCase()), ...alerts.map((a) => a.trader_id)])];
    const eventIds = [...new Set([...links.filter((l) => l.kind === 'event').map((l) => l.ref), ...alerts.flatMap((a) => a.event_ids)])];
    const events = await repo.eventsByIds(tx, eventIds);
    for (const e of events) if (!traderIds.includes(e.trader_id)) traderIds.push(e.trader_id);
    const subjects: SarSubject[] = [];
    for (const id of traderIds) {
      const s = await subjectOf(tx, id);
      if (s) subjects.push(s);
    }
    const all = await transactionsOf(tx, events);
    const transactions = all.slice(0, MAX_TRANSACTIONS);
    const activity = summarise(
      events.map((e) => ({ type: e.type, occurredAt: iso(e.occurred_at) })),
      all,
      alerts.length,
      eventIds.length - events.length,
    );
    if (all.length > MAX_TRANSACTIONS) activity.text += ` The report lists the first ${MAX_TRANSACTIONS} of ${all.length} transactions.`;
    const detected = alerts.map((a) => new Date(a.detected_at).getTime());
    const detectedAt = detected.length ? new Date(Math.min(...detected)) : new Date(c.opened_at);
    return { subjects, transactions, activity, detectedAt };
  }

  /** Runs a change against the version the member saw; 409 when it moved. */
  async function change(tx: AuditedTx, row: repo.SarRow, version: number, set: Parameters<typeof repo.updateSar>[3]): Promise<void> {
    if (row.version !== version || !(await repo.updateSar(tx, row.id, version, { ...set, updated_at: now() }))) throw stale();
  }

  async function reload(tx: AuditedTx, member: Member, id: string): Promise<SarView> {
    const row = (await repo.findSar(tx, id))!;
    const key = await keyOf(tx, row.subject_trader_id);
    return view(tx, member, row, key, decode(key, row));
  }

  function assertOpen(row: repo.SarRow): void {
    if (row.status === 'filed') throw conflict('A filed report cannot be changed');
    if (row.status === 'withdrawn') throw conflict('A withdrawn report cannot be changed');
  }

  return {
    /**
     * The deadline list: open (or filtered) reports by due date, overdue flagged; audited `sar.list`. References,
     * statuses and dates only (no subject data), so no per-row trader check: sar.read is the whole rule here.
     */
    async list(ctx: ActorContext, q: SarListQuery): Promise<SarSummary[]> {
      return read(ctx, { action: 'sar.list', target: { type: 'sar_report' }, fields: [`filter.status.${q.status}`, ...(q.overdue === 'true' ? ['filter.overdue'] : [])] }, async (tx) => {
        const rows = await repo.listSars(tx, { status: q.status, overdueAt: q.overdue === 'true' ? now() : undefined, limit: q.limit });
        return rows.map(summary);
      });
    },

    /** A case's reports (the case page's SAR panel); audited `sar.case_list` against the case's SAR target. */
    async ofCase(ctx: ActorContext, member: Member, caseId: string): Promise<SarSummary[]> {
      return read(ctx, { action: 'sar.case_list', target: { type: 'case_sar', id: caseId } }, async (tx) => {
        const c = await openCase(tx, member, caseId);
        return (await repo.sarsOfCase(tx, c.id)).map(summary);
      });
    },

    /** One report with subjects, activity, transactions, narrative and history; audited `sar.view`. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<SarView> {
      const fields = ['sar.subjects', 'sar.transactions', 'sar.narrative', 'sar.reason', 'sar.action', 'sar.history.reason'];
      return read(ctx, { action: 'sar.view', target: { type: 'sar_report', id }, fields }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id);
        return view(tx, member, row, key, content);
      });
    },

    /** Drafts a report from a case: subjects, transactions and the activity summary prefilled; audited `sar.create`. */
    async create(ctx: ActorContext, member: Member, caseId: string, input: CreateSarRequest): Promise<SarView> {
      const fields = ['sar.subjects', 'sar.transactions', 'sar.activity', ...(input.narrative ? ['sar.narrative'] : []), ...(input.reasonForSuspicion ? ['sar.reason'] : [])];
      return d.audited(ctx, { action: 'sar.create', target: { type: 'case_sar', id: caseId }, fields }, async (tx, ev) => {
        const c = await openCase(tx, member, caseId);
        // One open report per case: a second draft would split the facts and the deadline.
        if ((await repo.sarsOfCase(tx, c.id)).some((s) => OPEN.includes(s.status))) throw conflict('This case already has an open report');
        const { subjects, transactions, activity, detectedAt } = await prefill(tx, c);
        const { settings } = await settingsIn(tx);
        const key = await keyOf(tx, c.subject_trader_id);
        const id = randomUUID();
        const year = now().getUTCFullYear();
        const reference = `SAR-${year}-${String(await repo.nextNumber(tx)).padStart(6, '0')}`;
        const content: Content = {
          subjects,
          transactions,
          activity,
          narrative: input.narrative ?? '',
          reasonForSuspicion: input.reasonForSuspicion ?? '',
          action: '',
          indicators: [],
          entity: null,
        };
        await repo.insertSar(tx, {
          id,
          case_id: c.id,
          subject_trader_id: c.subject_trader_id,
          reference,
          status: 'draft',
          detected_at: detectedAt,
          due_at: new Date(detectedAt.getTime() + settings.deadlineDays * DAY_MS),
          content_ct: encode(key, id, content),
          created_by: member.id,
          created_at: now(),
          updated_by: member.id,
          updated_at: now(),
        });
        ev.setTarget('sar_report', id);
        await event(tx, key, { id, case_id: c.id, reference }, { kind: 'created', to: 'draft', actorId: member.id });
        return reload(tx, member, id);
      });
    },

    /** Edits the narrative, reason, action or indicators while open (a ready report goes back to draft); audited `sar.update`. */
    async update(ctx: ActorContext, member: Member, id: string, input: UpdateSarRequest): Promise<SarView> {
      const names = { narrative: 'sar.narrative', reasonForSuspicion: 'sar.reason', action: 'sar.action', indicators: 'sar.indicators' } as const;
      const changed = (Object.keys(names) as (keyof typeof names)[]).filter((k) => input[k] !== undefined);
      if (!changed.length) throw new AppError(ErrorCode.validation, 400, 'Nothing to change: send the narrative, reason, action or indicators');
      return d.audited(ctx, { action: 'sar.update', target: { type: 'sar_report', id }, fields: changed.map((k) => names[k]) }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id, { lock: true });
        assertOpen(row);
        const next: Content = { ...content };
        for (const k of changed) (next as unknown as Record<string, unknown>)[k] = input[k];
        const reopen = row.status === 'ready_for_review';
        await change(tx, row, input.version, {
          content_ct: encode(key, row.id, reopen ? { ...next, entity: null } : next),
          updated_by: member.id,
          ...(reopen ? { status: 'draft' as const, ready_by: null, ready_at: null } : {}),
        });
        await event(tx, key, row, { kind: 'edited', actorId: member.id, fields: changed.map((k) => names[k]) });
        if (reopen) await event(tx, key, row, { kind: 'reopened', from: 'ready_for_review', to: 'draft', actorId: member.id });
        return reload(tx, member, row.id);
      });
    },

    /** Marks a complete draft ready for review (the entity's settings are frozen into it); audited `sar.ready`. */
    async markReady(ctx: ActorContext, member: Member, id: string, version: number): Promise<SarView> {
      return d.audited(ctx, { action: 'sar.ready', target: { type: 'sar_report', id } }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id, { lock: true });
        assertOpen(row);
        if (row.status !== 'draft') throw conflict('Only a draft can be marked ready for review');
        const missing = [
          ...(content.narrative.trim() ? [] : ['narrative']),
          ...(content.reasonForSuspicion.trim() ? [] : ['reason for suspicion']),
          ...(content.subjects.length ? [] : ['a subject']),
        ];
        if (missing.length) throw conflict(`The report is not complete: ${missing.join(', ')}`);
        const { version: sv, settings } = await settingsIn(tx);
        await change(tx, row, version, {
          status: 'ready_for_review',
          ready_by: member.id,
          ready_at: now(),
          updated_by: member.id,
          content_ct: encode(key, row.id, { ...content, entity: { version: sv, settings } }),
        });
        await event(tx, key, row, { kind: 'ready', from: 'draft', to: 'ready_for_review', actorId: member.id });
        return reload(tx, member, row.id);
      });
    },

    /** Records the filing with the FIU (its acknowledgement number); four eyes: not by the drafter or the reviewer; audited `sar.file`. */
    async file(ctx: ActorContext, member: Member, id: string, input: FileSarRequest): Promise<SarView> {
      return d.audited(ctx, { action: 'sar.file', target: { type: 'sar_report', id }, fields: ['sar.fiu_reference'] }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id, { lock: true });
        assertOpen(row);
        if (row.status !== 'ready_for_review') throw conflict('Only a report that is ready for review can be filed');
        if (!secondPair(member, row)) {
          throw new AppError(ErrorCode.forbidden, 403, 'The member who drafted the report or marked it ready cannot file it (four eyes)', { denial: true });
        }
        const entity = content.entity ?? (await settingsIn(tx));
        await change(tx, row, input.version, {
          status: 'filed',
          filed_by: member.id,
          filed_at: now(),
          fiu_reference: input.fiuReference,
          updated_by: member.id,
          content_ct: encode(key, row.id, { ...content, entity: { version: entity.version, settings: entity.settings } }),
        });
        await event(tx, key, row, { kind: 'filed', from: 'ready_for_review', to: 'filed', actorId: member.id, fields: ['fiu_reference'] });
        return reload(tx, member, row.id);
      });
    },

    /** Withdraws an open report (with a reason, encrypted); a senior act; audited `sar.withdraw`. */
    async withdraw(ctx: ActorContext, member: Member, id: string, input: WithdrawSarRequest): Promise<SarView> {
      return d.audited(ctx, { action: 'sar.withdraw', target: { type: 'sar_report', id }, fields: ['sar.withdraw_reason'] }, async (tx) => {
        const { row, key } = await openSar(tx, member, id, { lock: true });
        assertOpen(row);
        await change(tx, row, input.version, { status: 'withdrawn', withdrawn_by: member.id, withdrawn_at: now(), updated_by: member.id });
        await event(tx, key, row, { kind: 'withdrawn', from: row.status, to: 'withdrawn', actorId: member.id, reason: input.reason });
        return reload(tx, member, row.id);
      });
    },

    /** The goAML XML of a report (not of a withdrawn one; the entity's FIU registration must be configured); audited `sar.export_goaml`. */
    async exportGoaml(ctx: ActorContext, member: Member, id: string): Promise<{ filename: string; xml: string }> {
      const fields = ['sar.subjects', 'sar.transactions', 'sar.narrative', 'sar.reason', 'sar.action'];
      return d.audited(ctx, { action: 'sar.export_goaml', target: { type: 'sar_report', id }, fields }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id);
        if (row.status === 'withdrawn') throw conflict('A withdrawn report is not exported to the FIU');
        const current = await settingsIn(tx);
        // The entity frozen when the report was marked ready; a draft (or one readied before set-up) takes today's.
        const entity = content.entity && content.entity.version > 0 ? content.entity : current.configured ? current : null;
        if (!entity) throw conflict("Configure the reporting entity's FIU registration first (SAR settings)");
        const xml = buildGoAml({
          reference: row.reference,
          submissionDate: now(),
          settings: entity.settings,
          subjects: content.subjects,
          transactions: content.transactions,
          activity: content.activity,
          narrative: content.narrative,
          reasonForSuspicion: content.reasonForSuspicion,
          action: content.action,
          indicators: content.indicators,
        });
        await event(tx, key, row, { kind: 'exported_goaml', actorId: member.id });
        return { filename: `${row.reference}.goaml.xml`, xml };
      });
    },

    /** The report as a PDF with the confidentiality footer, the exporter and the time; audited `sar.export_pdf`. */
    async exportPdf(ctx: ActorContext, member: Member, id: string): Promise<{ filename: string; pdf: Uint8Array }> {
      const fields = ['sar.subjects', 'sar.transactions', 'sar.narrative', 'sar.reason', 'sar.action'];
      const { filename, v, by } = await d.audited(ctx, { action: 'sar.export_pdf', target: { type: 'sar_report', id }, fields }, async (tx) => {
        const { row, key, content } = await openSar(tx, member, id);
        await event(tx, key, row, { kind: 'exported_pdf', actorId: member.id });
        const who = member.displayName ?? (await tx.selectFrom('staff').select('display_name').where('id', '=', member.id).executeTakeFirst())?.display_name ?? member.id;
        return { filename: `${row.reference}.pdf`, v: await view(tx, member, row, key, content), by: who };
      });
      // Rendered after the transaction (a long report must not hold a connection or an audit lane), and on a worker
      // thread when large (it must not stall the event loop either).
      return { filename, pdf: await renderSarPdfOffThread({ view: v, exportedBy: by, exportedAt: now() }) };
    },

    /** The reporting entity and goAML code tables in force; audited `sar.settings_view`. */
    async getSettings(ctx: ActorContext): Promise<SarSettingsView> {
      return read(ctx, { action: 'sar.settings_view', target: { type: 'sar_settings' } }, (tx) => settingsIn(tx));
    },

    /** Stores a new settings version (a concurrent change of the same version is a 409); audited `sar.settings_update`. */
    async updateSettings(ctx: ActorContext, member: Member, settings: SarSettings, baseVersion: number): Promise<SarSettingsView> {
      return d.audited(ctx, { action: 'sar.settings_update', target: { type: 'sar_settings' }, fields: Object.keys(settings).map((k) => `settings.${k}`) }, async (tx) => {
        const cur = await settingsIn(tx);
        if (cur.version !== baseVersion) throw conflict('The settings changed meanwhile; reload and try again');
        try {
          await repo.insertSettings(tx, { version: baseVersion + 1, settings: JSON.stringify(settings), changed_by: member.id, created_at: now() });
        } catch (err) {
          if ((err as { code?: string }).code === '23505') throw conflict('The settings changed meanwhile; reload and try again');
          throw err;
        }
        return settingsIn(tx);
      });
    },

    /** References, statuses and deadlines only (no personal data), for the CLI; audited `sar.deadlines`. */
    async deadlines(ctx: ActorContext, opts: { overdueOnly: boolean; status?: SarListQuery['status']; limit?: number }): Promise<SarSummary[]> {
      return read(ctx, { action: 'sar.deadlines', target: { type: 'sar_report' }, fields: opts.overdueOnly ? ['filter.overdue'] : [] }, async (tx) => {
        const rows = await repo.listSars(tx, { status: opts.status ?? 'open', overdueAt: opts.overdueOnly ? now() : undefined, limit: opts.limit ?? 500 });
        return rows.map(summary);
      });
    },
  };
}
