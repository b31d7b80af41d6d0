import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCache } from '../src/validate/certificate.js';

let dir: string;

/** A self-issued certificate by OpenSSL, with the given basicConstraints. */
function certificate(name: string, basicConstraints: string): Uint8Array {
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.der`),
    '-outform',
    'DER',
    '-subj',
    `/CN=${name}`,
    '-days',
    '2',
    '-addext',
    `basicConstraints=${basicConstraints}`,
  ]);
  return new Uint8Array(readFileSync(join(dir, `${name}.der`)));
}

/** `der` at an offset inside a much larger buffer, as a certificate inside a large CMS is. */
function insideLargeInput(der: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 << 20);
  input.set(der, 4096);
  return input.subarray(4096, 4096 + der.length);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eimza-cert-cache-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CertificateCache', () => {
  it('keeps a CA certificate in its own bytes, not the input it came in', () => {
    const der = certificate('Test CA', 'critical,CA:TRUE');
    const cache = new CertificateCache();
    const cert = cache.get(insideLargeInput(der));
    expect(cert.basicConstraints?.cA).toBe(true);
    expect(cert.der.buffer.byteLength).toBe(der.length);
    expect(cert.tbs.buffer).toBe(cert.der.buffer);
    expect(cache.get(insideLargeInput(der))).toBe(cert);
  });

  it('parses an end-entity certificate every time and keeps nothing of it', () => {
    const der = certificate('Test Signer', 'CA:FALSE');
    const cache = new CertificateCache();
    const first = cache.get(insideLargeInput(der));
    expect(first.basicConstraints?.cA).toBe(false);
    expect(cache.get(insideLargeInput(der))).not.toBe(first);
  });
});
