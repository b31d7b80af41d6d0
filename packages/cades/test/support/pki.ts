// Signers from the test PKI, shared by the signing tests.
import {
  createTestPki,
  type KeyAlgorithmName,
  type SignerWithKey,
  type TestPki,
} from '@eimza/testpki';

export const TEST_TCKN = '10000000146';

export interface TestSigner extends SignerWithKey {
  /** The issuing CA (untrusted intermediate) and the root (trust anchor), as DER and PEM. */
  caDer: Uint8Array;
  caPem: string;
  rootPem: string;
}

export async function testSigner(
  pki: TestPki,
  keyAlgorithm: KeyAlgorithmName,
): Promise<TestSigner> {
  const ca = keyAlgorithm.startsWith('ec') ? 'ec' : 'rsa';
  const signer = await pki.issueSignerWithKey({
    ca,
    keyAlgorithm,
    tckn: TEST_TCKN,
    name: 'AHMET YILMAZ',
  });
  const [issuing, root] = signer.certificate.chain;
  if (!issuing || !root) throw new Error('test PKI chain is incomplete');
  return { ...signer, caDer: issuing.der, caPem: issuing.pem, rootPem: root.pem };
}

export { createTestPki };
