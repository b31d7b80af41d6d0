import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, type TestPki } from '../pki.js';
import {
  provisionSoftHsmTokens,
  type ProvisionedSoftHsmToken,
  type SoftHsmTokenSpec,
} from './provision.js';

export const TEST_TOKEN_PIN = '123456';
export const TEST_TOKEN_PUK = '12345678';

/** The two demo cards: an RSA-2048 one and an EC P-256 one, for the project's test holders. */
export const DEFAULT_TEST_TOKENS: readonly SoftHsmTokenSpec[] = [
  { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: '10000000146', name: 'AHMET YILMAZ', ca: 'rsa' },
  { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: '12345678950', name: 'AYŞE KAYA', ca: 'ec' },
];

export interface CreateTestTokensOptions {
  /** The authority that certifies the keys; a fresh one when omitted. */
  pki?: TestPki;
  tokens?: SoftHsmTokenSpec[];
  pin?: string;
  puk?: string;
}

export interface TestTokens {
  /** Temporary SoftHSM2 folder holding `softhsm2.conf` and `tokens/`. */
  dir: string;
  confPath: string;
  modulePath: string;
  /** Put these into process.env (or a child's env) before loading the PKCS#11 module. */
  env: { SOFTHSM2_CONF: string };
  pki: TestPki;
  pin: string;
  puk: string;
  tokens: ProvisionedSoftHsmToken[];
  /** Deletes the temporary folder. */
  cleanup(): void;
}

/** Fresh SoftHSM2 tokens in a temporary folder, for a test file. Changes nothing global. */
export async function createTestTokens(options: CreateTestTokensOptions = {}): Promise<TestTokens> {
  const pki = options.pki ?? (await createTestPki());
  const pin = options.pin ?? TEST_TOKEN_PIN;
  const puk = options.puk ?? TEST_TOKEN_PUK;
  const dir = mkdtempSync(join(tmpdir(), 'eimza-softhsm-'));
  try {
    const result = await provisionSoftHsmTokens({
      dir,
      pki,
      pin,
      puk,
      tokens: options.tokens ?? [...DEFAULT_TEST_TOKENS],
    });
    return {
      dir,
      confPath: result.confPath,
      modulePath: result.modulePath,
      env: result.env,
      pki,
      pin,
      puk,
      tokens: result.tokens,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
