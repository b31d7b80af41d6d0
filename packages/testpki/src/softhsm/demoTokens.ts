import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { demoPin, demoPuk, softHsmDir, stateDir, testPkiDir } from '@eimza/state';
import { loadOrCreatePki, savePki } from '../persist.js';
import { provisionSoftHsmTokens, type ProvisionedSoftHsmToken } from './provision.js';
import { assertSoftHsmInstalled } from './softhsmUtil.js';
import { DEFAULT_TEST_TOKENS } from './testTokens.js';

export interface InitDemoTokensOptions {
  /** Where EIMZA_STATE_DIR, EIMZA_TESTPKI_PORT, EIMZA_DEMO_PIN and EIMZA_DEMO_PUK are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Delete the tokens first and make them again. */
  reset?: boolean;
  /** Also delete the persisted test PKI (implies `reset`). */
  resetPki?: boolean;
}

export interface DemoTokensReport {
  stateDir: string;
  softHsmDir: string;
  confPath: string;
  modulePath: string;
  env: { SOFTHSM2_CONF: string };
  pki: { dir: string; baseUrl: string; created: boolean };
  /** Test credentials of both tokens (demo values, not secrets). */
  pin: string;
  puk: string;
  tokens: ProvisionedSoftHsmToken[];
}

function demoBaseUrl(env: NodeJS.ProcessEnv): string {
  return `http://127.0.0.1:${env.EIMZA_TESTPKI_PORT ?? '18780'}`;
}

/**
 * `npm run token:init`: the persisted test PKI (loaded, or created and saved) and the two demo SoftHSM2 tokens
 * in the project's state folder. Idempotent; the PKI is saved again whenever it certified a new key, so its
 * OCSP responder and CRLs know the tokens' certificates.
 */
export async function initDemoTokens(
  options: InitDemoTokensOptions = {},
): Promise<DemoTokensReport> {
  const env = options.env ?? process.env;
  assertSoftHsmInstalled();
  const pkiDir = testPkiDir(env);
  const dir = softHsmDir(env);
  if (options.resetPki) rmSync(pkiDir, { recursive: true, force: true });
  const pkiCreated = !existsSync(join(pkiDir, 'pki.json'));
  // Tokens certified by a PKI that is gone cannot be validated any more: they go with it.
  if (options.reset || options.resetPki || pkiCreated)
    rmSync(join(dir, 'tokens'), { recursive: true, force: true });

  const pki = await loadOrCreatePki(pkiDir, { baseUrl: demoBaseUrl(env) });
  const result = await provisionSoftHsmTokens({
    dir,
    pki,
    pin: demoPin(env),
    puk: demoPuk(env),
    tokens: [...DEFAULT_TEST_TOKENS],
  });
  if (result.tokens.some((token) => token.created)) await savePki(pki, pkiDir);
  return {
    stateDir: stateDir(env),
    softHsmDir: dir,
    confPath: result.confPath,
    modulePath: result.modulePath,
    env: result.env,
    pki: { dir: pkiDir, baseUrl: pki.baseUrl, created: pkiCreated },
    pin: demoPin(env),
    puk: demoPuk(env),
    tokens: result.tokens,
  };
}
