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
