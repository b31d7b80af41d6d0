import {
  createHash,
  generateKeyPairSync,
  publicDecrypt,
  sign,
  verify,
  constants,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestInfo, ecdsaRawToDer } from './signature-formats.js';

describe('ecdsaRawToDer', () => {
  it.each(['prime256v1', 'secp384r1', 'secp521r1'])(
    'turns %s r||s into a DER signature Node verifies',
    (namedCurve) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      for (let i = 0; i < 20; i++) {
        const data = Buffer.from(`message ${i}`);
        const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaRawToDer(raw);
        expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      }
    },
  );

  it('strips leading zeros and adds a zero before a high bit', () => {
    const raw = Buffer.concat([
      Buffer.alloc(31),
      Buffer.from([0x05]),
      Buffer.from([0x80]),
      Buffer.alloc(31, 0x11),
    ]);
    expect(ecdsaRawToDer(raw).toString('hex')).toBe(`3026020105022100${'80' + '11'.repeat(31)}`);
  });

  it('refuses an odd-length input', () => {
    expect(() => ecdsaRawToDer(new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('digestInfo', () => {
  it('builds the DigestInfo that RSA PKCS#1 v1.5 signatures carry', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.from('hello');
    for (const [hash, name] of [
      ['SHA-256', 'sha256'],
      ['SHA-384', 'sha384'],
      ['SHA-512', 'sha512'],
    ] as const) {
      const expected = sign(name, data, privateKey);
      const info = digestInfo(hash, createHash(name).update(data).digest());
      // The PKCS#1 v1.5 padding removed, what remains is the DigestInfo the signer signed.
      const recovered = publicDecrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        expected,
      );
      expect(recovered.equals(info)).toBe(true);
    }
  });
});
