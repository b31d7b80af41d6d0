import { beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { createTestPki, OID, type SignerWithKey, type TestPki } from '../src/index.js';
import { openssl, scratch } from './openssl.js';

let pki: TestPki;
const work = scratch('certs');
const signers: Record<string, SignerWithKey> = {};
const files: Record<string, string> = {};

beforeAll(async () => {
  pki = await createTestPki({ baseUrl: 'http://127.0.0.1:18799' });
  files.rsaRoot = work.file('rsa-root.pem', pki.root('rsa').pem);
  files.rsaCa = work.file('rsa-ca.pem', pki.issuingCa('rsa').pem);
  files.ecRoot = work.file('ec-root.pem', pki.root('ec').pem);
  files.ecCa = work.file('ec-ca.pem', pki.issuingCa('ec').pem);
  files.anchors = work.file(
    'anchors.pem',
    pki
      .anchors()
      .map((c) => c.pem)
      .join(''),
  );
  const plan = [
    [
      'rsaValid',
      { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', givenName: 'AHMET', surname: 'ÇELİK' },
    ],
    ['ecValid', { ca: 'ec', tckn: '12345678950', name: 'AYŞE YILMAZ', keyAlgorithm: 'ec-p384' }],
    ['ecP256', { ca: 'ec', tckn: '98765432150', name: 'MEHMET ÖZTÜRK', keyAlgorithm: 'ec-p256' }],
    ['rsaExpired', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'expired' }],
    ['ecExpired', { ca: 'ec', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'expired' }],
    ['rsaNotYet', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'notYetValid' }],
    ['ecNotYet', { ca: 'ec', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'notYetValid' }],
    ['rsaUntrusted', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'untrusted' }],
    ['ecUntrusted', { ca: 'ec', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'untrusted' }],
    ['noNr', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', variant: 'noNonRepudiation' }],
    ['weak', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', keyAlgorithm: 'rsa1024' }],
    ['sha1', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK', signatureHash: 'SHA-1' }],
  ] as const;
  for (const [key, options] of plan) {
    signers[key] = await pki.issueSignerWithKey(options);
    files[key] = work.file(`${key}.pem`, signers[key].certificate.pem);
  }
});

function verify(caFile: string, untrusted: string, cert: string) {
  return openssl(['verify', '-CAfile', caFile, '-untrusted', untrusted, cert]);
}

describe('test PKI hierarchy, checked with openssl verify', () => {
  it('verifies valid RSA and EC (P-384 and P-256) end entities against their root', async () => {
    expect((await verify(files.rsaRoot!, files.rsaCa!, files.rsaValid!)).code).toBe(0);
    expect((await verify(files.ecRoot!, files.ecCa!, files.ecValid!)).code).toBe(0);
    expect((await verify(files.ecRoot!, files.ecCa!, files.ecP256!)).code).toBe(0);
    expect((await verify(files.anchors!, files.rsaCa!, files.rsaValid!)).code).toBe(0);
  });

  it('rejects an end entity against the other hierarchy', async () => {
    const result = await verify(files.ecRoot!, files.rsaCa!, files.rsaValid!);
    expect(result.code).not.toBe(0);
  });

  it('fails expired and not-yet-valid certificates with the matching reason', async () => {
    for (const [root, ca, key] of [
      [files.rsaRoot, files.rsaCa, 'rsaExpired'],
      [files.ecRoot, files.ecCa, 'ecExpired'],
    ] as const) {
      const result = await verify(root!, ca!, files[key]!);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('certificate has expired');
    }
    for (const [root, ca, key] of [
      [files.rsaRoot, files.rsaCa, 'rsaNotYet'],
      [files.ecRoot, files.ecCa, 'ecNotYet'],
    ] as const) {
      const result = await verify(root!, ca!, files[key]!);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('certificate is not yet valid');
    }
  });

  it('fails untrusted certificates against the anchors although their own chain is sound', async () => {
    for (const key of ['rsaUntrusted', 'ecUntrusted'] as const) {
      const chain = signers[key]!.certificate.chain;
      const rogueCa = work.file(`${key}-ca.pem`, chain[0]!.pem);
      const against = await verify(files.anchors!, rogueCa, files[key]!);
      expect(against.code).not.toBe(0);
      expect(against.output).toContain('unable to get local issuer certificate');
      const rogueRoot = work.file('rogue-root.pem', pki.rogueRoot().pem);
      expect((await verify(rogueRoot, rogueCa, files[key]!)).code).toBe(0);
      expect(pki.anchors().map((a) => a.serialHex)).not.toContain(chain[1]!.serialHex);
    }
  });
});

describe('NES end-entity certificate contents (openssl x509 -text)', () => {
  it('has the real-world subject form and NES extensions', async () => {
    const text = (
      await openssl([
        'x509',
        '-in',
        files.rsaValid!,
        '-noout',
        '-text',
        '-nameopt',
        'utf8,sep_comma_plus',
      ])
    ).stdout;
    expect(text).toContain(
      'Subject: C=TR,serialNumber=10000000146,GN=AHMET,SN=ÇELİK,CN=AHMET ÇELİK',
    );
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text).toContain(`Policy: ${OID.nesPolicy}`);
    expect(text).toContain('qcStatements');
    expect(text).toContain('OCSP - URI:http://127.0.0.1:18799/ocsp/rsa');
    expect(text).toContain('CA Issuers - URI:http://127.0.0.1:18799/certs/rsa.cer');
    expect(text).toContain('URI:http://127.0.0.1:18799/crl/rsa.crl');
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
  });

  it('encodes QcCompliance inside qcStatements', async () => {
    const parsed = (await openssl(['asn1parse', '-in', files.ecValid!])).stdout;
    const qc = parsed.split('\n').findIndex((l) => l.includes('qcStatements'));
    expect(qc).toBeGreaterThan(0);
    const ext = await openssl([
      'asn1parse',
      '-in',
      files.ecValid!,
      '-strparse',
      String(parsed.split('\n')[qc + 1]!.trim().split(':')[0]),
    ]);
    expect(ext.stdout).toContain('0.4.0.1862.1.1');
  });

  it('signs EC end entities with ecdsa-with-SHA384 and keeps the requested key', async () => {
    const text = (await openssl(['x509', '-in', files.ecValid!, '-noout', '-text'])).stdout;
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(text).toContain('NIST CURVE: P-384');
    const certKey = createPublicKey(signers.ecValid!.certificate.pem).export({
      type: 'spki',
      format: 'der',
    });
    const ownKey = createPublicKey(signers.ecValid!.privateKeyPem).export({
      type: 'spki',
      format: 'der',
    });
    expect(Buffer.compare(certKey, ownKey)).toBe(0);
  });

  it('drops nonRepudiation for the noNonRepudiation variant', async () => {
    const text = (await openssl(['x509', '-in', files.noNr!, '-noout', '-text'])).stdout;
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).not.toContain('Non Repudiation');
  });

  it('issues weak-key (RSA-1024) and SHA-1 certificates on request', async () => {
    expect((await openssl(['x509', '-in', files.weak!, '-noout', '-text'])).stdout).toContain(
      'Public-Key: (1024 bit)',
    );
    expect((await openssl(['x509', '-in', files.sha1!, '-noout', '-text'])).stdout).toContain(
      'Signature Algorithm: sha1WithRSAEncryption',
    );
  });

  it('marks the OCSP responders and the TSA for their purpose', async () => {
    for (const ca of ['rsa', 'ec'] as const) {
      const responder = work.file(`ocsp-${ca}.pem`, pki.ocspResponder(ca).pem);
      const text = (await openssl(['x509', '-in', responder, '-noout', '-text'])).stdout;
      expect(text).toContain('OCSP Signing');
      expect(text).toContain('OCSP No Check');
      const root = ca === 'rsa' ? files.rsaRoot! : files.ecRoot!;
      const caFile = ca === 'rsa' ? files.rsaCa! : files.ecCa!;
      expect(
        (
          await openssl([
            'verify',
            '-CAfile',
            root,
            '-untrusted',
            caFile,
            '-purpose',
            'ocsphelper',
            responder,
          ])
        ).code,
      ).toBe(0);
    }
    const tsa = work.file('tsa.pem', pki.tsaCertificate().pem);
    const text = (await openssl(['x509', '-in', tsa, '-noout', '-text'])).stdout;
    expect(text).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
    expect(
      (await openssl(['verify', '-CAfile', files.ecRoot!, '-purpose', 'timestampsign', tsa])).code,
    ).toBe(0);
  });

  it('refuses invalid TCKNs and duplicate serials', async () => {
    const { publicKey } = signers.rsaValid!;
    await expect(
      pki.issueSigner({ publicKey, tckn: '12345678901', name: 'X Y', ca: 'rsa' }),
    ).rejects.toThrow();
    const serial = signers.rsaValid!.certificate.serialHex;
    await expect(
      pki.issueSigner({ publicKey, tckn: '10000000146', name: 'X Y', ca: 'rsa', serial }),
    ).rejects.toThrow(/already issued/);
  });

  it('accepts an SPKI DER public key (as read from a token)', async () => {
    const spki = createPublicKey(signers.ecP256!.privateKeyPem).export({
      type: 'spki',
      format: 'der',
    });
    const issued = await pki.issueSigner({
      publicKey: new Uint8Array(spki),
      tckn: '98765432150',
      name: 'MEHMET ÖZTÜRK',
      ca: 'ec',
      serial: '0a0b0c',
    });
    expect(issued.serialHex).toBe('0a0b0c');
    const file = work.file('spki.pem', issued.pem);
    expect((await verify(files.ecRoot!, files.ecCa!, file)).code).toBe(0);
  });
});
