import * as asn1js from 'asn1js';
import { digestAlgorithmIdentifier, type HashAlgorithm } from './algorithms.js';
import type { SignerCertificate } from './certificate.js';
import { compareBytes, constructedFromContent, encode } from './der.js';
import type { SignaturePolicy } from './policy.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  contentHints: '1.2.840.113549.1.9.16.2.4',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  signaturePolicyIdentifier: '1.2.840.113549.1.9.16.2.15',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  spqUri: '1.2.840.113549.1.9.16.5.1',
} as const;

export interface ContentHints {
  description?: string;
  /** Default id-data. */
  contentType?: string;
}

export interface SignedAttributesInput {
  contentType: string;
  contentDigest: Uint8Array;
  signingTime: Date;
  certificate: SignerCertificate;
  policy?: SignaturePolicy;
  contentHints?: ContentHints;
}

export interface EncodedAttributes {
  /** The encoded attributes in DER SET OF order, concatenated: the content of the SET. */
  content: Uint8Array;
  /** DER of the SET OF Attribute: what the signature covers (RFC 5652 section 5.4). */
  der: Uint8Array;
}

const SET_TAG = 17;
const SEQUENCE_TAG = 16;

export function attribute(type: string, value: asn1js.BaseBlock): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })],
  });
}

/** An attribute whose one value is copied as encoded (a time-stamp token, as the TSA sent it). */
export function rawAttribute(type: string, value: Uint8Array): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: type }),
      constructedFromContent(1, SET_TAG, value),
    ],
  });
}

/**
 * Orders the attributes as DER orders a SET OF. Verifiers such as OpenSSL re-encode the
 * signed attributes in DER before checking the signature, so any other order would fail there.
 */
export function encodeAttributeSet(
  attributes: (asn1js.Sequence | Uint8Array)[],
): EncodedAttributes {
  const sorted = attributes
    .map((a) => (a instanceof Uint8Array ? a : encode(a)))
    .sort(compareBytes);
  const content = Buffer.concat(sorted);
  return { content, der: encode(constructedFromContent(1, SET_TAG, content)) };
}

/** RFC 5652 requires UTCTime for dates in 1950..2049 and GeneralizedTime otherwise. */
function time(date: Date): asn1js.BaseBlock {
  const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = seconds.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate: seconds })
    : new asn1js.GeneralizedTime({ valueDate: seconds });
}

/**
 * SigningCertificateV2 (RFC 5035) with one ESSCertIDv2: SHA-256 of the certificate (the
 * DEFAULT hash, so its AlgorithmIdentifier is omitted as DER requires) and IssuerSerial.
 */
function signingCertificateV2(certificate: SignerCertificate): Uint8Array {
  let encoded = signingCertificateAttributes.get(certificate);
  if (!encoded) {
    encoded = encode(attribute(OID.signingCertificateV2, signingCertificateV2Value(certificate)));
    signingCertificateAttributes.set(certificate, encoded);
  }
  return encoded;
}

// The attribute is the same for every signature of a certificate: encode it once.
const signingCertificateAttributes = new WeakMap<SignerCertificate, Uint8Array>();

function signingCertificateV2Value(certificate: SignerCertificate): asn1js.Sequence {
  const directoryName = constructedFromContent(3, 4, certificate.issuer);
  const generalNames = new asn1js.Sequence({ value: [directoryName] });
  const issuerSerial = constructedFromContent(
    1,
    SEQUENCE_TAG,
    Buffer.concat([encode(generalNames), certificate.serialNumber]),
  );
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: certificate.sha256 }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** SignaturePolicyIdentifier (RFC 5126 section 5.8.1), the signaturePolicyId choice. */
function signaturePolicyId(policy: SignaturePolicy): asn1js.Sequence {
  const hashAlgorithm: HashAlgorithm = policy.hashAlgorithm ?? 'SHA-256';
  const fields: asn1js.BaseBlock[] = [
    new asn1js.ObjectIdentifier({ value: policy.oid }),
    new asn1js.Sequence({
      value: [
        digestAlgorithmIdentifier(hashAlgorithm),
        new asn1js.OctetString({ valueHex: policy.hash }),
      ],
    }),
  ];
  if (policy.uri) {
    fields.push(
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID.spqUri }),
              new asn1js.IA5String({ value: policy.uri }),
            ],
          }),
        ],
      }),
    );
  }
  return new asn1js.Sequence({ value: fields });
}

/** ContentHints (RFC 2634 section 2.9). */
function contentHints(hints: ContentHints): asn1js.Sequence {
  const fields: asn1js.BaseBlock[] = [];
  if (hints.description !== undefined) {
    fields.push(new asn1js.Utf8String({ value: hints.description }));
  }
  fields.push(new asn1js.ObjectIdentifier({ value: hints.contentType ?? OID.data }));
  return new asn1js.Sequence({ value: fields });
}

export function buildSignedAttributes(input: SignedAttributesInput): EncodedAttributes {
  const attributes: (asn1js.Sequence | Uint8Array)[] = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: input.contentType })),
    attribute(OID.signingTime, time(input.signingTime)),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: input.contentDigest })),
    signingCertificateV2(input.certificate),
  ];
  if (input.policy) {
    attributes.push(attribute(OID.signaturePolicyIdentifier, signaturePolicyId(input.policy)));
  }
  if (input.contentHints) {
    attributes.push(attribute(OID.contentHints, contentHints(input.contentHints)));
  }
  return encodeAttributeSet(attributes);
}
