// Document checks from the attacker's side: type by content whatever the name or declared type, polyglots (data
// after the end, ZIP or HTML inside a PDF, active content), truncation, limits (pages, pixels), metadata actually
// stripped (EXIF GPS, XMP, comments, PNG text chunks) while the image still decodes, and the watermark stamped.
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { AppError } from '../../platform/http/errors.js';
import { checkDocument, flattenAlpha, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_PDF_PAGES, renderWatermarked, stripJpeg, stripPng } from './kyc.documents.js';
import { GPS_TEXT, JPEG, jpegWithMetadata, pdf, pdfWithJavaScript, PNG, PNG_TEXT, pngChunk, pngWithMetadata, XMP_TEXT, ZIP } from './kyc.fixtures.js';

async function refused(p: Promise<unknown>, status: number): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, status, err.publicMessage);
    return err.publicMessage;
  }
  assert.fail('expected a refusal');
}

const check = (filename: string, content: Buffer, declaredType?: string) => checkDocument({ filename, content, declaredType });

/** The text of every page content stream (inflated), for finding the stamp. */
function pageText(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('latin1');
  let out = '';
  for (const m of s.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    const raw = Buffer.from(m[1]!, 'latin1');
    try {
      out += inflateSync(raw).toString('latin1');
    } catch {
      out += m[1];
    }
  }
  // pdf-lib writes standard-font text as hex strings: decode them.
  return out.replace(/<([0-9A-Fa-f]+)>/g, (_, hex: string) => Buffer.from(hex, 'hex').toString('latin1'));
}

describe('kyc documents: type by content', () => {
  it('accepts JPEG, PNG and PDF whose names and declared types agree', async () => {
    assert.equal((await check('id.jpg', JPEG, 'image/jpeg')).contentType, 'image/jpeg');
    assert.equal((await check('id.PNG', PNG, 'image/png')).contentType, 'image/png');
    const p = await check('inc.pdf', await pdf(2), 'application/pdf');
    assert.equal(p.contentType, 'application/pdf');
    assert.equal(p.pages, 2);
    assert.equal((await check('id.jpeg', JPEG, 'application/octet-stream')).contentType, 'image/jpeg');
  });

  it('refuses a lying extension or declared type (415), and types it cannot recognise', async () => {
    await refused(check('passport.jpg', PNG, 'image/jpeg'), 415);
    await refused(check('passport.png', PNG, 'image/jpeg'), 415);
    await refused(check('passport.pdf', Buffer.from('<html><script>alert(1)</script></html>'), 'application/pdf'), 415);
    await refused(check('passport.jpg', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/gif'), 415);
    await refused(check('archive.pdf', ZIP, 'application/pdf'), 415);
    await refused(check('empty.pdf', Buffer.alloc(0)), 400);
  });

  it('refuses polyglots: data after the end of a JPEG, PNG or PDF; ZIP or HTML inside a PDF; active content', async () => {
    assert.match(await refused(check('a.jpg', Buffer.concat([JPEG, Buffer.from('<script>alert(1)</script>')])), 415), /after its end/);
    assert.match(await refused(check('a.png', Buffer.concat([PNG, ZIP])), 415), /after its end/);
    assert.match(await refused(check('a.pdf', Buffer.concat([await pdf(), ZIP])), 415), /after its end/);
    const base = await pdf();
    const cut = base.lastIndexOf('%%EOF');
    const inner = Buffer.concat([base.subarray(0, cut), Buffer.from('% '), ZIP, Buffer.from('\n'), base.subarray(cut)]);
    assert.match(await refused(check('a.pdf', inner), 415), /ZIP/);
    const html = Buffer.concat([base.subarray(0, cut), Buffer.from('% <html><body onload=alert(1)>\n'), base.subarray(cut)]);
    assert.match(await refused(check('a.pdf', html), 415), /HTML/);
    assert.match(await refused(check('a.pdf', await pdfWithJavaScript()), 415), /active content/);
    // Something before %PDF- (file-type finds a PDF only at 0, so this is "not a recognised type").
    await refused(check('a.pdf', Buffer.concat([Buffer.from('<html>'), base])), 415);
  });

  it('refuses truncated and corrupt files (400) and limits pages and pixels (413)', async () => {
    await refused(check('a.jpg', JPEG.subarray(0, 300)), 400);
    await refused(check('a.png', PNG.subarray(0, PNG.length - 6)), 400);
    const badCrc = Buffer.from(PNG);
    badCrc[29] = badCrc[29]! ^ 0xff;
    await refused(check('a.png', badCrc), 400);
    const noEof = await pdf();
    await refused(check('a.pdf', noEof.subarray(0, noEof.lastIndexOf('%%EOF'))), 400);
    await refused(check('a.pdf', await pdf(MAX_PDF_PAGES + 1)), 413);
    const huge = Buffer.from(PNG);
    huge.writeUInt32BE(20_000, 16); // IHDR width
    await refused(check('a.png', huge), 400); // the CRC no longer matches: refused before the size is believed
    // With valid checksums the general limits apply, read from the header before any pixel is decoded: one side
    // over MAX_IMAGE_SIDE, and both sides within it but the area over MAX_IMAGE_PIXELS.
    const headerOnly = (w: number, h: number) => {
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(w, 0);
      ihdr.writeUInt32BE(h, 4);
      ihdr[8] = 8;
      ihdr[9] = 2;
      return Buffer.concat([PNG.subarray(0, 8), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(16))), pngChunk('IEND', Buffer.alloc(0))]);
    };
    assert.match(await refused(check('a.png', headerOnly(MAX_IMAGE_SIDE + 1, 1)), 413), /pixels on a side/);
    assert.match(await refused(check('a.png', headerOnly(MAX_IMAGE_SIDE, Math.ceil((MAX_IMAGE_PIXELS + 1) / MAX_IMAGE_SIDE))), 413), /megapixels/);
  });
});

describe('kyc documents: metadata stripped', () => {
  it('removes EXIF (GPS), XMP and comments from a JPEG and keeps the picture', async () => {
    const dirty = jpegWithMetadata();
    assert.ok(dirty.includes(GPS_TEXT));
    const out = await check('selfie.jpg', dirty, 'image/jpeg');
    assert.deepEqual(out.stripped, ['APP1', 'COM']);
    assert.ok(!out.content.includes(Buffer.from(GPS_TEXT)), 'GPS text gone');
    assert.ok(!out.content.includes(Buffer.from('Exif')), 'EXIF gone');
    assert.ok(!out.content.includes(Buffer.from(XMP_TEXT)), 'XMP gone');
    assert.ok(out.content.equals(JPEG), 'exactly the original picture');
    assert.deepEqual(stripJpeg(JPEG).stripped, []);
  });

  it('removes PNG text, XMP and time chunks and keeps the picture', async () => {
    const dirty = pngWithMetadata();
    const out = await check('selfie.png', dirty, 'image/png');
    assert.deepEqual(out.stripped, ['iTXt', 'tEXt', 'tIME']);
    assert.ok(!out.content.includes(Buffer.from(PNG_TEXT)));
    assert.ok(out.content.equals(PNG));
    assert.deepEqual(stripPng(PNG).stripped, []);
  });
});

/** A PNG of w×h pixels (colour type 2 RGB or 6 RGBA, optionally interlaced flag), rows of zeros. */
function makePng(w: number, h: number, colorType: 2 | 6, interlace = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  ihdr[12] = interlace;
  const raw = Buffer.alloc(h * (1 + w * (colorType === 2 ? 3 : 4)), 0x40);
  for (let y = 0; y < h; y++) raw[y * (1 + w * (colorType === 2 ? 3 : 4))] = 0;
  return Buffer.concat([PNG.subarray(0, 8), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

describe('kyc documents: PNGs the viewer would have to decode', () => {
  it('flattens RGBA onto white through every PNG row filter (none, sub, up, average, Paeth)', () => {
    const w = 5;
    const h = 5;
    const px = (x: number, y: number) => [(x * 50 + y * 7) & 255, (y * 60 + x) & 255, (x * y * 13) & 255, [0, 255, 128, 64, 200][(x + y) % 5]!];
    const rows = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => px(x, y)).flat());
    // Encode each row with filter type y (0..4), as a PNG encoder would.
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    const encoded: number[] = [];
    rows.forEach((row, y) => {
      const prev = y ? rows[y - 1]! : new Array<number>(row.length).fill(0);
      encoded.push(y);
      row.forEach((v, i) => {
        const a = i >= 4 ? row[i - 4]! : 0;
        const b = prev[i]!;
        const c = i >= 4 ? prev[i - 4]! : 0;
        const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][y]!;
        encoded.push((v - pred) & 255);
      });
    });
    const out = flattenAlpha(Buffer.from(encoded), w, h, 4);
    const expected = rows.flatMap((row) => {
      const o: number[] = [];
      for (let i = 0; i < row.length; i += 4) for (let k = 0; k < 3; k++) o.push(Math.round((row[i + k]! * row[i + 3]! + 255 * (255 - row[i + 3]!)) / 255));
      return o;
    });
    assert.deepEqual([...out], expected);
  });

  it('an RGB PNG of 16 megapixels is accepted and rendered without decoding; an RGBA one of that size is refused (413)', async () => {
    const rgb = makePng(4000, 4000, 2);
    const ok = await check('scan.png', rgb);
    const out = await renderWatermarked({ contentType: 'image/png', content: ok.content }, 'Carol', new Date());
    assert.equal((await PDFDocument.load(out)).getPageCount(), 1);
    assert.ok(Buffer.from(out).includes(Buffer.from('/Predictor 15')), 'the IDAT data is passed through with PNG predictors');
    await refused(check('shot.png', makePng(4000, 4000, 6)), 413);
    await refused(check('interlaced.png', makePng(1200, 1000, 2, 1)), 413);
    const rgba = await check('retina.png', makePng(2880, 1800, 6));
    const shot = await renderWatermarked({ contentType: 'image/png', content: rgba.content }, 'Carol', new Date());
    assert.equal((await PDFDocument.load(shot)).getPageCount(), 1);
    assert.equal((await check('small.png', makePng(300, 200, 6))).contentType, 'image/png');
  });
});

describe('kyc documents: watermarked view', () => {
  const at = new Date('2026-11-22T10:00:00.000Z');
  for (const [name, contentType, content] of [
    ['jpeg', 'image/jpeg', JPEG],
    ['png', 'image/png', PNG],
  ] as const) {
    it(`renders a ${name} into a PDF stamped with the viewer and the time`, async () => {
      const out = await renderWatermarked({ contentType, content }, 'Carol Compliance', at);
      const doc = await PDFDocument.load(out);
      assert.equal(doc.getPageCount(), 1);
      const text = pageText(out);
      assert.match(text, /viewed by Carol Compliance - 2026-11-22T10:00:00.000Z/);
    });
  }

  it('stamps every page of a PDF and drops the document catalogue (no open action survives)', async () => {
    const out = await renderWatermarked({ contentType: 'application/pdf', content: await pdf(3) }, 'Zoë Ünicode', at);
    const doc = await PDFDocument.load(out);
    assert.equal(doc.getPageCount(), 3);
    const text = pageText(out);
    assert.equal(text.match(/confidential/g)!.length >= 3, true);
    assert.match(text, /viewed by Zoe? ?.?Unicode|viewed by Zo/);
    assert.ok(!Buffer.from(out).toString('latin1').includes('/OpenAction'));
  });
});
