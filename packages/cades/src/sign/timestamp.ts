import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import {
  MessageImprint,
  PKIStatus,
  TimeStampReq,
  TimeStampResp,
  TSTInfo,
} from '@peculiar/asn1-tsp';
import { hashLength, hashOid, nodeHashName, type HashAlgorithm } from './algorithms.js';
import { bytesEqual } from './der.js';
import { TimestampError, TimestampStatusError } from './errors.js';

export interface TimestampOptions {
  /** The TSA's RFC 3161 HTTP endpoint. */
  url: string;
  /** Hash of the message imprint; default SHA-256. */
  hash?: HashAlgorithm;
  /** TSA policy to ask for (reqPolicy). */
  policy?: string;
  /** Default 15 s. */
  timeoutMs?: number;
  /** Extra request headers, e.g. the authorisation a commercial TSA wants. */
  headers?: Record<string, string>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface TimestampResult {
  /** DER TimeStampToken (a ContentInfo with SignedData over a TSTInfo). */
  token: Uint8Array;
  genTime: Date;
  serialNumber: Uint8Array;
}

const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

// PKIFailureInfo bit numbers (RFC 3161 section 2.4.2). Read here because @peculiar/asn1-tsp's
// flag table is off by one from badRequest on.
const FAILURE_BITS: readonly [number, string][] = [
  [0, 'badAlg'],
  [2, 'badRequest'],
  [5, 'badDataFormat'],
  [14, 'timeNotAvailable'],
  [15, 'unacceptedPolicy'],
  [16, 'unacceptedExtension'],
  [17, 'addInfoNotAvailable'],
  [25, 'systemFailure'],
];

function failureNames(bits: Uint8Array): string[] {
  return FAILURE_BITS.filter(([bit]) => ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0).map(
    ([, name]) => name,
  );
}

/** Positive, minimally encoded 64-bit nonce: the top bit clear, the first octet non-zero. */
function newNonce(): Uint8Array {
  const nonce = new Uint8Array(randomBytes(8));
  nonce[0] = ((nonce[0] as number) & 0x7f) | 0x40;
  return nonce;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function buildTimestampRequest(
  data: Uint8Array,
  hash: HashAlgorithm,
  nonce: Uint8Array,
  policy?: string,
): Uint8Array<ArrayBuffer> {
  const request = new TimeStampReq({
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithm: hashOid(hash) }),
      hashedMessage: new OctetString(createHash(nodeHashName(hash)).update(data).digest()),
    }),
    nonce: nonce.slice().buffer,
    certReq: true,
    ...(policy ? { reqPolicy: policy } : {}),
  });
  return new Uint8Array(AsnConvert.serialize(request));
}

/**
 * Obtains an RFC 3161 time stamp over `data` (for CAdES-T: the SignatureValue octets) and
 * checks that it answers this request: status granted, same nonce, same message imprint.
 * The TSA's own signature on the token is left to validation.
 */
export async function requestTimestamp(
  data: Uint8Array,
  options: TimestampOptions,
): Promise<TimestampResult> {
  const hash = options.hash ?? 'SHA-256';
  const { url } = options;
  const nonce = newNonce();
  const request = buildTimestampRequest(data, hash, nonce, options.policy);
  const doFetch = options.fetch ?? fetch;

  let body: Uint8Array;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/timestamp-query' },
      body: request,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (!response.ok) {
      throw new TimestampError(
        'TSA_HTTP_ERROR',
        url,
        `Time-stamp authority answered HTTP ${response.status}`,
      );
    }
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw new TimestampError('TSA_UNREACHABLE', url, `Time-stamp authority unreachable: ${url}`, {
      cause: error,
    });
  }
  return checkResponse(body, url, hash, data, nonce);
}

function badResponse(url: string, message: string, cause?: unknown): TimestampError {
  return new TimestampError('TSA_BAD_RESPONSE', url, `Time-stamp reply unusable: ${message}`, {
    cause,
  });
}

function checkResponse(
  body: Uint8Array,
  url: string,
  hash: HashAlgorithm,
  data: Uint8Array,
  nonce: Uint8Array,
): TimestampResult {
  let response: TimeStampResp;
  let outer: asn1js.BaseBlock;
  try {
    response = AsnConvert.parse(body, TimeStampResp);
    outer = asn1js.fromBER(body).result;
  } catch (cause) {
    throw badResponse(url, 'not a TimeStampResp', cause);
  }
  const { status } = response.status;
  if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
    throw new TimestampStatusError(
      url,
      status,
      [...(response.status.statusString ?? [])],
      response.status.failInfo ? failureNames(new Uint8Array(response.status.failInfo.value)) : [],
    );
  }
  // The token is kept byte for byte as the TSA sent it: its signature covers parts of it.
  const tokenElement = (outer as asn1js.Sequence).valueBlock.value[1];
  if (!tokenElement) throw badResponse(url, 'granted without a token');
  const token = new Uint8Array(tokenElement.valueBeforeDecodeView);

  let info: TSTInfo;
  try {
    const contentInfo = AsnConvert.parse(token, ContentInfo);
    const signedData = AsnConvert.parse(contentInfo.content, SignedData);
    const eContent = signedData.encapContentInfo.eContent?.single?.buffer;
    if (signedData.encapContentInfo.eContentType !== TST_INFO_OID || !eContent) {
      throw new TypeError('token content is not a TSTInfo');
    }
    info = AsnConvert.parse(eContent, TSTInfo);
  } catch (cause) {
    throw badResponse(url, 'token cannot be parsed', cause);
  }

  const echoed = info.nonce ? stripLeadingZeros(new Uint8Array(info.nonce)) : undefined;
  if (!echoed || !bytesEqual(echoed, nonce)) {
    throw new TimestampError(
      'TSA_NONCE_MISMATCH',
      url,
      'Time-stamp nonce does not match the request',
    );
  }
  const imprint = info.messageImprint;
  const expected = createHash(nodeHashName(hash)).update(data).digest();
  if (
    imprint.hashAlgorithm.algorithm !== hashOid(hash) ||
    imprint.hashedMessage.byteLength !== hashLength(hash) ||
    !bytesEqual(new Uint8Array(imprint.hashedMessage.buffer), expected)
  ) {
    throw new TimestampError(
      'TSA_IMPRINT_MISMATCH',
      url,
      'Time-stamp message imprint does not match the signature value',
    );
  }
  return { token, genTime: info.genTime, serialNumber: new Uint8Array(info.serialNumber) };
}
