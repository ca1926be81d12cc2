// Case attachments (evidence: statements, screenshots, correspondence): typed by their CONTENT (magic bytes via
// file-type), never by the name or the declared type, against an allow-list; the name's extension and the declared
// type must agree with the content (a "statement.pdf" that is an HTML page is refused). Plain text (CSV exports of
// transactions) only when it is UTF-8 without control characters or markup. Size-limited before anything is stored;
// the route reads the upload into memory with the same limit, never to a temporary file.
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { ErrorCode } from '../../../contracts/errors.js';
import { AppError } from '../../platform/http/errors.js';
import { cleanFilename } from '../support/index.js';

/** Largest attachment (bytes). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Attachments per case. */
export const MAX_ATTACHMENTS_PER_CASE = 50;

/** Allowed content types and the file-name extensions that may carry each. */
const ALLOWED: Record<string, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'text/plain': ['txt', 'csv', 'log'],
};

export interface CheckedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
}

const unsupported = (message: string) => new AppError(ErrorCode.unsupportedMediaType, 415, message, { fieldErrors: [{ path: 'body.file', message }] });

/** Checks one upload (see the file comment) and returns what to store. */
export async function checkAttachment(input: { filename: string; declaredType: string | undefined; content: Buffer }): Promise<CheckedAttachment> {
  const { content } = input;
  if (content.length === 0) throw new AppError(ErrorCode.validation, 400, 'The file is empty', { fieldErrors: [{ path: 'body.file', message: 'empty' }] });
  if (content.length > MAX_ATTACHMENT_BYTES) throw new AppError(ErrorCode.payloadTooLarge, 413, `An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
  const detected = await fileTypeFromBuffer(content);
  let type: string;
  if (detected) type = detected.mime;
  else if (isPlainText(content)) type = 'text/plain';
  else throw unsupported('Only PDF, PNG, JPEG and plain-text (CSV) files are accepted (decided by the content, not the name)');
  const exts = ALLOWED[type];
  if (!exts) throw unsupported('Only PDF, PNG, JPEG and plain-text (CSV) files are accepted (decided by the content, not the name)');
  const filename = cleanFilename(input.filename);
  const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  if (!exts.includes(ext)) throw unsupported(`The file's content (${type}) does not match its name`);
  const declared = (input.declaredType ?? '').split(';')[0]!.trim().toLowerCase();
  // application/octet-stream says "I don't know": not a lie. A CSV may be declared text/csv. Anything else must agree.
  const agrees = !declared || declared === 'application/octet-stream' || declared === type || (type === 'text/plain' && declared === 'text/csv') || (type === 'image/jpeg' && declared === 'image/jpg');
  if (!agrees) throw unsupported(`The file's content (${type}) does not match its declared type (${declared})`);
  return { filename, contentType: type, content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Valid UTF-8 without control characters and without markup (HTML, SVG, XML would be text to file-type). */
function isPlainText(buf: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return false;
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return false;
  return !/<\s*[a-zA-Z!?/]/.test(text);
}
