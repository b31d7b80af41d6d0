import type { Logger } from 'pino';

/** Every failure the token layer reports. The UI localises by code; messages are English and PIN-free. */
export type TokenErrorCode =
  | 'PIN_INCORRECT'
  | 'PIN_LOCKED'
  | 'PIN_LEN_RANGE'
  | 'PIN_INVALID'
  | 'PIN_EXPIRED'
  | 'SO_PIN_INCORRECT'
  | 'SO_PIN_LOCKED'
  | 'TOKEN_NOT_PRESENT'
  | 'TOKEN_REMOVED'
  | 'TOKEN_WRITE_PROTECTED'
  | 'MODULE_NOT_FOUND'
  | 'CERTIFICATE_NOT_FOUND'
  | 'KEY_NOT_FOUND'
  | 'MECHANISM_UNSUPPORTED'
  | 'INVALID_ARGUMENT'
  | 'CANCELLED'
  | 'SESSION_CLOSED'
  | 'DEVICE_ERROR';

/** PIN status as the token reports it in its CK_TOKEN_INFO flags (PKCS#11 gives no exact try count). */
export interface PinState {
  initialized: boolean;
  /** At least one wrong PIN since the last right one (CKF_*_PIN_COUNT_LOW). */
  countLow: boolean;
  /** One more wrong PIN locks it (CKF_*_PIN_FINAL_TRY). */
  finalTry: boolean;
  locked: boolean;
  /** The token wants the PIN changed (CKF_*_PIN_TO_BE_CHANGED). */
  toBeChanged: boolean;
}

export interface LibraryInfo {
  manufacturer: string;
  description: string;
  /** "major.minor" of the library itself. */
  version: string;
  cryptokiVersion: string;
}

/** One PKCS#11 module the layer tried to load, and what happened. */
export interface ModuleReport {
  /** Short name: file name without extension and `lib` prefix (e.g. `softhsm2`, `akisp11`). */
  name: string;
  path: string;
  /** Where the path came from: EIMZA_PKCS11_MODULE, openTokenService options, resources/cards.json, or the OS's well-known places. */
  source: 'env' | 'option' | 'cards.json' | 'well-known';
  loaded: boolean;
  /** Why it did not load (file missing, not a PKCS#11 library, C_Initialize failed with ...). */
  error?: string;
  library?: LibraryInfo;
}

export interface TokenInfo {
  moduleName: string;
  modulePath: string;
  /** The slot id as a decimal string (slot ids may exceed 2^53 on some modules). */
  slotId: string;
  slotDescription: string;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  /** The token reads the PIN on its own keypad (CKF_PROTECTED_AUTHENTICATION_PATH): pass `null` as PIN. */
  pinPad: boolean;
  loginRequired: boolean;
  userPin: PinState;
  soPin: PinState;
  minPinLength: number;
  maxPinLength: number;
}

export type KeyAlgorithm =
  { name: 'RSA'; bits: number } | { name: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' };

export interface CertificateInfo {
  /** Stable across runs: `${tokenSerial}:${ckaIdHex}`. */
  id: string;
  tokenSerial: string;
  tokenLabel: string;
  moduleName: string;
  /** CKA_ID as lower-case hex. */
  ckaId: string;
  /** CKA_LABEL of the certificate object. */
  label: string;
  der: Uint8Array;
  /** RFC 4514 style subject, as @peculiar/x509 renders it. */
  subject: string;
  commonName?: string;
  /** T.C. Kimlik No from the subject serialNumber, `TCKN`/`IDCTR-` style prefixes stripped. */
  tckn?: string;
  issuer: string;
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Key usage names as in RFC 5280: digitalSignature, nonRepudiation, keyEncipherment, ... */
  keyUsage: string[];
  nonRepudiation: boolean;
  keyAlgorithm: KeyAlgorithm;
  /**
   * A key pair with the same CKA_ID is on the token: its private key, or, where private keys stay hidden until
   * login (most cards), its public key. openSigningSession confirms the private key after login (else KEY_NOT_FOUND).
   */
  hasPrivateKey: boolean;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprintSha256: string;
}

export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Signature schemes a signing session can produce with the token's mechanisms. */
export type SignatureScheme = 'RSA-PKCS1' | 'RSA-PSS' | 'ECDSA';

export interface SignOptions {
  hash: HashAlgorithm;
  /** RSA only; default `pkcs1`. PSS uses MGF1 with the same hash and a salt as long as the hash. */
  scheme?: 'pkcs1' | 'pss';
}

/** A logged-in session on one certificate's token: one login, many signatures. */
export interface SigningSession {
  readonly certificate: CertificateInfo;
  /** What the token can do with this key (read once when the session opened). */
  mechanisms(): SignatureScheme[];
  /**
   * Signs a digest computed by the caller.
   * RSA: PKCS#1 v1.5 over a DigestInfo (CKM_RSA_PKCS) or PSS (CKM_RSA_PKCS_PSS).
   * EC: raw CKM_ECDSA over the digest, returned as a DER ECDSA-Sig-Value.
   */
  signDigest(digest: Uint8Array, options: SignOptions): Promise<Uint8Array>;
  /** Hashes `data` with `options.hash`, then {@link signDigest}. */
  signData(data: Uint8Array, options: SignOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface TokenEvent {
  type: 'inserted' | 'removed';
  token: TokenInfo;
}

export interface WatchOptions {
  /** Poll interval; default 1000 ms. */
  intervalMs?: number;
}

export interface TokenService {
  /** Every module tried, loaded or not, in discovery order. */
  modules(): ModuleReport[];
  listTokens(): Promise<TokenInfo[]>;
  /** Certificates of every present token; nonRepudiation (signing) certificates first. */
  listCertificates(): Promise<CertificateInfo[]>;
  /** Logs in as user with `pin` (`null` on a PIN-pad token) and keeps the session for many signatures. */
  openSigningSession(certId: string, pin: string | null): Promise<SigningSession>;
  /** C_SetPIN as user. */
  changePin(tokenSerial: string, oldPin: string, newPin: string): Promise<void>;
  /** Unlocks (re-sets) the user PIN with the PUK (SO PIN): SO login in a read-write session, C_InitPIN. */
  unlockPin(tokenSerial: string, puk: string, newPin: string): Promise<void>;
  /** Changes the PUK (SO PIN): SO login, C_SetPIN. */
  changePuk(tokenSerial: string, oldPuk: string, newPuk: string): Promise<void>;
  /** Reports tokens that appear and disappear; returns the function that stops watching. */
  watch(listener: (event: TokenEvent) => void, options?: WatchOptions): () => void;
  /** Closes sessions, finalises the modules and stops the worker. */
  close(): Promise<void>;
}

export interface TokenServiceOptions {
  /** Module paths to load in addition to EIMZA_PKCS11_MODULE (tried after it, before cards.json). */
  modulePaths?: string[];
  /** Skip cards.json and the well-known paths: load only EIMZA_PKCS11_MODULE and `modulePaths`. */
  explicitOnly?: boolean;
  logger?: Logger;
  /** Environment to read EIMZA_PKCS11_MODULE, SOFTHSM2_CONF and the state dir from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Override for resources/cards.json. */
  cardsJsonPath?: string;
  /** Override for the worker entry (a bundle that cannot use `import.meta.url` names its `token-worker.js` here). */
  workerUrl?: string | URL;
}
