// The trader read path: every read is one audited transaction that checks the record-level rule, decrypts only
// the fields the member's roles let them see, applies the field policy and names the fields shown in the audit
// event. Revealing a masked field needs a reason, step-up (declared on the route), a role holding `reveal`
// for the field's class, and stays under a per-member hourly limit.
import { ErrorCode } from '../../../contracts/errors.js';
import { TIMELINE_KINDS } from '../../../contracts/traders.js';
import type {
  ProfileSection,
  ProfileView,
  RevealResponse,
  RolePreview,
  TimelineEntry,
  TimelinePage,
  TimelineKind,
  TraderListQuery,
  TraderNote,
  TraderPage,
  TraderView,
} from '../../../contracts/traders.js';
import { maskIp } from '../../platform/authz/masks.js';
import { findingKinds, scanSecrets } from '../../platform/dlp/secret-scanner.js';
import { randomUUID } from 'node:crypto';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import { NO_ACCESS, shownAs, type ClassPolicy } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx, AuditEventBuilder } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { isCryptoError } from '../../platform/crypto/errors.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { RolesService } from '../roles/index.js';
import { AUDIENCE_FIELDS, isTraderField, TRADER_FIELDS, TRADER_FIELD_NAMES, type TraderField, type TraderRecord } from './traders.fields.js';
import { isTraderId, mayOpenTraders, sectionsFor } from './traders.policy.js';
import { fieldsNeeded, presentTrader } from './traders.presenter.js';
import * as repo from './traders.repository.js';
import { decodeTimelineCursor, mergeTimeline } from './traders.timeline.js';
import { SAMPLE_TRADER, SAMPLE_TRADER_ID } from './traders.sample.js';

export interface TradersDeps {
  audited: Audited;
  vault: Vault;
  clock: Clock;
  roles: Pick<RolesService, 'fieldAccess' | 'exists'>;
  /** Reveals per member per rolling hour. */
  revealPerHour: number;
  /** Distinct traders a member may open per rolling hour before a security alert is raised (bulk viewing). */
  bulkViewAlertPerHour?: number;
  /** Raises a security alert in the caller's transaction (the security module). */
  raiseAlertIn?: (tx: AuditedTx, a: BulkAlert) => Promise<unknown>;
  /** audited() for reads (AuditWriter.auditedRead: read-only transaction, event appended before the answer); defaults to audited. */
  auditedRead?: Audited;
  /** Counts profile views (metrics); the incident issue reads the audit log through bulkViewing(). */
  onProfileView?: () => void;
}

export type { Member } from './traders.member.js';

/** What screening screens of a trader (decrypted; internal to the screening service, never presented as is). */
export interface ScreeningSubjects {
  id: string;
  kind: string;
  country: string;
  /** The trader was crypto-shredded: nothing personal is left to screen. */
  erased: boolean;
  legalName: string;
  dateOfBirth: string | null;
  persons: { id: string; role: 'director' | 'ubo'; name: string; dateOfBirth: string | null; nationality: string | null; ownershipPct: string | null }[];
  wallets: { id: string; chain: string; address: string }[];
}

/** A security alert the trader reads may raise (bulk viewing). */
export interface BulkAlert {
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  staffId: string | null;
  summary: string;
  details: Record<string, string | number | boolean | null>;
}
import type { Member } from './traders.member.js';

/** Fields whose change re-runs sanctions screening and the jurisdiction rules (KYC). */
export const SCREENED_FIELDS: ReadonlySet<TraderField> = new Set<TraderField>(['legalName', 'dateOfBirth', 'country']);

/** What changed about a trader, for the modules that react inside the same transaction (screening, KYC). */
export interface ScreenedFieldChange {
  traderId: string;
  /** The screened fields that were set (legalName, dateOfBirth, country). */
  fields: TraderField[];
  /** Set when the country changed. */
  country: { before: string; after: string } | null;
}

/** Runs inside the update's audited transaction: a throw aborts the update (nothing half-written). */
export type ScreenedFieldListener = (tx: AuditedTx, change: ScreenedFieldChange) => Promise<void>;

/**
 * A timeline source another module registers (KYC case events, AML screening events): entries about one trader,
 * newest first, at or before `before`, at most `limit`. Shown only to members holding `permission`.
 */
export interface TimelineSource {
  kind: 'kyc' | 'aml';
  permission: string;
  read: (tx: AuditedTx, traderId: string, before: Date, limit: number) => Promise<TimelineEntry[]>;
}

/**
 * Staff actions whose very existence is for compliance eyes only: a support agent seeing "screening run" or "KYC
 * case decided" in a trader's timeline could tip the trader off. Audit actions with these prefixes are left out of
 * the staff-action source for members without the permission (in SQL, so paging stays exact).
 */
const RESTRICTED_ACTIONS: readonly { prefix: string; permission: string }[] = [
  { prefix: 'screening.', permission: 'screening.read' },
  { prefix: 'kyc.', permission: 'kyc.read' },
  { prefix: 'trader.kyc_', permission: 'kyc.read' },
  // Issue 6: monitoring alerts, cases and (for their own holders only) suspicious-activity reports.
  { prefix: 'monitoring.', permission: 'monitoring.read' },
  { prefix: 'case.', permission: 'case.read' },
  { prefix: 'sar.', permission: 'sar.read' },
];

/** The editable fields and where each is stored (encrypted under the trader's key, blind index for search). */
const EDITABLE = {
  legalName: { column: 'legal_name_ct', bidx: ['name_bidx', 'trader.name'] },
  email: { column: 'email_ct', bidx: ['email_bidx', 'trader.email'] },
  phone: { column: 'phone_ct', bidx: ['phone_bidx', 'trader.phone'] },
  dateOfBirth: { column: 'date_of_birth_ct', bidx: null },
  country: { column: null, bidx: null },
} as const satisfies Partial<Record<TraderField, { column: string | null; bidx: readonly [string, string] | null }>>;
type EditableField = keyof typeof EDITABLE;
export type TraderPatch = Partial<{ legalName: string; email: string; phone: string; country: string; dateOfBirth: string | null }>;

/** A trader a member opened for one section: the public columns, the member's field policy, the subject key. */
export interface OpenedTrader {
  id: string;
  accountRef: string;
  kind: string;
  status: string;
  country: string;
  policy: ClassPolicy;
  sections: ProfileSection[];
  /** The trader's data key (throws a CryptoError `key_destroyed` once the trader was erased). */
  subjectKey(): Promise<SubjectKey>;
}

type TraderRow = NonNullable<Awaited<ReturnType<typeof repo.findTrader>>>;

/** Fields stored encrypted under the trader's key (reading any of them needs the key). */
const PERSONAL: readonly TraderField[] = ['legalName', 'displayName', 'email', 'phone', 'dateOfBirth', 'bankAccount', 'wallets', 'balances', 'registrationNumber', 'directors', 'ubos'];

/** Which child rows a read needs (only businesses have directors and UBOs). */
function bundleNeeds(needed: ReadonlySet<TraderField>, anyBusiness: boolean): repo.BundleNeeds {
  return { wallets: needed.has('wallets'), balances: needed.has('balances'), persons: anyBusiness && (needed.has('directors') || needed.has('ubos')) };
}

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such trader', { denial: true });

/** A reveal or a change needs a reason of at least 5 characters; a missing one is a denial (audited as such). */
function requireReason(reason: string | undefined, forWhat: string): void {
  if (!reason || reason.trim().length < 5) {
    throw new AppError(ErrorCode.validation, 400, `Give a reason ${forWhat} (at least 5 characters)`, {
      fieldErrors: [{ path: 'body.reason', message: 'at least 5 characters' }],
      denial: true,
    });
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isTraderId(id)) throw new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });
  return id.toLowerCase();
}

export type TradersService = ReturnType<typeof createTradersService>;

/** Creates the trader read service. */
export function createTradersService(d: TradersDeps) {
  // Reveals in flight (reserved, not yet committed or abandoned), per member: the audit log only counts committed
  // ones, and jobs of one group commit, or of parallel lanes, cannot see each other's events.
  const inFlight = new Map<string, number>();
  // Pure reads (profile, list, search, notes, timeline) take the read path: see AuditWriter.auditedRead.
  const read: Audited = d.auditedRead ?? d.audited;
  const screenedListeners: ScreenedFieldListener[] = [];
  const timelineSources: TimelineSource[] = [];

  /**
   * Decrypts the needed fields of the given rows with each trader's own data key. Two round trips whatever the
   * number of traders: the rows (the caller's), then one query for keys and child rows (bundlesOf).
   */
  async function loadRecords(
    tx: AuditedTx,
    rows: TraderRow[],
    needed: ReadonlySet<TraderField>,
    prefetched?: ReadonlyMap<string, repo.TraderBundle>,
  ): Promise<Map<string, Partial<TraderRecord>>> {
    const decrypting = PERSONAL.some((f) => needed.has(f));
    const bundles = !decrypting
      ? new Map<string, repo.TraderBundle>()
      : (prefetched ??
        new Map(
          (
            await repo.bundlesOf(
              tx,
              rows.map((r) => r.id),
              bundleNeeds(needed, rows.some((r) => r.kind === 'business')),
            )
          ).map((b) => [b.id, b]),
        ));
    const hex = (s: string) => Buffer.from(s, 'hex');
    const out = new Map<string, Partial<TraderRecord>>();
    for (const row of rows) {
      const rec: Partial<TraderRecord> = {
        accountRef: row.account_ref,
        kind: row.kind,
        status: row.status,
        country: row.country,
        createdAt: new Date(row.created_at).toISOString(),
        vip: row.vip,
        activityBand: row.activity_band,
      };
      out.set(row.id, rec);
      const b = bundles.get(row.id);
      if (!decrypting || !b) continue;
      let key;
      try {
        key = await d.vault.subjectKeyFromRow(row.id, b.key ? { wrapped: b.key.w === null ? null : hex(b.key.w) } : null);
      } catch (err) {
        // Crypto-shredded: the personal fields are gone for good and are left out (only public fields remain).
        if (!isCryptoError(err, 'key_destroyed')) throw err;
        continue;
      }
      const dec = (table: string, column: string, rowId: string, ct: Uint8Array) => d.vault.decryptForSubject(key, { table, column, rowId }, ct);
      if (needed.has('legalName') || needed.has('displayName')) {
        const legal = dec('trader', 'legal_name_ct', row.id, row.legal_name_ct);
        if (needed.has('legalName')) rec.legalName = legal;
        if (needed.has('displayName')) rec.displayName = legal.trim().split(/\s+/)[0] ?? '';
      }
      if (needed.has('email')) rec.email = dec('trader', 'email_ct', row.id, row.email_ct);
      if (needed.has('phone')) rec.phone = dec('trader', 'phone_ct', row.id, row.phone_ct);
      if (needed.has('dateOfBirth')) rec.dateOfBirth = row.date_of_birth_ct ? dec('trader', 'date_of_birth_ct', row.id, row.date_of_birth_ct) : null;
      if (needed.has('bankAccount')) rec.bankAccount = row.bank_account_ct ? dec('trader', 'bank_account_ct', row.id, row.bank_account_ct) : null;
      if (needed.has('registrationNumber')) {
        rec.registrationNumber = row.registration_number_ct ? dec('trader', 'registration_number_ct', row.id, row.registration_number_ct) : null;
      }
      // Individuals have no directors or UBOs: the fields stay unknown (left out), not empty.
      if (row.kind === 'business' && (needed.has('directors') || needed.has('ubos'))) {
        const people = (b.persons ?? []).map((p) => ({
          role: p.role,
          name: dec('trader_person', 'name_ct', p.id, hex(p.name)),
          dateOfBirth: p.dob ? dec('trader_person', 'date_of_birth_ct', p.id, hex(p.dob)) : null,
          nationality: p.nationality,
          ownershipPct: p.pct,
        }));
        if (needed.has('directors')) rec.directors = people.filter((p) => p.role === 'director');
        if (needed.has('ubos')) rec.ubos = people.filter((p) => p.role === 'ubo');
      }
      if (needed.has('wallets')) rec.wallets = (b.wallets ?? []).map((w) => ({ chain: w.chain, address: dec('trader_wallet', 'address_ct', w.id, hex(w.ct)) }));
      if (needed.has('balances')) rec.balances = (b.balances ?? []).map((x) => ({ asset: x.asset, amount: dec('trader_balance', 'amount_ct', `${row.id}/${x.asset}`, hex(x.ct)) }));
    }
    return out;
  }

  /**
   * Bulk viewing: a member opening many distinct traders in an hour is what a compromised laptop scraping the
   * back office looks like. Counted in this process (per member: trader → last view, kept in view order so that
   * expiring the hour is amortised O(1) — no query on the hot path); the audit log stays the record every
   * process agrees on (bulkViewing() below). One alert per member per window.
   */
  const views = new Map<string, { seen: Map<string, number>; alertedAt: number }>();
  function watchBulkViewing(member: Member, traderId: string): BulkAlert | undefined {
    const limit = d.bulkViewAlertPerHour;
    if (!limit) return undefined;
    const now = d.clock.now().getTime();
    let w = views.get(member.id);
    if (!w) views.set(member.id, (w = { seen: new Map(), alertedAt: 0 }));
    w.seen.delete(traderId);
    w.seen.set(traderId, now);
    for (const [id, at] of w.seen) {
      if (at > now - 3_600_000) break;
      w.seen.delete(id);
    }
    if (w.seen.size <= limit || w.alertedAt > now - 3_600_000) return undefined;
    w.alertedAt = now;
    return {
      kind: 'bulk_trader_viewing',
      severity: 'high',
      staffId: member.id,
      summary: `Opened more than ${limit} distinct trader profiles within an hour`,
      details: { distinctTraders: w.seen.size, windowMinutes: 60 },
    };
  }

  /** Decrypts only the screened fields of a page of traders (one query; each trader's own key). */
  async function screeningSubjects(tx: AuditedTx, opts: { after?: string | undefined; ids?: string[]; limit: number; wallets?: boolean }): Promise<ScreeningSubjects[]> {
    const rows = await repo.screeningRowsAfter(tx, opts);
    const hex = (s: string) => Buffer.from(s, 'hex');
    const out: ScreeningSubjects[] = [];
    for (const row of rows) {
      const base = { id: row.id, kind: row.kind, country: row.country };
      let key;
      try {
        key = await d.vault.subjectKeyFromRow(row.id, row.key ? { wrapped: row.key.w === null ? null : hex(row.key.w) } : null);
      } catch (err) {
        if (!isCryptoError(err, 'key_destroyed')) throw err;
        out.push({ ...base, erased: true, legalName: '', dateOfBirth: null, persons: [], wallets: [] });
        continue;
      }
      const dec = (table: string, column: string, rowId: string, ct: Uint8Array) => d.vault.decryptForSubject(key, { table, column, rowId }, ct);
      out.push({
        ...base,
        erased: false,
        legalName: dec('trader', 'legal_name_ct', row.id, row.legal_name_ct),
        dateOfBirth: row.date_of_birth_ct ? dec('trader', 'date_of_birth_ct', row.id, row.date_of_birth_ct) : null,
        persons: (row.persons ?? []).map((p) => ({
          id: p.id,
          role: p.role,
          name: dec('trader_person', 'name_ct', p.id, hex(p.name)),
          dateOfBirth: p.dob ? dec('trader_person', 'date_of_birth_ct', p.id, hex(p.dob)) : null,
          nationality: p.nationality,
          ownershipPct: p.pct,
        })),
        wallets: (row.wallets ?? []).map((w) => ({ id: w.id, chain: w.chain, address: dec('trader_wallet', 'address_ct', w.id, hex(w.ct)) })),
      });
    }
    return out;
  }

  /** Traders of a list or search answer, each masked like a single read; the fields shown go into the event. */
  async function presentRows(tx: AuditedTx, rows: TraderRow[], access: ClassPolicy, ev: AuditEventBuilder): Promise<TraderView[]> {
    const records = await loadRecords(tx, rows, fieldsNeeded(access));
    return rows.map((r) => {
      const { view, shown } = presentTrader(r.id, records.get(r.id)!, access);
      ev.addFields(...shown);
      return view;
    });
  }

  /** One trader's row and, when its personal fields are needed, its bundle, in one statement. */
  async function findOne(tx: AuditedTx, id: string, needed: ReadonlySet<TraderField>) {
    if (!PERSONAL.some((f) => needed.has(f))) {
      const row = await repo.findTrader(tx, id);
      return row ? { row, bundles: undefined } : undefined;
    }
    const found = await repo.findTraderWithBundle(tx, id, bundleNeeds(needed, true));
    return found ? { row: found.row as TraderRow, bundles: new Map([[found.row.id, found.bundle]]) } : undefined;
  }

  async function profileAccess(tx: AuditedTx, member: Member): Promise<ClassPolicy> {
    const access = await d.roles.fieldAccess(tx, member.roles, 'profile');
    if (!mayOpenTraders(access)) throw notFound();
    return access.policy;
  }

  /**
   * Opens one trader for one section of the profile, inside the caller's audited transaction: 404 when the
   * id is malformed, the trader missing or the member may not open traders; 403 (a denial) when the member
   * may open the trader but not this section. Every section endpoint of every module starts here.
   */
  async function openSection(tx: AuditedTx, member: Member, id: string, section: ProfileSection): Promise<OpenedTrader> {
    if (!isTraderId(id)) throw notFound();
    const policy = await profileAccess(tx, member);
    const row = await repo.findTrader(tx, id.toLowerCase());
    if (!row) throw notFound();
    const sections = sectionsFor(member.permissions, policy);
    if (!sections.includes(section)) {
      throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show this section of a trader', { denial: true });
    }
    return {
      id: row.id,
      accountRef: row.account_ref,
      kind: row.kind,
      status: row.status,
      country: row.country,
      policy,
      sections,
      subjectKey: () => d.vault.subjectKey(tx, row.id, { create: false }),
    };
  }

  return {
    /** See openSection above: the first call of every per-trader section endpoint. */
    openSection,

    /** The trader's anti-phishing code (class secret: only for stamping outgoing e-mail), or null when none is set. */
    async antiPhishingCode(tx: AuditedTx, traderId: string): Promise<string | null> {
      const row = await repo.findTrader(tx, traderId);
      if (!row?.anti_phishing_code_ct) return null;
      const key = await d.vault.subjectKey(tx, row.id, { create: false });
      return d.vault.decryptForSubject(key, { table: 'trader', column: 'anti_phishing_code_ct', rowId: row.id }, row.anti_phishing_code_ct);
    },

    /** Stores (or clears) the anti-phishing code the exchange reports for a trader. */
    async setAntiPhishingCode(tx: AuditedTx, traderId: string, code: string | null): Promise<void> {
      const key = await d.vault.subjectKey(tx, traderId, { create: false });
      const ct = code === null ? null : d.vault.encryptForSubject(key, { table: 'trader', column: 'anti_phishing_code_ct', rowId: traderId }, code);
      await repo.updateTrader(tx, traderId, { anti_phishing_code_ct: ct, updated_at: d.clock.now() });
    },

    /**
     * The trader's account reference, display name and (when asked) e-mail and phone, decrypted, for another
     * module that presents them through its own field policy (the support desk's ticket contact). Undefined when
     * the trader does not exist; without e-mail and phone once the trader was erased.
     */
    async contactOf(tx: AuditedTx, traderId: string, withContact: boolean): Promise<{ accountRef: string; displayName: string; email?: string; phone?: string } | undefined> {
      const row = await repo.findTrader(tx, traderId);
      if (!row) return undefined;
      const needed = new Set<TraderField>(withContact ? ['displayName', 'email', 'phone'] : ['displayName']);
      const rec = (await loadRecords(tx, [row], needed)).get(row.id)!;
      return { accountRef: row.account_ref, displayName: rec.displayName ?? '', ...(rec.email !== undefined ? { email: rec.email } : {}), ...(rec.phone !== undefined ? { phone: rec.phone } : {}) };
    },

    /** A trader's account reference and status, for jobs that act without a member (exchange sync, four-eyes execution). */
    async accountOf(tx: AuditedTx, traderId: string): Promise<{ id: string; account_ref: string; status: string } | undefined> {
      const row = await repo.findTrader(tx, traderId);
      return row ? { id: row.id, account_ref: row.account_ref, status: row.status } : undefined;
    },

    /**
     * What screening screens of one trader, decrypted: legal name, kind, date of birth, country, wallets, and the
     * directors and UBOs. Internal (service to service, no field policy): never returned to a client as is.
     * Undefined when the trader does not exist; `erased: true` (no personal fields) once the key was destroyed.
     */
    async screeningSubjectsOf(tx: AuditedTx, traderId: string): Promise<ScreeningSubjects | undefined> {
      return (await screeningSubjects(tx, { ids: [traderId], limit: 1 }))[0];
    },

    /**
     * Screening subjects of up to `limit` traders in id order after `after` (keyset; re-screening every trader).
     * `wallets: false` leaves wallets out (neither read nor decrypted) when the lists screened against hold none.
     */
    async screeningSubjectsPage(tx: AuditedTx, after: string | undefined, limit: number, opts: { wallets?: boolean } = {}): Promise<ScreeningSubjects[]> {
      return screeningSubjects(tx, { after, limit, ...opts });
    },

    /** Records a trader's status after the exchange froze or unfroze the account (the caller audits the action). */
    async setStatus(tx: AuditedTx, traderId: string, status: 'active' | 'frozen'): Promise<void> {
      await repo.updateTrader(tx, traderId, { status, updated_at: d.clock.now() });
    },

    /** Records a trader's KYC state as the KYC case decided it (the caller audits the decision). */
    async setKycState(tx: AuditedTx, traderId: string, kycState: 'not_started' | 'pending' | 'approved' | 'rejected' | 'expired'): Promise<void> {
      await repo.updateTrader(tx, traderId, { kyc_state: kycState, updated_at: d.clock.now() });
    },

    /** Records a trader's risk level from a KYC risk rating (the caller audits the rating). */
    async setRisk(tx: AuditedTx, traderId: string, risk: 'low' | 'medium' | 'high'): Promise<void> {
      await repo.updateTrader(tx, traderId, { risk, updated_at: d.clock.now() });
    },

    /** Ids of traders whose e-mail address is exactly this one (blind index; for matching inbound e-mail). */
    async idsByEmail(tx: AuditedTx, email: string): Promise<string[]> {
      const rows = await repo.findByEmailIndex(tx, d.vault.blindIndex('trader.email', email));
      return rows.map((r) => r.id);
    },

    /** The trader with this account reference (case-insensitive), or undefined. */
    async idByAccountRef(tx: AuditedTx, accountRef: string): Promise<string | undefined> {
      return (await repo.findByAccountRef(tx, accountRef))?.id;
    },

    /**
     * The profile page: the trader per the field policy, the sections this member sees, and the KYC state and risk
     * where those sections are shown. Audited `trader.view` naming the fields and the sections shown; bulk viewing
     * (many distinct traders in an hour) raises a security alert.
     */
    async profile(ctx: ActorContext, member: Member, id: string): Promise<ProfileView> {
      let bulk: BulkAlert | undefined;
      const out = await read(ctx, { action: 'trader.view', target: { type: 'trader', id } }, async (tx, ev) => {
        if (!isTraderId(id)) throw notFound();
        const access = await profileAccess(tx, member);
        const needed = fieldsNeeded(access);
        const found = await findOne(tx, id.toLowerCase(), needed);
        if (!found) throw notFound();
        const { row } = found;
        const records = await loadRecords(tx, [row], needed, found.bundles);
        const { view, shown } = presentTrader(row.id, records.get(row.id)!, access);
        const sections = sectionsFor(member.permissions, access);
        ev.addFields(...shown, ...sections.map((s) => `section.${s}`));
        const profile: ProfileView = { trader: view, sections };
        if (sections.includes('kyc')) profile.kyc = { state: row.kyc_state as NonNullable<ProfileView['kyc']>['state'] };
        if (sections.includes('risk')) profile.risk = { level: row.risk as NonNullable<ProfileView['risk']>['level'] };
        bulk = watchBulkViewing(member, row.id);
        return profile;
      });
      // A read cannot write: the alert is raised in its own audited transaction, before the answer leaves.
      if (bulk && d.raiseAlertIn) {
        const alert = bulk;
        await d.audited(ctx, { action: 'security.alert_raise', target: { type: 'staff', id: member.id } }, (tx) => d.raiseAlertIn!(tx, alert));
      }
      d.onProfileView?.();
      return out;
    },

    /** A filtered page of traders (keyset by id), each masked like a single read; filters that would tell a hidden section (risk, KYC state) are refused. */
    async list(ctx: ActorContext, member: Member, q: TraderListQuery): Promise<TraderPage> {
      const filterNames = (['status', 'country', 'risk', 'kycState', 'vip'] as const).filter((k) => q[k] !== undefined);
      return read(ctx, { action: 'trader.list', target: { type: 'trader' } }, async (tx, ev) => {
        ev.addFields(...filterNames.map((f) => `filter.${f}`));
        const after = q.cursor ? decodeCursor(q.cursor) : undefined;
        const access = await profileAccess(tx, member);
        const sections = sectionsFor(member.permissions, access);
        if ((q.risk && !sections.includes('risk')) || (q.kycState && !sections.includes('kyc'))) {
          throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show risk or KYC state, so you cannot filter by them', { denial: true });
        }
        const rows = await repo.listTradersFiltered(tx, { after, limit: q.limit + 1, filter: { status: q.status, country: q.country, risk: q.risk, kycState: q.kycState, vip: q.vip } });
        const page = rows.slice(0, q.limit);
        const traders = await presentRows(tx, page, access, ev);
        return { traders, nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.id) : null };
      });
    },

    /**
     * Exact-match search by e-mail, phone, legal name, account reference or wallet address through blind
     * indexes (the value is normalised and HMAC-ed; only its kind is audited, never the value).
     */
    async search(ctx: ActorContext, member: Member, by: 'email' | 'phone' | 'name' | 'accountRef' | 'wallet', value: string): Promise<TraderPage> {
      return read(ctx, { action: 'trader.search', target: { type: 'trader' }, fields: [`by.${by}`] }, async (tx, ev) => {
        const access = await profileAccess(tx, member);
        const limit = 25;
        let rows: TraderRow[];
        if (by === 'email') rows = await repo.findByIndex(tx, 'email_bidx', d.vault.blindIndex('trader.email', value), limit);
        else if (by === 'phone') rows = await repo.findByIndex(tx, 'phone_bidx', d.vault.blindIndex('trader.phone', value), limit);
        else if (by === 'name') rows = await repo.findByIndex(tx, 'name_bidx', d.vault.blindIndex('trader.name', value), limit);
        else if (by === 'wallet') rows = await repo.findByWalletIndex(tx, d.vault.blindIndex('wallet.address', value), limit);
        else {
          const r = await repo.findByAccountRef(tx, value);
          rows = r ? [r] : [];
        }
        return { traders: await presentRows(tx, rows, access, ev), nextCursor: null };
      });
    },

    /** Notes on a trader, newest first (section `notes`); audited `trader.notes_view`. */
    async notes(ctx: ActorContext, member: Member, id: string): Promise<TraderNote[]> {
      return read(ctx, { action: 'trader.notes_view', target: { type: 'trader', id } }, async (tx) => {
        const t = await openSection(tx, member, id, 'notes');
        const rows = await repo.notesOf(tx, t.id, 100);
        if (rows.length === 0) return [];
        const key = await t.subjectKey();
        return rows.map((n) => ({
          id: n.id,
          body: d.vault.decryptForSubject(key, { table: 'trader_note', column: 'body_ct', rowId: n.id }, n.body_ct),
          redactions: n.redactions,
          authorName: n.author_name ?? null,
          createdAt: new Date(n.created_at).toISOString(),
        }));
      });
    },

    /**
     * Adds a note. The text is scanned for secrets a trader must never share (seed phrases, private keys, API
     * secrets, card numbers); findings are redacted BEFORE encryption, the member is told, and the kinds (never
     * the values) are named in the audit event `trader.note_add` (plus `trader.secret_redacted`).
     */
    async addNote(ctx: ActorContext, member: Member, id: string, body: string): Promise<{ note: TraderNote; redacted: string[] }> {
      const scan = scanSecrets(body);
      const kinds = findingKinds(scan.findings);
      return d.audited(ctx, { action: 'trader.note_add', target: { type: 'trader', id }, fields: ['note.body', ...kinds.map((k) => `redacted.${k}`)] }, async (tx) => {
        const t = await openSection(tx, member, id, 'notes');
        const noteId = randomUUID();
        const key = await t.subjectKey();
        const now = d.clock.now();
        await repo.insertNote(tx, {
          id: noteId,
          trader_id: t.id,
          author_id: member.id,
          body_ct: d.vault.encryptForSubject(key, { table: 'trader_note', column: 'body_ct', rowId: noteId }, scan.text),
          redactions: kinds,
          created_at: now,
        });
        return { note: { id: noteId, body: scan.text, redactions: kinds, authorName: member.displayName ?? null, createdAt: now.toISOString() }, redacted: kinds };
      });
    },

    /**
     * The trader's timeline (section `timeline`): security events the exchange reported, staff actions on the trader
     * from the audit log (who, from which IP, what, why), and tickets, newest first. The trader's own IPs follow the
     * security field policy. Audited `trader.timeline_view`.
     */
    async timeline(ctx: ActorContext, member: Member, id: string, q: { kinds?: string[] | undefined; cursor?: string | undefined; limit: number }): Promise<TimelinePage> {
      return read(ctx, { action: 'trader.timeline_view', target: { type: 'trader', id } }, async (tx) => {
        const cursor = q.cursor ? decodeTimelineCursor(q.cursor) : undefined;
        if (q.cursor && !cursor) throw new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });
        const t = await openSection(tx, member, id, 'timeline');
        // KYC and AML entries only where the member's roles show them, and only once a module registered them.
        const visible = (TIMELINE_KINDS as readonly TimelineKind[]).filter((k) => {
          const src = timelineSources.find((s) => s.kind === k);
          return (k !== 'kyc' && k !== 'aml') || !src || member.permissions.has(src.permission);
        });
        const kinds = new Set<string>((q.kinds?.length ? q.kinds : visible).filter((k) => visible.includes(k as TimelineKind)));
        const before = cursor?.at ?? new Date(d.clock.now().getTime() + 1000);
        const n = q.limit + (cursor?.shown.length ?? 0) + 1;
        const sources: TimelineEntry[][] = [];
        if (kinds.has('security')) {
          const rows = await repo.securityEventsOf(tx, t.id, before, n);
          const sec = t.policy.security;
          const key = rows.some((r) => r.ip_ct || r.detail_ct) ? await t.subjectKey() : undefined;
          sources.push(
            rows.map((r) => {
              const ip = r.ip_ct && key && sec !== 'hidden' ? d.vault.decryptForSubject(key, { table: 'trader_security_event', column: 'ip_ct', rowId: r.id }, r.ip_ct) : null;
              const detail = r.detail_ct && key ? d.vault.decryptForSubject(key, { table: 'trader_security_event', column: 'detail_ct', rowId: r.id }, r.detail_ct) : '';
              return {
                id: `security:${r.id}`,
                kind: 'security' as const,
                at: new Date(r.occurred_at).toISOString(),
                event: r.kind,
                summary: securitySummary(r.kind, detail),
                actor: 'trader',
                ip: ip === null ? null : sec === 'full' ? ip : maskIp(ip),
                country: r.country,
                outcome: null,
                fields: [],
                reason: null,
              };
            }),
          );
        }
        if (kinds.has('staff')) {
          const hiddenPrefixes = RESTRICTED_ACTIONS.filter((r) => !member.permissions.has(r.permission)).map((r) => r.prefix);
          const rows = await repo.auditEventsOf(tx, t.id, before, n, hiddenPrefixes);
          sources.push(
            rows.map((r) => ({
              id: `staff:${String(r.seq)}`,
              kind: 'staff' as const,
              at: new Date(r.time).toISOString(),
              event: r.action,
              summary: staffSummary(r.action, r.fields),
              actor: r.actor_name ?? r.actor_type,
              ip: r.actor_ip,
              country: null,
              outcome: r.outcome,
              fields: r.fields,
              reason: r.reason,
            })),
          );
        }
        if (kinds.has('ticket')) {
          const rows = await repo.ticketsOf(tx, t.id, before, n);
          sources.push(
            rows.map((r) => ({
              id: `ticket:${r.id}`,
              kind: 'ticket' as const,
              at: new Date(r.created_at).toISOString(),
              event: 'ticket.opened',
              summary: `Ticket #${String(r.number)} opened (${r.channel}, ${r.priority} priority); now ${r.status}`,
              actor: r.channel === 'staff' ? 'staff' : 'trader',
              ip: null,
              country: null,
              outcome: null,
              fields: [],
              reason: null,
            })),
          );
        }
        for (const src of timelineSources) {
          if (kinds.has(src.kind) && member.permissions.has(src.permission)) sources.push(await src.read(tx, t.id, before, n));
        }
        const page = mergeTimeline(sources, cursor, q.limit);
        const registered = new Set(timelineSources.map((s) => s.kind));
        return { ...page, kinds: visible, notYetRecorded: (['kyc', 'aml'] as const).filter((k) => !registered.has(k)) };
      });
    },

    /** Distinct traders a member opened since a moment, from the audit log (for incident response). */
    async bulkViewing(ctx: ActorContext, staffId: string, since: Date): Promise<number> {
      return d.audited(ctx, { action: 'trader.bulk_viewing_check', target: { type: 'staff', id: staffId } }, async (tx) => repo.distinctViewsSince(tx, staffId, since));
    },

    /** One trader as the member's roles let them see it; audited `trader.view` with the names of the fields shown. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<TraderView> {
      return read(ctx, { action: 'trader.view', target: { type: 'trader', id } }, async (tx, ev) => {
        if (!isTraderId(id)) throw notFound();
        const access = await profileAccess(tx, member);
        const needed = fieldsNeeded(access);
        const found = await findOne(tx, id.toLowerCase(), needed);
        if (!found) throw notFound();
        const records = await loadRecords(tx, [found.row], needed, found.bundles);
        const { view, shown } = presentTrader(found.row.id, records.get(found.row.id)!, access);
        ev.addFields(...shown);
        return view;
      });
    },

    /** Reveals one masked field (see the file comment); audited `trader.reveal` with the reason and the field. */
    async reveal(ctx: ActorContext, member: Member, id: string, field: string, reason: string | undefined): Promise<RevealResponse> {
      let counted = false;
      try {
        return await d.audited(
          ctx,
          // The field is named in the event only when it is a real field: the event never carries free text but the reason.
          { action: 'trader.reveal', target: { type: 'trader', id }, reason: reason?.trim() || undefined, fields: [isTraderField(field) ? field : 'unknown_field'] },
          async (tx) => {
            if (!isTraderId(id)) throw notFound();
            if (!isTraderField(field)) {
              throw new AppError(ErrorCode.validation, 400, 'No such field', { fieldErrors: [{ path: 'body.field', message: 'unknown field' }], denial: true });
            }
            requireReason(reason, 'for revealing this field');
            const access = await profileAccess(tx, member);
            const spec = TRADER_FIELDS[field];
            // Secret fields are never revealed; other classes only where a role holds `reveal`.
            if (spec.class === 'secret' || access[spec.class] !== 'reveal') {
              throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not allow revealing this field', { denial: true });
            }
            const row = await repo.findTrader(tx, id.toLowerCase());
            if (!row) throw notFound();
            // Reserve first, synchronously, and remember how many reveals were in flight then: a reveal in flight
            // at that moment is counted here; one that finished before it is committed, so the count (which runs
            // after) sees it; one that starts later sees this reservation. Never under-counted, at worst over.
            const others = inFlight.get(member.id) ?? 0;
            inFlight.set(member.id, others + 1);
            counted = true;
            const since = new Date(d.clock.now().getTime() - 3_600_000);
            const used = (await repo.countRevealsSince(tx, member.id, since)) + others;
            if (used >= d.revealPerHour) {
              throw new AppError(ErrorCode.rateLimited, 429, `You have revealed ${d.revealPerHour} fields in the last hour; try again later`, {
                denial: true,
                headers: { 'retry-after': '3600' },
              });
            }
            const rec = (await loadRecords(tx, [row], new Set([field]))).get(row.id)!;
            const value = rec[field];
            return { field, value: (value ?? null) as RevealResponse['value'] };
          },
        );
      } finally {
        if (counted) {
          const n = (inFlight.get(member.id) ?? 1) - 1;
          if (n > 0) inFlight.set(member.id, n);
          else inFlight.delete(member.id);
        }
      }
    },

    /** Registers a source of timeline entries (KYC case events, AML screening events), shown to holders of its permission. */
    addTimelineSource(source: TimelineSource): void {
      timelineSources.push(source);
    },

    /** Registers a listener called, inside the update's transaction, when a screened field of a trader changes. */
    onScreenedFieldChange(listener: ScreenedFieldListener): void {
      screenedListeners.push(listener);
    },

    /**
     * Changes a trader's details on their verified request: reason required, only classes the member's roles show
     * (a member cannot overwrite what they cannot see), re-encrypted under the trader's key with fresh blind indexes.
     * A change of a screened field calls the screened-field listeners in the same transaction. Audited
     * `trader.update` naming the fields changed, never their values.
     */
    async update(ctx: ActorContext, member: Member, id: string, patch: TraderPatch, reason: string | undefined): Promise<TraderView> {
      const fields = (Object.keys(EDITABLE) as EditableField[]).filter((f) => patch[f] !== undefined);
      return d.audited(ctx, { action: 'trader.update', target: { type: 'trader', id }, reason: reason?.trim() || undefined, fields }, async (tx) => {
        if (!isTraderId(id)) throw notFound();
        if (fields.length === 0) {
          throw new AppError(ErrorCode.validation, 400, 'Nothing to change: give at least one field', { fieldErrors: [{ path: 'body', message: 'no field given' }] });
        }
        requireReason(reason, 'for this change');
        const access = await profileAccess(tx, member);
        const hidden = fields.filter((f) => access[TRADER_FIELDS[f].class] === 'hidden');
        if (hidden.length > 0) {
          throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show these fields, so they cannot change them', {
            fieldErrors: hidden.map((f) => ({ path: `body.${f}`, message: 'hidden to your roles' })),
            denial: true,
          });
        }
        const row = await repo.findTrader(tx, id.toLowerCase());
        if (!row) throw notFound();
        const key = await d.vault.subjectKey(tx, row.id, { create: false });
        const set: Record<string, unknown> = { updated_at: d.clock.now() };
        for (const f of fields) {
          const value = patch[f];
          const spec = EDITABLE[f];
          if (f === 'country') set.country = value;
          if (spec.column) set[spec.column] = value === null ? null : d.vault.encryptForSubject(key, { table: 'trader', column: spec.column, rowId: row.id }, value!);
          if (spec.bidx && value) set[spec.bidx[0]] = d.vault.blindIndex(spec.bidx[1], value);
        }
        await repo.updateTrader(tx, row.id, set);
        const screened = fields.filter((f) => SCREENED_FIELDS.has(f));
        if (screened.length > 0) {
          const country = patch.country !== undefined && patch.country !== row.country ? { before: row.country, after: patch.country } : null;
          for (const listener of screenedListeners) await listener(tx, { traderId: row.id, fields: screened, country });
        }
        const needed = fieldsNeeded(access);
        const found = await findOne(tx, row.id, needed);
        const records = await loadRecords(tx, [found!.row], needed, found!.bundles);
        return presentTrader(row.id, records.get(row.id)!, access).view;
      });
    },

    /** The fixed sample trader as a role sees it (never a real trader); audited `role.preview`. */
    async previewForRole(ctx: ActorContext, role: string): Promise<RolePreview> {
      return d.audited(ctx, { action: 'role.preview', target: { type: 'role', id: role } }, async (tx) => {
        if (!(await d.roles.exists(tx, role))) throw new AppError(ErrorCode.notFound, 404, 'No such role');
        let view: RolePreview['view'] = 'none';
        let access: ClassPolicy = NO_ACCESS;
        let only: ReadonlySet<string> | undefined;
        const profile = await d.roles.fieldAccess(tx, [role], 'profile');
        if (profile.canView) {
          view = 'profile';
          access = profile.policy;
        } else {
          const audience = await d.roles.fieldAccess(tx, [role], 'audience');
          if (audience.canView) {
            view = 'audience';
            access = audience.policy;
            only = AUDIENCE_FIELDS;
          }
        }
        const { view: sample } = presentTrader(SAMPLE_TRADER_ID, SAMPLE_TRADER, access, only);
        const revealable = new Set(sample.revealable);
        return {
          role,
          view,
          sample,
          fields: TRADER_FIELD_NAMES.map((name) => ({
            name,
            label: TRADER_FIELDS[name].label,
            class: TRADER_FIELDS[name].class,
            shown: only && !only.has(name) ? ('hidden' as const) : shownAs(TRADER_FIELDS[name], access),
            revealable: revealable.has(name),
          })),
        };
      });
    },
  };
}

/** One line for a security event the exchange reported. */
function securitySummary(kind: string, detail: string): string {
  const what: Record<string, string> = {
    'two_factor.disabled': '2FA disabled',
    'two_factor.enabled': '2FA enabled',
    'password.changed': 'Password changed',
    'api_key.created': 'API key created',
    'api_key.revoked': 'API key revoked',
    'withdrawal_address.added': 'Withdrawal address added',
    login: 'Signed in',
    'anti_phishing.changed': 'Anti-phishing code changed',
  };
  const base = what[kind] ?? kind.replace(/[_.]/g, ' ');
  return detail ? `${base}: ${detail}` : base;
}

/** One line for a staff action on the trader, from the audit action and the fields it names. */
function staffSummary(action: string, fields: string[]): string {
  const shown = fields.filter((f) => !f.startsWith('section.') && !f.startsWith('filter.'));
  const what: Record<string, string> = {
    'trader.view': 'Viewed the profile',
    'trader.reveal': 'Revealed a masked field',
    'trader.note_add': 'Added a note',
    'trader.notes_view': 'Read the notes',
    'trader.timeline_view': 'Read the timeline',
    'trader.create': 'Created the trader',
  };
  const base = what[action] ?? action;
  return shown.length ? `${base} (${shown.slice(0, 8).join(', ')}${shown.length > 8 ? ', …' : ''})` : base;
}
