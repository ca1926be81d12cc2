// Marketing segments (consent category, countries, activity bands, VIP) and their audience. The audience is the
// only trader data marketing ever receives: consenting, active traders only (enforced in the query, see
// marketing.repository.ts), and only the fields of the 'audience' view — display name and e-mail — passed
// through the member's field policy. Only those two values are decrypted, each with the trader's own key.
import { randomUUID } from 'node:crypto';
import type { AudienceMember, AudiencePage, Segment, SegmentInput, SegmentPatch } from '../../../contracts/consent.js';
import { SegmentInput as SegmentInputSchema } from '../../../contracts/consent.js';
import { ErrorCode } from '../../../contracts/errors.js';
import { presentFields, shownAs } from '../../platform/authz/field-policy.js';
import type { Audited, AuditedTx } from '../../platform/audit/writer.js';
import type { Clock } from '../../platform/clock.js';
import { isCryptoError } from '../../platform/crypto/errors.js';
import type { Vault } from '../../platform/crypto/vault.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import type { RolesService } from '../roles/index.js';
import type { Member } from '../traders/index.js';
// The audience view's field list and the trader field policy are the traders module's single definition of
// what marketing may see; the audience is presented through exactly them.
import { AUDIENCE_FIELDS, TRADER_FIELDS, type TraderRecord } from '../traders/traders.fields.js';
import * as repo from './marketing.repository.js';
import { isUuid } from '../../platform/ids.js';

export interface MarketingDeps {
  audited: Audited;
  vault: Vault;
  clock: Clock;
  roles: Pick<RolesService, 'fieldAccess'>;
}

const notFound = () => new AppError(ErrorCode.notFound, 404, 'No such segment');
const nameTaken = () => new AppError(ErrorCode.conflict, 409, 'A segment with this name exists', { fieldErrors: [{ path: 'body.name', message: 'already used' }] });
const badCursor = () => new AppError(ErrorCode.badRequest, 400, 'The cursor is not valid', { fieldErrors: [{ path: 'querystring.cursor', message: 'not valid' }] });

function present(r: repo.SegmentRow): Segment {
  return {
    id: r.id,
    name: r.name,
    category: r.category,
    countries: [...r.countries],
    activityBands: r.activity_bands as Segment['activityBands'],
    vip: r.vip,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Sorted, without duplicates: a segment's definition reads the same however it was typed. */
const norm = (xs: readonly string[]) => [...new Set(xs)].sort();

export type MarketingService = ReturnType<typeof createMarketingService>;

/** Creates the marketing segments service. */
export function createMarketingService(d: MarketingDeps) {
  // The cursor is the last trader id of a page, encrypted and bound to the segment: marketing never holds a
  // trader id, and a cursor of one segment is refused by another.
  const cursorBinding = (segmentId: string) => ({ table: 'marketing_segment', column: 'audience_cursor', rowId: segmentId });
  const encodeCursor = (segmentId: string, traderId: string) => d.vault.encrypt(cursorBinding(segmentId), traderId).toString('base64url');
  async function decodeCursor(segmentId: string, cursor: string): Promise<string> {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw badCursor();
    try {
      const id = await d.vault.decrypt(cursorBinding(segmentId), Buffer.from(cursor, 'base64url'));
      if (!isUuid(id)) throw badCursor();
      return id;
    } catch (err) {
      if (err instanceof AppError || isCryptoError(err)) throw badCursor();
      throw err;
    }
  }

  async function segmentOr404(tx: AuditedTx, id: string): Promise<repo.SegmentRow> {
    const row = isUuid(id) ? await repo.findSegment(tx, id.toLowerCase()) : undefined;
    if (!row) throw notFound();
    return row;
  }

  /** Display name and e-mail of the page's traders, through the audience view; crypto-shredded traders are skipped. */
  async function presentAudience(tx: AuditedTx, member: Member, rows: Awaited<ReturnType<typeof repo.audiencePage>>) {
    const access = await d.roles.fieldAccess(tx, member.roles, 'audience');
    if (!access.canView) throw new AppError(ErrorCode.forbidden, 403, 'Your roles do not show marketing audiences', { denial: true });
    const wantName = AUDIENCE_FIELDS.has('displayName') && shownAs(TRADER_FIELDS.displayName, access.policy) !== 'hidden';
    const wantEmail = AUDIENCE_FIELDS.has('email') && shownAs(TRADER_FIELDS.email, access.policy) !== 'hidden';
    const out: AudienceMember[] = [];
    const shown = new Set<string>();
    for (const row of rows) {
      let key;
      try {
        key = await d.vault.subjectKey(tx, row.id, { create: false });
      } catch (err) {
        if (isCryptoError(err, 'key_destroyed')) continue;
        throw err;
      }
      const rec: Partial<TraderRecord> = {};
      if (wantName) {
        const legal = d.vault.decryptForSubject(key, { table: 'trader', column: 'legal_name_ct', rowId: row.id }, row.legal_name_ct);
        rec.displayName = legal.trim().split(/\s+/)[0] ?? '';
      }
      if (wantEmail) rec.email = d.vault.decryptForSubject(key, { table: 'trader', column: 'email_ct', rowId: row.id }, row.email_ct);
      const p = presentFields(TRADER_FIELDS, rec as TraderRecord, access.policy, { only: AUDIENCE_FIELDS });
      for (const [f, s] of Object.entries(p.shown)) if (s !== 'hidden') shown.add(f);
      // Built key by key from the two allowed names: nothing else can reach the answer.
      const m: AudienceMember = {};
      if (typeof p.fields.displayName === 'string') m.displayName = p.fields.displayName;
      if (typeof p.fields.email === 'string') m.email = p.fields.email;
      out.push(m);
    }
    return { audience: out, shown: [...shown] };
  }

  return {
    /** Every segment; audited `marketing.segment.list`. */
    async list(ctx: ActorContext): Promise<Segment[]> {
      return d.audited(ctx, { action: 'marketing.segment.list', target: { type: 'marketing_segment' } }, async (tx) => (await repo.listSegments(tx)).map(present));
    },

    /** Creates a segment (409 when the name is taken); audited `marketing.segment.create`. */
    async create(ctx: ActorContext, member: Member, input: SegmentInput): Promise<Segment> {
      const v = SegmentInputSchema.parse(input);
      const id = randomUUID();
      const fields = ['name', 'category', 'countries', 'activity_bands', 'vip'];
      return d.audited(ctx, { action: 'marketing.segment.create', target: { type: 'marketing_segment', id }, fields }, async (tx) => {
        const now = d.clock.now();
        const row: repo.SegmentRow = {
          id,
          name: v.name,
          category: v.category,
          countries: norm(v.countries),
          activity_bands: norm(v.activityBands),
          vip: v.vip,
          created_by: member.id,
          created_at: now,
          updated_at: now,
        };
        if (!(await repo.insertSegment(tx, row))) throw nameTaken();
        return present(row);
      });
    },

    /** Changes a segment's definition; audited `marketing.segment.update` with the fields changed. */
    async update(ctx: ActorContext, id: string, patch: SegmentPatch): Promise<Segment> {
      return d.audited(ctx, { action: 'marketing.segment.update', target: { type: 'marketing_segment', id } }, async (tx, ev) => {
        const cur = await segmentOr404(tx, id);
        const next = {
          name: patch.name ?? cur.name,
          category: patch.category ?? cur.category,
          countries: patch.countries ? norm(patch.countries) : cur.countries,
          activity_bands: patch.activityBands ? norm(patch.activityBands) : cur.activity_bands,
          vip: patch.vip === undefined ? cur.vip : patch.vip,
          updated_at: d.clock.now(),
        };
        if (next.name !== cur.name && (await repo.nameTaken(tx, next.name, cur.id))) throw nameTaken();
        for (const f of ['name', 'category', 'countries', 'activity_bands', 'vip'] as const) {
          if (JSON.stringify(next[f]) !== JSON.stringify(cur[f])) ev.addFields(f);
        }
        await repo.updateSegment(tx, cur.id, next);
        return present({ ...cur, ...next });
      });
    },

    /** Deletes a segment; audited `marketing.segment.delete`. */
    async remove(ctx: ActorContext, id: string): Promise<void> {
      await d.audited(ctx, { action: 'marketing.segment.delete', target: { type: 'marketing_segment', id } }, async (tx) => {
        const cur = await segmentOr404(tx, id);
        await repo.deleteSegment(tx, cur.id);
      });
    },

    /** A page of the segment's audience with its count; audited `marketing.audience.view` with the fields shown. */
    async audience(ctx: ActorContext, member: Member, id: string, q: { cursor?: string | undefined; limit: number }): Promise<AudiencePage> {
      return d.audited(ctx, { action: 'marketing.audience.view', target: { type: 'marketing_segment', id } }, async (tx, ev) => {
        const seg = await segmentOr404(tx, id);
        const after = q.cursor ? await decodeCursor(seg.id, q.cursor) : undefined;
        const filter: repo.AudienceFilter = { category: seg.category, countries: seg.countries, activityBands: seg.activity_bands, vip: seg.vip };
        const count = await repo.countAudience(tx, filter);
        const rows = await repo.audiencePage(tx, filter, { after, limit: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        const { audience, shown } = await presentAudience(tx, member, page);
        ev.addFields(...shown);
        return {
          segment: { id: seg.id, name: seg.name, category: seg.category },
          count,
          audience,
          nextCursor: rows.length > q.limit ? encodeCursor(seg.id, page.at(-1)!.id) : null,
        };
      });
    },
  };
}
