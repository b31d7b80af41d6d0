import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPki, type RunningTestPki } from '../src/index.js';
import { openssl, scratch } from './openssl.js';

let running: RunningTestPki;
const work = scratch('infra');
const files: Record<string, string> = {};

beforeAll(async () => {
  running = await startTestPki();
  const { pki } = running;
  files.rsaRoot = work.file('rsa-root.pem', pki.root('rsa').pem);
  files.ecRoot = work.file('ec-root.pem', pki.root('ec').pem);
  files.rsaCa = work.file('rsa-ca.pem', pki.issuingCa('rsa').pem);
  files.ecCa = work.file('ec-ca.pem', pki.issuingCa('ec').pem);
  files.tsa = work.file('tsa.pem', pki.tsaCertificate().pem);
});

afterAll(async () => {
  await running?.close();
});

function rootOcsp(root: 'rsa' | 'ec', cert: string, extra: string[] = []) {
  const rootFile = root === 'rsa' ? files.rsaRoot! : files.ecRoot!;
  return openssl([
    'ocsp',
    '-issuer',
    rootFile,
    '-cert',
    cert,
    '-url',
    running.pki.urls.rootOcsp(root === 'rsa' ? 'root-rsa' : 'root-ec'),
    '-CAfile',
    rootFile,
    ...extra,
  ]);
}

describe('revocation of the issuing CAs and the TSA', () => {
  it('names the root OCSP responder and CRL in the issuing CA and TSA certificates', async () => {
    const text = await openssl(['x509', '-in', files.ecCa!, '-noout', '-text']);
    expect(text.stdout).toContain(`OCSP - URI:${running.pki.urls.rootOcsp('root-ec')}`);
    expect(text.stdout).toContain(`URI:${running.pki.urls.rootCrl('root-ec')}`);
    const tsa = await openssl(['x509', '-in', files.tsa!, '-noout', '-text']);
    expect(tsa.stdout).toContain(`OCSP - URI:${running.pki.urls.rootOcsp('root-ec')}`);
  });

  it('answers good, then revoked after revokeEntity, over OCSP and in the root CRL', async () => {
    const { pki } = running;
    const before = await rootOcsp('rsa', files.rsaCa!);
    expect(before.output).toContain('Response verify OK');
    expect(before.stdout).toContain(`${files.rsaCa}: good`);

    pki.revokeEntity('ca-rsa', new Date(Date.now() - 60_000), 'cACompromise');
    const after = await rootOcsp('rsa', files.rsaCa!);
    expect(after.output).toContain('Response verify OK');
    expect(after.stdout).toContain(`${files.rsaCa}: revoked`);
    expect(after.stdout).toContain('Reason: cACompromise');

    const crlFile = work.file('root-rsa.crl', await pki.rootCrl('root-rsa'));
    const crl = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      crlFile,
      '-CAfile',
      files.rsaRoot!,
      '-noout',
      '-text',
    ]);
    expect(crl.output).toContain('verify OK');
    expect(crl.stdout.toLowerCase()).toContain(pki.issuingCa('rsa').serialHex.toLowerCase());
    expect(crl.stdout).toContain('CA Compromise');
  });

  it('serves the root CRLs over HTTP and revokes the TSA certificate', async () => {
    const { pki } = running;
    expect((await rootOcsp('ec', files.tsa!)).stdout).toContain(`${files.tsa}: good`);
    pki.revokeEntity('tsa');
    expect((await rootOcsp('ec', files.tsa!)).stdout).toContain(`${files.tsa}: revoked`);
    const response = await fetch(pki.urls.rootCrl('root-ec'));
    expect(response.status).toBe(200);
    const crlFile = work.file('root-ec.crl', new Uint8Array(await response.arrayBuffer()));
    const crl = await openssl(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']);
    expect(crl.stdout.toLowerCase()).toContain(pki.tsaCertificate().serialHex.toLowerCase());
    expect(pki.entityRevocation('tsa')?.reason).toBe('keyCompromise');
    expect(() => pki.revokeEntity('root-ec')).toThrow(/root/);
  });
});

describe('OCSP nonce modes', () => {
  it('echoes, omits or corrupts the nonce as set', async () => {
    const { pki } = running;
    const echoed = await rootOcsp('ec', files.ecCa!);
    expect(echoed.output).toContain('Response verify OK');
    expect(echoed.output).not.toMatch(/nonce/i);

    pki.setOcspNonceMode('omit');
    const omitted = await rootOcsp('ec', files.ecCa!);
    expect(omitted.output).toContain('WARNING: no nonce in response');

    pki.setOcspNonceMode('corrupt');
    const corrupted = await rootOcsp('ec', files.ecCa!);
    expect(corrupted.output).toMatch(/nonce verify error/i);

    pki.setOcspNonceMode('echo');
    expect(pki.ocspNonceMode).toBe('echo');
  });
});
