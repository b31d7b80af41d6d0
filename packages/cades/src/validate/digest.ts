import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;

// crypto.hash (Node >= 20.12) skips building a Hash object, which is most of the cost of
// hashing a certificate-sized input; @types/node 20 does not declare it yet.
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function digest(algorithm: string, data: Uint8Array): Buffer {
  return oneShot
    ? oneShot(algorithm, data, 'buffer')
    : crypto.createHash(algorithm).update(data).digest();
}
