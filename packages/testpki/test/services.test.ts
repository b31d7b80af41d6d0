import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OID, startTestPki, type RunningTestPki, type SignerWithKey } from '../src/index.js';
import { openssl, scratch } from './openssl.js';

let running: RunningTestPki;
const work = scratch('services');
const signers: Record<string, SignerWithKey> = {};
const files: Record<string, string> = {};

beforeAll(async () => {
  running = await startTestPki();
  const { pki } = running;
  for (const ca of ['rsa', 'ec'] as const) {
    files[`${ca}Root`] = work.file(`${ca}-root.pem`, pki.root(ca).pem);
    files[`${ca}Ca`] = work.file(`${ca}-ca.pem`, pki.issuingCa(ca).pem);
  }
  const plan = [
    ['rsaValid', { ca: 'rsa', tckn: '10000000146', name: 'AHMET ÇELİK' }],
    ['ecValid', { ca: 'ec', tckn: '12345678950', name: 'AYŞE YILMAZ' }],
    ['rsaRevoked', { ca: 'rsa', tckn: '98765432150', name: 'MEHMET ÖZTÜRK', variant: 'revoked' }],
    [
      'ecRevoked',
      {
        ca: 'ec',
        tckn: '98765432150',
        name: 'MEHMET ÖZTÜRK',
        variant: 'revoked',
        revocationReason: 'superseded',
      },
    ],
    ['ecLater', { ca: 'ec', tckn: '12345678950', name: 'AYŞE YILMAZ' }],
  ] as const;
  for (const [key, options] of plan) {
    signers[key] = await pki.issueSignerWithKey(options);
    files[key] = work.file(`${key}.pem`, signers[key].certificate.pem);
  }
});

afterAll(async () => {
  await running?.close();
});

function ocsp(ca: 'rsa' | 'ec', cert: string, extra: string[] = []) {
  return openssl([
    'ocsp',
    '-issuer',
    files[`${ca}Ca`]!,
    '-cert',
    cert,
    '-url',
    running.pki.urls.ocsp(ca),
    '-CAfile',
    files[`${ca}Root`]!,
    '-resp_text',
    ...extra,
  ]);
}

describe('live OCSP responder (openssl ocsp)', () => {
  it('says good for valid RSA and EC certificates, with a verified, nonce-echoing response', async () => {
    for (const [ca, key] of [
      ['rsa', 'rsaValid'],
      ['ec', 'ecValid'],
    ] as const) {
      const result = await ocsp(ca, files[key]!);
      expect(result.output).toContain('Response verify OK');
      expect(result.stdout).toContain(`${files[key]}: good`);
      expect(result.stdout).toContain('OCSP Nonce');
      expect(result.stdout).toMatch(/Next Update: /);
      expect(result.output).not.toContain('WARNING: no nonce');
    }
  });

  it('says revoked with time and reason for revoked certificates', async () => {
    const rsa = await ocsp('rsa', files.rsaRevoked!);
    expect(rsa.output).toContain('Response verify OK');
    expect(rsa.stdout).toContain(`${files.rsaRevoked}: revoked`);
    expect(rsa.stdout).toContain('Reason: keyCompromise');
    expect(rsa.stdout).toContain('Revocation Time:');
    const ec = await ocsp('ec', files.ecRevoked!);
    expect(ec.stdout).toContain(`${files.ecRevoked}: revoked`);
    expect(ec.stdout).toContain('Reason: superseded');
  });

  it('flips to revoked after a revocation at runtime', async () => {
    expect((await ocsp('ec', files.ecLater!)).stdout).toContain(`${files.ecLater}: good`);
    expect(
      running.pki.revoke(
        signers.ecLater!.certificate.serialHex,
        new Date(),
        'cessationOfOperation',
      ),
    ).toBe(true);
    const after = await ocsp('ec', files.ecLater!);
    expect(after.stdout).toContain(`${files.ecLater}: revoked`);
    expect(after.stdout).toContain('Reason: cessationOfOperation');
  });

  it('says unknown for serials the CA never issued', async () => {
    const result = await ocsp('rsa', files.rsaValid!, []);
    expect(result.stdout).toContain('good');
    const unknown = await openssl([
      'ocsp',
      '-issuer',
      files.rsaCa!,
      '-serial',
      '0x123456789abcdef',
      '-url',
      running.pki.urls.ocsp('rsa'),
      '-CAfile',
      files.rsaRoot!,
    ]);
    expect(unknown.output).toContain('Response verify OK');
    expect(unknown.stdout).toContain('0x123456789abcdef: unknown');
  });

  it('suspends (certificateHold) and reinstates', async () => {
    const held = await running.pki.issueSignerWithKey({
      ca: 'rsa',
      tckn: '10000000146',
      name: 'AHMET ÇELİK',
    });
    const file = work.file('held.pem', held.certificate.pem);
    running.pki.revoke(held.certificate.serialHex, new Date(), 'certificateHold');
    const suspended = await ocsp('rsa', file);
    expect(suspended.stdout).toContain(`${file}: revoked`);
    expect(suspended.stdout).toContain('Reason: certificateHold');
    expect(running.pki.reinstate(held.certificate.serialHex)).toBe(true);
    expect((await ocsp('rsa', file)).stdout).toContain(`${file}: good`);
    expect(running.pki.reinstate(signers.rsaRevoked!.certificate.serialHex)).toBe(false);
  });

  it('answers for the rogue hierarchy too, signed by the rogue CA itself', async () => {
    const rogue = await running.pki.issueSignerWithKey({
      ca: 'ec',
      tckn: '10000000146',
      name: 'AHMET ÇELİK',
      variant: 'untrusted',
    });
    const cert = work.file('rogue.pem', rogue.certificate.pem);
    const issuer = work.file('rogue-ca.pem', rogue.certificate.chain[0]!.pem);
    const root = work.file('rogue-root.pem', running.pki.rogueRoot().pem);
    const url = /OCSP - URI:(\S+)/.exec(
      (await openssl(['x509', '-in', cert, '-noout', '-text'])).stdout,
    )?.[1];
    expect(url).toBe(running.pki.urls.ocsp('rogue-ec'));
    const result = await openssl([
      'ocsp',
      '-issuer',
      issuer,
      '-cert',
      cert,
      '-url',
      url!,
      '-CAfile',
      root,
    ]);
    expect(result.output).toContain('Response verify OK');
    expect(result.stdout).toContain(`${cert}: good`);
  });

  it('answers GET requests (base64 in the path) too', async () => {
    const reqFile = `${work.dir}/get.ocsp`;
    await openssl([
      'ocsp',
      '-issuer',
      files.ecCa!,
      '-cert',
      files.ecValid!,
      '-no_nonce',
      '-reqout',
      reqFile,
    ]);
    const { readFileSync } = await import('node:fs');
    const b64 = Buffer.from(readFileSync(reqFile)).toString('base64');
    const response = await fetch(`${running.pki.urls.ocsp('ec')}/${encodeURIComponent(b64)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ocsp-response');
    const respFile = work.file('get.ocspresp', new Uint8Array(await response.arrayBuffer()));
    const text = await openssl(['ocsp', '-respin', respFile, '-resp_text', '-noverify']);
    expect(text.stdout).toContain('Cert Status: good');
  });

  it('rejects garbage with malformedRequest', async () => {
    const response = await fetch(running.pki.urls.ocsp('rsa'), { method: 'POST', body: 'not der' });
    const body = new Uint8Array(await response.arrayBuffer());
    expect(Array.from(body)).toEqual([0x30, 0x03, 0x0a, 0x01, 0x01]);
  });
});

describe('live CRLs (openssl crl)', () => {
  it('serves a CRL per issuing CA that verifies and lists the revoked serials', async () => {
    for (const [ca, revoked, valid] of [
      ['rsa', 'rsaRevoked', 'rsaValid'],
      ['ec', 'ecRevoked', 'ecValid'],
    ] as const) {
      const response = await fetch(running.pki.urls.crl(ca));
      expect(response.headers.get('content-type')).toBe('application/pkix-crl');
      const crl = work.file(`${ca}.crl`, new Uint8Array(await response.arrayBuffer()));
      const result = await openssl([
        'crl',
        '-inform',
        'DER',
        '-in',
        crl,
        '-CAfile',
        files[`${ca}Ca`]!,
        '-noout',
        '-text',
      ]);
      expect(result.output).toContain('verify OK');
      expect(result.stdout).toContain(
        `Serial Number: ${signers[revoked]!.certificate.serialHex.toUpperCase()}`,
      );
      expect(result.stdout).not.toContain(signers[valid]!.certificate.serialHex.toUpperCase());
      expect(result.stdout).toMatch(/Next Update: /);
      expect(result.stdout).toMatch(/X509v3 CRL Number: \s+\d+/);
    }
  });

  it('raises the CRL number and includes runtime revocations', async () => {
    const fetchText = async () => {
      const crl = work.file(
        'ec-again.crl',
        new Uint8Array(await (await fetch(running.pki.urls.crl('ec'))).arrayBuffer()),
      );
      return (await openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text'])).stdout;
    };
    const first = await fetchText();
    const second = await fetchText();
    const number = (text: string) => Number(/X509v3 CRL Number: \s+(\d+)/.exec(text)?.[1]);
    expect(number(second)).toBe(number(first) + 1);
    const extra = await running.pki.issueSignerWithKey({
      ca: 'ec',
      tckn: '10000000146',
      name: 'AHMET ÇELİK',
    });
    expect(second).not.toContain(extra.certificate.serialHex.toUpperCase());
    running.pki.revoke(extra.certificate.serialHex);
    expect(await fetchText()).toContain(extra.certificate.serialHex.toUpperCase());
  });

  it('checks a chain with openssl verify -crl_check against the served CRL', async () => {
    const crlDer = new Uint8Array(await (await fetch(running.pki.urls.crl('rsa'))).arrayBuffer());
    const crlPem = work.file('rsa-crl.pem', running.pki.crlPem(crlDer));
    const args = (cert: string) => [
      'verify',
      '-crl_check',
      '-CAfile',
      files.rsaRoot!,
      '-untrusted',
      files.rsaCa!,
      '-CRLfile',
      crlPem,
      cert,
    ];
    expect((await openssl(args(files.rsaValid!))).code).toBe(0);
    const revoked = await openssl(args(files.rsaRevoked!));
    expect(revoked.code).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
  });
});

describe('live RFC 3161 TSA (openssl ts)', () => {
  it('time-stamps an openssl query and the reply verifies with the chain', async () => {
    const data = work.file('data.txt', 'İmzalanacak Metin 1\n');
    const query = `${work.dir}/req.tsq`;
    expect(
      (await openssl(['ts', '-query', '-data', data, '-sha256', '-cert', '-out', query])).code,
    ).toBe(0);
    const { readFileSync } = await import('node:fs');
    const response = await fetch(running.pki.urls.tsa, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: readFileSync(query),
    });
    expect(response.headers.get('content-type')).toBe('application/timestamp-reply');
    const reply = work.file('resp.tsr', new Uint8Array(await response.arrayBuffer()));
    const text = (await openssl(['ts', '-reply', '-in', reply, '-text'])).stdout;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain(`Policy OID: ${OID.tsaPolicy}`);
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/);
    const tsaChain = work.file('tsa-chain.pem', running.pki.tsaCertificate().pem);
    const ecRoot = files.ecRoot!;
    const byData = await openssl([
      'ts',
      '-verify',
      '-data',
      data,
      '-in',
      reply,
      '-CAfile',
      ecRoot,
      '-untrusted',
      tsaChain,
    ]);
    expect(byData.stdout).toContain('Verification: OK');
    const byQuery = await openssl([
      'ts',
      '-verify',
      '-queryfile',
      query,
      '-in',
      reply,
      '-CAfile',
      ecRoot,
    ]);
    expect(byQuery.stdout).toContain('Verification: OK');
    const otherData = work.file('other.txt', 'başka metin\n');
    const wrong = await openssl([
      'ts',
      '-verify',
      '-data',
      otherData,
      '-in',
      reply,
      '-CAfile',
      ecRoot,
    ]);
    expect(wrong.stdout).not.toContain('Verification: OK');
  });

  it('leaves the certificate out without certReq and rejects a foreign policy', async () => {
    const data = work.file('data2.txt', 'x');
    const { readFileSync } = await import('node:fs');
    const noCert = `${work.dir}/nocert.tsq`;
    await openssl(['ts', '-query', '-data', data, '-sha384', '-out', noCert]);
    const reply = work.file(
      'nocert.tsr',
      new Uint8Array(
        await (
          await fetch(running.pki.urls.tsa, { method: 'POST', body: readFileSync(noCert) })
        ).arrayBuffer(),
      ),
    );
    const tsaCert = work.file('tsa-only.pem', running.pki.tsaCertificate().pem);
    expect(
      (
        await openssl([
          'ts',
          '-verify',
          '-queryfile',
          noCert,
          '-in',
          reply,
          '-CAfile',
          files.ecRoot!,
        ])
      ).stdout,
    ).not.toContain('Verification: OK');
    expect(
      (
        await openssl([
          'ts',
          '-verify',
          '-queryfile',
          noCert,
          '-in',
          reply,
          '-CAfile',
          files.ecRoot!,
          '-untrusted',
          tsaCert,
        ])
      ).stdout,
    ).toContain('Verification: OK');

    const foreign = `${work.dir}/foreign.tsq`;
    await openssl([
      'ts',
      '-query',
      '-data',
      data,
      '-sha256',
      '-tspolicy',
      '1.2.3.4',
      '-out',
      foreign,
    ]);
    const rejected = work.file(
      'foreign.tsr',
      new Uint8Array(
        await (
          await fetch(running.pki.urls.tsa, { method: 'POST', body: readFileSync(foreign) })
        ).arrayBuffer(),
      ),
    );
    const text = (await openssl(['ts', '-reply', '-in', rejected, '-text'])).stdout;
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('Failure info: the requested TSA policy is not supported by the TSA');
  });
});

describe('simulated outages', () => {
  it('answers tryLater for OCSP and 503 for CRL and TSA while a service is down', async () => {
    const { pki } = running;
    pki.setServiceOutage('ocsp', true);
    pki.setServiceOutage('crl', true);
    pki.setServiceOutage('tsa', true);
    try {
      const result = await ocsp('rsa', files.rsaValid!);
      expect(result.output).toContain('Responder Error: trylater');
      expect((await fetch(pki.urls.crl('rsa'))).status).toBe(503);
      expect(
        (await fetch(pki.urls.tsa, { method: 'POST', body: new Uint8Array([0x30, 0x00]) })).status,
      ).toBe(503);
    } finally {
      pki.setServiceOutage('ocsp', false);
      pki.setServiceOutage('crl', false);
      pki.setServiceOutage('tsa', false);
    }
    expect((await ocsp('rsa', files.rsaValid!)).stdout).toContain(`${files.rsaValid}: good`);
    expect((await fetch(pki.urls.crl('rsa'))).status).toBe(200);
  });
});

describe('certificate downloads', () => {
  it('serves the issuing CA at the caIssuers URL', async () => {
    const response = await fetch(running.pki.urls.caIssuers('ec'));
    expect(
      Buffer.from(await response.arrayBuffer()).equals(
        Buffer.from(running.pki.issuingCa('ec').der),
      ),
    ).toBe(true);
    expect((await fetch(`${running.url}/nothing`)).status).toBe(404);
  });
});
