export type {
  AuthorityId,
  CaKind,
  CertificateMaterial,
  CreateTestPkiOptions,
  IssuedCertificate,
  IssueSignerOptions,
  IssueSignerWithKeyOptions,
  KeyAlgorithmName,
  OcspCertStatus,
  OcspNonceMode,
  PkiServices,
  PkiUrls,
  Revocation,
  RevocationReason,
  RootName,
  SignatureHash,
  SignerVariant,
  SignerWithKey,
} from './types.js';
export {
  TestPki,
  createTestPki,
  defaultDemoBaseUrl,
  type CertificateStatus,
  type PkiService,
} from './pki.js';
export { TEST_TCKNS, isValidTckn, tcknWithChecksum } from './tckn.js';
export { OID } from './oids.js';
export { ROOT_NAMES, isRootName, type EntityName } from './authorities.js';
export { generateKeyPair, exportPkcs8Pem, importPkcs8 } from './keys.js';
export { toPem, fromPem } from './der.js';
export * from './softhsm/index.js';
export * from './opencryptoki/index.js';
export { savePki, loadPki, loadOrCreatePki } from './persist.js';
export {
  startPkiServices,
  startTestPki,
  createPkiRequestHandler,
  type StartPkiServicesOptions,
  type RunningTestPki,
} from './server.js';
export { respondOcsp } from './ocsp.js';
export { respondTimeStamp } from './tsa.js';
/** The @peculiar/x509 namespace with its Reflect polyfill and Node WebCrypto provider set up. */
export { x509 } from './x509.js';
export { freePort } from './free-port.js';
