import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestPki,
  freePort,
  defaultDemoBaseUrl,
  loadOrCreatePki,
  loadPki,
  savePki,
  startPkiServices,
  type PkiServices,
  type SignerWithKey,
  type TestPki,
} from '../src/index.js';
import { openssl, scratch } from './openssl.js';

const work = scratch('persist');
let port: number;
let original: TestPki;
let loaded: TestPki;
let valid: SignerWithKey;
let revoked: SignerWithKey;
let services: PkiServices | undefined;

beforeAll(async () => {
  port = await freePort();
  original = await createTestPki({ baseUrl: `http://127.0.0.1:${port}` });
  valid = await original.issueSignerWithKey({
    ca: 'rsa',
    tckn: '10000000146',
    name: 'AHMET ÇELİK',
  });
  revoked = await original.issueSignerWithKey({
    ca: 'ec',
    tckn: '12345678950',
    name: 'AYŞE YILMAZ',
  });
  original.revoke(
    revoked.certificate.serialHex,
    new Date('2026-01-02T03:04:05Z'),
    'affiliationChanged',
  );
  original.revokeEntity('tsa', new Date('2026-02-03T04:05:06Z'), 'cessationOfOperation');
  await original.crl('ec');
  await savePki(original, join(work.dir, 'pki'));
  loaded = await loadPki(join(work.dir, 'pki'));
});

afterAll(async () => {
  await services?.close();
});

describe('savePki / loadPki', () => {
  it('gives byte-identical certificates, the same URLs and the same registry', () => {
    expect(loaded.baseUrl).toBe(original.baseUrl);
    const before = original
      .entityList()
      .map((e) => [e.blueprint.name, Buffer.from(e.certificate.der).toString('hex')]);
    const after = loaded
      .entityList()
      .map((e) => [e.blueprint.name, Buffer.from(e.certificate.der).toString('hex')]);
    expect(after).toEqual(before);
    expect(before).toHaveLength(10);
    for (const ca of ['rsa', 'ec'] as const) {
      expect(Buffer.from(loaded.root(ca).der).equals(Buffer.from(original.root(ca).der))).toBe(
        true,
      );
      expect(
        Buffer.from(loaded.ocspResponder(ca).der).equals(
          Buffer.from(original.ocspResponder(ca).der),
        ),
      ).toBe(true);
    }
    expect(
      Buffer.from(loaded.tsaCertificate().der).equals(Buffer.from(original.tsaCertificate().der)),
    ).toBe(true);
    const summary = (pki: TestPki) =>
      pki.issued().map((c) => ({
        serial: c.serialHex,
        der: Buffer.from(c.der).toString('hex'),
        tckn: c.tckn,
        authority: c.authority,
        revocation: c.revocation && {
          date: c.revocation.date.toISOString(),
          reason: c.revocation.reason,
        },
      }));
    expect(summary(loaded)).toEqual(summary(original));
    expect(loaded.statusOf('ec', revoked.certificate.serialHex).status).toBe('revoked');
    expect(loaded.entityRevocation('tsa')).toEqual({
      date: new Date('2026-02-03T04:05:06Z'),
      reason: 'cessationOfOperation',
    });
    expect(loaded.entityRevocation('ca-rsa')).toBeUndefined();
  });

  it('writes keys with mode 0600 and the two anchors into trust-anchors/', () => {
    const keys = join(work.dir, 'pki', 'keys');
    for (const file of readdirSync(keys))
      expect(statSync(join(keys, file)).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(work.dir, 'pki', 'trust-anchors')).sort()).toEqual([
      'test-kamu-sm-ec-root.pem',
      'test-kamu-sm-rsa-root.pem',
    ]);
  });

  it('keeps working keys: a signer issued after loading verifies against the saved root', async () => {
    const later = await loaded.issueSignerWithKey({
      ca: 'ec',
      tckn: '98765432150',
      name: 'MEHMET ÖZTÜRK',
    });
    const dir = join(work.dir, 'pki');
    const ca = work.file('ec-ca.pem', loaded.issuingCa('ec').pem);
    const cert = work.file('later.pem', later.certificate.pem);
    const result = await openssl([
      'verify',
      '-CAfile',
      join(dir, 'trust-anchors', 'test-kamu-sm-ec-root.pem'),
      '-untrusted',
      ca,
      cert,
    ]);
    expect(result.code).toBe(0);
  });

  it('serves the loaded PKI on the port its certificates name (the demo set-up)', async () => {
    services = await startPkiServices(loaded, { port });
    expect(services.url).toBe(`http://127.0.0.1:${port}`);
    const files = {
      root: work.file('rsa-root.pem', loaded.root('rsa').pem),
      ca: work.file('rsa-ca.pem', loaded.issuingCa('rsa').pem),
      cert: work.file('valid.pem', valid.certificate.pem),
    };
    const aiaUrl = /OCSP - URI:(\S+)/.exec(
      (await openssl(['x509', '-in', files.cert, '-noout', '-text'])).stdout,
    )?.[1];
    expect(aiaUrl).toBe(`http://127.0.0.1:${port}/ocsp/rsa`);
    const result = await openssl([
      'ocsp',
      '-issuer',
      files.ca,
      '-cert',
      files.cert,
      '-url',
      aiaUrl!,
      '-CAfile',
      files.root,
    ]);
    expect(result.output).toContain('Response verify OK');
    expect(result.stdout).toContain(`${files.cert}: good`);
    const crl = work.file(
      'ec.crl',
      new Uint8Array(await (await fetch(loaded.urls.crl('ec'))).arrayBuffer()),
    );
    const text = (await openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text'])).stdout;
    expect(text).toContain(revoked.certificate.serialHex.toUpperCase());
    expect(text).toContain('Affiliation Changed');
    expect(text).toMatch(/X509v3 CRL Number: \s+2\b/);
  });

  it('loadOrCreatePki creates once and then loads the same authority', async () => {
    const dir = join(work.dir, 'demo');
    const first = await loadOrCreatePki(dir, { baseUrl: 'http://127.0.0.1:18780' });
    const second = await loadOrCreatePki(dir);
    expect(Buffer.from(second.root('ec').der).equals(Buffer.from(first.root('ec').der))).toBe(true);
    expect(second.baseUrl).toBe('http://127.0.0.1:18780');
  });

  it('derives the demo base URL from EIMZA_TESTPKI_PORT', () => {
    const saved = process.env['EIMZA_TESTPKI_PORT'];
    try {
      delete process.env['EIMZA_TESTPKI_PORT'];
      expect(defaultDemoBaseUrl()).toBe('http://127.0.0.1:18780');
      process.env['EIMZA_TESTPKI_PORT'] = '19999';
      expect(defaultDemoBaseUrl()).toBe('http://127.0.0.1:19999');
    } finally {
      if (saved === undefined) delete process.env['EIMZA_TESTPKI_PORT'];
      else process.env['EIMZA_TESTPKI_PORT'] = saved;
    }
  });
});
