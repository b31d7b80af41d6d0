import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TCKNS } from '@eimza/testpki';
import type { CertificateInfo } from '../src/index.js';
import { tokenFixture, type TokenFixture } from './helpers.js';

let fixture: TokenFixture;
let certificate: CertificateInfo;
let serial: string;

beforeAll(async () => {
  fixture = await tokenFixture({
    tokens: [{ label: 'HELPDESK', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' }],
  });
  [certificate] = (await fixture.service.listCertificates()) as [CertificateInfo];
  serial = certificate.tokenSerial;
});

afterAll(async () => {
  await fixture?.cleanup();
});

const canSignWith = async (pin: string) => {
  const session = await fixture.service.openSigningSession(certificate.id, pin);
  await session.signData(Buffer.from('ok'), { hash: 'SHA-256' });
  await session.close();
};
const userPinState = async () =>
  (await fixture.service.listTokens()).find((token) => token.serial === serial)?.userPin;

describe('change PIN', () => {
  it('changes the user PIN (C_SetPIN as user) and the new PIN signs', async () => {
    await fixture.service.changePin(serial, fixture.tokens.pin, '246810');
    await expect(canSignWith(fixture.tokens.pin)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await canSignWith('246810');
    await fixture.service.changePin(serial, '246810', fixture.tokens.pin);
    await canSignWith(fixture.tokens.pin);
  });

  it('reports a wrong old PIN with the PIN state', async () => {
    await expect(fixture.service.changePin(serial, '999999', '111111')).rejects.toMatchObject({
      code: 'PIN_INCORRECT',
      tokenSerial: serial,
      pinState: { countLow: true },
    });
    await canSignWith(fixture.tokens.pin);
  });

  it('reports a new PIN the token refuses for its length', async () => {
    await expect(fixture.service.changePin(serial, fixture.tokens.pin, '12')).rejects.toMatchObject(
      { code: 'PIN_LEN_RANGE' },
    );
    await canSignWith(fixture.tokens.pin);
  });

  it('reports an unknown token', async () => {
    await expect(fixture.service.changePin('no-such-token', '1234', '5678')).rejects.toMatchObject({
      code: 'TOKEN_NOT_PRESENT',
    });
  });
});

describe('unlock PIN with the PUK', () => {
  it('sets a new user PIN (SO login in a read-write session, C_InitPIN) and clears the count', async () => {
    await expect(canSignWith('000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    expect(await userPinState()).toMatchObject({ countLow: true });
    await fixture.service.unlockPin(serial, fixture.tokens.puk, '135790');
    expect(await userPinState()).toMatchObject({ countLow: false, locked: false });
    await canSignWith('135790');
    await fixture.service.unlockPin(serial, fixture.tokens.puk, fixture.tokens.pin);
  });

  it('closes the signing sessions open on that token first', async () => {
    const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await fixture.service.unlockPin(serial, fixture.tokens.puk, fixture.tokens.pin);
    await expect(session.signData(Buffer.from('x'), { hash: 'SHA-256' })).rejects.toMatchObject({
      code: 'SESSION_CLOSED',
    });
    await canSignWith(fixture.tokens.pin);
  });

  it('reports a wrong PUK as SO_PIN_INCORRECT with the SO PIN state', async () => {
    await expect(fixture.service.unlockPin(serial, '00000000', '111111')).rejects.toMatchObject({
      code: 'SO_PIN_INCORRECT',
      pinState: { countLow: true },
    });
    await canSignWith(fixture.tokens.pin);
  });

  it('reports a new PIN outside the length range', async () => {
    await expect(fixture.service.unlockPin(serial, fixture.tokens.puk, '1')).rejects.toMatchObject({
      code: 'PIN_LEN_RANGE',
    });
  });
});

describe('change PUK', () => {
  it('changes the SO PIN (SO login + C_SetPIN); the old PUK stops working', async () => {
    await fixture.service.changePuk(serial, fixture.tokens.puk, '87654321');
    await expect(
      fixture.service.unlockPin(serial, fixture.tokens.puk, fixture.tokens.pin),
    ).rejects.toMatchObject({ code: 'SO_PIN_INCORRECT' });
    await fixture.service.unlockPin(serial, '87654321', fixture.tokens.pin);
    await fixture.service.changePuk(serial, '87654321', fixture.tokens.puk);
    await canSignWith(fixture.tokens.pin);
  });

  it('reports a wrong old PUK', async () => {
    await expect(fixture.service.changePuk(serial, '11111111', '22222222')).rejects.toMatchObject({
      code: 'SO_PIN_INCORRECT',
    });
  });
});

describe('helpdesk work beside a signing session', () => {
  it('changing the PIN leaves an open signing session on the token logged in', async () => {
    const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await fixture.service.changePin(serial, fixture.tokens.pin, '975310');
    await session.signData(Buffer.from('still signing'), { hash: 'SHA-256' });
    await fixture.service.changePin(serial, '975310', fixture.tokens.pin);
    await session.signData(Buffer.from('still signing'), { hash: 'SHA-256' });
    await session.close();
  });
});
