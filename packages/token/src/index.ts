export type {
  CertificateInfo,
  HashAlgorithm,
  KeyAlgorithm,
  LibraryInfo,
  ModuleReport,
  PinState,
  SignatureScheme,
  SignOptions,
  SigningSession,
  TokenErrorCode,
  TokenEvent,
  TokenInfo,
  TokenService,
  TokenServiceOptions,
  WatchOptions,
} from './types.js';
export { TokenError, isTokenError } from './errors.js';
export type { TokenErrorDetail } from './errors.js';
export { openTokenService } from './service.js';
export { matchAtr, loadCardsCatalog, findCardsJson, moduleCandidates } from './discovery.js';
export type { CardsCatalog, ModuleCandidate } from './discovery.js';
export { tcknFromSerialNumber } from './certificate.js';
