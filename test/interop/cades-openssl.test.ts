// Our CAdES signatures, checked by OpenSSL 3 (`openssl cms -verify`, `openssl ts -verify`,
// `openssl cms -cmsout -print`). Keys are in memory here; cades-token.test.ts signs on SoftHSM2.
import { createHash } from 'node:crypto';
import {
  createTestPki,
  startTestPki,
  type KeyAlgorithmName,
  type RunningTestPki,
} from '@eimza/testpki';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  keySigner,
  signCades,
  turkishProfilePolicy,
  type HashAlgorithm,
  type SignCadesOptions,
} from '@eimza/cades';
import {
  opensslCmsPrint,
  opensslCmsSign,
  opensslCmsVerify,
  opensslTsVerify,
} from '../../packages/cades/test/support/openssl.js';
import { TEST_TCKN, testSigner, type TestSigner } from '../../packages/cades/test/support/pki.js';

const CONTENT = 'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum.\n';

let running: RunningTestPki;
const signers = new Map<KeyAlgorithmName, TestSigner>();

function signer(keyAlgorithm: KeyAlgorithmName): TestSigner {
  const found = signers.get(keyAlgorithm);
  if (!found) throw new Error(`no signer ${keyAlgorithm}`);
  return found;
}

function sign(s: TestSigner, options: Partial<SignCadesOptions> = {}): Promise<Uint8Array> {
  return signCades({
    content: CONTENT,
    certificate: s.certificate.der,
    chain: [s.caDer],
    sign: keySigner(s.privateKey),
    ...options,
  });
}

beforeAll(async () => {
  running = await startTestPki();
  const algorithms: KeyAlgorithmName[] = ['rsa2048', 'ec-p256', 'ec-p384'];
  for (const algorithm of algorithms) {
    signers.set(algorithm, await testSigner(running.pki, algorithm));
  }
});

afterAll(async () => {
  await running?.close();
});

const KEYS: [string, KeyAlgorithmName, 'pkcs1' | 'pss' | undefined][] = [
  ['RSA PKCS#1 v1.5', 'rsa2048', 'pkcs1'],
  ['RSA-PSS', 'rsa2048', 'pss'],
  ['EC P-256', 'ec-p256', undefined],
  ['EC P-384', 'ec-p384', undefined],
];
const HASHES: HashAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512'];
const MATRIX = KEYS.flatMap(([label, key, scheme]) =>
  HASHES.flatMap((hash) =>
    [true, false].map(
      (detached) => [label, hash, detached ? 'detached' : 'attached', key, scheme] as const,
    ),
  ),
);

describe('openssl cms -verify accepts our CAdES-BES', () => {
  it.each(MATRIX)('%s, %s, %s', async (_label, hash, mode, key, rsaScheme) => {
    const s = signer(key);
    const detached = mode === 'detached';
    const cms = await sign(s, { hash, detached, ...(rsaScheme ? { rsaScheme } : {}) });
    // openssl cms -verify -binary -purpose any -CAfile root.pem -certfile ca.pem [-content file] [-cades]
    for (const cades of [false, true]) {
      const result = opensslCmsVerify({
        cms,
        ...(detached ? { content: CONTENT } : {}),
        rootPems: s.rootPem,
        certfilePems: [s.caPem],
        cades,
      });
      expect(result.stderr).toContain(
        cades ? 'CAdES Verification successful' : 'Verification successful',
      );
      expect(result.ok).toBe(true);
      expect(Buffer.from(result.content).toString('utf8')).toBe(CONTENT);
    }
  });

  it('and refuses it for other content', async () => {
    const s = signer('ec-p256');
    const result = opensslCmsVerify({
      cms: await sign(s),
      content: CONTENT.replace('onaylıyorum', 'onaylamıyorum'),
      rootPems: s.rootPem,
    });
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/content verify error|digest failure/i);
  });

  it('and refuses it against another trust anchor', async () => {
    const s = signer('rsa2048');
    const result = opensslCmsVerify({
      cms: await sign(s),
      content: CONTENT,
      rootPems: signer('ec-p256').rootPem,
    });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('unable to get local issuer certificate');
  });
});

describe('what OpenSSL 3.0 needs for the chain and for -cades', () => {
  it('builds the chain from embedded certificates and -CAfile only: -certfile is not used for it', async () => {
    const s = signer('rsa2048');
    const cms = await sign(s, { chain: [] });
    const withCertfile = opensslCmsVerify({
      cms,
      content: CONTENT,
      rootPems: s.rootPem,
      certfilePems: [s.caPem],
    });
    expect(withCertfile.ok).toBe(false);
    expect(withCertfile.stderr).toContain('unable to get local issuer certificate');
    const withCaInCaFile = opensslCmsVerify({
      cms,
      content: CONTENT,
      rootPems: [s.rootPem, s.caPem],
    });
    expect(withCaInCaFile.ok).toBe(true);
  });

  it('-cades refuses a CMS signature without signing-certificate attribute', () => {
    const s = signer('ec-p256');
    const plain = opensslCmsSign({
      certPem: s.certificate.pem,
      keyPem: s.privateKeyPem,
      content: CONTENT,
      chainPems: [s.caPem],
      cades: false,
    });
    const options = { cms: plain, content: CONTENT, rootPems: s.rootPem };
    expect(opensslCmsVerify(options).ok).toBe(true);
    const cades = opensslCmsVerify({ ...options, cades: true });
    expect(cades.ok).toBe(false);
    expect(cades.stderr).toMatch(/CAdES Verification failure|signing certificate/i);
  });

  it('-cades refuses a signature whose signing certificate v2 names another certificate', async () => {
    // Certificate B has the signer's key, issuer name and serial, but comes from another test
    // PKI: with B embedded instead of A, the signature and B's chain verify, the ESS hash does not.
    const s = signer('rsa2048');
    const otherPki = await createTestPki();
    const b = await otherPki.issueSigner({
      publicKey: s.publicKey,
      ca: 'rsa',
      tckn: TEST_TCKN,
      name: 'AHMET YILMAZ',
      serial: s.certificate.serialHex,
    });
    const cms = await sign(s);
    const swapped = replaceBytes(
      replaceBytes(cms, s.certificate.der, b.der),
      s.caDer,
      b.chain[0]!.der,
    );
    const options = { cms: swapped, content: CONTENT, rootPems: b.chain[1]!.pem };
    const plain = opensslCmsVerify(options);
    expect(plain.stderr).toContain('Verification successful');
    const cades = opensslCmsVerify({ ...options, cades: true });
    expect(cades.ok).toBe(false);
    expect(cades.stderr).toContain('CAdES Verification failure');
  });

  it.each([
    ['PKCS#1, SHA-384, detached', false, false, 'sha384'],
    ['PSS, SHA-256, attached', true, true, 'sha256'],
  ] as const)('accepts OpenSSL’s own -cades signature (reference: %s)', (_l, pss, attached, md) => {
    const s = signer('rsa2048');
    const reference = opensslCmsSign({
      certPem: s.certificate.pem,
      keyPem: s.privateKeyPem,
      content: CONTENT,
      chainPems: [s.caPem],
      md,
      pss,
      attached,
    });
    const result = opensslCmsVerify({
      cms: reference,
      ...(attached ? {} : { content: CONTENT }),
      rootPems: s.rootPem,
      cades: true,
    });
    expect(result.ok).toBe(true);
    expect(Buffer.from(result.content).toString('utf8')).toBe(CONTENT);
    expect(opensslCmsPrint(reference)).toContain(
      pss ? 'rsassaPss' : 'id-smime-aa-signingCertificateV2',
    );
  });
});

/** `bytes` with the one occurrence of `from` replaced by `to`, which must be as long. */
function replaceBytes(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  expect(to.length).toBe(from.length);
  const at = Buffer.from(bytes).indexOf(Buffer.from(from));
  expect(at).toBeGreaterThan(0);
  const out = new Uint8Array(bytes);
  out.set(to, at);
  return out;
}

describe('openssl cms -cmsout -print shows the attributes', () => {
  it('CAdES-BES: content type, signing time, message digest, signing certificate v2', async () => {
    const s = signer('rsa2048');
    const printed = opensslCmsPrint(
      await sign(s, { signingTime: new Date('2026-11-25T10:11:12Z'), rsaScheme: 'pss' }),
    );
    expect(printed).toContain('object: contentType (1.2.840.113549.1.9.3)');
    expect(printed).toContain('OBJECT:pkcs7-data (1.2.840.113549.1.7.1)');
    expect(printed).toContain('object: signingTime (1.2.840.113549.1.9.5)');
    expect(printed).toContain('UTCTIME:Nov 25 10:11:12 2026 GMT');
    expect(printed).toContain('object: messageDigest (1.2.840.113549.1.9.4)');
    expect(printed).toContain('id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)');
    expect(printed).toContain('algorithm: rsassaPss (1.2.840.113549.1.1.10)');
    expect(printed).toMatch(/version: 1\s+d\.issuerAndSerialNumber:/);
    expect(printed).toMatch(/unsignedAttrs:\s+<ABSENT>/);
    // ESSCertIDv2: SHA-256 of the certificate (default algorithm, so no AlgorithmIdentifier),
    // then IssuerSerial with the issuer as a directoryName [4] and the serial number.
    const certHash = createHash('sha256').update(s.certificate.der).digest('hex').toUpperCase();
    const ess = printed.slice(printed.indexOf('signingCertificateV2'));
    expect(ess).toMatch(new RegExp(`OCTET STRING\\s+\\[HEX DUMP\\]:${certHash}`));
    expect(ess).toContain('cont [ 4 ]');
    expect(ess).toContain(`INTEGER           :${s.certificate.serialHex.toUpperCase()}`);
    expect(ess.slice(0, ess.indexOf('signatureAlgorithm'))).not.toContain(':sha256');
  });

  it('CAdES-EPES: signature policy identifier with the P2 profile', async () => {
    const s = signer('ec-p256');
    const cms = await sign(s, { policy: turkishProfilePolicy('P2') });
    const printed = opensslCmsPrint(cms);
    expect(printed).toContain('id-smime-aa-ets-sigPolicyId (1.2.840.113549.1.9.16.2.15)');
    expect(printed).toContain('algorithm: ecdsa-with-SHA256 (1.2.840.10045.4.3.2)');
    expect(printed).toContain(':2.16.792.1.61.0.1.5070.3.1.1');
    expect(printed).toContain(
      '[HEX DUMP]:FF39BD29463383F69B2052AC47439E06CE7C3B8646E888B6E5AE3E46BA08117A',
    );
    expect(printed).toContain(':id-smime-spq-ets-sqt-uri');
    expect(opensslCmsVerify({ cms, content: CONTENT, rootPems: s.rootPem, cades: true }).ok).toBe(
      true,
    );
  });
});

describe('CAdES-T with the live test TSA', () => {
  it.each(['rsa2048', 'ec-p384'] as const)(
    '%s: openssl cms -verify accepts the signature, openssl ts -verify the token',
    async (key) => {
      const s = signer(key);
      const cms = await sign(s, { timestamp: { url: running.pki.urls.tsa } });
      expect(opensslCmsVerify({ cms, content: CONTENT, rootPems: s.rootPem, cades: true }).ok).toBe(
        true,
      );
      const signedData = AsnConvert.parse(AsnConvert.parse(cms, ContentInfo).content, SignedData);
      const signerInfo = signedData.signerInfos[0]!;
      const token = new Uint8Array(signerInfo.unsignedAttrs![0]!.attrValues[0]!);
      const signatureValue = new Uint8Array(signerInfo.signature.buffer);
      const tsaRoots = running.pki
        .tsaChain()
        .slice(1)
        .map((c) => c.pem);
      const verified = opensslTsVerify({ token, data: signatureValue, rootPems: tsaRoots });
      expect(verified.stdout + verified.stderr).toContain('Verification: OK');
      expect(verified.ok).toBe(true);
      const tampered = opensslTsVerify({
        token,
        data: signatureValue.slice(1),
        rootPems: tsaRoots,
      });
      expect(tampered.ok).toBe(false);
      expect(opensslCmsPrint(cms)).toContain(
        'id-smime-aa-timeStampToken (1.2.840.113549.1.9.16.2.14)',
      );
    },
  );
});
