import pkcs11js from 'pkcs11js';
import type { Pkcs11 } from './pkcs11Objects.js';
import { SOFTHSM_MODULE_PATH } from './conf.js';

/**
 * Runs `work` with SoftHSM2 loaded for one configuration file, then finalises and unloads it.
 * SoftHSM2 reads SOFTHSM2_CONF once, in C_Initialize: the variable is set only around that call, so the caller's
 * own environment stays as it was.
 */
export async function withSoftHsm<T>(
  confPath: string,
  work: (p11: Pkcs11) => Promise<T> | T,
): Promise<T> {
  const p11 = new pkcs11js.PKCS11();
  p11.load(SOFTHSM_MODULE_PATH);
  const previous = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = confPath;
  try {
    p11.C_Initialize();
  } catch (error) {
    p11.close();
    if ((error as { code?: number }).code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new Error(
        'SoftHSM2 is already initialised in this process: provision the tokens before loading the PKCS#11 module.',
        { cause: error },
      );
    }
    throw error;
  } finally {
    if (previous === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previous;
  }
  try {
    return await work(p11);
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}
