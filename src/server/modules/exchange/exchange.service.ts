// The read-only view of the trading engine, and its containment actions.
//
// A section read runs in three steps so that no database transaction is held open while the exchange answers
// (a slow exchange must not stall the audit lanes every other request needs):
//   1. audited `trader.exchange.view`: openSection (404 / 403 first, before anything else), the connection,
//      the last good answer (snapshot) and the trader's data key;
//   2. outside any transaction: the connector call (signed, with timeout, retries and the circuit breaker);
//   3. on success, audited `trader.exchange.refresh`: the new snapshot (encrypted under the trader's key, bound
//      to trader + kind), and for the security section the reported events and the anti-phishing code.
// When the exchange fails, the last good answer is served with `stale: true` and its fetch time; with none,
// 503 `exchange_unavailable`. Not configured: 503 `exchange_not_connected`.
//
// Containment writes (freeze, unfreeze, revoke an API key, end sessions) are rare, need step-up and a reason,
// and must be recorded with their real outcome, so they call the exchange inside their audited transaction.
// Withdrawal limits are changed by the withdrawal-limits module (requests, four eyes, decreases), which reaches
// the exchange through connectorIn() and maps failures with problemOf().
import { randomUUID } from 'node:crypto';
import type {
  AnySectionAnswer,
  ConnectionStatus,
  ConnectionUpdate,
  ExchangeApiKey,
  ExchangeBalance,
  ExchangeOrder,
  ExchangeSection,
  ExchangeSecurityEvent,
  ExchangeSecuritySettings,
  ExchangeTrade,
  SectionAnswer,
} from '../../../contracts/exchange.js';
import { ErrorCode } from '../../../contracts/errors.js';
import { presentFields, shownAs, type AnyFieldSpec, type ClassPolicy, type FieldPolicy } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { SubjectKey } from '../../platform/crypto/envelope.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { Member, TradersService } from '../traders/index.js';
import { ExchangeError, type ExchangeConnector } from './exchange.connector.js';
import {
  API_KEY_FIELDS,
  BALANCE_FIELDS,
  ORDER_FIELDS,
  SECURITY_EVENT_FIELDS,
  SECURITY_SETTINGS_FIELDS,
  TRADE_FIELDS,
  TRANSFER_FIELDS,
  type TransferRecord,
} from './exchange.fields.js';
import { createHttpConnector, type BreakerState, type HttpConnectorOptions } from './exchange.http.js';
import * as repo from './exchange.repository.js';

export interface ExchangeDeps {
  audited: Audited;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'setAntiPhishingCode' | 'accountOf' | 'setStatus'>;
  /** http: only loopback hosts unless true (development and tests). */
  allowPlainHttp: boolean;
  /** Timeouts, retries and breaker settings (tests make them tiny). */
  http?: Partial<Omit<HttpConnectorOptions, 'baseUrl' | 'keyId' | 'secret'>>;
}

/** What each section reads from the exchange, as stored in its snapshot (never the anti-phishing code). */
interface Payloads {
  balances: ExchangeBalance[];
  orders: ExchangeOrder[];
  trades: ExchangeTrade[];
  transfers: TransferRecord[];
  apiKeys: ExchangeApiKey[];
  security: { settings: ExchangeSecuritySettings; events: ExchangeSecurityEvent[] };
}

/** The snapshot kind of each section (exchange_snapshot.kind). */
const KIND: { readonly [S in ExchangeSection]: string } = {
  balances: 'balances',
  orders: 'orders',
  trades: 'trades',
  transfers: 'transfers',
  apiKeys: 'api_keys',
  security: 'security',
};

const ROW_POLICY: { readonly [S in ExchangeSection]: FieldPolicy<object> } = {
  balances: BALANCE_FIELDS,
  orders: ORDER_FIELDS,
  trades: TRADE_FIELDS,
  transfers: TRANSFER_FIELDS,
  apiKeys: API_KEY_FIELDS,
  security: SECURITY_EVENT_FIELDS,
};

async function fetchSection<S extends ExchangeSection>(c: ExchangeConnector, ref: string, section: S): Promise<Payloads[S]> {
  const read: { [K in ExchangeSection]: () => Promise<Payloads[K]> } = {
    balances: () => c.balances(ref),
    orders: () => c.openOrders(ref),
    trades: () => c.recentTrades(ref),
    transfers: async () => {
      const [deps, wds] = await Promise.all([c.deposits(ref), c.withdrawals(ref)]);
      const all: TransferRecord[] = [...deps.map((t) => ({ ...t, direction: 'deposit' as const })), ...wds.map((t) => ({ ...t, direction: 'withdrawal' as const }))];
      return all.sort((a, b) => b.at.localeCompare(a.at));
    },
    apiKeys: () => c.apiKeys(ref),
    security: async () => {
      const [settings, events] = await Promise.all([c.securitySettings(ref), c.securityEvents(ref)]);
      return { settings, events };
    },
  };
  return read[section]() as Promise<Payloads[S]>;
}

/** Field names (as `section.field`) a member with this policy is shown of a section: for the audit event. */
function shownFields(section: ExchangeSection, policy: ClassPolicy): string[] {
  const specs: [string, AnyFieldSpec][] = Object.entries(ROW_POLICY[section]) as [string, AnyFieldSpec][];
  if (section === 'security') specs.push(...(Object.entries(SECURITY_SETTINGS_FIELDS) as [string, AnyFieldSpec][]).map(([n, s]) => [`settings.${n}`, s] as [string, AnyFieldSpec]));
  return specs.filter(([, s]) => shownAs(s, policy) !== 'hidden').map(([n]) => `${KIND[section]}.${n}`);
}

function present(section: ExchangeSection, payload: Payloads[ExchangeSection], policy: ClassPolicy, fresh: { stale: boolean; fetchedAt: string }): AnySectionAnswer {
  const masked = new Set<string>();
  const rowsOf = <R extends object>(fields: FieldPolicy<R>, rows: R[]) =>
    rows.map((r) => {
      const p = presentFields(fields, r, policy);
      for (const m of p.masked) masked.add(m);
      return p.fields;
    });
  if (section === 'security') {
    const s = payload as Payloads['security'];
    const settings = presentFields(SECURITY_SETTINGS_FIELDS, s.settings, policy);
    for (const m of settings.masked) masked.add(`settings.${m}`);
    return { ...fresh, settings: settings.fields, rows: rowsOf(SECURITY_EVENT_FIELDS, s.events), masked: [...masked] } as AnySectionAnswer;
  }
  const rows = rowsOf(ROW_POLICY[section] as FieldPolicy<object>, payload as object[]);
  return { ...fresh, rows, masked: [...masked] } as AnySectionAnswer;
}

const reasonError = () =>
  new AppError(ErrorCode.validation, 400, 'Give a reason (at least 5 characters)', { fieldErrors: [{ path: 'body.reason', message: 'at least 5 characters' }], denial: true });

/** Maps a connector failure to the problem the API answers (never the exchange's own body). */
export function problemOf(err: unknown): unknown {
  if (!(err instanceof ExchangeError)) return err;
  if (err.kind === 'not_found') return new AppError(ErrorCode.notFound, 404, 'The exchange does not know this account or API key');
  if (err.kind === 'unavailable') return new AppError(ErrorCode.exchangeUnavailable, 503, 'The exchange is unavailable; try again later', { headers: { 'retry-after': '30' } });
  return new AppError(ErrorCode.exchangeRejected, 502, 'The exchange refused the request or answered outside the contract');
}

const notConnected = () => new AppError(ErrorCode.exchangeNotConnected, 503, 'The exchange is not connected (an administrator sets the connection under Settings)');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type ExchangeService = ReturnType<typeof createExchangeService>;

/** Creates the exchange service (one connector per configured connection, rebuilt when it changes). */
export function createExchangeService(d: ExchangeDeps) {
  let current: { stamp: string; connector: ExchangeConnector; breakerState(): BreakerState } | undefined;

  /** The connector of the stored connection (decrypting the secret only when the connection changed). */
  async function connectorIn(tx: AuditedTx): Promise<ExchangeConnector | undefined> {
    const row = await repo.findConnection(tx);
    if (!row) return undefined;
    const stamp = `${row.base_url}\n${row.key_id}\n${new Date(row.updated_at).toISOString()}`;
    if (current?.stamp !== stamp) {
      const secret = await d.vault.decrypt({ table: 'exchange_connection', column: 'secret_ct', rowId: 'default' }, row.secret_ct);
      current = { stamp, ...createHttpConnector({ ...d.http, baseUrl: row.base_url, keyId: row.key_id, secret }) };
    }
    return current.connector;
  }

  async function requireConnector(tx: AuditedTx): Promise<ExchangeConnector> {
    const c = await connectorIn(tx);
    if (!c) throw notConnected();
    return c;
  }

  /** Stores a good answer: the snapshot, and for security the events (dedup) and the anti-phishing code. */
  async function store(tx: AuditedTx, traderId: string, key: SubjectKey, section: ExchangeSection, payload: Payloads[ExchangeSection], at: Date, antiPhishing?: string | null) {
    const kind = KIND[section];
    const payload_ct = d.vault.encryptForSubject(key, { table: 'exchange_snapshot', column: 'payload_ct', rowId: `${traderId}/${kind}` }, JSON.stringify(payload));
    await repo.saveSnapshot(tx, { trader_id: traderId, kind, payload_ct, fetched_at: at });
    if (section !== 'security') return;
    const events = (payload as Payloads['security']).events;
    await repo.insertSecurityEvents(
      tx,
      events.map((e) => {
        const id = randomUUID();
        const enc = (column: string, v: string | null) => (v === null ? null : d.vault.encryptForSubject(key, { table: 'trader_security_event', column, rowId: id }, v));
        return { id, trader_id: traderId, exchange_event_id: e.eventId, kind: e.kind, occurred_at: new Date(e.occurredAt), ip_ct: enc('ip_ct', e.ip), country: e.country, detail_ct: enc('detail_ct', e.detail), received_at: at };
      }),
    );
    if (antiPhishing !== undefined) await d.traders.setAntiPhishingCode(tx, traderId, antiPhishing);
  }

  /** Reads one section from the exchange for a trader with the given key; the anti-phishing code rides along for security. */
  async function fetchWithCode(c: ExchangeConnector, ref: string, section: ExchangeSection) {
    const [payload, code] = await Promise.all([fetchSection(c, ref, section), section === 'security' ? c.antiPhishingCode(ref) : Promise.resolve(undefined)]);
    return { payload, code };
  }

  async function contain(
    ctx: ActorContext,
    member: Member,
    traderId: string,
    action: 'freeze' | 'unfreeze' | 'end_sessions' | 'api_key.revoke',
    reason: string | undefined,
    run: (c: ExchangeConnector, accountRef: string) => Promise<void>,
    status?: 'active' | 'frozen',
  ): Promise<{ ok: true; status?: string }> {
    const why = reason?.trim();
    return d.audited(ctx, { action: `trader.exchange.${action}`, target: { type: 'trader', id: traderId }, reason: why || undefined }, async (tx) => {
      // The section first: a trader the member may not open is a 404, whatever else is wrong.
      const t = await d.traders.openSection(tx, member, traderId, 'security');
      if (!why || why.length < 5) throw reasonError();
      const c = await requireConnector(tx);
      try {
        await run(c, t.accountRef);
      } catch (err) {
        throw problemOf(err);
      }
      if (status) await d.traders.setStatus(tx, t.id, status);
      return status ? { ok: true as const, status } : { ok: true as const };
    });
  }

  return {
    /**
     * The connector of the stored connection, inside the caller's audited transaction (503 when none is set): for
     * the withdrawal-limits module, which reads limits outside transactions and sets them inside its decisions.
     */
    connectorIn: requireConnector,

    /** One exchange section of a trader as the member's roles let them see it (see the file comment for the steps). */
    async view<S extends ExchangeSection>(ctx: ActorContext, member: Member, traderId: string, section: S): Promise<SectionAnswer<S>> {
      const kind = KIND[section];
      const opened = await d.audited(ctx, { action: 'trader.exchange.view', target: { type: 'trader', id: traderId } }, async (tx, ev) => {
        const t = await d.traders.openSection(tx, member, traderId, section);
        ev.addFields(...shownFields(section, t.policy));
        const connector = await connectorIn(tx);
        if (!connector) throw notConnected();
        const snapshot = await repo.findSnapshot(tx, t.id, kind);
        return { t, connector, snapshot, key: await t.subjectKey() };
      });
      const { t, connector, snapshot, key } = opened;
      try {
        const { payload, code } = await fetchWithCode(connector, t.accountRef, section);
        const at = d.clock.now();
        await d.audited(ctx, { action: 'trader.exchange.refresh', target: { type: 'trader', id: t.id }, fields: [`exchange_snapshot.${kind}`] }, (tx) =>
          store(tx, t.id, key, section, payload, at, code),
        );
        return present(section, payload, t.policy, { stale: false, fetchedAt: at.toISOString() }) as SectionAnswer<S>;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        if (!snapshot) throw problemOf(err.kind === 'not_found' ? err : new ExchangeError('unavailable', err.message));
        const json = d.vault.decryptForSubject(key, { table: 'exchange_snapshot', column: 'payload_ct', rowId: `${t.id}/${kind}` }, snapshot.payload_ct);
        const fetchedAt = new Date(snapshot.fetched_at).toISOString();
        return present(section, JSON.parse(json) as Payloads[S], t.policy, { stale: true, fetchedAt }) as SectionAnswer<S>;
      }
    },

    /** Refreshes every section of one trader from the exchange without a member (CLI, demo): snapshots, security events, anti-phishing code. */
    async syncTrader(ctx: ActorContext, traderId: string): Promise<{ sections: number; failed: ExchangeSection[] }> {
      const opened = await d.audited(ctx, { action: 'trader.exchange.sync', target: { type: 'trader', id: traderId } }, async (tx) => {
        const t = await d.traders.accountOf(tx, traderId);
        if (!t) throw new AppError(ErrorCode.notFound, 404, 'No such trader');
        return { t, connector: await requireConnector(tx), key: await d.vault.subjectKey(tx, t.id, { create: false }) };
      });
      const results = await Promise.all(
        (Object.keys(KIND) as ExchangeSection[]).map(async (section) => {
          try {
            return { section, ok: true as const, ...(await fetchWithCode(opened.connector, opened.t.account_ref, section)) };
          } catch (err) {
            if (err instanceof ExchangeError) return { section, ok: false as const };
            throw err;
          }
        }),
      );
      const good = results.filter((r) => r.ok);
      const at = d.clock.now();
      if (good.length) {
        await d.audited(ctx, { action: 'trader.exchange.refresh', target: { type: 'trader', id: traderId }, fields: good.map((r) => `exchange_snapshot.${KIND[r.section]}`) }, async (tx) => {
          for (const r of good) await store(tx, traderId, opened.key, r.section, r.payload, at, r.code);
        });
      }
      return { sections: good.length, failed: results.filter((r) => !r.ok).map((r) => r.section) };
    },

    /**
     * Deposit and withdrawal addresses of a trader, unmasked, for screening their counterparties (service to
     * service, never presented as is). The account is read in an audited step, the exchange outside any transaction.
     */
    async counterpartiesOf(ctx: ActorContext, traderId: string): Promise<{ direction: 'deposit' | 'withdrawal'; transferId: string; asset: string; network: string; address: string; at: string }[]> {
      const opened = await d.audited(ctx, { action: 'trader.exchange.counterparties', target: { type: 'trader', id: traderId }, fields: ['transfers.address'] }, async (tx) => {
        const t = await d.traders.accountOf(tx, traderId);
        if (!t) throw new AppError(ErrorCode.notFound, 404, 'No such trader');
        return { t, connector: await requireConnector(tx) };
      });
      try {
        const rows = (await fetchSection(opened.connector, opened.t.account_ref, 'transfers')) as TransferRecord[];
        return rows.map((r) => ({ direction: r.direction, transferId: r.transferId, asset: r.asset, network: r.network, address: r.address, at: r.at }));
      } catch (err) {
        throw problemOf(err);
      }
    },

    /** The containment freeze inside the caller's audited transaction, for an approved four-eyes request (screening.freeze). */
    async freezeIn(tx: AuditedTx, traderId: string): Promise<void> {
      const t = await d.traders.accountOf(tx, traderId);
      if (!t) throw new AppError(ErrorCode.notFound, 404, 'No such trader');
      const c = await requireConnector(tx);
      try {
        await c.freezeAccount(t.account_ref);
      } catch (err) {
        throw problemOf(err);
      }
      await d.traders.setStatus(tx, t.id, 'frozen');
    },

    /** Freezes the account at the exchange and marks the trader frozen; audited with the reason. */
    freeze: (ctx: ActorContext, member: Member, traderId: string, reason: string | undefined) =>
      contain(ctx, member, traderId, 'freeze', reason, (c, ref) => c.freezeAccount(ref), 'frozen'),

    /** Unfreezes the account at the exchange and marks the trader active; audited with the reason. */
    unfreeze: (ctx: ActorContext, member: Member, traderId: string, reason: string | undefined) =>
      contain(ctx, member, traderId, 'unfreeze', reason, (c, ref) => c.unfreezeAccount(ref), 'active'),

    /** Ends every session of the account at the exchange; audited with the reason. */
    endSessions: (ctx: ActorContext, member: Member, traderId: string, reason: string | undefined) =>
      contain(ctx, member, traderId, 'end_sessions', reason, async (c, ref) => void (await c.endSessions(ref))),

    /** Revokes one API key at the exchange; audited with the reason (the key id is in the target path, never a secret). */
    revokeApiKey: (ctx: ActorContext, member: Member, traderId: string, keyId: string, reason: string | undefined) =>
      contain(ctx, member, traderId, 'api_key.revoke', reason, async (c, ref) => {
        if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(keyId)) throw new ExchangeError('not_found', 'not a key id');
        await c.revokeApiKey(ref, keyId);
      }),

    /** The connection as anyone may see it: never the secret. Audited `exchange.connection.view`. */
    async connection(ctx: ActorContext): Promise<ConnectionStatus> {
      return d.audited(ctx, { action: 'exchange.connection.view', target: { type: 'exchange_connection', id: 'default' } }, async (tx) => {
        const row = await repo.findConnection(tx);
        return {
          configured: Boolean(row),
          baseUrl: row?.base_url ?? null,
          keyId: row?.key_id ?? null,
          configuredAt: row ? new Date(row.updated_at).toISOString() : null,
          configuredBy: row?.updated_by ?? null,
          breaker: current ? current.breakerState() : null,
        };
      });
    },

    /** Sets the connection (URL, key id, secret encrypted under the field ring); audited with the reason. */
    async setConnection(ctx: ActorContext, input: ConnectionUpdate, by: string, opts: { requireReason: boolean }): Promise<ConnectionStatus> {
      const why = input.reason?.trim();
      const baseUrl = checkUrl(input.baseUrl, d.allowPlainHttp);
      await d.audited(
        ctx,
        { action: 'exchange.connection.set', target: { type: 'exchange_connection', id: 'default' }, reason: why || undefined, fields: ['base_url', 'key_id', 'secret'] },
        async (tx) => {
          if (opts.requireReason && (!why || why.length < 5)) throw reasonError();
          const secret_ct = d.vault.encrypt({ table: 'exchange_connection', column: 'secret_ct', rowId: 'default' }, input.secret);
          await repo.saveConnection(tx, { base_url: baseUrl, key_id: input.keyId, secret_ct, updated_at: d.clock.now(), updated_by: by });
        },
      );
      return this.connection(ctx);
    },
  };
}

/** The base URL, normalised; refuses credentials, query, fragment, and plain http to anything but loopback in production. */
function checkUrl(raw: string, allowPlainHttp: boolean): string {
  const bad = (message: string) => new AppError(ErrorCode.validation, 400, message, { fieldErrors: [{ path: 'body.baseUrl', message }] });
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad('http or https only');
  if (u.username || u.password || u.search || u.hash) throw bad('no credentials, query or fragment in the URL');
  if (u.protocol === 'http:' && !allowPlainHttp && !LOOPBACK.has(u.hostname)) throw bad('https is required (plain http only to a loopback address)');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}
