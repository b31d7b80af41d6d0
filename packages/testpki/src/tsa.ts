import { randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Accuracy,
  PKIFailureInfo,
  PKIFreeText,
  PKIStatus,
  PKIStatusInfo,
  TSTInfo,
  TimeStampReq,
  TimeStampResp,
  TimeStampToken,
} from '@peculiar/asn1-tsp';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  DigestAlgorithmIdentifiers,
} from '@peculiar/asn1-cms';
import { Certificate, GeneralName, Time } from '@peculiar/asn1-x509';
import type { TestPki } from './pki.js';
import { DIGEST_LENGTHS, digestAlgorithmIdentifier, hashFromDigestOid } from './algorithms.js';
import { type Bytes, concatBytes, derTlv, oidDer, toArrayBuffer, toBytes } from './der.js';
import { digest, signAs } from './signing.js';
import { OID } from './oids.js';

/** RFC 3161 PKIFailureInfo bit positions (the library's flag enum is off by one for most of them). */
const FailureBit = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
} as const;

function failureInfo(bit: number): PKIFailureInfo {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> (bit % 8);
  return new PKIFailureInfo(bytes, 7 - (bit % 8));
}

function rejection(text: string, failure: number): Bytes {
  return toBytes(
    AsnConvert.serialize(
      new TimeStampResp({
        status: new PKIStatusInfo({
          status: PKIStatus.rejection,
          statusString: new PKIFreeText([text]),
          failInfo: failureInfo(failure),
        }),
      }),
    ),
  );
}

function attribute(type: string, value: ArrayBuffer | Uint8Array): Attribute {
  return new Attribute({ attrType: type, attrValues: [toArrayBuffer(value)] });
}

/** ESS signing-certificate-v2 (RFC 5035) binding the token to the TSA certificate by its SHA-256 hash. */
function signingCertificateV2(tsaCertDer: Uint8Array, tsaCert: Certificate): Bytes {
  const issuerName = toBytes(AsnConvert.serialize(tsaCert.tbsCertificate.issuer));
  const issuerSerial = derTlv(
    0x30,
    concatBytes([
      derTlv(0x30, derTlv(0xa4, issuerName)),
      derTlv(0x02, toBytes(tsaCert.tbsCertificate.serialNumber)),
    ]),
  );
  const essCertIdV2 = derTlv(
    0x30,
    concatBytes([derTlv(0x04, digest('SHA-256', tsaCertDer)), issuerSerial]),
  );
  return derTlv(0x30, derTlv(0x30, essCertIdV2));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Answers a DER TimeStampReq (RFC 3161) with a TimeStampResp: a granted token signed by the TSA key
 * (TSA certificate included when certReq), or a rejection for a malformed request, an unknown hash
 * algorithm, a foreign policy or any request extension.
 */
export async function respondTimeStamp(
  pki: TestPki,
  requestDer: Uint8Array,
  now: Date = new Date(),
): Promise<Bytes> {
  let request: TimeStampReq;
  try {
    request = AsnConvert.parse(toArrayBuffer(requestDer), TimeStampReq);
  } catch {
    return rejection('Malformed time-stamp request', FailureBit.badDataFormat);
  }
  if (request.version !== 1) return rejection('Unsupported request version', FailureBit.badRequest);
  const hash = hashFromDigestOid(request.messageImprint.hashAlgorithm.algorithm);
  if (!hash) return rejection('Unsupported hash algorithm', FailureBit.badAlg);
  if (request.messageImprint.hashedMessage.byteLength !== DIGEST_LENGTHS[hash]) {
    return rejection(
      'Message imprint length does not match its algorithm',
      FailureBit.badDataFormat,
    );
  }
  if (request.reqPolicy !== undefined && request.reqPolicy !== OID.tsaPolicy) {
    return rejection('Requested policy is not supported', FailureBit.unacceptedPolicy);
  }
  if (request.extensions && request.extensions.length > 0) {
    return rejection('Request extensions are not supported', FailureBit.unacceptedExtension);
  }

  const tsa = pki.entity('tsa');
  const tsaCert = AsnConvert.parse(tsa.certificate.der, Certificate);
  const serial = randomBytes(12);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  const genTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const tstInfo = new TSTInfo({
    version: 1,
    policy: OID.tsaPolicy,
    messageImprint: request.messageImprint,
    serialNumber: toArrayBuffer(serial),
    genTime,
    accuracy: new Accuracy({ seconds: 1 }),
    ordering: false,
    ...(request.nonce ? { nonce: request.nonce } : {}),
    tsa: new GeneralName({ directoryName: tsaCert.tbsCertificate.subject }),
  });
  const tstInfoDer = toBytes(AsnConvert.serialize(tstInfo));

  const signedAttrs = [
    attribute(OID.contentType, oidDer(OID.tstInfo)),
    attribute(OID.signingTime, toBytes(AsnConvert.serialize(new Time({ utcTime: genTime })))),
    attribute(OID.messageDigest, derTlv(0x04, digest(tsa.blueprint.hash, tstInfoDer))),
    attribute(OID.signingCertificateV2, signingCertificateV2(tsa.certificate.der, tsaCert)),
  ]
    .map((attr) => ({ attr, der: toBytes(AsnConvert.serialize(attr)) }))
    .sort((a, b) => compareBytes(a.der, b.der));
  const signedAttrsDer = derTlv(0x31, concatBytes(signedAttrs.map((a) => a.der)));
  const signature = await signAs(pki, 'tsa', signedAttrsDer);

  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: tsaCert.tbsCertificate.issuer,
        serialNumber: tsaCert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: digestAlgorithmIdentifier(tsa.blueprint.hash),
    signedAttrs: signedAttrs.map((a) => a.attr),
    signatureAlgorithm: signature.algorithm,
    signature: new OctetString(signature.value),
  });
  const signedData = new SignedData({
    version: 3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      digestAlgorithmIdentifier(tsa.blueprint.hash),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: OID.tstInfo,
      eContent: new EncapsulatedContent({ single: new OctetString(tstInfoDer) }),
    }),
    ...(request.certReq
      ? { certificates: new CertificateSet([new CertificateChoices({ certificate: tsaCert })]) }
      : {}),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const response = new TimeStampResp({
    status: new PKIStatusInfo({ status: PKIStatus.granted }),
    timeStampToken: new TimeStampToken({
      contentType: OID.signedData,
      content: AsnConvert.serialize(signedData),
    }),
  });
  return toBytes(AsnConvert.serialize(response));
}
