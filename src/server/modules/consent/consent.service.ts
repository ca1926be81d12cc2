// Consent per trader and category: the append-only history and the current state, written together in the
// caller's transaction by recordIn (the staff route, the unsubscribe link, the import and the demo seed all go
// through it). The unsubscribe link is the one public way in: a signed token that can only opt out.
import { randomUUID } from 'node:crypto';
import {
  CONSENT_CATEGORIES,
  type ConsentCategory,
  type ConsentSource,
  type RecordConsentRequest,
  type TraderConsents,
} from '../../../contracts/consent.js';
import { ErrorCode } from '../../../contracts/errors.js';
import type { Audited, AuditedTx, AuditWriter } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { Member, TradersService } from '../traders/index.js';
import { parseConsentCsv } from './consent.import.js';
import * as repo from './consent.repository.js';
import { signUnsubscribeToken, verifyUnsubscribeToken, type UnsubscribeClaim } from './unsubscribe-token.js';

export interface ConsentDeps {
  audited: Audited;
  writer: Pick<AuditWriter, 'record'>;
  vault: Vault;
  clock: Clock;
  traders: Pick<TradersService, 'openSection' | 'idByAccountRef'>;
  publicUrl: string;
}

export interface ConsentChange {
  category: ConsentCategory;
  granted: boolean;
  source: ConsentSource;
  wordingVersion: string;
  /** A staff id, or the channel ('unsubscribe_link', 'import', 'signup', 'demo'); never personal data. */
  recordedBy: string;
  /** When the trader gave or withdrew it; defaults to now (an import carries the original time). */
  recordedAt?: Date;
}

/** The opt-out a link records: its own wording version, so the history says exactly what the trader clicked. */
export const UNSUBSCRIBE_WORDING = 'unsubscribe-v1';
const HISTORY_LIMIT = 500;

const linkInvalid = () => new AppError(ErrorCode.linkInvalid, 400, 'This unsubscribe link is not valid', { denial: true });

export type ConsentService = ReturnType<typeof createConsentService>;

/** Creates the consent service. */
export function createConsentService(d: ConsentDeps) {
  /** Appends one consent event and updates the current state, in the caller's transaction. */
  async function recordIn(tx: AuditedTx, traderId: string, c: ConsentChange): Promise<void> {
    await repo.appendEvent(tx, {
      id: randomUUID(),
      traderId,
      category: c.category,
      granted: c.granted,
      source: c.source,
      wordingVersion: c.wordingVersion,
      recordedBy: c.recordedBy,
      recordedAt: c.recordedAt ?? d.clock.now(),
    });
  }

  async function viewOf(tx: AuditedTx, traderId: string, canManage: boolean): Promise<TraderConsents> {
    const current = await repo.currentOf(tx, traderId);
    const history = await repo.historyOf(tx, traderId, HISTORY_LIMIT);
    return {
      traderId,
      current: CONSENT_CATEGORIES.map((category) => {
        const c = current.find((r) => r.category === category);
        return c
          ? { category, state: c.granted ? ('granted' as const) : ('withdrawn' as const), wordingVersion: c.wording_version, updatedAt: new Date(c.updated_at).toISOString() }
          : { category, state: 'not_asked' as const, wordingVersion: null, updatedAt: null };
      }),
      history: history.map((h) => ({
        id: h.id,
        category: h.category,
        granted: h.granted,
        source: h.source,
        wordingVersion: h.wording_version,
        recordedBy: h.display_name ?? h.recorded_by,
        recordedAt: new Date(h.recorded_at).toISOString(),
      })),
      canManage,
    };
  }

  /** Checks a public token before any transaction: a bad one is audited as a denied public request, then refused. */
  async function claimOf(ctx: ActorContext, action: string, token: string): Promise<UnsubscribeClaim> {
    const claim = verifyUnsubscribeToken(d.vault, token);
    if (!claim) {
      await d.writer.record(ctx, { action, target: { type: 'unsubscribe_link' } }, 'denied', ErrorCode.linkInvalid);
      throw linkInvalid();
    }
    return claim;
  }

  const service = {
    recordIn,

    /** A trader's consents (current per category, history); audited `consent.view`. Opens the 'consents' section first. */
    async view(ctx: ActorContext, member: Member, traderId: string): Promise<TraderConsents> {
      return d.audited(ctx, { action: 'consent.view', target: { type: 'trader', id: traderId }, fields: ['consents'] }, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'consents');
        return viewOf(tx, t.id, member.permissions.has('consent.manage'));
      });
    },

    /** Records a change on the trader's behalf (source support, reason required); audited `consent.record`. */
    async record(ctx: ActorContext, member: Member, traderId: string, input: RecordConsentRequest): Promise<TraderConsents> {
      const spec = { action: 'consent.record', target: { type: 'trader', id: traderId }, reason: input.reason, fields: [`consent.${input.category}`] };
      return d.audited(ctx, spec, async (tx) => {
        const t = await d.traders.openSection(tx, member, traderId, 'consents');
        await recordIn(tx, t.id, { category: input.category, granted: input.granted, source: 'support', wordingVersion: input.wordingVersion, recordedBy: member.id });
        return viewOf(tx, t.id, true);
      });
    },

    /** The public unsubscribe URL for a trader and category (token in the fragment: never in access logs or Referer). */
    unsubscribeLink(traderId: string, category: ConsentCategory): string {
      return `${d.publicUrl}/unsubscribe#${signUnsubscribeToken(d.vault, { traderId, category, issuedAt: d.clock.now() })}`;
    },

    /** What a public unsubscribe link is about (its category only); audited, a bad token as a denial. */
    async openUnsubscribe(ctx: ActorContext, token: string): Promise<{ category: ConsentCategory }> {
      const claim = await claimOf(ctx, 'consent.unsubscribe_open', token);
      await d.writer.record(ctx, { action: 'consent.unsubscribe_open', target: { type: 'trader', id: claim.traderId }, fields: [`consent.${claim.category}`] }, 'ok');
      return { category: claim.category };
    },

    /**
     * Records the opt-out a public link asks for (source unsubscribe_link); idempotent: when the category is already
     * withdrawn nothing new is written, so replaying a link is harmless. Audited `consent.unsubscribe`.
     */
    async unsubscribe(ctx: ActorContext, token: string): Promise<{ category: ConsentCategory; unsubscribed: true }> {
      const claim = await claimOf(ctx, 'consent.unsubscribe', token);
      const spec = { action: 'consent.unsubscribe', target: { type: 'trader', id: claim.traderId }, fields: [`consent.${claim.category}`] };
      return d.audited(ctx, spec, async (tx) => {
        // A genuine token for a trader that is gone: answered like a bad link (nothing to say about who it was).
        // The row lock makes two clicks at once record one opt-out, not two.
        if (!(await repo.lockTrader(tx, claim.traderId))) throw linkInvalid();
        const current = await repo.currentForUpdate(tx, claim.traderId, claim.category);
        if (!current || current.granted) {
          await recordIn(tx, claim.traderId, { category: claim.category, granted: false, source: 'unsubscribe_link', wordingVersion: UNSUBSCRIBE_WORDING, recordedBy: 'unsubscribe_link' });
        }
        return { category: claim.category, unsubscribed: true as const };
      });
    },

    /**
     * Imports consent evidence from CSV text: every row is checked and resolved first; with any bad row nothing is
     * written and every problem is reported with its line number (AppError 400 with fieldErrors `line N`).
     * Audited `consent.import`.
     */
    async importCsv(ctx: ActorContext, text: string): Promise<{ imported: number }> {
      const { rows, problems } = parseConsentCsv(text, d.clock.now());
      const fail = (ps: { line: number; message: string }[]) =>
        new AppError(ErrorCode.validation, 400, `${ps.length} row(s) of the import file are not valid; nothing was imported`, {
          fieldErrors: ps.map((p) => ({ path: `line ${p.line}`, message: p.message })),
        });
      const spec = { action: 'consent.import', target: { type: 'consent_import' }, fields: ['category', 'granted', 'source', 'wording_version', 'recorded_at'] };
      return d.audited(ctx, spec, async (tx) => {
        if (problems.length) throw fail(problems);
        const ids = new Map<string, string | undefined>();
        for (const r of rows) {
          const key = r.accountRef.toLowerCase();
          if (!ids.has(key)) ids.set(key, await d.traders.idByAccountRef(tx, r.accountRef));
        }
        const unknown = rows.filter((r) => !ids.get(r.accountRef.toLowerCase())).map((r) => ({ line: r.line, message: 'no trader has this account reference' }));
        if (unknown.length) throw fail(unknown);
        // Oldest first, so that the current state ends on each trader's latest answer whatever the file's order.
        const ordered = [...rows].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.line - b.line);
        for (const r of ordered) {
          await recordIn(tx, ids.get(r.accountRef.toLowerCase())!, { category: r.category, granted: r.granted, source: r.source, wordingVersion: r.wordingVersion, recordedBy: 'import', recordedAt: r.recordedAt });
        }
        return { imported: rows.length };
      });
    },

    /**
     * Demo data for the given traders (those with no consent answer yet): most granted marketing e-mail at signup,
     * some were never asked, some opted out later through the link or their settings. Deterministic per position.
     */
    async seedDemo(ctx: ActorContext, traderIds: readonly string[]): Promise<{ traders: number; events: number }> {
      let traders = 0;
      let events = 0;
      for (let start = 0; start < traderIds.length; start += 200) {
        const chunk = traderIds.slice(start, start + 200);
        const r = await d.audited(ctx, { action: 'consent.seed_demo', target: { type: 'consent_import' }, fields: ['category', 'granted', 'source'] }, async (tx) => {
          const todo = new Set(await repo.withoutConsent(tx, chunk));
          let n = 0;
          let e = 0;
          for (const [i, id] of chunk.entries()) {
            if (!todo.has(id)) continue;
            const story = demoEventsFor(start + i, d.clock.now());
            if (story.length) n++;
            for (const ev of story) {
              await recordIn(tx, id, { ...ev, recordedBy: ev.source === 'unsubscribe_link' ? 'unsubscribe_link' : 'demo' });
              e++;
            }
          }
          return { n, e };
        });
        traders += r.n;
        events += r.e;
      }
      return { traders, events };
    },

    /** seedDemo for the traders with these account references (what `bulwark demo seed` has after creating them). */
    async seedDemoForAccounts(ctx: ActorContext, accountRefs: readonly string[]): Promise<{ traders: number; events: number }> {
      const ids = await d.audited(ctx, { action: 'trader.lookup', target: { type: 'trader' }, fields: ['accountRef'] }, async (tx) => {
        const out: string[] = [];
        for (const ref of accountRefs) {
          const id = await d.traders.idByAccountRef(tx, ref);
          if (id) out.push(id);
        }
        return out;
      });
      return service.seedDemo(ctx, ids);
    },
  };
  return service;
}

const DAY = 86_400_000;

/** The demo consent story of the trader at position i: a realistic, reproducible mix. */
export function demoEventsFor(i: number, now: Date): Omit<ConsentChange, 'recordedBy'>[] {
  const h = (i * 2654435761) >>> 0;
  const pick = h % 10;
  const signedUp = new Date(now.getTime() - (30 + (h % 700)) * DAY);
  const later = new Date(signedUp.getTime() + (1 + ((h >>> 8) % 25)) * DAY);
  const out: Omit<ConsentChange, 'recordedBy'>[] = [];
  // 2 in 10 never asked about marketing e-mail (older accounts, before the consent screen).
  if (pick >= 2) out.push({ category: 'marketing_email', granted: true, source: 'signup', wordingVersion: 'signup-2025-01', recordedAt: signedUp });
  // 2 in 10 of those opted out later, half through an unsubscribe link, half in their settings.
  if (pick >= 8) {
    out.push(
      pick === 8
        ? { category: 'marketing_email', granted: false, source: 'unsubscribe_link', wordingVersion: UNSUBSCRIBE_WORDING, recordedAt: later }
        : { category: 'marketing_email', granted: false, source: 'settings', wordingVersion: 'settings-2025-03', recordedAt: later },
    );
  }
  if ((h >>> 4) % 3 !== 0) out.push({ category: 'product_news', granted: (h >>> 6) % 4 !== 0, source: 'signup', wordingVersion: 'signup-2025-01', recordedAt: signedUp });
  if ((h >>> 10) % 5 === 0) out.push({ category: 'research', granted: true, source: 'settings', wordingVersion: 'research-2025-06', recordedAt: later });
  return out;
}
