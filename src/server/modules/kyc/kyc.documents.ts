// KYC documents: checked by content, cleaned of metadata, and rendered into a watermarked PDF for viewing.
//
// What is accepted (the rule, in order):
// 1. Only JPEG, PNG and PDF, decided by the bytes (file-type's magic numbers), never by the name or the declared
//    Content-Type; a name or a declared type that disagrees with the content is refused (a "passport.jpg" that is
//    really a PDF, or an HTML page sent as image/png, is what an attack or a mistake looks like).
// 2. Polyglots are refused. A file must be exactly one well-formed file of its type, with nothing before or after:
//    a JPEG ends at its EOI marker and a PNG at its IEND chunk (bytes after them — a ZIP, a script — are refused,
//    not trimmed); a PDF starts with %PDF- at byte 0 and ends at its last %%EOF (whitespace only after it). A PDF
//    that carries another format's signature anywhere (ZIP headers, HTML/script markup) or active content
//    (/JavaScript, /JS, /Launch, /EmbeddedFile, /RichMedia, /XFA) is refused. Encrypted PDFs are refused (they
//    cannot be checked or watermarked).
// 3. Images are re-written segment by segment / chunk by chunk from an allow-list: JPEG keeps only what decodes
//    the picture (APP0/JFIF, APP2 ICC profile, APP14 Adobe colour transform, tables, frames, scans); EXIF (with
//    GPS), XMP, IPTC/Photoshop, comments and every other APPn segment are dropped. PNG keeps IHDR, PLTE, IDAT,
//    IEND and colour chunks (tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, pHYs); tEXt, zTXt, iTXt, eXIf, tIME and every
//    unknown ancillary chunk are dropped, an unknown critical chunk is refused. CRCs are verified.
// 4. Limits: size per file, pages per PDF, pixels per image (a decompression bomb is refused before decoding).
//
// Viewing never serves the stored file: it is rendered into a new PDF (pdf-lib) — images on a page of their own,
// PDF pages copied without the document catalogue (no open actions, scripts, forms, attachments) and without
// annotations (links) — and every page is stamped with the viewer's name and the time.
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import { concatTransformationMatrix, degrees, drawObject, PDFDocument, PDFHexString, PDFName, PDFRawStream, popGraphicsState, pushGraphicsState, rgb, StandardFonts, type PDFRef } from 'pdf-lib';
import { ErrorCode } from '../../../contracts/errors.js';
import { AppError } from '../../platform/http/errors.js';
import { cleanFilename } from '../support/index.js';

/** Largest document accepted (bytes). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Files in one upload request. */
export const MAX_FILES_PER_UPLOAD = 5;
/** Documents on one case. */
export const MAX_DOCUMENTS_PER_CASE = 20;
/** Pages of one PDF. */
export const MAX_PDF_PAGES = 30;
/** Pixels of one image (width × height) and the largest side. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_SIDE = 12_000;
/**
 * Pixels of a PNG with transparency or interlacing: the viewer must decode those (8-bit alpha: flattened onto
 * white here, ~40 ms per megapixel; interlaced or 16-bit alpha: pdf-lib, ~250 ms per megapixel) on the event loop,
 * so they are capped lower — 6 MP holds a 2880×1800 screenshot. Greyscale, RGB and palette PNGs are passed to the
 * PDF without decoding (pngAsPdfImage) and JPEGs are never decoded (bench/kyc-documents.bench.ts).
 */
export const MAX_DECODED_PNG_PIXELS = 6_000_000;
/** Interlaced PNGs and 16-bit PNGs with transparency go through pdf-lib's decoder (~250 ms per megapixel). */
export const MAX_SLOW_PNG_PIXELS = 1_000_000;

export type DocumentType = 'image/jpeg' | 'image/png' | 'application/pdf';

const EXTENSIONS: Record<DocumentType, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'application/pdf': ['pdf'],
};

export interface CheckedDocument {
  filename: string;
  contentType: DocumentType;
  /** The bytes to store: images without their metadata, PDFs as received. */
  content: Buffer;
  sha256: string;
  pages: number;
  /** Names of what was removed (e.g. 'APP1', 'tEXt'), never values. */
  stripped: string[];
}

const unsupported = (message: string) => new AppError(ErrorCode.unsupportedMediaType, 415, message, { fieldErrors: [{ path: 'body.file', message }] });
const malformed = (message: string) => new AppError(ErrorCode.validation, 400, message, { fieldErrors: [{ path: 'body.file', message }] });


/** Checks one uploaded file (see the file comment) and returns what to store. */
export async function checkDocument(input: { filename: string; declaredType: string | undefined; content: Buffer }): Promise<CheckedDocument> {
  const { content } = input;
  if (content.length === 0) throw malformed('The file is empty');
  if (content.length > MAX_DOCUMENT_BYTES) throw new AppError(ErrorCode.payloadTooLarge, 413, `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
  const detected = await fileTypeFromBuffer(content);
  const type = detected?.mime as DocumentType | undefined;
  if (!type || !(type in EXTENSIONS)) throw unsupported('Only JPEG, PNG and PDF files are accepted (decided by the content, not the name)');
  const filename = cleanFilename(input.filename);
  const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  if (!EXTENSIONS[type].includes(ext)) throw unsupported(`The file's content (${type}) does not match its name`);
  const declared = (input.declaredType ?? '').split(';')[0]!.trim().toLowerCase();
  // application/octet-stream says "I don't know": not a lie. Anything else must agree with the content.
  if (declared && declared !== 'application/octet-stream' && declared !== type && !(type === 'image/jpeg' && declared === 'image/jpg')) {
    throw unsupported(`The file's content (${type}) does not match its declared type (${declared})`);
  }
  let out: { content: Buffer; stripped: string[]; pages: number };
  if (type === 'image/jpeg') out = { ...stripJpeg(content), pages: 1 };
  else if (type === 'image/png') out = { ...stripPng(content), pages: 1 };
  else out = { content, stripped: [], pages: await checkPdf(content) };
  return { filename, contentType: type, content: out.content, sha256: createHash('sha256').update(out.content).digest('hex'), pages: out.pages, stripped: out.stripped };
}

function checkPixels(width: number, height: number): void {
  if (width <= 0 || height <= 0) throw malformed('The image has no size');
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new AppError(ErrorCode.payloadTooLarge, 413, `An image may be at most ${MAX_IMAGE_SIDE} pixels on a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// JPEG: a segment filter. Markers: SOI FFD8, EOI FFD9, SOS FFDA (followed by entropy-coded data), RSTn FFD0-D7.

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function keepJpegSegment(marker: number, body: Buffer): boolean {
  if (marker === 0xe0) return true; // APP0: JFIF/JFXX header
  if (marker === 0xe2) return body.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0'; // colour profile only
  if (marker === 0xee) return body.subarray(0, 5).toString('latin1') === 'Adobe'; // colour transform
  if (marker >= 0xe0 && marker <= 0xef) return false; // APP1 (EXIF, GPS, XMP), APP13 (IPTC) and the rest
  if (marker === 0xfe) return false; // COM
  return true;
}

/** The JPEG without metadata segments; refuses truncated files and anything after EOI. */
export function stripJpeg(buf: Buffer): { content: Buffer; stripped: string[] } {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw malformed('Not a JPEG file');
  const parts: Buffer[] = [buf.subarray(0, 2)];
  const stripped = new Set<string>();
  let sawFrame = false;
  let i = 2;
  for (;;) {
    if (i >= buf.length) throw malformed('The JPEG file is truncated');
    if (buf[i] !== 0xff) throw malformed('The JPEG file is malformed');
    while (buf[i] === 0xff && i < buf.length) i++; // fill bytes
    if (i >= buf.length) throw malformed('The JPEG file is truncated');
    const marker = buf[i]!;
    i++;
    if (marker === 0xd9) {
      if (!sawFrame) throw malformed('The JPEG file has no image');
      parts.push(Buffer.from([0xff, 0xd9]));
      if (i !== buf.length) throw unsupported('The JPEG file has data after its end (a polyglot or a hidden payload)');
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      parts.push(Buffer.from([0xff, marker]));
      continue;
    }
    if (i + 2 > buf.length) throw malformed('The JPEG file is truncated');
    const len = buf.readUInt16BE(i);
    if (len < 2 || i + len > buf.length) throw malformed('The JPEG file is truncated');
    const body = buf.subarray(i + 2, i + len);
    if (SOF.has(marker)) {
      if (body.length < 5) throw malformed('The JPEG file is malformed');
      checkPixels(body.readUInt16BE(3), body.readUInt16BE(1));
      sawFrame = true;
    }
    if (keepJpegSegment(marker, body)) parts.push(buf.subarray(i - 2, i + len));
    else stripped.add(marker === 0xfe ? 'COM' : `APP${marker - 0xe0}`);
    i += len;
    if (marker === 0xda) {
      // Entropy-coded data runs until a marker that is not a stuffed 0xFF00 or a restart marker.
      let j = i;
      while (j < buf.length) {
        if (buf[j] === 0xff) {
          const next = buf[j + 1];
          if (next === undefined) break;
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      parts.push(buf.subarray(i, j));
      i = j;
    }
  }
  return { content: Buffer.concat(parts), stripped: [...stripped].sort() };
}

// ---------------------------------------------------------------------------------------------------------
// PNG: a chunk filter (length, type, data, CRC-32 over type and data).

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs']);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG without text, time and unknown ancillary chunks; refuses bad CRCs and anything after IEND. */
export function stripPng(buf: Buffer): { content: Buffer; stripped: string[] } {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw malformed('Not a PNG file');
  const parts: Buffer[] = [PNG_SIGNATURE];
  const stripped = new Set<string>();
  let i = 8;
  let first = true;
  for (;;) {
    if (i + 12 > buf.length) throw malformed('The PNG file is truncated');
    const len = buf.readUInt32BE(i);
    if (len > buf.length - i - 12) throw malformed('The PNG file is truncated');
    const type = buf.subarray(i + 4, i + 8).toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) throw malformed('The PNG file is malformed');
    const whole = buf.subarray(i, i + 12 + len);
    if (crc32(buf.subarray(i + 4, i + 8 + len)) !== buf.readUInt32BE(i + 8 + len)) throw malformed('The PNG file is corrupt (bad checksum)');
    if (first) {
      if (type !== 'IHDR' || len < 13) throw malformed('The PNG file is malformed');
      const [w, h] = [buf.readUInt32BE(i + 8), buf.readUInt32BE(i + 12)];
      checkPixels(w, h);
      const [depth, colorType] = [buf[i + 16]!, buf[i + 17]!];
      const alpha = colorType === 4 || colorType === 6;
      const slow = buf[i + 20] !== 0 || (alpha && depth !== 8);
      const max = slow ? MAX_SLOW_PNG_PIXELS : alpha ? MAX_DECODED_PNG_PIXELS : Infinity;
      if (w * h > max) {
        throw new AppError(ErrorCode.payloadTooLarge, 413, `A PNG with transparency or interlacing may be at most ${max / 1e6} megapixels; save it as JPEG or without transparency`);
      }
      first = false;
    }
    if (PNG_KEEP.has(type)) parts.push(whole);
    else if (type[0]! >= 'A' && type[0]! <= 'Z') throw unsupported(`The PNG file has an unknown critical chunk (${type})`);
    else stripped.add(type);
    i += 12 + len;
    if (type === 'IEND') {
      if (i !== buf.length) throw unsupported('The PNG file has data after its end (a polyglot or a hidden payload)');
      break;
    }
  }
  return { content: Buffer.concat(parts), stripped: [...stripped].sort() };
}

// ---------------------------------------------------------------------------------------------------------
// PDF

/** Signatures of other formats and of active content; their presence makes a PDF a polyglot or a risk. */
const PDF_FORBIDDEN: { re: RegExp; what: string }[] = [
  { re: /PK\x03\x04|PK\x01\x02|PK\x05\x06/, what: 'a ZIP archive' },
  { re: /<\s*(?:script|html|body|iframe|svg|!doctype\s+html)\b/i, what: 'HTML or script markup' },
  { re: /\/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b/, what: 'active content (scripts, launch actions, embedded files or forms)' },
];

/** Checks a PDF's structure and content; returns its page count. */
export async function checkPdf(buf: Buffer): Promise<number> {
  if (buf.subarray(0, 5).toString('latin1') !== '%PDF-') throw unsupported('A PDF must start with %PDF- (nothing may come before it)');
  const text = buf.toString('latin1');
  const eof = text.lastIndexOf('%%EOF');
  if (eof < 0) throw malformed('The PDF file is truncated (no %%EOF)');
  if (!/^\s*$/.test(text.slice(eof + 5))) throw unsupported('The PDF file has data after its end (a polyglot or a hidden payload)');
  for (const f of PDF_FORBIDDEN) if (f.re.test(text)) throw unsupported(`The PDF file contains ${f.what}; it is refused`);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(buf, { updateMetadata: false });
  } catch (err) {
    if (err instanceof Error && err.name === 'EncryptedPDFError') throw unsupported('Encrypted PDFs cannot be checked or watermarked; upload an unencrypted copy');
    throw malformed('The PDF file cannot be read');
  }
  const pages = doc.getPageCount();
  if (pages < 1) throw malformed('The PDF file has no pages');
  if (pages > MAX_PDF_PAGES) throw new AppError(ErrorCode.payloadTooLarge, 413, `A PDF may have at most ${MAX_PDF_PAGES} pages`);
  return pages;
}

// ---------------------------------------------------------------------------------------------------------
// Watermarked view

/** Printable ASCII only: the standard PDF font cannot draw other characters, and a stamp must never fail. */
function stampText(s: string): string {
  return s.normalize('NFKD').replace(/[^\x20-\x7e]/g, '?');
}

const MAX_SIDE_PT = 842; // A4's long side: images are scaled to fit

/**
 * A PNG as a PDF image without decoding it: PDF's FlateDecode with PNG predictors (Predictor 15) reads the PNG's
 * IDAT data as it is, so a large screenshot costs a copy, not a decode (pdf-lib's embedPng decodes every pixel:
 * seconds of blocked event loop for a 12-megapixel image). Only for what maps one to one — greyscale, RGB or
 * palette, not interlaced; PNGs with an alpha channel or interlacing take pdf-lib's path. The PNG was checked and
 * stripped on upload (chunks, CRCs, size), so it is read here without re-checking.
 */
function pngAsPdfImage(out: PDFDocument, png: Buffer): { ref: PDFRef; width: number; height: number } | undefined {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [depth, colorType, interlace] = [png[24]!, png[25]!, png[28]!];
  const alpha = colorType === 4 || colorType === 6;
  if (interlace !== 0 || (alpha && depth !== 8) || ![0, 2, 3, 4, 6].includes(colorType)) return undefined;
  const idat: Buffer[] = [];
  let palette: Buffer | undefined;
  for (let i = 8; i + 12 <= png.length; ) {
    const len = png.readUInt32BE(i);
    const type = png.subarray(i + 4, i + 8).toString('latin1');
    if (type === 'IDAT') idat.push(png.subarray(i + 8, i + 8 + len));
    if (type === 'PLTE') palette = png.subarray(i + 8, i + 8 + len);
    i += 12 + len;
  }
  if (colorType === 3 && !palette) return undefined;
  if (alpha) {
    // Transparency cannot be passed through (PDF keeps alpha in a separate mask): flatten onto white instead —
    // one inflate, one pass over the rows, one fast deflate, all native or a tight loop.
    const flat = flattenAlpha(inflateSync(Buffer.concat(idat)), width, height, colorType === 6 ? 4 : 2);
    const dict = out.context.obj({ Type: 'XObject', Subtype: 'Image', Width: width, Height: height, BitsPerComponent: 8, ColorSpace: colorType === 6 ? 'DeviceRGB' : 'DeviceGray', Filter: 'FlateDecode' });
    return { ref: out.context.register(PDFRawStream.of(dict, deflateSync(flat, { level: 1 }))), width, height };
  }
  const colors = colorType === 2 ? 3 : 1;
  const colorSpace =
    colorType === 0 ? 'DeviceGray' : colorType === 2 ? 'DeviceRGB' : ['Indexed', 'DeviceRGB', palette!.length / 3 - 1, PDFHexString.of(palette!.toString('hex'))];
  const dict = out.context.obj({
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    BitsPerComponent: depth,
    ColorSpace: colorSpace,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: depth, Columns: width },
  });
  const ref = out.context.register(PDFRawStream.of(dict, Buffer.concat(idat)));
  return { ref, width, height };
}

/** Undoes PNG row filters (8-bit samples, `bpp` bytes per pixel) and composites onto white; returns the colour samples. */
export function flattenAlpha(data: Buffer, width: number, height: number, bpp: 2 | 4): Buffer {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const stride = width * bpp;
  const colours = bpp - 1;
  const out = new Uint8Array(width * height * colours);
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1) + 1;
    if (at + stride > raw.length) throw malformed('The PNG image data is truncated');
    const filter = raw[at - 1];
    // One loop per filter type: the hot loops stay branch-free.
    if (filter === 0) cur.set(raw.subarray(at, at + stride));
    else if (filter === 1) for (let i = 0; i < stride; i++) cur[i] = (raw[at + i]! + (i >= bpp ? cur[i - bpp]! : 0)) & 255;
    else if (filter === 2) for (let i = 0; i < stride; i++) cur[i] = (raw[at + i]! + prev[i]!) & 255;
    else if (filter === 3) for (let i = 0; i < stride; i++) cur[i] = (raw[at + i]! + (((i >= bpp ? cur[i - bpp]! : 0) + prev[i]!) >> 1)) & 255;
    else if (filter === 4) {
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? cur[i - bpp]! : 0;
        const b = prev[i]!;
        const c = i >= bpp ? prev[i - bpp]! : 0;
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        cur[i] = (raw[at + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
      }
    } else throw malformed('The PNG image data is malformed');
    // (c·α + 255·(255−α)) / 255, rounded, in integers; unrolled per layout (about 4× faster than a loop over k).
    if (colours === 3) {
      for (let x = 0; x < stride; x += 4) {
        const alpha = cur[x + 3]!;
        const white = 255 * (255 - alpha) + 128;
        let t = cur[x]! * alpha + white;
        out[o++] = (t + (t >> 8)) >> 8;
        t = cur[x + 1]! * alpha + white;
        out[o++] = (t + (t >> 8)) >> 8;
        t = cur[x + 2]! * alpha + white;
        out[o++] = (t + (t >> 8)) >> 8;
      }
    } else {
      for (let x = 0; x < stride; x += 2) {
        const alpha = cur[x + 1]!;
        const t = cur[x]! * alpha + 255 * (255 - alpha) + 128;
        out[o++] = (t + (t >> 8)) >> 8;
      }
    }
    [prev, cur] = [cur, prev];
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

/** Renders a stored document into a new PDF with every page stamped "viewer · time" (see the file comment). */
export async function renderWatermarked(doc: { contentType: string; content: Uint8Array }, viewer: string, at: Date): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  out.setProducer('Bulwark');
  // A copy with its own ArrayBuffer: pdf-lib's JPEG reader ignores a Buffer's offset into Node's shared pool.
  const bytes = new Uint8Array(doc.content);
  if (doc.contentType === 'application/pdf') {
    const src = await PDFDocument.load(bytes, { updateMetadata: false });
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const p of pages) {
      p.node.delete(PDFName.of('Annots'));
      p.node.delete(PDFName.of('AA'));
      out.addPage(p);
    }
  } else {
    const direct = doc.contentType === 'image/png' ? pngAsPdfImage(out, Buffer.from(bytes)) : undefined;
    const img = direct ?? (doc.contentType === 'image/png' ? await out.embedPng(bytes) : await out.embedJpg(bytes));
    // The longest side fills an A4 side (large photos shrink, small ones grow), so the stamp is always legible.
    const scale = MAX_SIDE_PT / Math.max(img.width, img.height);
    const [w, h] = [img.width * scale, img.height * scale];
    const page = out.addPage([w, h]);
    if (direct) {
      const name = page.node.newXObject('Im', direct.ref);
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState());
    } else {
      page.drawImage(img as Awaited<ReturnType<typeof out.embedJpg>>, { x: 0, y: 0, width: w, height: h });
    }
  }
  const font = await out.embedFont(StandardFonts.Helvetica);
  const line = stampText(`Bulwark KYC - viewed by ${viewer} - ${at.toISOString()} - confidential`);
  for (const page of out.getPages()) {
    const { width, height } = page.getSize();
    const size = Math.max(8, Math.min(width, height) / 40);
    // Diagonal lines across the page (cropping one away leaves the others), plus a solid footer.
    const step = size * 8;
    for (let y = -height; y < height * 2; y += step) {
      page.drawText(line, { x: 0, y, size, font, color: rgb(0.8, 0.1, 0.1), opacity: 0.28, rotate: degrees(30) });
    }
    // The footer is sized to fit the page width whole: a cut-off name would not say who looked.
    const footer = Math.min(size * 0.9, (width - size) / font.widthOfTextAtSize(line, 1));
    page.drawRectangle({ x: 0, y: 0, width, height: footer * 2, color: rgb(1, 1, 1), opacity: 0.85 });
    page.drawText(line, { x: size / 2, y: footer / 2, size: footer, font, color: rgb(0.6, 0, 0) });
  }
  return out.save({ useObjectStreams: false });
}
