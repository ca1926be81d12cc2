// The one error type of the cryptography core.
//
// Security rule for every message built with it: a message may name *where* something failed (table, column,
// row id, subject id, key version, key-file path, wrap context) but never *what* was being protected — no
// plaintext, no key bytes, no ciphertext bytes, no file contents. Callers log these messages and may surface
// them to staff, so they are written to be safe to print. No `cause` is attached either: errors thrown by
// OpenSSL or JSON.parse can quote their input (V8's JSON.parse error quotes the text it failed on).

/** Stable machine-readable reasons a cryptographic operation was refused. */
export type CryptoErrorCode =
  /** Authentication failed: the ciphertext was moved to another binding, tampered with, or the key is wrong. */
  | 'decrypt_failed'
  /** The ciphertext is of another kind than the caller expects (ring- vs subject-encrypted), or a key belongs to another subject. */
  | 'wrong_binding'
  /** The ciphertext names a key version the key ring (or subject key lookup) does not hold. */
  | 'unknown_key_version'
  /** The key needed was destroyed (crypto-shredding) or the key ring was wiped. */
  | 'key_destroyed'
  /** The input is not a well-formed ciphertext / wrapped key / key file (truncated, oversized, wrong format). */
  | 'malformed'
  /** A key, key ring or argument does not meet the requirements (wrong length, duplicate versions, bad purpose…). */
  | 'invalid_argument'
  /** The master key file does not exist and creation was not requested. */
  | 'key_file_missing'
  /** The master key file is accessible by group/others, or is not a regular file. */
  | 'key_file_insecure';

/** Error thrown by the crypto core; `code` is stable, `message` is safe to log (never contains secrets). */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  /** Creates an error; the message must never contain key material or plaintext. */
  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** True when `err` is a CryptoError (optionally with the given code). */
export function isCryptoError(err: unknown, code?: CryptoErrorCode): err is CryptoError {
  return err instanceof CryptoError && (code === undefined || err.code === code);
}
