// The trader read path: every read is one audited transaction that checks the record-level rule, decrypts only
// the fields the member's roles let them see, applies the field policy and names the fields shown in the audit
// event. Revealing a masked field needs a reason, step-up (declared on the route), a role holding `reveal`
// for the field's class, and stays under a per-member hourly limit.
import { ErrorCode } from '../../../contracts/errors.js';
import type { ProfileSection, RevealResponse, RolePreview, TraderPage, TraderView } from '../../../contracts/traders.js';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import { NO_ACCESS, shownAs, type ClassPolicy } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
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
import { SAMPLE_TRADER, SAMPLE_TRADER_ID } from './traders.sample.js';

export interface TradersDeps {
  audited: Audited;
  vault: Vault;
  clock: Clock;
  roles: Pick<RolesService, 'fieldAccess' | 'exists'>;
  /** Reveals per member per rolling hour. */
  revealPerHour: number;
}

export type { Member } from './traders.member.js';
import type { Member } from './traders.member.js';

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

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such trader', { denial: true });

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

  /** Decrypts the needed fields of the given rows with each trader's own data key. */
  async function loadRecords(tx: AuditedTx, rows: TraderRow[], needed: ReadonlySet<TraderField>): Promise<Map<string, Partial<TraderRecord>>> {
    const ids = rows.map((r) => r.id);
    const wallets = needed.has('wallets') ? await repo.walletsOf(tx, ids) : [];
    const balances = needed.has('balances') ? await repo.balancesOf(tx, ids) : [];
    const personal: TraderField[] = ['legalName', 'displayName', 'email', 'phone', 'dateOfBirth', 'bankAccount', 'wallets', 'balances'];
    const out = new Map<string, Partial<TraderRecord>>();
    for (const row of rows) {
      const rec: Partial<TraderRecord> = {
        accountRef: row.account_ref,
        kind: row.kind,
        status: row.status,
        country: row.country,
        createdAt: new Date(row.created_at).toISOString(),
      };
      out.set(row.id, rec);
      if (!personal.some((f) => needed.has(f))) continue;
      let key;
      try {
        key = await d.vault.subjectKey(tx, row.id, { create: false });
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
      if (needed.has('wallets')) {
        rec.wallets = wallets.filter((w) => w.trader_id === row.id).map((w) => ({ chain: w.chain, address: dec('trader_wallet', 'address_ct', w.id, w.address_ct) }));
      }
      if (needed.has('balances')) {
        rec.balances = balances
          .filter((b) => b.trader_id === row.id)
          .map((b) => ({ asset: b.asset, amount: dec('trader_balance', 'amount_ct', `${row.id}/${b.asset}`, b.amount_ct) }));
      }
    }
    return out;
  }

  async function profileAccess(tx: AuditedTx, member: Member): Promise<ClassPolicy> {
    const access = await d.roles.fieldAccess(tx, member.roles, 'profile');
    if (!mayOpenTraders(access)) throw notFound();
    return access.policy;
  }

  return {
    /**
     * Opens one trader for one section of the profile, inside the caller's audited transaction: 404 when the
     * id is malformed, the trader missing or the member may not open traders; 403 (a denial) when the member
     * may open the trader but not this section. Every section endpoint of every module starts here.
     */
    async openSection(tx: AuditedTx, member: Member, id: string, section: ProfileSection): Promise<OpenedTrader> {
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
    },

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

    /** Ids of traders whose e-mail address is exactly this one (blind index; for matching inbound e-mail). */
    async idsByEmail(tx: AuditedTx, email: string): Promise<string[]> {
      const rows = await repo.findByEmailIndex(tx, d.vault.blindIndex('trader.email', email));
      return rows.map((r) => r.id);
    },

    /** The trader with this account reference (case-insensitive), or undefined. */
    async idByAccountRef(tx: AuditedTx, accountRef: string): Promise<string | undefined> {
      return (await repo.findByAccountRef(tx, accountRef))?.id;
    },

    /** One trader as the member's roles let them see it; audited `trader.view` with the names of the fields shown. */
    async get(ctx: ActorContext, member: Member, id: string): Promise<TraderView> {
      return d.audited(ctx, { action: 'trader.view', target: { type: 'trader', id } }, async (tx, ev) => {
        if (!isTraderId(id)) throw notFound();
        const access = await profileAccess(tx, member);
        const row = await repo.findTrader(tx, id.toLowerCase());
        if (!row) throw notFound();
        const records = await loadRecords(tx, [row], fieldsNeeded(access));
        const { view, shown } = presentTrader(row.id, records.get(row.id)!, access);
        ev.addFields(...shown);
        return view;
      });
    },

    /** A page of traders, each masked like a single read; audited `trader.list` with the fields shown. */
    async list(ctx: ActorContext, member: Member, q: { limit: number; cursor?: string | undefined }): Promise<TraderPage> {
      return d.audited(ctx, { action: 'trader.list', target: { type: 'trader' } }, async (tx, ev) => {
        const after = q.cursor ? decodeCursor(q.cursor) : undefined;
        const access = await profileAccess(tx, member);
        const rows = await repo.listTraders(tx, { after, limit: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        const records = await loadRecords(tx, page, fieldsNeeded(access));
        const traders = page.map((r) => {
          const { view, shown } = presentTrader(r.id, records.get(r.id)!, access);
          ev.addFields(...shown);
          return view;
        });
        return { traders, nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.id) : null };
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
            if (!reason || reason.trim().length < 5) {
              throw new AppError(ErrorCode.validation, 400, 'Give a reason for revealing this field (at least 5 characters)', {
                fieldErrors: [{ path: 'body.reason', message: 'at least 5 characters' }],
                denial: true,
              });
            }
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
