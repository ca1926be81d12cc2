// The boundary between Bulwark and whatever guards the master key (a local file by default, a KMS or an HSM
// through PKCS#11 in production). Only this interface sees the master key; everything above it handles data
// keys that are stored *wrapped* (encrypted under the master key) and unwrapped into memory at start-up.
//
// A provider must be an AEAD: unwrap succeeds only for bytes produced by wrap() with the same context. The
// context (e.g. 'ring-dek/field/v3') is bound as additional authenticated data, so a wrapped key cannot be
// swapped for another purpose's or another version's key in the database without unwrap failing.

/** A master-key holder that wraps and unwraps data keys (local file, KMS, HSM/PKCS#11). */
export interface KeyProvider {
  /** Describes where the master key lives, e.g. 'local-file:/etc/bulwark/master.key'; shown in status output, never secret. */
  readonly id: string;
  /** Encrypts a data key under the master key, binding `context` as AAD. */
  wrap(plaintextKey: Buffer, context: string): Promise<Buffer>;
  /** Decrypts a wrapped data key; throws CryptoError when the bytes or the context do not match. */
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
}
