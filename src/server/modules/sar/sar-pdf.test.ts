// The PDF export on its own: a valid PDF that pdf-lib reads back, the table continued over more pages as the
// transactions grow, a long narrative without spaces and non-Latin text rendered without throwing, metadata naming
// the reference only, and the confidential footer on every page (checked in the uncompressed content streams).
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import type { SarTransaction, SarView } from '../../../contracts/sar.js';
import { renderSarPdf } from './sar-pdf.js';
import { renderSarPdfOffThread } from './sar-pdf-render.js';
import { summarise } from './sar.service.js';

function tx(i: number): SarTransaction {
  return {
    eventId: `ev-${i}`,
    traderId: 't-eve',
    accountRef: 'ACC-EVE',
    type: i % 2 ? 'withdrawal' : 'deposit',
    occurredAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    asset: 'BTC',
    amount: '0.15',
    amountUsd: 9900,
    direction: i % 2 ? 'out' : 'in',
    counterparty: `bc1q${String(i).padStart(36, '0')}`,
    chain: 'bitcoin',
    txHash: 'ab'.repeat(32),
    country: null,
    detail: null,
  };
}

function view(n: number, narrative = 'Nine deposits under the threshold.'): SarView {
  const transactions = Array.from({ length: n }, (_, i) => tx(i));
  return {
    sar: {
      id: '00000000-0000-4000-8000-000000000001',
      caseId: '00000000-0000-4000-8000-000000000002',
      caseReference: 'CASE-2026-000001',
      reference: 'SAR-2026-000042',
      status: 'ready_for_review',
      detectedAt: '2026-11-12T08:00:00.000Z',
      dueAt: '2026-12-12T08:00:00.000Z',
      overdue: false,
      daysLeft: 20,
      createdAt: '2026-11-20T08:00:00.000Z',
      updatedAt: '2026-11-20T08:00:00.000Z',
      filedAt: null,
      fiuReference: null,
    },
    version: 3,
    subjects: [{ traderId: 't-eve', accountRef: 'ACC-EVE', kind: 'individual', erased: false, legalName: 'Evelyn Structurer', dateOfBirth: '1980-02-03', country: 'DE', wallets: [{ chain: 'bitcoin', address: 'bc1qowned' }], persons: [] }],
    activity: summarise(transactions.map((t) => ({ type: t.type, occurredAt: t.occurredAt })), transactions, 1, 0),
    transactions,
    narrative,
    reasonForSuspicion: 'Structuring.',
    action: 'Account frozen',
    indicators: ['VA01'],
    createdByName: 'M officer',
    readyByName: 'M officer_b',
    filedByName: null,
    history: [],
    can: { edit: false, markReady: false, file: false, withdraw: false, export: true },
  };
}

/** The decompressed content streams of a PDF, as latin1 text (pdf-lib writes text as hex or literal strings). */
async function contentText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  let out = '';
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) continue;
    const filter = obj.dict.get(PDFName.of('Filter'));
    const raw = Buffer.from(obj.contents);
    out += (filter ? inflateSync(raw) : raw).toString('latin1');
  }
  // Hex strings <...> back to text.
  return out.replace(/<([0-9A-Fa-f]+)>/g, (_, h: string) => Buffer.from(h, 'hex').toString('latin1'));
}

const render = (v: SarView) => renderSarPdf({ view: v, exportedBy: 'M compliance_senior', exportedAt: new Date('2026-11-22T09:00:00.000Z') });

describe('SAR PDF', () => {
  it('a valid PDF with the reference, the footer on every page, and metadata naming the reference only', async () => {
    const bytes = await render(view(3));
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
    const doc = await PDFDocument.load(bytes);
    assert.equal(doc.getPageCount(), 1);
    assert.equal(doc.getTitle(), 'Suspicious activity report SAR-2026-000042');
    assert.doesNotMatch(`${doc.getTitle()} ${doc.getSubject()} ${doc.getAuthor() ?? ''} ${doc.getKeywords() ?? ''}`, /Evelyn/);
    const text = await contentText(bytes);
    assert.ok(text.includes('SAR-2026-000042'));
    assert.ok(text.includes('Exported by M compliance_senior at 2026-11-22 09:00 UTC'));
    assert.ok(text.includes('Page 1 of 1'));
    assert.ok(text.includes('Evelyn Structurer'));
  });

  it('the transactions table continues over pages as it grows, each page with its footer', async () => {
    const small = await PDFDocument.load(await render(view(10)));
    const bytes = await render(view(400));
    const big = await PDFDocument.load(bytes);
    assert.ok(big.getPageCount() >= 6, `pages: ${big.getPageCount()}`);
    assert.ok(big.getPageCount() > small.getPageCount(), "grows");
    const text = await contentText(bytes);
    const pages = big.getPageCount();
    for (let i = 1; i <= pages; i++) assert.ok(text.includes(`Page ${i} of ${pages}`), `page ${i}`);
    assert.ok(text.split("do not disclose to the subject").length - 1 >= pages, "footers");
    // The last row (minute 399 of the day) is on the last page.
    assert.ok(text.includes("2026-11-01 06:39"), "last row");
  });

  it('a long narrative without spaces, non-Latin and hostile text render without throwing', async () => {
    const narrative = `${'x'.repeat(30_000)}\n${'Длинный текст 中文 🚀 \u0000\u0007 '.repeat(200)}\n${'word '.repeat(5000)}`;
    const bytes = await render(view(2, narrative));
    const doc = await PDFDocument.load(bytes);
    assert.ok(doc.getPageCount() >= 5);
  });
});

describe('SAR PDF off the main thread', () => {
  it('a large report is rendered on a worker: the same document, and the event loop keeps turning meanwhile', async () => {
    const v = view(600);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = Date.now();
    const bytes = await renderSarPdfOffThread({ view: v, exportedBy: 'M compliance_senior', exportedAt: new Date('2026-11-22T09:00:00.000Z') });
    const elapsed = Date.now() - t0;
    clearInterval(timer);
    const doc = await PDFDocument.load(bytes);
    assert.ok(doc.getPageCount() >= 8, `pages: ${doc.getPageCount()}`);
    assert.ok((await contentText(bytes)).includes('SAR-2026-000042'));
    // A blocked loop would tick once or twice over the whole render; a free one about every 10 ms.
    assert.ok(ticks >= Math.floor(elapsed / 10 / 4), `ticks ${ticks} in ${elapsed} ms`);
  });

  it('three concurrent large exports all complete (two workers at a time, the third waits)', async () => {
    const v = view(250);
    const all = await Promise.all([1, 2, 3].map(() => renderSarPdfOffThread({ view: v, exportedBy: 'x', exportedAt: new Date() })));
    for (const b of all) assert.equal(Buffer.from(b.subarray(0, 5)).toString('latin1'), '%PDF-');
  });
});
