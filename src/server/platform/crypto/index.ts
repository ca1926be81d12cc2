// Public API of the cryptography core (database-free). Internal helpers of key-ring.ts (getRingEntry,
// assert*) are deliberately not re-exported.

export { CryptoError, isCryptoError, type CryptoErrorCode } from './errors.js';
export type { KeyProvider } from './keys/key-provider.js';
export {
  MASTER_KEY_FORMAT,
  openLocalFileProvider,
  type LocalFileProviderOptions,
  type OpenedLocalFileProvider,
} from './keys/local-file-provider.js';
export {
  BLIND_INDEX_PURPOSE,
  DATA_KEY_BYTES,
  FIELD_PURPOSE,
  KeyRing,
  MAX_KEY_VERSION,
  destroySubjectKey,
  generateDataKey,
  generateSubjectKey,
  loadKeyRing,
  ringKeyContext,
  rotateKeyRing,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type KeyStatus,
  type KeyVersionInfo,
  type StoredDataKey,
  type SubjectKey,
} from './key-ring.js';
export {
  CIPHERTEXT_FORMAT_V1,
  CIPHERTEXT_OVERHEAD,
  HEADER_BYTES,
  MAX_PLAINTEXT_BYTES,
  decryptField,
  decryptForSubject,
  decryptString,
  decryptStringForSubject,
  encryptField,
  encryptForSubject,
  needsRotation,
  parseHeader,
  reencryptField,
  rewrapSubjectKey,
  unwrapSubjectKey,
  wrapSubjectKey,
  type CiphertextHeader,
  type CiphertextKind,
  type FieldBinding,
  type SubjectKeyLookup,
} from './envelope.js';
export {
  BLIND_INDEX_BYTES,
  MAX_INDEXED_LENGTH,
  blindIndex,
  blindIndexAllVersions,
  normaliseForIndex,
} from './blind-index.js';
