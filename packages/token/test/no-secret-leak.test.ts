import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TCKNS } from '@eimza/testpki';
import { TokenError, type CertificateInfo } from '../src/index.js';
import { tokenFixture, type TokenFixture } from './helpers.js';

// Distinctive values: if any of them shows up in a log line or an error, it leaked.
const PIN = 'Pin-Zq7x4242';
const PUK = 'Puk-Wv9y8642';
const NEW_PIN = 'NewPin-Kt3u1357';
const WRONG_PIN = 'Wrong-Hs5r9753';
const WRONG_PUK = 'WrongPuk-Jm2n8246';
const TOO_LONG_PIN = `TooLong-${'Xy'.repeat(150)}`;
const SECRETS = [PIN, PUK, NEW_PIN, WRONG_PIN, WRONG_PUK, TOO_LONG_PIN];

let fixture: TokenFixture;
let certificate: CertificateInfo;
const errors: unknown[] = [];

const capture = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TokenError);
  errors.push(error);
  return error as TokenError;
};

beforeAll(async () => {
  fixture = await tokenFixture({
    pin: PIN,
    puk: PUK,
    tokens: [{ label: 'SECRETS', keyType: 'rsa2048', tckn: TEST_TCKNS[0], name: 'AHMET YILMAZ' }],
  });
  [certificate] = (await fixture.service.listCertificates()) as [CertificateInfo];
});

afterAll(async () => {
  await fixture?.cleanup();
});

describe('PINs and PUKs never leave the call', () => {
  it('runs every success and error path with distinctive secrets', async () => {
    const serial = certificate.tokenSerial;
    const { service } = fixture;

    const session = await service.openSigningSession(certificate.id, PIN);
    await session.signData(Buffer.from('x'), { hash: 'SHA-256' });
    expect((await capture(session.signDigest(new Uint8Array(3), { hash: 'SHA-256' }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    await session.close();

    expect((await capture(service.openSigningSession(certificate.id, WRONG_PIN))).code).toBe(
      'PIN_INCORRECT',
    );
    expect((await capture(service.openSigningSession(`${serial}:abcd`, PIN))).code).toBe(
      'CERTIFICATE_NOT_FOUND',
    );
    expect((await capture(service.openSigningSession('missing:abcd', PIN))).code).toBe(
      'TOKEN_NOT_PRESENT',
    );
    expect((await capture(service.changePin(serial, WRONG_PIN, NEW_PIN))).code).toBe(
      'PIN_INCORRECT',
    );
    expect((await capture(service.changePin(serial, PIN, TOO_LONG_PIN))).code).toBe(
      'PIN_LEN_RANGE',
    );
    expect((await capture(service.changePin('missing', PIN, NEW_PIN))).code).toBe(
      'TOKEN_NOT_PRESENT',
    );
    expect((await capture(service.unlockPin(serial, WRONG_PUK, NEW_PIN))).code).toBe(
      'SO_PIN_INCORRECT',
    );
    expect((await capture(service.unlockPin(serial, PUK, TOO_LONG_PIN))).code).toBe(
      'PIN_LEN_RANGE',
    );
    expect((await capture(service.changePuk(serial, WRONG_PUK, PUK))).code).toBe(
      'SO_PIN_INCORRECT',
    );

    await service.changePin(serial, PIN, NEW_PIN);
    await service.unlockPin(serial, PUK, PIN);
    await service.changePuk(serial, PUK, PUK);

    await service.close();
    expect(
      (await capture(Promise.resolve().then(() => service.openSigningSession(certificate.id, PIN))))
        .code,
    ).toBe('SESSION_CLOSED');
  });

  it('leaves no secret in thrown errors, however they are printed', () => {
    expect(errors).toHaveLength(11);
    for (const error of errors) {
      const renderings = [
        inspect(error, { depth: 10, showHidden: true }),
        JSON.stringify(error),
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify({ ...(error as object) }),
      ];
      for (const text of renderings)
        for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });

  it('leaves no secret in the logs', () => {
    const log = fixture.logs.join('');
    expect(log).toContain('signing session opened');
    expect(log).toContain('user PIN changed');
    for (const secret of SECRETS) expect(log).not.toContain(secret);
  });
});
