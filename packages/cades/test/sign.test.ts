import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import { ContentInfo, SignedData, type Attribute, type SignerInfo } from '@peculiar/asn1-cms';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CadesSignError,
  keySigner,
  signCades,
  tokenSigner,
  turkishProfilePolicy,
  TURKISH_PROFILE_OIDS,
  type CadesSignFunction,
} from '../src/index.js';
import { createTestPki, testSigner, type TestSigner } from './support/pki.js';

const OID = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  contentHints: '1.2.840.113549.1.9.16.2.4',
  sigPolicyId: '1.2.840.113549.1.9.16.2.15',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

function parse(cms: Uint8Array): { signedData: SignedData; signerInfo: SignerInfo } {
  const contentInfo = AsnConvert.parse(cms, ContentInfo);
  expect(contentInfo.contentType).toBe('1.2.840.113549.1.7.2');
  const signedData = AsnConvert.parse(contentInfo.content, SignedData);
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new Error('no SignerInfo');
  return { signedData, signerInfo };
}

function attr(signerInfo: SignerInfo, oid: string): Attribute | undefined {
  return signerInfo.signedAttrs?.find((a) => a.attrType === oid);
}

function value(signerInfo: SignerInfo, oid: string): Uint8Array {
  const a = attr(signerInfo, oid);
  expect(a?.attrValues).toHaveLength(1);
  return new Uint8Array(a!.attrValues[0]!);
}

const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

let rsa: TestSigner;
let ec: TestSigner;

beforeAll(async () => {
  const pki = await createTestPki();
  [rsa, ec] = await Promise.all([testSigner(pki, 'rsa2048'), testSigner(pki, 'ec-p256')]);
});

describe('signCades', () => {
  it('builds a detached CAdES-BES with the four mandatory signed attributes', async () => {
    const content = 'İmzalanacak Metin 1';
    const signingTime = new Date('2026-11-25T04:30:15.789Z');
    const cms = await signCades({
      content,
      certificate: rsa.certificate.der,
      chain: [rsa.caDer],
      sign: keySigner(rsa.privateKey),
      signingTime,
    });
    const { signedData, signerInfo } = parse(cms);
    expect(signedData.version).toBe(1);
    expect(signedData.encapContentInfo.eContentType).toBe('1.2.840.113549.1.7.1');
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    expect(signedData.certificates).toHaveLength(2);
    expect(signedData.digestAlgorithms.map((a) => a.algorithm)).toEqual(['2.16.840.1.101.3.4.2.1']);
    expect(signerInfo.version).toBe(1);
    expect(signerInfo.signedAttrs?.map((a) => a.attrType).sort()).toEqual(
      [OID.contentType, OID.messageDigest, OID.signingTime, OID.signingCertificateV2].sort(),
    );

    const digest = AsnConvert.parse(value(signerInfo, OID.messageDigest), OctetString);
    expect(hex(digest.buffer)).toBe(createHash('sha256').update(content, 'utf8').digest('hex'));

    const time = AsnConvert.parse(value(signerInfo, OID.signingTime), Time);
    expect(time.utcTime?.toISOString()).toBe('2026-11-25T04:30:15.000Z');

    // SigningCertificateV2 -> certs[0] ESSCertIDv2: no hashAlgorithm (SHA-256 default), certHash, issuerSerial.
    const certificate = AsnConvert.parse(rsa.certificate.der, Certificate);
    const essCertId = value(signerInfo, OID.signingCertificateV2);
    const expectedHash = createHash('sha256').update(rsa.certificate.der).digest('hex');
    const issuer = AsnConvert.serialize(certificate.tbsCertificate.issuer);
    const serial = certificate.tbsCertificate.serialNumber;
    expect(hex(essCertId)).toContain(`0420${expectedHash}30`);
    expect(hex(essCertId)).toMatch(new RegExp(`a4(81..|..)${hex(issuer)}02`));
    expect(
      hex(essCertId).endsWith(`02${serial.byteLength.toString(16).padStart(2, '0')}${hex(serial)}`),
    ).toBe(true);
    expect(hex(essCertId)).not.toContain('0609608648016503040201');
  });

  it('orders the signed attributes as a DER SET OF', async () => {
    const cms = await signCades({
      content: 'x',
      certificate: ec.certificate.der,
      sign: keySigner(ec.privateKey),
      policy: turkishProfilePolicy('P2'),
      contentHints: { description: 'metin' },
    });
    const encoded = parse(cms).signerInfo.signedAttrs!.map((a) => hex(AsnConvert.serialize(a)));
    expect(encoded).toEqual([...encoded].sort());
  });

  it('attaches the content on request', async () => {
    const cms = await signCades({
      content: new Uint8Array([1, 2, 3]),
      certificate: ec.certificate.der,
      sign: keySigner(ec.privateKey),
      detached: false,
    });
    const eContent = parse(cms).signedData.encapContentInfo.eContent?.single;
    expect(hex(eContent!.buffer)).toBe('010203');
  });

  it.each([
    ['rsa pkcs1', 'SHA-256', undefined, '1.2.840.113549.1.1.11'],
    ['rsa pkcs1', 'SHA-384', undefined, '1.2.840.113549.1.1.12'],
    ['rsa pkcs1', 'SHA-512', undefined, '1.2.840.113549.1.1.13'],
    ['rsa pss', 'SHA-256', 'pss', '1.2.840.113549.1.1.10'],
    ['ec', 'SHA-256', undefined, '1.2.840.10045.4.3.2'],
    ['ec', 'SHA-384', undefined, '1.2.840.10045.4.3.3'],
    ['ec', 'SHA-512', undefined, '1.2.840.10045.4.3.4'],
  ] as const)(
    '%s with %s (RSA scheme %s) uses signature algorithm %s',
    async (kind, hash, rsaScheme, sigOid) => {
      const signer = kind === 'ec' ? ec : rsa;
      const cms = await signCades({
        content: 'x',
        certificate: signer.certificate.pem,
        sign: keySigner(signer.privateKey),
        hash,
        ...(rsaScheme ? { rsaScheme } : {}),
      });
      const { signedData, signerInfo } = parse(cms);
      expect(signerInfo.signatureAlgorithm.algorithm).toBe(sigOid);
      const digestOid = {
        'SHA-256': '2.16.840.1.101.3.4.2.1',
        'SHA-384': '2.16.840.1.101.3.4.2.2',
        'SHA-512': '2.16.840.1.101.3.4.2.3',
      }[hash];
      expect(signerInfo.digestAlgorithm.algorithm).toBe(digestOid);
      expect(signedData.digestAlgorithms[0]?.algorithm).toBe(digestOid);
      if (kind === 'rsa pkcs1') {
        expect(hex(AsnConvert.serialize(signerInfo.signatureAlgorithm))).toMatch(/0500$/);
      }
      if (kind === 'ec') expect(signerInfo.signatureAlgorithm.parameters).toBeUndefined();
      if (kind === 'rsa pss') {
        // hashAlgorithm sha256, MGF1(sha256), saltLength 32
        expect(hex(signerInfo.signatureAlgorithm.parameters!)).toBe(
          '3030a00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201a203020120',
        );
      }
    },
  );

  it('adds a signature policy (EPES) and content hints', async () => {
    const policy = turkishProfilePolicy('P3');
    const cms = await signCades({
      content: 'x',
      certificate: rsa.certificate.der,
      sign: keySigner(rsa.privateKey),
      policy,
      contentHints: { description: 'Başvuru formu', contentType: '1.2.840.113549.1.7.1' },
    });
    const { signerInfo } = parse(cms);
    const policyValue = hex(value(signerInfo, OID.sigPolicyId));
    expect(TURKISH_PROFILE_OIDS.P3).toBe('2.16.792.1.61.0.1.5070.3.2.1');
    expect(policyValue).toContain('060c608618013d0001a74e030201'); // the P3 OID
    expect(policyValue).toContain(`0420${hex(policy.hash)}`);
    expect(policyValue).toContain(Buffer.from(policy.uri!).toString('hex'));
    const hints = hex(value(signerInfo, OID.contentHints));
    expect(hints).toContain(Buffer.from('Başvuru formu', 'utf8').toString('hex'));
  });

  it('hands the signer the digest of the DER signed attributes', async () => {
    let seen: { digest: Uint8Array; hash: string; scheme: string; attrs: Uint8Array } | undefined;
    const inner = keySigner(ec.privateKey);
    const sign: CadesSignFunction = async (digest, hash, request) => {
      seen = { digest, hash, scheme: request.scheme, attrs: request.signedAttributes };
      return inner(digest, hash, request);
    };
    await signCades({ content: 'x', certificate: ec.certificate.der, sign, hash: 'SHA-384' });
    expect(seen?.hash).toBe('SHA-384');
    expect(seen?.scheme).toBe('ecdsa');
    expect(seen?.attrs[0]).toBe(0x31);
    expect(hex(seen!.digest)).toBe(createHash('sha384').update(seen!.attrs).digest('hex'));
  });

  it('tokenSigner passes digest, hash and RSA scheme to the session', async () => {
    const calls: unknown[] = [];
    const inner = keySigner(rsa.privateKey);
    const session = {
      signDigest: async (
        digest: Uint8Array,
        options: { hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; scheme?: 'pkcs1' | 'pss' },
      ) => {
        calls.push(options);
        return inner(digest, options.hash, {
          scheme: options.scheme ?? 'pkcs1',
          signedAttributes: lastAttrs,
        });
      },
    };
    let lastAttrs: Uint8Array = new Uint8Array();
    const capture: CadesSignFunction = (digest, hash, request) => {
      lastAttrs = request.signedAttributes;
      return tokenSigner(session)(digest, hash, request);
    };
    await signCades({
      content: 'x',
      certificate: rsa.certificate.der,
      sign: capture,
      rsaScheme: 'pss',
    });
    expect(calls).toEqual([{ hash: 'SHA-256', scheme: 'pss' }]);
  });

  it('refuses a signature made by a key that does not belong to the certificate', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const error = await signCades({
      content: 'x',
      certificate: ec.certificate.der,
      sign: keySigner(other),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CadesSignError);
    expect((error as CadesSignError).code).toBe('SIGNATURE_MISMATCH');
  });

  it('refuses a raw r||s ECDSA signature value', async () => {
    const raw: CadesSignFunction = async () => new Uint8Array(64).fill(7);
    await expect(
      signCades({ content: 'x', certificate: ec.certificate.der, sign: raw }),
    ).rejects.toMatchObject({
      code: 'BAD_SIGNATURE_VALUE',
    });
  });

  it('wraps a signer failure and keeps it as the cause', async () => {
    const cause = new Error('token removed');
    const failing: CadesSignFunction = async () => {
      throw cause;
    };
    await expect(
      signCades({ content: 'x', certificate: rsa.certificate.der, sign: failing }),
    ).rejects.toMatchObject({
      code: 'SIGNER_FAILED',
      cause,
    });
  });

  it('refuses bytes that are not a certificate', async () => {
    await expect(
      signCades({
        content: 'x',
        certificate: new Uint8Array([0x30, 0x03, 1, 2]),
        sign: keySigner(rsa.privateKey),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CERTIFICATE' });
  });

  it('refuses a chain entry that is not a certificate', async () => {
    await expect(
      signCades({
        content: 'x',
        certificate: rsa.certificate.der,
        chain: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])],
        sign: keySigner(rsa.privateKey),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CERTIFICATE' });
  });

  it('embeds the signer certificate once and first, whatever the chain repeats', async () => {
    const cms = await signCades({
      content: 'x',
      certificate: rsa.certificate.pem,
      chain: [rsa.certificate.der, rsa.caPem, rsa.caDer],
      sign: keySigner(rsa.privateKey),
    });
    const certificates = parse(cms).signedData.certificates!;
    expect(certificates).toHaveLength(2);
    expect(hex(AsnConvert.serialize(certificates[0]!.certificate!))).toBe(hex(rsa.certificate.der));
    expect(hex(AsnConvert.serialize(certificates[1]!.certificate!))).toBe(hex(rsa.caDer));
  });

  // About 600/s on an idle 2-core machine; the bound only catches a pathological slowdown,
  // since other test files share the cores.
  it('makes signatures at benchmark speed with an in-memory key (500 in under 20 s)', async () => {
    const sign = keySigner(ec.privateKey);
    const count = 500;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await signCades({ content: `metin ${i}`, certificate: ec.certificate.der, sign });
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`signCades EC P-256 in memory: ${Math.round(count / seconds)} signatures/s`);
    expect(seconds).toBeLessThan(20);
  });

  it('loads without PKCS#11: importing @eimza/cades pulls in neither pkcs11js nor graphene', () => {
    const script = `
      const { createRequire } = await import('node:module');
      const cached = () => Object.keys(createRequire(import.meta.url).cache);
      await import('@eimza/cades');
      const afterCades = cached().filter((k) => /pkcs11js|graphene/.test(k));
      createRequire(import.meta.url)('pkcs11js');
      const afterPkcs11 = cached().filter((k) => /pkcs11js|graphene/.test(k));
      console.log(JSON.stringify({ afterCades, afterPkcs11 }));`;
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' },
    );
    const { afterCades, afterPkcs11 } = JSON.parse(output.trim().split('\n').pop()!) as Record<
      string,
      string[]
    >;
    expect(afterCades).toEqual([]);
    // The probe itself sees a PKCS#11 module once one is loaded.
    expect(afterPkcs11!.length).toBeGreaterThan(0);
  });
});
