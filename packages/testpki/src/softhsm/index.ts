export { SOFTHSM_MODULE_PATH, writeSoftHsmConf } from './conf.js';
export type { SignerIssuer } from './issuer.js';
export type { CertificateSummary, SignerKeyType } from './pkcs11Objects.js';
export {
  provisionSoftHsmTokens,
  type ProvisionedSoftHsmToken,
  type ProvisionSoftHsmOptions,
  type ProvisionSoftHsmResult,
  type SoftHsmTokenSpec,
} from './provision.js';
export type { SignerSpec } from './signerObjects.js';
export {
  DEFAULT_TEST_TOKENS,
  TEST_TOKEN_PIN,
  TEST_TOKEN_PUK,
  createTestTokens,
  type CreateTestTokensOptions,
  type TestTokens,
} from './testTokens.js';
export { initDemoTokens, type DemoTokensReport, type InitDemoTokensOptions } from './demoTokens.js';
