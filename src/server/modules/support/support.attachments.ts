// Attachments: decoded from base64, size-limited, typed by their CONTENT (magic bytes via file-type, never the
// name or a declared type) against an allow-list, and refused when the name's extension disagrees with the
// content (a "receipt.png" that is really a PDF or an HTML page is what a phishing or XSS attempt looks like).
// Plain text is accepted only when it is valid UTF-8 without control characters and without markup (HTML, SVG,
// XML are text to file-type; served inline they would run script, so they are refused outright).
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { ErrorCode } from '../../../contracts/errors.js';
import type { AttachmentUpload } from '../../../contracts/support.js';
import { findingKinds, scanSecrets, type SecretKind } from '../../platform/dlp/secret-scanner.js';
import { AppError } from '../../platform/http/errors.js';

/** Largest attachment accepted, decoded (bytes). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Attachments per message (the contract allows at most this many). */
export const MAX_ATTACHMENTS = 4;
/** Body limit of the routes that take attachments: base64 grows 4/3, plus the JSON around it. */
export const ATTACHMENT_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * MAX_ATTACHMENTS * 4) / 3) + 256 * 1024;

/** The allowed content types and the file-name extensions that may carry each. */
const ALLOWED: Record<string, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'log', 'csv'],
};

/** Shown inline (sandboxed) to roles that may open attachments; everything else is a download. */
export function isInlineType(contentType: string): boolean {
  return contentType.startsWith('image/') || contentType === 'application/pdf';
}

export interface CheckedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
  /** Secret kinds redacted from a text attachment. */
  redactions: SecretKind[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A file name safe to store and to put in a header: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(-200);
  return cleaned || 'attachment';
}

function refuse(status: number, code: ErrorCode, message: string, index: number): AppError {
  return new AppError(code, status, message, { fieldErrors: [{ path: `body.attachments.${index}`, message }] });
}

/** Decodes and checks uploads (size, type by content, extension agreement); text attachments are scanned for secrets. */
export async function checkAttachments(uploads: readonly AttachmentUpload[] | undefined): Promise<CheckedAttachment[]> {
  const out: CheckedAttachment[] = [];
  for (const [i, u] of (uploads ?? []).entries()) {
    const b64 = u.contentBase64.replace(/\s+/g, '');
    if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw refuse(400, ErrorCode.validation, 'The attachment is not valid base64', i);
    // Checked before decoding: an oversized file is refused without allocating it.
    if ((b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0) > MAX_ATTACHMENT_BYTES) {
      throw refuse(413, ErrorCode.payloadTooLarge, `An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, i);
    }
    let content: Buffer = Buffer.from(b64, 'base64');
    if (content.length === 0) throw refuse(400, ErrorCode.validation, 'The attachment is empty', i);
    const filename = cleanFilename(u.filename);
    const detected = await fileTypeFromBuffer(content);
    let contentType: string;
    let redactions: SecretKind[] = [];
    if (detected) {
      contentType = detected.mime;
    } else {
      const text = asPlainText(content);
      if (text === null) throw refuse(415, ErrorCode.unsupportedMediaType, 'Only PNG, JPEG, GIF, WebP, PDF and plain text files are accepted', i);
      contentType = 'text/plain';
      const scan = scanSecrets(text);
      if (scan.findings.length) {
        redactions = findingKinds(scan.findings);
        content = Buffer.from(scan.text, 'utf8');
      }
    }
    const exts = ALLOWED[contentType];
    if (!exts) throw refuse(415, ErrorCode.unsupportedMediaType, 'Only PNG, JPEG, GIF, WebP, PDF and plain text files are accepted', i);
    const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
    if (!exts.includes(ext)) {
      throw refuse(415, ErrorCode.unsupportedMediaType, `The file's content (${contentType}) does not match its name`, i);
    }
    out.push({ filename, contentType, content, sha256: createHash('sha256').update(content).digest('hex'), redactions });
  }
  return out;
}

/** The content as text when it is plain UTF-8 text without control characters or markup; otherwise null. */
function asPlainText(buf: Buffer): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return null;
  // Markup of any kind (HTML, SVG, XML, a processing instruction or comment) is not plain text.
  if (/<\s*[a-zA-Z!?/]/.test(text)) return null;
  return text;
}

/** Content-Disposition for a stored attachment: inline for images/PDFs, attachment otherwise; RFC 6266/5987. */
export function contentDisposition(filename: string, inline: boolean): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/** RFC 5987 attr-char encoding: encodeURIComponent leaves ' ( ) * unencoded, which the grammar does not allow. */
function encodeRfc5987(v: string): string {
  return encodeURIComponent(v).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
