// The path that matters: the key never leaves the token. SoftHSM2 tokens from the test PKI,
// signed through @eimza/token (PKCS#11 in its worker), the CMS built by signCades, verified by
// `openssl cms -verify`.
import {
  createTestTokens,
  startTestPki,
  TEST_TCKNS,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { openTokenService, type CertificateInfo, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCades, tokenSigner, type HashAlgorithm } from '@eimza/cades';
import {
  opensslCmsPrint,
  opensslCmsVerify,
  opensslTsVerify,
} from '../../packages/cades/test/support/openssl.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';

const CONTENT = 'E-Onay: sözleşme metnini okudum, KABUL EDİYORUM.\n';

let running: RunningTestPki;
let tokens: TestTokens;
let service: TokenService;
let certificates: CertificateInfo[];

function byLabel(label: string): CertificateInfo {
  const found = certificates.find((c) => c.tokenLabel === label);
  if (!found) throw new Error(`no certificate on ${label}`);
  return found;
}

beforeAll(async () => {
  // A PKI with live services, so that the TSA is reachable for CAdES-T.
  running = await startTestPki();
  tokens = await createTestTokens({
    pki: running.pki,
    tokens: [
      {
        label: 'CADES-RSA',
        keyType: 'rsa2048',
        tckn: TEST_TCKNS[0],
        name: 'AHMET YILMAZ',
        ca: 'rsa',
      },
      {
        label: 'CADES-EC256',
        keyType: 'ec-p256',
        tckn: TEST_TCKNS[1],
        name: 'AYŞE KAYA',
        ca: 'ec',
      },
      {
        label: 'CADES-EC384',
        keyType: 'ec-p384',
        tckn: TEST_TCKNS[2],
        name: 'MEHMET DEMİR',
        ca: 'ec',
      },
    ],
  });
  // This file's own SoftHSM2 configuration, set before the module initialises.
  process.env.SOFTHSM2_CONF = tokens.confPath;
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  certificates = await service.listCertificates();
});

afterAll(async () => {
  await service?.close();
  tokens?.cleanup();
  await running?.close();
});

function chainOf(certificate: CertificateInfo): { caDer: Uint8Array; rootPem: string } {
  const ca = certificate.keyAlgorithm.name === 'EC' ? 'ec' : 'rsa';
  return { caDer: tokens.pki.issuingCa(ca).der, rootPem: tokens.pki.root(ca).pem };
}

const CASES: [string, string, HashAlgorithm, 'pkcs1' | 'pss' | undefined][] = [
  ['RSA PKCS#1 v1.5', 'CADES-RSA', 'SHA-256', 'pkcs1'],
  ['RSA PKCS#1 v1.5', 'CADES-RSA', 'SHA-512', 'pkcs1'],
  ['RSA-PSS', 'CADES-RSA', 'SHA-256', 'pss'],
  ['RSA-PSS', 'CADES-RSA', 'SHA-384', 'pss'],
  ['EC P-256', 'CADES-EC256', 'SHA-256', undefined],
  ['EC P-256', 'CADES-EC256', 'SHA-384', undefined],
  ['EC P-384', 'CADES-EC384', 'SHA-384', undefined],
  ['EC P-384', 'CADES-EC384', 'SHA-512', undefined],
];

describe('signatures made by SoftHSM2 keys through the token layer', () => {
  it.each(CASES)(
    '%s on %s with %s passes openssl cms -verify -cades',
    async (_l, label, hash, rsaScheme) => {
      const certificate = byLabel(label);
      const { caDer, rootPem } = chainOf(certificate);
      const session = await service.openSigningSession(certificate.id, tokens.pin);
      try {
        for (const detached of [true, false]) {
          const cms = await signCades({
            content: CONTENT,
            certificate: certificate.der,
            chain: [caDer],
            sign: tokenSigner(session),
            hash,
            detached,
            ...(rsaScheme ? { rsaScheme } : {}),
          });
          const result = opensslCmsVerify({
            cms,
            ...(detached ? { content: CONTENT } : {}),
            rootPems: rootPem,
            cades: true,
          });
          expect(result.stderr).toContain('CAdES Verification successful');
          expect(result.ok).toBe(true);
          expect(Buffer.from(result.content).toString('utf8')).toBe(CONTENT);
        }
      } finally {
        await session.close();
      }
    },
  );

  it('one session (one PIN entry) signs several texts, each verified', async () => {
    const certificate = byLabel('CADES-EC256');
    const { caDer, rootPem } = chainOf(certificate);
    const session = await service.openSigningSession(certificate.id, tokens.pin);
    try {
      const texts = ['İmzalanacak Metin 1', 'İmzalanacak Metin 2', 'İmzalanacak Metin 3'];
      const signatures = await Promise.all(
        texts.map((content) =>
          signCades({
            content,
            certificate: certificate.der,
            chain: [caDer],
            sign: tokenSigner(session),
          }),
        ),
      );
      signatures.forEach((cms, i) => {
        expect(
          opensslCmsVerify({ cms, content: texts[i], rootPems: rootPem, cades: true }).ok,
        ).toBe(true);
        expect(opensslCmsVerify({ cms, content: texts[(i + 1) % 3], rootPems: rootPem }).ok).toBe(
          false,
        );
      });
    } finally {
      await session.close();
    }
  });

  it('the attributes OpenSSL prints name the token certificate', async () => {
    const certificate = byLabel('CADES-RSA');
    const session = await service.openSigningSession(certificate.id, tokens.pin);
    try {
      const cms = await signCades({
        content: CONTENT,
        certificate: certificate.der,
        sign: tokenSigner(session),
        rsaScheme: 'pss',
      });
      const printed = opensslCmsPrint(cms);
      expect(printed).toContain('algorithm: rsassaPss (1.2.840.113549.1.1.10)');
      expect(printed).toContain(`[HEX DUMP]:${certificate.fingerprintSha256.toUpperCase()}`);
      expect(printed).toContain(`:${certificate.serialNumberHex.toUpperCase()}`);
    } finally {
      await session.close();
    }
  });

  it('a key that does not belong to the certificate is caught before the CMS is returned', async () => {
    const ec256 = byLabel('CADES-EC256');
    const ec384 = byLabel('CADES-EC384');
    const session = await service.openSigningSession(ec384.id, tokens.pin);
    try {
      await expect(
        signCades({ content: CONTENT, certificate: ec256.der, sign: tokenSigner(session) }),
      ).rejects.toMatchObject({ code: 'SIGNATURE_MISMATCH' });
    } finally {
      await session.close();
    }
  });

  it('CAdES-T on the EC token: openssl accepts the signature and the time stamp', async () => {
    const certificate = byLabel('CADES-EC256');
    const { caDer, rootPem } = chainOf(certificate);
    const session = await service.openSigningSession(certificate.id, tokens.pin);
    try {
      const cms = await signCades({
        content: CONTENT,
        certificate: certificate.der,
        chain: [caDer],
        sign: tokenSigner(session),
        timestamp: { url: running.pki.urls.tsa },
      });
      expect(opensslCmsVerify({ cms, content: CONTENT, rootPems: rootPem, cades: true }).ok).toBe(
        true,
      );
      const signerInfo = AsnConvert.parse(AsnConvert.parse(cms, ContentInfo).content, SignedData)
        .signerInfos[0]!;
      const verified = opensslTsVerify({
        token: new Uint8Array(signerInfo.unsignedAttrs![0]!.attrValues[0]!),
        data: new Uint8Array(signerInfo.signature.buffer),
        rootPems: running.pki
          .tsaChain()
          .slice(1)
          .map((c) => c.pem),
      });
      expect(verified.ok).toBe(true);
    } finally {
      await session.close();
    }
  });
});
