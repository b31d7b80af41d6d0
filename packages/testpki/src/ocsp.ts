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
import { CRLReason, Certificate, type Extension } from '@peculiar/asn1-x509';
import type { AuthorityId } from './types.js';
import { AUTHORITIES, AUTHORITY_IDS } from './authorities.js';
import { crlReasonCode, type TestPki } from './pki.js';
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

/** Which of our authorities a CertID names, by issuer name hash and issuer key hash. */
function authorityForCertId(pki: TestPki, certId: CertID): AuthorityId | undefined {
  const hash = hashFromDigestOid(certId.hashAlgorithm.algorithm);
  if (!hash) return undefined;
  return AUTHORITY_IDS.find((id) => {
    const caCert = AsnConvert.parse(
      pki.entity(AUTHORITIES[id].issuingCa).certificate.der,
      Certificate,
    );
    const nameHash = digest(hash, AsnConvert.serialize(caCert.tbsCertificate.subject));
    const keyHash = digest(hash, caCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
    return (
      sameBytes(nameHash, certId.issuerNameHash.buffer) &&
      sameBytes(keyHash, certId.issuerKeyHash.buffer)
    );
  });
}

function singleResponse(
  pki: TestPki,
  certId: CertID,
  authority: AuthorityId | undefined,
  now: Date,
): SingleResponse {
  const status = authority
    ? pki.statusOf(authority, bytesToHex(certId.serialNumber))
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

/**
 * Answers a DER OCSPRequest (RFC 6960) for any of the test authorities: a BasicOCSPResponse signed by
 * the authority's responder, responder certificate included, nonce echoed; 'unknown' for serials
 * the authority never issued.
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
  const authorities = certIds.map((id) => authorityForCertId(pki, id));
  const responding = authorities.find((a): a is AuthorityId => a !== undefined);
  if (!responding) return statusOnly(OCSPResponseStatus.unauthorized);

  const signerName = AUTHORITIES[responding].ocspSigner;
  const signerCert = AsnConvert.parse(pki.entity(signerName).certificate.der, Certificate);
  // Whole seconds: GeneralizedTime fractions are legal but some clients compare them badly.
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nonce = request.tbsRequest.requestExtensions?.find(
    (e: Extension) => e.extnID === id_pkix_ocsp_nonce,
  );
  const tbs = new ResponseData({
    responderID: new ResponderID({
      byKey: new OctetString(
        digest('SHA-1', signerCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey),
      ),
    }),
    producedAt: at,
    responses: certIds.map((id, i) => singleResponse(pki, id, authorities[i], at)),
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
