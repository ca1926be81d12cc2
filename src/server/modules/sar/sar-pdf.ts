// A SAR as a readable PDF (pdf-lib): reference, status, deadline, subjects, activity summary, reason for suspicion,
// narrative, action, indicators and the transactions table, continued over as many pages as it takes; on every
// page the footer "CONFIDENTIAL — do not disclose to the subject", who exported it and when, and the page number.
//
// Pure (no database, no clock): the caller passes the export time and the exporter's name. The standard Helvetica
// font encodes WinAnsi only, so every text is reduced to what the font can draw first (anything else becomes '?'):
// a hostile or non-Latin narrative renders, it never throws. The document has no scripts, forms, links or
// attachments, and its metadata names the reference only (no subject name in the file's properties).
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { SarView } from '../../../contracts/sar.js';

export interface SarPdfInput {
  view: SarView;
  exportedBy: string;
  exportedAt: Date;
}

const PAGE: [number, number] = [595.28, 841.89]; // A4
const MARGIN = 48;
const FOOTER = 36;
const BODY = 10;
const SMALL = 8;
const LINE = 1.35;
export const CONFIDENTIAL = 'CONFIDENTIAL — do not disclose to the subject';

const STATUS_LABEL: Record<string, string> = { draft: 'Draft', ready_for_review: 'Ready for review', filed: 'Filed', withdrawn: 'Withdrawn' };

class Writer {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  private readonly charset: Set<number>;

  constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    readonly header: string,
  ) {
    this.charset = new Set(font.getCharacterSet());
    this.newPage();
  }

  /** What Helvetica (WinAnsi) can draw: tabs become spaces, anything else it lacks becomes '?'. */
  safe(s: string): string {
    let out = '';
    for (const ch of s.replace(/\t/g, '    ')) out += this.charset.has(ch.codePointAt(0)!) ? ch : '?';
    return out;
  }

  get width(): number {
    return PAGE[0] - 2 * MARGIN;
  }

  newPage(): void {
    this.page = this.doc.addPage(PAGE);
    this.pages.push(this.page);
    this.y = PAGE[1] - MARGIN;
    this.page.drawText(this.safe(this.header), { x: MARGIN, y: this.y, size: SMALL, font: this.font, color: rgb(0.35, 0.35, 0.35) });
    this.y -= SMALL * 2.2;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN + FOOTER) this.newPage();
  }

  /** Breaks text into lines no wider than `width` (words first; a word longer than a line is cut by characters). */
  wrap(text: string, size: number, width: number, font = this.font): string[] {
    const lines: string[] = [];
    for (const para of this.safe(text).split(/\r\n|\r|\n/)) {
      let line = '';
      for (const word of para.split(' ')) {
        const candidate = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(candidate, size) <= width) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        let rest = word;
        while (font.widthOfTextAtSize(rest, size) > width) {
          // The longest prefix that fits, by bisection (a 30,000-character "word" must not cost quadratic time).
          let lo = 1;
          let hi = rest.length - 1;
          while (lo < hi) {
            const mid = Math.ceil((lo + hi) / 2);
            if (font.widthOfTextAtSize(rest.slice(0, mid), size) <= width) lo = mid;
            else hi = mid - 1;
          }
          lines.push(rest.slice(0, lo));
          rest = rest.slice(lo);
        }
        line = rest;
      }
      lines.push(line);
    }
    return lines;
  }

  heading(text: string): void {
    this.ensure(BODY * 4);
    this.y -= BODY * 0.8;
    this.page.drawText(this.safe(text), { x: MARGIN, y: this.y, size: BODY + 2, font: this.bold });
    this.y -= (BODY + 2) * LINE + 2;
  }

  paragraph(text: string, size = BODY, indent = 0): void {
    for (const line of this.wrap(text, size, this.width - indent)) {
      this.ensure(size * LINE);
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font: this.font });
      this.y -= size * LINE;
    }
  }

  field(label: string, value: string): void {
    const labelWidth = 120;
    const lines = this.wrap(value || '—', BODY, this.width - labelWidth);
    this.ensure(BODY * LINE);
    this.page.drawText(this.safe(label), { x: MARGIN, y: this.y, size: BODY, font: this.bold });
    for (const line of lines) {
      this.ensure(BODY * LINE);
      this.page.drawText(line, { x: MARGIN + labelWidth, y: this.y, size: BODY, font: this.font });
      this.y -= BODY * LINE;
    }
  }
}

interface Column {
  title: string;
  width: number;
  value: (t: SarView['transactions'][number]) => string;
}

const COLUMNS: Column[] = [
  { title: 'Date (UTC)', width: 78, value: (t) => t.occurredAt.slice(0, 16).replace('T', ' ') },
  { title: 'Type', width: 56, value: (t) => `${t.type}${t.type === 'trade' && t.detail ? ` ${t.detail}` : ''}` },
  { title: 'Amount', width: 84, value: (t) => `${t.amount ?? '—'} ${t.asset ?? ''}`.trim() },
  { title: 'USD', width: 62, value: (t) => (t.amountUsd === null ? '—' : t.amountUsd.toFixed(2)) },
  { title: 'Account', width: 62, value: (t) => t.accountRef },
  { title: 'Counterparty / chain / tx hash', width: 0, value: (t) => [t.counterparty, t.chain, t.txHash].filter(Boolean).join(' · ') || '—' },
];

function transactionsTable(w: Writer, view: SarView): void {
  const fixed = COLUMNS.reduce((n, c) => n + c.width, 0);
  const cols = COLUMNS.map((c) => ({ ...c, width: c.width || w.width - fixed }));
  const headerRow = () => {
    w.ensure(SMALL * LINE * 3);
    let x = MARGIN;
    for (const c of cols) {
      w.page.drawText(c.title, { x, y: w.y, size: SMALL, font: w.bold });
      x += c.width;
    }
    w.y -= SMALL * LINE;
    w.page.drawLine({ start: { x: MARGIN, y: w.y + SMALL * 0.6 }, end: { x: MARGIN + w.width, y: w.y + SMALL * 0.6 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  };
  headerRow();
  for (const t of view.transactions) {
    const cells = cols.map((c) => w.wrap(c.value(t), SMALL, c.width - 4));
    const height = Math.max(...cells.map((l) => l.length)) * SMALL * LINE;
    if (w.y - height < MARGIN + FOOTER) {
      w.newPage();
      // The table continues on the next page under its own header.
      headerRow();
    }
    let x = MARGIN;
    cols.forEach((c, i) => {
      let y = w.y;
      for (const line of cells[i]!) {
        w.page.drawText(line, { x, y, size: SMALL, font: w.font });
        y -= SMALL * LINE;
      }
      x += c.width;
    });
    w.y -= height + 2;
  }
  if (!view.transactions.length) w.paragraph('No transactions are linked to the case.', SMALL);
}

/** Renders the report; returns the PDF bytes. */
export async function renderSarPdf(input: SarPdfInput): Promise<Uint8Array> {
  const { view } = input;
  const doc = await PDFDocument.create();
  // Metadata names the reference only: a file's properties are shown by every viewer and indexed by desktop search.
  doc.setTitle(`Suspicious activity report ${view.sar.reference}`);
  doc.setSubject('Suspicious activity report — confidential');
  doc.setProducer('Bulwark');
  doc.setCreator('Bulwark');
  doc.setCreationDate(input.exportedAt);
  doc.setModificationDate(input.exportedAt);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, font, bold, `${view.sar.reference} · ${CONFIDENTIAL}`);

  w.ensure(30);
  w.page.drawText(w.safe(`Suspicious activity report ${view.sar.reference}`), { x: MARGIN, y: w.y, size: 16, font: bold });
  w.y -= 28;
  const s = view.sar;
  w.field('Status', STATUS_LABEL[s.status] ?? s.status);
  w.field('Case', s.caseReference);
  w.field('Detected', s.detectedAt.slice(0, 10));
  const left = s.daysLeft === null ? '' : s.overdue ? ` (OVERDUE by ${-s.daysLeft} day(s))` : ` (${s.daysLeft} day(s) left)`;
  w.field('Filing deadline', `${s.dueAt.slice(0, 10)}${left}`);
  if (s.filedAt) w.field('Filed', `${s.filedAt.slice(0, 16).replace('T', ' ')} UTC by ${view.filedByName ?? '—'}, FIU reference ${s.fiuReference ?? '—'}`);
  w.field('Drafted by', view.createdByName ?? '—');
  if (view.readyByName) w.field('Marked ready by', view.readyByName);

  w.heading('Subjects');
  for (const x of view.subjects) {
    if (x.erased) {
      w.field('Account', `${x.accountRef} (personal data erased before drafting)`);
      continue;
    }
    w.field('Name', x.legalName);
    w.field('Account', `${x.accountRef} (${x.kind})`);
    w.field('Date of birth', x.dateOfBirth ?? '—');
    w.field('Country', x.country);
    if (x.wallets.length) w.field('Wallets', x.wallets.map((a) => `${a.chain}: ${a.address}`).join('\n'));
    for (const p of x.persons) w.field(p.role === 'ubo' ? 'UBO' : 'Director', `${p.name}${p.dateOfBirth ? `, born ${p.dateOfBirth}` : ''}${p.nationality ? `, ${p.nationality}` : ''}${p.ownershipPct ? `, ${p.ownershipPct} %` : ''}`);
    w.y -= BODY * 0.5;
  }

  w.heading('Activity summary');
  w.paragraph(view.activity.text);
  for (const t of view.activity.totals) w.paragraph(`${t.direction === 'in' ? 'In' : 'Out'}: ${t.amount} ${t.asset} in ${t.count} transaction(s), USD ${t.amountUsd.toFixed(2)}`, BODY, 12);

  w.heading('Reason for suspicion');
  w.paragraph(view.reasonForSuspicion || '—');
  w.heading('Narrative');
  w.paragraph(view.narrative || '—');
  w.heading('Action taken');
  w.paragraph(view.action || '—');
  if (view.indicators.length) {
    w.heading('Indicators');
    w.paragraph(view.indicators.join(', '));
  }

  w.heading(`Transactions (${view.transactions.length})`);
  transactionsTable(w, view);

  let footer = w.safe(`${CONFIDENTIAL} · Exported by ${input.exportedBy} at ${input.exportedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  // A very long exporter name is cut rather than run off the page.
  while (bold.widthOfTextAtSize(footer, SMALL) > w.width) footer = `${footer.slice(0, -2)}…`;
  w.pages.forEach((p, i) => {
    p.drawText(footer, { x: MARGIN, y: MARGIN / 2 + 12, size: SMALL, font: bold, color: rgb(0.6, 0, 0) });
    const n = `Page ${i + 1} of ${w.pages.length}`;
    p.drawText(n, { x: PAGE[0] - MARGIN - font.widthOfTextAtSize(n, SMALL), y: MARGIN / 2, size: SMALL, font });
  });
  return doc.save();
}
