export {
  validateCades,
  CHECK_NAMES,
  type ValidateCadesOptions,
  type SignerPolicy,
} from './validate.js';
export { TrustStore, pemToDers } from './trust-store.js';
export { RevocationCache } from './revocation/cache.js';
export {
  defaultRevocationCache,
  type RevocationMode,
  type RevocationOptions,
} from './revocation/check.js';
export type { FreshnessPolicy, OcspNoncePolicy } from './revocation/types.js';
export { DEFAULT_ALGORITHM_POLICY, type AlgorithmPolicy } from './algorithms.js';
export { normaliseTckn } from './signer-summary.js';
export { INDICATION_OF } from './report.js';
