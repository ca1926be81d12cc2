// Each subject's data key at most once per transaction, for reads that decrypt rows of many traders (a review
// queue, an inbox): null once the key was destroyed (crypto-shredded), so the caller leaves those values out.
import type { SubjectKey } from './envelope.js';
import { isCryptoError } from './errors.js';
import type { Vault } from './vault.js';

/** A per-transaction lookup of subjects' data keys (see the file comment). */
export function subjectKeyCache(vault: Pick<Vault, 'subjectKey'>, tx: Parameters<Vault['subjectKey']>[0]): (subjectId: string) => Promise<SubjectKey | null> {
  const keys = new Map<string, Promise<SubjectKey | null>>();
  return (subjectId: string) => {
    let k = keys.get(subjectId);
    if (!k) {
      k = vault.subjectKey(tx, subjectId, { create: false }).catch((err: unknown) => {
        if (isCryptoError(err, 'key_destroyed')) return null;
        throw err;
      });
      keys.set(subjectId, k);
    }
    return k;
  };
}
