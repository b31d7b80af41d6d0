import { constants, createHash, verify as nodeVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import {
  digestAlgorithmIdentifier,
  hashLength,
  isHashAlgorithm,
  nodeHashName,
  signatureAlgorithmIdentifier,
  type HashAlgorithm,
  type SignatureScheme,
} from './algorithms.js';
import {
  buildSignedAttributes,
  rawAttribute,
  encodeAttributeSet,
  OID,
  type ContentHints,
} from './attributes.js';
import { parseSignerCertificate, type SignerCertificate } from './certificate.js';
import { bytesEqual, constructedFromContent, parseElement, encode, fromPemOrDer } from './der.js';
import { CadesSignError } from './errors.js';
import type { SignaturePolicy } from './policy.js';
import type { CadesSignFunction } from './signers.js';
import { requestTimestamp, type TimestampOptions } from './timestamp.js';

export interface SignCadesOptions {
  /** The signed content; a string is signed as its UTF-8 bytes. */
  content: Uint8Array | string;
  /** Signer certificate, DER or PEM. */
  certificate: Uint8Array | string;
  /** Further certificates to embed (issuing CA, root), DER or PEM. */
  chain?: (Uint8Array | string)[];
  /** Produces the signature value; see {@link keySigner} and {@link tokenSigner}. */
  sign: CadesSignFunction;
  /** Default SHA-256. */
  hash?: HashAlgorithm;
  /** RSA keys only; default `pkcs1`. A certificate with an RSASSA-PSS key always uses `pss`. */
  rsaScheme?: 'pkcs1' | 'pss';
  /** Default true: the content is not carried in the signature. */
  detached?: boolean;
  /** Default now. Stored to the second. */
  signingTime?: Date;
  /** eContentType; default id-data. */
  contentType?: string;
  /** Adds signature-policy-identifier, making the signature CAdES-EPES. */
  policy?: SignaturePolicy;
  contentHints?: ContentHints;
  /** Adds a signature time stamp from this TSA, making the signature CAdES-T. */
  timestamp?: TimestampOptions;
  /**
   * Default true: check the signature value against the certificate's public key before
   * returning, so that a token key that does not belong to the certificate fails here.
   */
  verifySignature?: boolean;
}

function schemeFor(certificate: SignerCertificate, rsaScheme?: 'pkcs1' | 'pss'): SignatureScheme {
  switch (certificate.keyType) {
    case 'ec':
      return 'ecdsa';
    case 'rsa-pss':
      return 'pss';
    case 'rsa':
      return rsaScheme ?? 'pkcs1';
  }
}

function checkSignatureValue(
  certificate: SignerCertificate,
  scheme: SignatureScheme,
  hash: HashAlgorithm,
  signedAttributes: Uint8Array,
  signature: Uint8Array,
): void {
  if (scheme === 'ecdsa' && signature[0] !== 0x30) {
    throw new CadesSignError(
      'BAD_SIGNATURE_VALUE',
      'ECDSA signature value must be a DER ECDSA-Sig-Value, not raw r||s',
    );
  }
  const valid = nodeVerify(
    nodeHashName(hash),
    signedAttributes,
    {
      key: certificate.publicKey,
      dsaEncoding: 'der',
      ...(scheme === 'pss'
        ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(hash) }
        : {}),
    },
    signature,
  );
  if (!valid) {
    throw new CadesSignError(
      'SIGNATURE_MISMATCH',
      'Signature value does not verify with the signer certificate (wrong key or scheme)',
    );
  }
}

function explicit(tagNumber: number, value: asn1js.BaseBlock): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [value] });
}

// Chain certificates already checked, so repeated signing does not parse them again.
const checkedCertificates = new WeakSet<Uint8Array>();

function checkedCertificate(input: Uint8Array | string): Uint8Array {
  const der = fromPemOrDer(input, 'chain certificate');
  if (checkedCertificates.has(der)) return der;
  try {
    parseElement(der, 'chain certificate');
    new X509Certificate(der);
  } catch (cause) {
    throw new CadesSignError('INVALID_CERTIFICATE', 'A chain certificate cannot be parsed', {
      cause,
    });
  }
  checkedCertificates.add(der);
  return der;
}

/**
 * certificates [0] IMPLICIT CertificateSet, signer certificate first. The certificates are
 * copied as they are: re-encoding could alter bytes their issuers signed.
 */
function certificateSet(
  signer: SignerCertificate,
  chain: (Uint8Array | string)[],
): asn1js.Primitive {
  const certificates = [signer.der];
  for (const input of chain) {
    const der = checkedCertificate(input);
    if (!certificates.some((c) => bytesEqual(c, der))) certificates.push(der);
  }
  return constructedFromContent(3, 0, Buffer.concat(certificates));
}

/**
 * Makes a CAdES-BES signature (EPES with a policy, T with a time stamp) as a DER ContentInfo
 * holding a SignedData with one SignerInfo. The private key is used only through `sign`.
 */
export async function signCades(options: SignCadesOptions): Promise<Uint8Array> {
  const hash = options.hash ?? 'SHA-256';
  if (!isHashAlgorithm(hash)) {
    throw new CadesSignError('INVALID_OPTIONS', `Unsupported hash algorithm ${String(hash)}`);
  }
  const content =
    typeof options.content === 'string'
      ? new Uint8Array(Buffer.from(options.content, 'utf8'))
      : options.content;
  const certificate = parseSignerCertificate(options.certificate);
  const scheme = schemeFor(certificate, options.rsaScheme);
  const contentType = options.contentType ?? OID.data;

  const signedAttributes = buildSignedAttributes({
    contentType,
    contentDigest: new Uint8Array(createHash(nodeHashName(hash)).update(content).digest()),
    signingTime: options.signingTime ?? new Date(),
    certificate,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.contentHints ? { contentHints: options.contentHints } : {}),
  });
  const digest = new Uint8Array(
    createHash(nodeHashName(hash)).update(signedAttributes.der).digest(),
  );

  let signature: Uint8Array;
  try {
    signature = await options.sign(digest, hash, {
      scheme,
      signedAttributes: signedAttributes.der,
    });
  } catch (cause) {
    if (cause instanceof CadesSignError) throw cause;
    // The signer's own error (a TokenError with its code) stays reachable as the cause.
    throw new CadesSignError('SIGNER_FAILED', 'The signer could not sign', { cause });
  }
  if (options.verifySignature ?? true) {
    checkSignatureValue(certificate, scheme, hash, signedAttributes.der, signature);
  }

  const signerInfoFields: asn1js.BaseBlock[] = [
    new asn1js.Integer({ value: 1 }),
    constructedFromContent(1, 16, Buffer.concat([certificate.issuer, certificate.serialNumber])),
    digestAlgorithmIdentifier(hash),
    constructedFromContent(3, 0, signedAttributes.content),
    signatureAlgorithmIdentifier(scheme, hash),
    new asn1js.OctetString({ valueHex: signature }),
  ];
  if (options.timestamp) {
    const { token } = await requestTimestamp(signature, options.timestamp);
    const unsigned = encodeAttributeSet([rawAttribute(OID.signatureTimeStampToken, token)]);
    signerInfoFields.push(constructedFromContent(3, 1, unsigned.content));
  }

  const encapsulated: asn1js.BaseBlock[] = [new asn1js.ObjectIdentifier({ value: contentType })];
  if (options.detached === false) {
    encapsulated.push(explicit(0, new asn1js.OctetString({ valueHex: content })));
  }
  const signedData = new asn1js.Sequence({
    value: [
      // RFC 5652 section 5.1: version 3 only when the content is not id-data.
      new asn1js.Integer({ value: contentType === OID.data ? 1 : 3 }),
      new asn1js.Set({ value: [digestAlgorithmIdentifier(hash)] }),
      new asn1js.Sequence({ value: encapsulated }),
      certificateSet(certificate, options.chain ?? []),
      new asn1js.Set({ value: [new asn1js.Sequence({ value: signerInfoFields })] }),
    ],
  });
  return encode(
    new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: OID.signedData }), explicit(0, signedData)],
    }),
  );
}
