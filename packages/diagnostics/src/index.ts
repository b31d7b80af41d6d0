export type {
  Check,
  CheckArea,
  CheckStatus,
  Findings,
  ReaderListing,
  Translate,
  Versions,
} from './types.js';
export {
  collectFindings,
  moduleChecks,
  tokenChecks,
  certificateChecks,
  type CollectOptions,
} from './checks.js';
export { checkApi } from './api-check.js';
export {
  validity,
  keyAlgorithmLabel,
  publicCertificateData,
  type Validity,
  type ValidityStatus,
} from './certificate.js';
export { pinStatus, type PinStatus } from './pin-status.js';
export {
  renderCheck,
  reportLines,
  reportJson,
  statusCounts,
  type RenderOptions,
} from './render.js';
export { writeBundle } from './bundle.js';
