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

describe('a delegated OCSP responder without id-pkix-ocsp-nocheck', () => {
  let checked: RunningTestPki;
  const dir = scratch('responder');

  beforeAll(async () => {
    checked = await startTestPki({ checkedOcspResponders: ['rsa'] });
  });

  afterAll(async () => {
    await checked?.close();
  });

  /** `openssl ocsp` for a new RSA signer, trusting the root and the CA, with CRL checking. */
  async function signerOcsp(crlPem: string) {
    const { pki } = checked;
    const signer = await pki.issueSignerWithKey({ ca: 'rsa', tckn: '10000000146', name: 'A B' });
    const caFile = dir.file('ca-rsa.pem', pki.issuingCa('rsa').pem);
    // A PEM CAfile may carry CRLs too: OpenSSL then checks the responder certificate with them.
    const store = dir.file(
      'store.pem',
      `${pki.root('rsa').pem}${pki.issuingCa('rsa').pem}${crlPem}`,
    );
    return openssl([
      'ocsp',
      '-issuer',
      caFile,
      '-cert',
      dir.file('signer.pem', signer.certificate.pem),
      '-url',
      pki.urls.ocsp('rsa'),
      '-CAfile',
      store,
      '-crl_check',
    ]);
  }

  it('names its CA CRL instead of id-pkix-ocsp-nocheck; the other responders keep nocheck', async () => {
    const { pki } = checked;
    const rsa = dir.file('ocsp-rsa.pem', pki.ocspResponder('rsa').pem);
    const text = (await openssl(['x509', '-in', rsa, '-noout', '-text'])).stdout;
    expect(text).toContain('OCSP Signing');
    expect(text).not.toContain('OCSP No Check');
    expect(text).toContain(`URI:${pki.urls.crl('rsa')}`);
    const ec = dir.file('ocsp-ec.pem', pki.ocspResponder('ec').pem);
    expect((await openssl(['x509', '-in', ec, '-noout', '-text'])).stdout).toContain(
      'OCSP No Check',
    );
  });

  it('is listed on its CA CRL once revoked, and OpenSSL then refuses its responses', async () => {
    const { pki } = checked;
    const good = await signerOcsp(pki.crlPem(await pki.crl('rsa')));
    expect(good.output).toContain('Response verify OK');

    pki.revokeEntity('ocsp-rsa', new Date(Date.now() - 60_000));
    const crlDer = await pki.crl('rsa');
    const crlText = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      dir.file('ca-rsa.crl', crlDer),
      '-noout',
      '-text',
    ]);
    expect(crlText.stdout.toLowerCase()).toContain(pki.ocspResponder('rsa').serialHex);
    const refused = await signerOcsp(pki.crlPem(crlDer));
    expect(refused.output).toContain('Response Verify Failure');
    expect(refused.output).toMatch(/certificate revoked/i);
  });
});
