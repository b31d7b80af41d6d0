import { keySigner, signCades, TrustStore } from '@eimza/cades';
import {
  startTestPki,
  type KeyAlgorithmName,
  type RunningTestPki,
  type SignerWithKey,
} from '@eimza/testpki';
import { cadesValidator } from '../../src/validation.js';
import type { SignatureValidator } from '../../src/domain/validator.js';

export const TCKN = '10000000146';
export const OTHER_TCKN = '12345678950';

export interface LiveTrust {
  readonly running: RunningTestPki;
  readonly validator: SignatureValidator;
  signer(options?: {
    tckn?: string;
    keyAlgorithm?: KeyAlgorithmName;
    variant?: 'valid' | 'revoked';
  }): Promise<SignerWithKey>;
  /** Base64 CAdES-BES over `text` (UTF-8), detached unless `attached`. */
  sign(signer: SignerWithKey, text: string, options?: { attached?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** A live test PKI (OCSP/CRL/TSA on 127.0.0.1) and the API's real validator trusting its roots. */
export async function startLiveTrust(): Promise<LiveTrust> {
  const running = await startTestPki();
  const trust = TrustStore.fromPem(running.pki.anchors().map((a) => a.pem));
  const signers = new Map<string, Promise<SignerWithKey>>();
  return {
    running,
    validator: cadesValidator(trust, {
      revocation: 'require',
      requiredPolicies: [],
      requireQualified: false,
    }),
    signer({ tckn = TCKN, keyAlgorithm = 'ec-p256', variant = 'valid' } = {}) {
      const key = `${tckn}/${keyAlgorithm}/${variant}`;
      let s = signers.get(key);
      if (!s) {
        s = running.pki.issueSignerWithKey({
          ca: keyAlgorithm.startsWith('ec') ? 'ec' : 'rsa',
          keyAlgorithm,
          tckn,
          name: 'AHMET YILMAZ',
          variant,
        });
        signers.set(key, s);
      }
      return s;
    },
    async sign(signer, text, options = {}) {
      const cms = await signCades({
        content: new TextEncoder().encode(text),
        certificate: signer.certificate.der,
        chain: [signer.certificate.chain[0]!.der],
        sign: keySigner(signer.privateKey),
        detached: !options.attached,
      });
      return Buffer.from(cms).toString('base64');
    },
    close: () => running.close(),
  };
}
