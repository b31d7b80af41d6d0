import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { parseElement, fromPemOrDer } from './der.js';
import { CadesSignError } from './errors.js';

export type SignerKeyType = 'rsa' | 'rsa-pss' | 'ec';

/** What signing needs from the signer certificate, parsed once. */
export interface SignerCertificate {
  der: Uint8Array;
  /** The issuer Name exactly as encoded in the certificate. */
  issuer: Uint8Array;
  /** The serialNumber INTEGER exactly as encoded in the certificate. */
  serialNumber: Uint8Array;
  sha256: Uint8Array;
  publicKey: KeyObject;
  keyType: SignerKeyType;
  /** Named curve of an EC key as node:crypto reports it (prime256v1, secp384r1, ...). */
  namedCurve?: string;
}

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

// The same certificate signs many texts in a session (and thousands in benchmarks): parse it once.
const cache = new WeakMap<Uint8Array, SignerCertificate>();

export function parseSignerCertificate(input: Uint8Array | string): SignerCertificate {
  const cached = typeof input === 'string' ? undefined : cache.get(input);
  if (cached) return cached;
  const parsed = parse(fromPemOrDer(input, 'signer certificate'));
  if (typeof input !== 'string') cache.set(input, parsed);
  return parsed;
}

function parse(der: Uint8Array): SignerCertificate {
  let element: asn1js.BaseBlock;
  let x509: X509Certificate;
  try {
    element = parseElement(der, 'signer certificate');
    x509 = new X509Certificate(der);
  } catch (cause) {
    throw new CadesSignError('INVALID_CERTIFICATE', 'Signer certificate cannot be parsed', {
      cause,
    });
  }
  const tbs = (element as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence | undefined;
  const fields = tbs?.valueBlock.value ?? [];
  // TBSCertificate starts with an optional [0] EXPLICIT version.
  const first = fields[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const serialNumber = fields[first];
  const issuer = fields[first + 2];
  if (!(serialNumber instanceof asn1js.Integer) || !(issuer instanceof asn1js.Sequence)) {
    throw new CadesSignError('INVALID_CERTIFICATE', 'Signer certificate has no issuer or serial');
  }
  const publicKey = x509.publicKey;
  const keyType = publicKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'rsa-pss' && keyType !== 'ec') {
    throw new CadesSignError('UNSUPPORTED_KEY', `Unsupported signer key type ${keyType ?? '?'}`);
  }
  const namedCurve = publicKey.asymmetricKeyDetails?.namedCurve;
  if (keyType === 'ec' && (!namedCurve || !SUPPORTED_CURVES.has(namedCurve))) {
    throw new CadesSignError('UNSUPPORTED_KEY', `Unsupported EC curve ${namedCurve ?? '?'}`);
  }
  return {
    der,
    issuer: new Uint8Array(issuer.valueBeforeDecodeView),
    serialNumber: new Uint8Array(serialNumber.valueBeforeDecodeView),
    sha256: new Uint8Array(createHash('sha256').update(der).digest()),
    publicKey,
    keyType,
    ...(namedCurve ? { namedCurve } : {}),
  };
}
