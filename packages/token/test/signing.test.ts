import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TCKNS } from '@eimza/testpki';
import { TokenError, type CertificateInfo, type HashAlgorithm } from '../src/index.js';
import { opensslVerify, tokenFixture, type TokenFixture } from './helpers.js';

let fixture: TokenFixture;
let certificates: CertificateInfo[];
const byLabel = (label: string) => {
  const found = certificates.find((certificate) => certificate.tokenLabel === label);
  if (!found) throw new Error(`no certificate on ${label}`);
  return found;
};

beforeAll(async () => {
  fixture = await tokenFixture({
    tokens: [
      { label: 'SIGN-RSA', keyType: 'rsa2048', tckn: TEST_TCKNS[0], name: 'AHMET YILMAZ' },
      { label: 'SIGN-EC256', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' },
      { label: 'SIGN-EC384', keyType: 'ec-p384', tckn: TEST_TCKNS[2], name: 'MEHMET DEMİR' },
      {
        label: 'AUTH-RSA',
        keyType: 'rsa2048',
        tckn: TEST_TCKNS[0],
        name: 'AHMET YILMAZ',
        variant: 'noNonRepudiation',
      },
    ],
  });
  certificates = await fixture.service.listCertificates();
});

afterAll(async () => {
  await fixture?.cleanup();
});

describe('modules and tokens', () => {
  it('loads SoftHSM2 and reports its library', () => {
    const [report] = fixture.service.modules();
    expect(report).toMatchObject({
      name: 'softhsm2',
      source: 'option',
      loaded: true,
      library: { manufacturer: 'SoftHSM' },
    });
  });

  it('lists the tokens with label, serial, model and PIN state', async () => {
    const tokens = await fixture.service.listTokens();
    expect(tokens.map((token) => token.label).sort()).toEqual([
      'AUTH-RSA',
      'SIGN-EC256',
      'SIGN-EC384',
      'SIGN-RSA',
    ]);
    const rsa = tokens.find((token) => token.label === 'SIGN-RSA');
    const provisioned = fixture.tokens.tokens.find((token) => token.label === 'SIGN-RSA');
    expect(rsa).toMatchObject({
      serial: provisioned?.tokenSerial,
      slotId: provisioned?.slotId,
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      pinPad: false,
      loginRequired: true,
      minPinLength: 4,
      userPin: {
        initialized: true,
        countLow: false,
        finalTry: false,
        locked: false,
        toBeChanged: false,
      },
      soPin: {
        initialized: true,
        countLow: false,
        finalTry: false,
        locked: false,
        toBeChanged: false,
      },
    });
  });
});

describe('certificates', () => {
  it('pairs each certificate with its on-token key by CKA_ID and parses it', () => {
    const rsa = byLabel('SIGN-RSA');
    const provisioned = fixture.tokens.tokens.find((token) => token.label === 'SIGN-RSA');
    expect(rsa.id).toBe(`${provisioned?.tokenSerial}:${provisioned?.ckaId}`);
    expect(rsa).toMatchObject({
      ckaId: provisioned?.ckaId,
      commonName: 'AHMET YILMAZ',
      tckn: TEST_TCKNS[0],
      nonRepudiation: true,
      hasPrivateKey: true,
      keyAlgorithm: { name: 'RSA', bits: 2048 },
    });
    expect(rsa.keyUsage).toContain('nonRepudiation');
    expect(rsa.notAfter.getTime()).toBeGreaterThan(rsa.notBefore.getTime());
    expect(rsa.issuer).toContain('RSA');
    expect(rsa.fingerprintSha256).toBe(createHash('sha256').update(rsa.der).digest('hex'));
    expect(byLabel('SIGN-EC256').keyAlgorithm).toEqual({ name: 'EC', curve: 'P-256' });
    expect(byLabel('SIGN-EC384').keyAlgorithm).toEqual({ name: 'EC', curve: 'P-384' });
    expect(byLabel('SIGN-EC384').tckn).toBe(TEST_TCKNS[2]);
  });

  it('puts signing (nonRepudiation) certificates first', () => {
    expect(certificates).toHaveLength(4);
    expect(certificates.at(-1)?.tokenLabel).toBe('AUTH-RSA');
    expect(certificates.at(-1)?.nonRepudiation).toBe(false);
    expect(certificates.slice(0, 3).every((certificate) => certificate.nonRepudiation)).toBe(true);
  });
});

describe('signing, verified by OpenSSL', () => {
  const data = Buffer.from(
    'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum',
  );

  it.each<HashAlgorithm>(['SHA-256', 'SHA-384', 'SHA-512'])(
    'RSA PKCS#1 v1.5 over a DigestInfo with %s',
    async (hash) => {
      const certificate = byLabel('SIGN-RSA');
      const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
      try {
        expect(session.mechanisms()).toEqual(['RSA-PKCS1', 'RSA-PSS']);
        const signature = await session.signData(data, { hash });
        expect(signature).toHaveLength(256);
        expect(opensslVerify(certificate.der, data, signature, { hash })).toBe(true);
        expect(
          opensslVerify(certificate.der, Buffer.from('something else'), signature, { hash }),
        ).toBe(false);
      } finally {
        await session.close();
      }
    },
  );

  it.each<HashAlgorithm>(['SHA-256', 'SHA-512'])(
    'RSA-PSS with %s (MGF1 same hash, salt = hash length)',
    async (hash) => {
      const certificate = byLabel('SIGN-RSA');
      const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
      try {
        const signature = await session.signData(data, { hash, scheme: 'pss' });
        expect(opensslVerify(certificate.der, data, signature, { hash, pss: true })).toBe(true);
        expect(opensslVerify(certificate.der, data, signature, { hash })).toBe(false);
      } finally {
        await session.close();
      }
    },
  );

  it.each([
    ['SIGN-EC256', 'SHA-256'],
    ['SIGN-EC384', 'SHA-384'],
    ['SIGN-EC256', 'SHA-512'],
  ] as const)('ECDSA on %s with %s: raw CKM_ECDSA, r||s converted to DER', async (label, hash) => {
    const certificate = byLabel(label);
    const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    try {
      expect(session.mechanisms()).toEqual(['ECDSA']);
      for (let i = 0; i < 8; i++) {
        const message = randomBytes(100);
        const signature = await session.signData(message, { hash });
        expect(signature[0]).toBe(0x30);
        expect(opensslVerify(certificate.der, message, signature, { hash })).toBe(true);
      }
    } finally {
      await session.close();
    }
  });

  it('signs many digests after one login', async () => {
    const certificate = byLabel('SIGN-EC256');
    const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    const digests = Array.from({ length: 50 }, () =>
      createHash('sha256').update(randomBytes(16)).digest(),
    );
    const signatures = await Promise.all(
      digests.map((digest) => session.signDigest(digest, { hash: 'SHA-256' })),
    );
    expect(
      new Set(signatures.map((signature) => Buffer.from(signature).toString('hex'))).size,
    ).toBe(50);
    await session.close();
  });
});

describe('signing errors', () => {
  it('rejects a digest of the wrong length', async () => {
    const session = await fixture.service.openSigningSession(
      byLabel('SIGN-RSA').id,
      fixture.tokens.pin,
    );
    await expect(session.signDigest(new Uint8Array(20), { hash: 'SHA-256' })).rejects.toMatchObject(
      { code: 'INVALID_ARGUMENT' },
    );
    await session.close();
  });

  it('rejects PSS for an EC key', async () => {
    const session = await fixture.service.openSigningSession(
      byLabel('SIGN-EC256').id,
      fixture.tokens.pin,
    );
    await expect(
      session.signDigest(new Uint8Array(32), { hash: 'SHA-256', scheme: 'pss' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await session.close();
  });

  it('refuses to sign once the session is closed', async () => {
    const session = await fixture.service.openSigningSession(
      byLabel('SIGN-EC256').id,
      fixture.tokens.pin,
    );
    await session.close();
    await expect(session.signDigest(new Uint8Array(32), { hash: 'SHA-256' })).rejects.toMatchObject(
      { code: 'SESSION_CLOSED' },
    );
  });

  it('reports a wrong PIN as PIN_INCORRECT with the token PIN state', async () => {
    const error = await fixture.service
      .openSigningSession(byLabel('SIGN-EC384').id, '000000')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({
      code: 'PIN_INCORRECT',
      pinState: { countLow: true, locked: false },
      detail: { ckr: 'CKR_PIN_INCORRECT', fn: 'C_Login' },
    });
    expect((error as TokenError).message).not.toMatch(/CKR_/);
  });

  it('checks the PIN again when the token is already logged in by another session', async () => {
    const certificate = byLabel('SIGN-RSA');
    const first = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await expect(
      fixture.service.openSigningSession(certificate.id, '000000'),
    ).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    const second = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    // The first session survives the other's failed login (its key handle is found again after the re-login).
    for (const session of [second, first]) {
      const signature = await session.signData(Buffer.from('x'), { hash: 'SHA-256' });
      expect(opensslVerify(certificate.der, Buffer.from('x'), signature, { hash: 'SHA-256' })).toBe(
        true,
      );
    }
    await Promise.all([first.close(), second.close()]);
  });

  it('closes a session whose login another session lost with a wrong PIN', async () => {
    const certificate = byLabel('SIGN-EC384');
    const first = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await expect(
      fixture.service.openSigningSession(certificate.id, '000000'),
    ).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await expect(first.signData(Buffer.from('x'), { hash: 'SHA-384' })).rejects.toMatchObject({
      code: 'SESSION_CLOSED',
      detail: { reason: 'the token was logged out' },
    });
    const again = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await again.signData(Buffer.from('x'), { hash: 'SHA-384' });
    await again.close();
  });

  it('reports unknown certificates and tokens', async () => {
    await expect(
      fixture.service.openSigningSession(
        `${byLabel('SIGN-RSA').tokenSerial}:00ff`,
        fixture.tokens.pin,
      ),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_NOT_FOUND',
    });
    await expect(
      fixture.service.openSigningSession('nosuchserial:00ff', fixture.tokens.pin),
    ).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
    await expect(
      fixture.service.openSigningSession('garbage', fixture.tokens.pin),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('argument checks', () => {
  it('wants a PIN unless the token has a PIN pad', async () => {
    await expect(
      fixture.service.openSigningSession(byLabel('SIGN-EC256').id, null),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      fixture.service.changePin(byLabel('SIGN-EC256').tokenSerial, '', '1234'),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
