export { run, type RunIo } from './program.js';
export {
  ExitCode,
  DOCUMENTED_EXIT_CODES,
  exitCodeFor,
  type ExitCodeValue,
  type ErrorCode,
  type CliErrorCode,
} from './exit-codes.js';
export {
  maskTckn,
  validity,
  canSign,
  type Validity,
  type ValidityStatus,
} from './format/certificate.js';
export { pinStatus, type PinStatus } from './format/pin-state.js';
export { exitCodeForClientError, type SignState } from './commands/sign.js';
export { defaultTrustDir } from './commands/verify.js';
export type { Check, CheckStatus, Findings as DoctorFindings } from '@eimza/diagnostics';
