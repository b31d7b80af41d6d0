export { signCades, type SignCadesOptions } from './signCades.js';
export { keySigner, tokenSigner, type CadesSignFunction, type SignRequest } from './signers.js';
export { HASH_ALGORITHMS, type HashAlgorithm, type SignatureScheme } from './algorithms.js';
export type { ContentHints } from './attributes.js';
export {
  TURKISH_PROFILE_DOCUMENT,
  TURKISH_PROFILE_OIDS,
  turkishProfilePolicy,
  type SignaturePolicy,
  type TurkishProfile,
} from './policy.js';
export { requestTimestamp, type TimestampOptions, type TimestampResult } from './timestamp.js';
export {
  CadesSignError,
  TimestampError,
  TimestampStatusError,
  isCadesSignError,
  type CadesSignErrorCode,
} from './errors.js';
