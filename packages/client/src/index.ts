export {
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type CallOptions,
} from './api-client.js';
export { ClientError, isClientError, type ClientErrorInit } from './errors.js';
export {
  CLIENT_ERROR_CODES,
  MESSAGES,
  messageFor,
  type ClientErrorCode,
  type Language,
  type LocalisedMessage,
} from './messages.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { systemCaCertificates } from './trust.js';
export { Countdown, systemMonotonicClock, type MonotonicClock } from './clock.js';
export {
  chooseCertificates,
  type CertificateChoices,
  type ExcludedCertificate,
  type ExclusionReason,
} from './certificates.js';
export { SubmissionGuard, processSubmissionGuard } from './submission-guard.js';
export type { RetryHint, SigningEvent, SigningEventType, SigningResult } from './events.js';
export {
  SigningFlow,
  createSigningFlow,
  type FlowState,
  type SigningFlowOptions,
} from './signing-flow.js';
