// Test files for KYC documents (tests and the browser test only): a small real JPEG and PNG, the same with
// metadata added (EXIF with GPS, XMP, a comment; PNG text chunks), polyglots, and PDFs built with pdf-lib.
import { crc32 } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';

/** A small baseline JPEG (543 bytes; JFIF APP0, tables, one scan; from CPython's test data). */
export const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z',
  'base64',
);

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** What the metadata carries: tests assert none of it survives. */
export const GPS_TEXT = 'GPSLatitude 51.500729N GPSLongitude 0.124625W';
export const XMP_TEXT = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="51,30.04N"/></x:xmpmeta>';
export const PNG_TEXT = 'Author: Ada Lovelace, Location: 51.5007 -0.1246';

function segment(marker: number, body: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), len, body]);
}

/** The JPEG with EXIF (a TIFF header and GPS text), XMP and a comment inserted after SOI. */
export function jpegWithMetadata(): Buffer {
  const exif = segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0MM\0*\0\0\0\x08', 'latin1'), Buffer.from(GPS_TEXT)]));
  const xmp = segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${XMP_TEXT}`, 'latin1'));
  const com = segment(0xfe, Buffer.from('Taken with a phone at home'));
  return Buffer.concat([JPEG.subarray(0, 2), exif, xmp, com, JPEG.subarray(2)]);
}

/** One PNG chunk: length, type, data, CRC-32. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** The PNG with tEXt, iTXt and tIME chunks after IHDR. */
export function pngWithMetadata(): Buffer {
  const ihdrEnd = 8 + 12 + 13;
  return Buffer.concat([
    PNG.subarray(0, ihdrEnd),
    pngChunk('tEXt', Buffer.from(`Comment\0${PNG_TEXT}`, 'latin1')),
    pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP_TEXT}`, 'latin1')),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 11, 21, 10, 0, 0])),
    PNG.subarray(ihdrEnd),
  ]);
}

/** A minimal ZIP (one empty stored file): what a polyglot hides. */
export const ZIP = Buffer.from('UEsDBBQAAAAAAMNOdV0AAAAAAAAAAAAAAAAFAAAAYS50eHRQSwECFAMUAAAAAADDTnVdAAAAAAAAAAAAAAAABQAAAAAAAAAAAAAAgAEAAAAAYS50eHRQSwUGAAAAAAEAAQAzAAAAIwAAAAAA', 'base64');

/** A PDF of `pages` pages, each with a line of text. */
export async function pdf(pages = 1, text = 'Certificate of incorporation'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([300, 200]).drawText(`${text} p${i + 1}`, { x: 20, y: 100, size: 12, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF whose catalogue runs JavaScript when opened. */
export async function pdfWithJavaScript(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]);
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert(1)') }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A multipart/form-data body for app.inject. */
export function multipart(fields: Record<string, string>, files: { filename: string; type: string; content: Buffer; field?: string }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----bulwark${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.filename}"\r\ncontent-type: ${f.type}\r\n\r\n`));
    parts.push(f.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
