// The matching engine's public surface: the screening service, the lists service and `bulwark screen` use
// only what is exported here.
export { ALGORITHM_VERSION, DEFAULT_THRESHOLD, compareNames, scorePair } from './matcher.js';
export { analyseName, normaliseName } from './normalise.js';
export type { AnalysedName } from './normalise.js';
export { normaliseWallet, walletEncoding } from './wallet.js';
export type { WalletEncoding } from './wallet.js';
export { buildScreeningIndex, MAX_CANDIDATES } from './screening-index.js';
export { jaroWinkler } from './jaro-winkler.js';
export { phoneticKey } from './phonetic.js';
export { transliterate } from './transliterate.js';
export { screenBatch, type BatchOptions } from './batch.js';
