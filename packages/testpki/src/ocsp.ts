import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  BasicOCSPResponse,
  CertStatus,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  type CertID,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import { CRLReason, Certificate, Extension } from '@peculiar/asn1-x509';
import type { OcspNonceMode } from './types.js';
import { AUTHORITIES, AUTHORITY_IDS, ROOT_NAMES, type EntityName } from './authorities.js';
import { crlReasonCode, type CertificateStatus, type TestPki } from './pki.js';
import { hashFromDigestOid } from './algorithms.js';
import { type Bytes, bytesToHex, toArrayBuffer, toBytes } from './der.js';
import { digest, signAs } from './signing.js';

const HOUR = 3_600_000;

function statusOnly(status: OCSPResponseStatus): Bytes {
  return toBytes(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));
}

function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return Buffer.from(toBytes(a)).equals(Buffer.from(toBytes(b)));
}

/** A certificate issuer that answers OCSP: an authority's issuing CA, or a root. */
interface OcspIssuer {
  readonly issuer: EntityName;
  /** Who signs the responses: a delegated responder, or the issuer itself. */
  readonly signer: EntityName;
  status(serialHex: string): CertificateStatus;
}

function ocspIssuers(pki: TestPki): OcspIssuer[] {
  return [
    ...AUTHORITY_IDS.map((id) => ({
      issuer: AUTHORITIES[id].issuingCa,
      signer: AUTHORITIES[id].ocspSigner,
      status: (serial: string) => pki.statusOf(id, serial),
    })),
    ...ROOT_NAMES.map((root) => ({
      issuer: root,
      signer: root,
      status: (serial: string) => pki.rootStatusOf(root, serial),
    })),
  ];
}

/** Which of our issuers a CertID names, by issuer name hash and issuer key hash. */
function issuerForCertId(pki: TestPki, certId: CertID): OcspIssuer | undefined {
  const hash = hashFromDigestOid(certId.hashAlgorithm.algorithm);
  if (!hash) return undefined;
  return ocspIssuers(pki).find(({ issuer }) => {
    const caCert = AsnConvert.parse(pki.entity(issuer).certificate.der, Certificate);
    const nameHash = digest(hash, AsnConvert.serialize(caCert.tbsCertificate.subject));
    const keyHash = digest(hash, caCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
    return (
      sameBytes(nameHash, certId.issuerNameHash.buffer) &&
      sameBytes(keyHash, certId.issuerKeyHash.buffer)
    );
  });
}

function singleResponse(certId: CertID, issuer: OcspIssuer | undefined, now: Date): SingleResponse {
  const status = issuer
    ? issuer.status(bytesToHex(certId.serialNumber))
    : { status: 'unknown' as const };
  const certStatus =
    status.status === 'good'
      ? new CertStatus({ good: null })
      : status.status === 'revoked' && status.revocation
        ? new CertStatus({
            revoked: new RevokedInfo({
              revocationTime: status.revocation.date,
              revocationReason: new CRLReason(crlReasonCode(status.revocation.reason)),
            }),
          })
        : new CertStatus({ unknown: null });
  return new SingleResponse({
    certID: certId,
    certStatus,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + HOUR),
  });
}

/** The request's nonce extension as the responder's nonce mode answers it. */
function nonceExtension(
  requested: Extension | undefined,
  mode: OcspNonceMode,
): Extension | undefined {
  if (!requested || mode === 'omit') return undefined;
  if (mode === 'echo') return requested;
  const value = new Uint8Array(requested.extnValue.buffer.slice(0));
  value[value.length - 1] = (value[value.length - 1] ?? 0) ^ 0xff;
  return new Extension({ extnID: requested.extnID, extnValue: new OctetString(value) });
}

/**
 * Answers a DER OCSPRequest (RFC 6960) for any of the test authorities: a BasicOCSPResponse signed by
 * the authority's responder (a root signs its own), responder certificate included, nonce echoed
 * (or as `pki.setOcspNonceMode` says); 'unknown' for serials the issuer never issued.
 */
export async function respondOcsp(
  pki: TestPki,
  requestDer: Uint8Array,
  now: Date = new Date(),
): Promise<Bytes> {
  if (pki.isServiceDown('ocsp')) return statusOnly(OCSPResponseStatus.tryLater);
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(toArrayBuffer(requestDer), OCSPRequest);
  } catch {
    return statusOnly(OCSPResponseStatus.malformedRequest);
  }
  const certIds = request.tbsRequest.requestList.map((r) => r.reqCert);
  if (certIds.length === 0) return statusOnly(OCSPResponseStatus.malformedRequest);
  const issuers = certIds.map((id) => issuerForCertId(pki, id));
  const responding = issuers.find((a): a is OcspIssuer => a !== undefined);
  if (!responding) return statusOnly(OCSPResponseStatus.unauthorized);

  const signerName = responding.signer;
  const signerCert = AsnConvert.parse(pki.entity(signerName).certificate.der, Certificate);
  // Whole seconds: GeneralizedTime fractions are legal but some clients compare them badly.
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nonce = nonceExtension(
    request.tbsRequest.requestExtensions?.find((e: Extension) => e.extnID === id_pkix_ocsp_nonce),
    pki.ocspNonceMode,
  );
  const tbs = new ResponseData({
    responderID: new ResponderID({
      byKey: new OctetString(
        digest('SHA-1', signerCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey),
      ),
    }),
    producedAt: at,
    responses: certIds.map((id, i) => singleResponse(id, issuers[i], at)),
    ...(nonce ? { responseExtensions: [nonce] } : {}),
  });
  const signature = await signAs(pki, signerName, toBytes(AsnConvert.serialize(tbs)));
  const basic = new BasicOCSPResponse({
    tbsResponseData: tbs,
    signatureAlgorithm: signature.algorithm,
    signature: toArrayBuffer(signature.value),
    certs: [signerCert],
  });
  return toBytes(
    AsnConvert.serialize(
      new OCSPResponse({
        responseStatus: OCSPResponseStatus.successful,
        responseBytes: new ResponseBytes({
          responseType: id_pkix_ocsp_basic,
          response: new OctetString(AsnConvert.serialize(basic)),
        }),
      }),
    ),
  );
}
