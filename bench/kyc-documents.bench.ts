// KYC documents: the cost of checking an upload and of rendering the watermarked view, on the event loop.
//
//   npx tsx bench/kyc-documents.bench.ts
//
// Each figure is the median of 7 runs after one warm-up. Baseline: a view must not hold the event loop for long,
// because every other request of the process waits meanwhile; the target is < 250 ms for every accepted
// document shape (the limits in kyc.documents.ts are set so that it holds: JPEG data and greyscale/RGB/palette PNG
// data go into the PDF undecoded; a PNG that must be decoded is capped at 6 megapixels). Prints a table and, last,
// one JSON line with the figures.
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { checkDocument, renderWatermarked } from '../src/server/modules/kyc/kyc.documents.js';
import { JPEG, pdf, pngChunk } from '../src/server/modules/kyc/kyc.fixtures.js';

const TARGET_MS = 250;

/** A w×h PNG (RGB or RGBA) with a gradient, so the compressed data is not trivially small. */
function png(w: number, h: number, alpha: boolean): Buffer {
  const bpp = alpha ? 4 : 3;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = alpha ? 6 : 2;
  const raw = Buffer.alloc(h * (1 + w * bpp));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.fill((x ^ y) & 255, y * (1 + w * bpp) + 1 + x * bpp, y * (1 + w * bpp) + 1 + (x + 1) * bpp);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

async function median(f: () => Promise<unknown>): Promise<number> {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    await f();
    xs.push(performance.now() - s);
  }
  return xs.sort((a, b) => a - b)[3]!;
}

const bigJpeg = Buffer.concat([JPEG.subarray(0, JPEG.length - 2), Buffer.alloc(9_500_000, 0x55), Buffer.from([0xff, 0xd9])]);
const cases: { name: string; filename: string; type: string; content: Buffer }[] = [
  { name: 'JPEG 9.5 MB', filename: 'id.jpg', type: 'image/jpeg', content: bigJpeg },
  { name: 'PNG RGB 7000×7000 (49 MP)', filename: 'scan.png', type: 'image/png', content: png(7000, 7000, false) },
  { name: 'PNG RGBA 2880×1800 (5.2 MP, decoded)', filename: 'shot.png', type: 'image/png', content: png(2880, 1800, true) },
  { name: 'PDF 30 pages', filename: 'statement.pdf', type: 'application/pdf', content: await pdf(30, 'A page of a long bank statement') },
];

const rows: { name: string; bytes: number; checkMs: number; viewMs: number }[] = [];
for (const c of cases) {
  const checked = await checkDocument({ filename: c.filename, declaredType: c.type, content: c.content });
  const checkMs = await median(() => checkDocument({ filename: c.filename, declaredType: c.type, content: c.content }));
  const viewMs = await median(() => renderWatermarked({ contentType: checked.contentType, content: checked.content }, 'Carol Compliance (1a2b3c4d)', new Date()));
  rows.push({ name: c.name, bytes: c.content.length, checkMs, viewMs });
}

console.log('document                              bytes      check (ms)  view (ms)');
for (const r of rows) console.log(`${r.name.padEnd(36)} ${String(r.bytes).padStart(10)} ${r.checkMs.toFixed(1).padStart(11)} ${r.viewMs.toFixed(1).padStart(10)}`);
const worst = Math.max(...rows.map((r) => Math.max(r.checkMs, r.viewMs)));
console.log(`worst ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? 'met' : 'MISSED'}`);
console.log(JSON.stringify({ bench: 'kyc-documents', targetMs: TARGET_MS, rows }));
