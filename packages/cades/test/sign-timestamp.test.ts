import { createHash } from 'node:crypto';
import { startTestPki, type RunningTestPki } from '@eimza/testpki';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { TimeStampReq, TSTInfo } from '@peculiar/asn1-tsp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  keySigner,
  requestTimestamp,
  signCades,
  TimestampError,
  TimestampStatusError,
} from '../src/index.js';
import { readBody, startServer, type LocalServer } from './support/http.js';
import { testSigner, type TestSigner } from './support/pki.js';

const SIGNATURE_TIME_STAMP = '1.2.840.113549.1.9.16.2.14';

let running: RunningTestPki;
let signer: TestSigner;
const servers: LocalServer[] = [];

async function server(...args: Parameters<typeof startServer>): Promise<string> {
  const started = await startServer(...args);
  servers.push(started);
  return started.url;
}

/** Forwards to the live TSA, changing the request or answer on the way. */
function proxy(options: {
  request?: (der: Uint8Array) => Uint8Array;
  response?: (der: Uint8Array) => Uint8Array;
}): Promise<string> {
  return server(async (req, res) => {
    const body = await readBody(req);
    const answer = await fetch(running.pki.urls.tsa, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: Buffer.from(options.request ? options.request(body) : body),
    });
    const der = new Uint8Array(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': 'application/timestamp-reply' });
    res.end(options.response ? options.response(der) : der);
  });
}

function tstInfo(token: Uint8Array): TSTInfo {
  const signedData = AsnConvert.parse(AsnConvert.parse(token, ContentInfo).content, SignedData);
  return AsnConvert.parse(signedData.encapContentInfo.eContent!.single!.buffer, TSTInfo);
}

async function failure(promise: Promise<unknown>): Promise<TimestampError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TimestampError);
  return error as TimestampError;
}

beforeAll(async () => {
  running = await startTestPki();
  signer = await testSigner(running.pki, 'ec-p256');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await running?.close();
});

describe('CAdES-T', () => {
  it('adds a time stamp over the signature value as an unsigned attribute', async () => {
    const before = Date.now();
    const cms = await signCades({
      content: 'metin',
      certificate: signer.certificate.der,
      sign: keySigner(signer.privateKey),
      timestamp: { url: running.pki.urls.tsa },
    });
    const signedData = AsnConvert.parse(AsnConvert.parse(cms, ContentInfo).content, SignedData);
    const signerInfo = signedData.signerInfos[0]!;
    expect(signerInfo.unsignedAttrs?.map((a) => a.attrType)).toEqual([SIGNATURE_TIME_STAMP]);
    const token = new Uint8Array(signerInfo.unsignedAttrs![0]!.attrValues[0]!);
    const info = tstInfo(token);
    expect(info.messageImprint.hashAlgorithm.algorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(Buffer.from(info.messageImprint.hashedMessage.buffer).toString('hex')).toBe(
      createHash('sha256').update(new Uint8Array(signerInfo.signature.buffer)).digest('hex'),
    );
    expect(info.genTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(info.nonce).toBeDefined();
  });

  it('returns the token with its time and serial', async () => {
    const result = await requestTimestamp(new Uint8Array([1, 2, 3]), {
      url: running.pki.urls.tsa,
      hash: 'SHA-384',
    });
    const info = tstInfo(result.token);
    expect(info.messageImprint.hashAlgorithm.algorithm).toBe('2.16.840.1.101.3.4.2.2');
    expect(result.genTime.getTime()).toBe(info.genTime.getTime());
    expect(result.serialNumber.length).toBeGreaterThan(0);
  });
});

describe('time-stamp errors', () => {
  it('TSA unreachable', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const error = await failure(requestTimestamp(new Uint8Array([1]), { url: closed.url }));
    expect(error.code).toBe('TSA_UNREACHABLE');
    expect(error.url).toBe(closed.url);
  });

  it('TSA answering HTTP 500', async () => {
    const url = await server((_req, res) => {
      res.writeHead(500);
      res.end('down');
    });
    expect((await failure(requestTimestamp(new Uint8Array([1]), { url }))).code).toBe(
      'TSA_HTTP_ERROR',
    );
  });

  it('TSA answering something that is not a TimeStampResp', async () => {
    const url = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    expect((await failure(requestTimestamp(new Uint8Array([1]), { url }))).code).toBe(
      'TSA_BAD_RESPONSE',
    );
  });

  it('TSA refusing the request (bad status with its failure info)', async () => {
    const error = await failure(
      requestTimestamp(new Uint8Array([1]), { url: running.pki.urls.tsa, policy: '1.2.3.4.5' }),
    );
    expect(error).toBeInstanceOf(TimestampStatusError);
    expect(error.code).toBe('TSA_BAD_STATUS');
    expect((error as TimestampStatusError).status).toBe(2);
    expect((error as TimestampStatusError).failInfo).toEqual(['unacceptedPolicy']);
  });

  it('a replayed answer (nonce mismatch)', async () => {
    let first: Uint8Array | undefined;
    const url = await proxy({
      response: (der) => {
        first ??= der;
        return first;
      },
    });
    await requestTimestamp(new Uint8Array([1]), { url });
    expect((await failure(requestTimestamp(new Uint8Array([1]), { url }))).code).toBe(
      'TSA_NONCE_MISMATCH',
    );
  });

  it('a token over other data (imprint mismatch)', async () => {
    const url = await proxy({
      request: (der) => {
        const request = AsnConvert.parse(der, TimeStampReq);
        request.messageImprint.hashedMessage = new OctetString(new Uint8Array(32).fill(9));
        return new Uint8Array(AsnConvert.serialize(request));
      },
    });
    expect((await failure(requestTimestamp(new Uint8Array([1]), { url }))).code).toBe(
      'TSA_IMPRINT_MISMATCH',
    );
  });

  it('signCades fails with the time-stamp error, not a signature without it', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    await expect(
      signCades({
        content: 'metin',
        certificate: signer.certificate.der,
        sign: keySigner(signer.privateKey),
        timestamp: { url: closed.url },
      }),
    ).rejects.toMatchObject({ code: 'TSA_UNREACHABLE' });
  });
});
