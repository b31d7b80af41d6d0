import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  respondTimeStamp,
  startTestPki,
  type RunningTestPki,
  type SignerWithKey,
} from '../src/index.js';

// A second, independent parser: the CAdES validator reads these structures with pkijs.
pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }),
);

let running: RunningTestPki;
let signer: SignerWithKey;

beforeAll(async () => {
  running = await startTestPki();
  signer = await running.pki.issueSignerWithKey({
    ca: 'ec',
    tckn: '10000000146',
    name: 'AHMET ÇELİK',
  });
});

afterAll(async () => {
  await running?.close();
});

describe('pkijs reads what the test PKI serves', () => {
  it('verifies an OCSP response for a SHA-256 CertID and flips on revocation', async () => {
    const { pki } = running;
    const cert = pkijs.Certificate.fromBER(signer.certificate.der);
    const issuer = pkijs.Certificate.fromBER(pki.issuingCa('ec').der);
    const request = new pkijs.OCSPRequest();
    await request.createForCertificate(cert, {
      hashAlgorithm: 'SHA-256',
      issuerCertificate: issuer,
    });
    const ask = async () => {
      const response = await fetch(pki.urls.ocsp('ec'), {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: new Uint8Array(request.toSchema(true).toBER()),
      });
      const ocsp = pkijs.OCSPResponse.fromBER(await response.arrayBuffer());
      expect(ocsp.responseStatus.valueBlock.valueDec).toBe(0);
      return pkijs.BasicOCSPResponse.fromBER(
        new Uint8Array(ocsp.responseBytes!.response.valueBlock.valueHexView),
      );
    };
    const good = await ask();
    expect(
      await good.verify({ trustedCerts: [pkijs.Certificate.fromBER(pki.root('ec').der), issuer] }),
    ).toBe(true);
    expect((await good.getCertificateStatus(cert, issuer)).status).toBe(0);
    pki.revoke(signer.certificate.serialHex);
    expect((await (await ask()).getCertificateStatus(cert, issuer)).status).toBe(1);
  });

  it('verifies a time-stamp token and its message imprint', async () => {
    const { pki } = running;
    const data = new TextEncoder().encode(
      'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum',
    );
    const request = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' }),
        hashedMessage: new asn1js.OctetString({
          valueHex: createHash('sha256').update(data).digest(),
        }),
      }),
      certReq: true,
      nonce: new asn1js.Integer({ value: 20261125 }),
    });
    const reply = pkijs.TimeStampResp.fromBER(
      await respondTimeStamp(pki, new Uint8Array(request.toSchema().toBER())),
    );
    expect(reply.status.status).toBe(0);
    const trustedCerts = [pkijs.Certificate.fromBER(pki.root('ec').der)];
    expect(await reply.verify({ signer: 0, trustedCerts, data: data.buffer })).toBe(true);
    const tampered = new TextEncoder().encode('başka bir metin');
    await expect(reply.verify({ signer: 0, trustedCerts, data: tampered.buffer })).rejects.toThrow(
      /TSTInfo verification/,
    );
  });
});
