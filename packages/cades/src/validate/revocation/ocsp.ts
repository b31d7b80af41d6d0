import { createHash, randomBytes } from 'node:crypto';
import {
  Cursor,
  DerError,
  Tag,
  bytesEqual,
  children,
  ctx,
  ctxPrim,
  decodeOid,
  decodeTime,
  explicitInner,
  readSingle,
  type Tlv,
} from '../../der/reader.js';
import { encodeOid, encodeTlv } from '../../der/writer.js';
import {
  algorithmProblem,
  readAlgorithm,
  signatureParams,
  verifySignature,
  type AlgorithmPolicy,
} from '../algorithms.js';
import { parseCertificate, type Certificate } from '../certificate.js';
import { isIssuedBy } from '../chain.js';
import { publicKeyOf } from '../keys.js';
import { OID } from '../oids.js';
import type { RevocationCache } from './cache.js';
import { fetchBytes } from './http.js';
import { delegatedResponderStatus } from './responder-status.js';
import {
  freshnessProblem,
  type FreshnessPolicy,
  type OcspNoncePolicy,
  type SourceResult,
} from './types.js';

const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();
const SHA1_ALG = encodeTlv(Tag.SEQUENCE, encodeOid(OID.sha1), Uint8Array.of(0x05, 0x00));

export function buildOcspRequest(
  cert: Certificate,
  issuer: Certificate,
  nonce: Uint8Array,
): Uint8Array {
  const certId = encodeTlv(
    Tag.SEQUENCE,
    SHA1_ALG,
    encodeTlv(Tag.OCTET_STRING, sha1(issuer.subject)),
    encodeTlv(Tag.OCTET_STRING, sha1(issuer.key.publicKey)),
    encodeTlv(Tag.INTEGER, cert.serial),
  );
  const nonceExt = encodeTlv(
    Tag.SEQUENCE,
    encodeOid(OID.ocspNonce),
    encodeTlv(Tag.OCTET_STRING, encodeTlv(Tag.OCTET_STRING, nonce)),
  );
  const tbs = encodeTlv(
    Tag.SEQUENCE,
    encodeTlv(Tag.SEQUENCE, encodeTlv(Tag.SEQUENCE, certId)),
    encodeTlv(ctx(2), encodeTlv(Tag.SEQUENCE, nonceExt)),
  );
  return encodeTlv(Tag.SEQUENCE, tbs);
}

interface SingleResponse {
  readonly hashOid: string;
  readonly nameHash: Uint8Array;
  readonly keyHash: Uint8Array;
  readonly serial: Uint8Array;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

interface BasicResponse {
  readonly tbs: Uint8Array;
  readonly responderByName?: Uint8Array;
  readonly responderByKey?: Uint8Array;
  readonly producedAt: Date;
  readonly responses: readonly SingleResponse[];
  readonly nonce?: Uint8Array;
  readonly signatureAlgorithm: ReturnType<typeof readAlgorithm>;
  readonly signature: Uint8Array;
  readonly certs: readonly Uint8Array[];
}

function readSingleResponse(t: Tlv): SingleResponse {
  const c = new Cursor(t, Tag.SEQUENCE);
  const id = new Cursor(c.next(Tag.SEQUENCE));
  const hashOid = readAlgorithm(id.next(Tag.SEQUENCE)).oid;
  const nameHash = id.next(Tag.OCTET_STRING).value;
  const keyHash = id.next(Tag.OCTET_STRING).value;
  const serial = id.next(Tag.INTEGER).value;
  const st = c.next();
  let status: SingleResponse['status'];
  let revokedAt: Date | undefined;
  if (st.tag === ctxPrim(0)) status = 'good';
  else if (st.tag === ctx(1)) {
    status = 'revoked';
    revokedAt = decodeTime(new Cursor(st).next(Tag.GENERALIZED_TIME));
  } else if (st.tag === ctxPrim(2)) status = 'unknown';
  else throw new DerError('bad certStatus');
  const thisUpdate = decodeTime(c.next(Tag.GENERALIZED_TIME));
  const nu = c.optional(ctx(0));
  return {
    hashOid,
    nameHash,
    keyHash,
    serial,
    status,
    ...(revokedAt ? { revokedAt } : {}),
    thisUpdate,
    ...(nu ? { nextUpdate: decodeTime(explicitInner(nu, Tag.GENERALIZED_TIME)) } : {}),
  };
}

export function parseOcspResponse(der: Uint8Array): BasicResponse {
  const top = new Cursor(readSingle(der, Tag.SEQUENCE));
  const statusTlv = top.next(Tag.ENUMERATED);
  if (statusTlv.value.length !== 1 || statusTlv.value[0] !== 0) {
    throw new DerError(`OCSP responseStatus ${statusTlv.value[0] ?? '?'}`);
  }
  const rb = new Cursor(explicitInner(top.next(ctx(0)), Tag.SEQUENCE));
  if (decodeOid(rb.next(Tag.OID)) !== OID.ocspBasic)
    throw new DerError('not a basic OCSP response');
  const basic = new Cursor(readSingle(rb.next(Tag.OCTET_STRING).value, Tag.SEQUENCE));
  const tbsTlv = basic.next(Tag.SEQUENCE);
  const signatureAlgorithm = readAlgorithm(basic.next(Tag.SEQUENCE));
  const sigTlv = basic.next(Tag.BIT_STRING);
  if (sigTlv.value[0] !== 0) throw new DerError('bad OCSP signature bits');
  const certsTlv = basic.optional(ctx(0));
  const certs = certsTlv ? children(explicitInner(certsTlv, Tag.SEQUENCE)).map((c) => c.der) : [];

  const tbs = new Cursor(tbsTlv);
  tbs.optional(ctx(0));
  const rid = tbs.next();
  let responderByName: Uint8Array | undefined;
  let responderByKey: Uint8Array | undefined;
  if (rid.tag === ctx(1)) responderByName = explicitInner(rid, Tag.SEQUENCE).der;
  else if (rid.tag === ctx(2)) responderByKey = explicitInner(rid, Tag.OCTET_STRING).value;
  else throw new DerError('bad responderID');
  const producedAt = decodeTime(tbs.next(Tag.GENERALIZED_TIME));
  const responses = children(tbs.next(Tag.SEQUENCE)).map(readSingleResponse);
  let nonce: Uint8Array | undefined;
  const exts = tbs.optional(ctx(1));
  if (exts) {
    for (const ext of children(explicitInner(exts, Tag.SEQUENCE))) {
      const e = new Cursor(ext, Tag.SEQUENCE);
      if (decodeOid(e.next(Tag.OID)) !== OID.ocspNonce) continue;
      e.optional(Tag.BOOLEAN);
      const v = e.next(Tag.OCTET_STRING).value;
      // RFC 8954 wraps the nonce in an OCTET STRING; some responders send it bare.
      try {
        nonce = readSingle(v, Tag.OCTET_STRING).value;
      } catch {
        nonce = v;
      }
    }
  }
  return {
    tbs: tbsTlv.der,
    ...(responderByName ? { responderByName } : {}),
    ...(responderByKey ? { responderByKey } : {}),
    producedAt,
    responses,
    ...(nonce ? { nonce } : {}),
    signatureAlgorithm,
    signature: sigTlv.value.subarray(1),
    certs,
  };
}

function matchesResponderId(cert: Certificate, r: BasicResponse): boolean {
  if (r.responderByName) return bytesEqual(cert.subject, r.responderByName);
  return r.responderByKey !== undefined && bytesEqual(sha1(cert.key.publicKey), r.responderByKey);
}

/**
 * The certificate that signed the response, when it is the CA itself or a delegated responder it
 * issued (its own revocation is checked later, once the answer is otherwise usable).
 */
function signingResponder(
  r: BasicResponse,
  issuer: Certificate,
  now: Date,
  policy: AlgorithmPolicy,
): { readonly responder: Certificate } | { readonly problem: string } {
  const candidates: Certificate[] = [issuer];
  for (const der of r.certs) candidates.push(parseCertificate(der));
  const responder = candidates.find((c) => matchesResponderId(c, r));
  if (!responder) return { problem: 'OCSP responder certificate not found' };
  if (responder.id !== issuer.id) {
    if (!isIssuedBy(responder, issuer, policy))
      return { problem: 'OCSP responder not authorised: not issued by the certificate issuer' };
    if (!responder.extKeyUsage?.includes(OID.kpOcspSigning))
      return { problem: 'OCSP responder not authorised: no id-kp-OCSPSigning' };
    const t = now.getTime();
    if (t < responder.notBefore.getTime() || t > responder.notAfter.getTime())
      return { problem: 'OCSP responder certificate not valid now' };
  }
  const params = signatureParams(r.signatureAlgorithm);
  const weak = algorithmProblem(params, responder.key, policy);
  if (weak) return { problem: `OCSP signature: ${weak}` };
  if (!verifySignature(params, publicKeyOf(responder), r.tbs, r.signature))
    return { problem: 'OCSP response signature invalid' };
  return { responder };
}

/**
 * Asks the certificate's OCSP responders (AIA) in turn. A delegated responder without
 * id-pkix-ocsp-nocheck is itself checked against its issuer's CRL (through `cache`).
 */
export async function checkOcsp(
  cert: Certificate,
  issuer: Certificate,
  now: Date,
  fresh: FreshnessPolicy,
  policy: AlgorithmPolicy,
  noncePolicy: OcspNoncePolicy,
  cache: RevocationCache,
): Promise<SourceResult> {
  if (cert.ocspUrls.length === 0) return { ok: false, detail: 'no OCSP URL in the certificate' };
  const problems: string[] = [];
  for (const url of cert.ocspUrls) {
    try {
      const nonce = randomBytes(16);
      const body = await fetchBytes(url, fresh.timeoutMs, {
        body: buildOcspRequest(cert, issuer, nonce),
        contentType: 'application/ocsp-request',
      });
      const r = parseOcspResponse(body);
      const who = signingResponder(r, issuer, now, policy);
      if ('problem' in who) {
        problems.push(who.problem);
        continue;
      }
      const nonceProblem = !r.nonce
        ? noncePolicy === 'require'
          ? 'OCSP response does not echo the request nonce (required)'
          : undefined
        : !bytesEqual(r.nonce, nonce)
          ? 'OCSP response nonce differs from the request nonce'
          : undefined;
      if (nonceProblem) {
        problems.push(nonceProblem);
        continue;
      }
      const nameHash = sha1(issuer.subject);
      const keyHash = sha1(issuer.key.publicKey);
      const single = r.responses.find(
        (s) =>
          s.hashOid === OID.sha1 &&
          bytesEqual(s.serial, cert.serial) &&
          bytesEqual(s.nameHash, nameHash) &&
          bytesEqual(s.keyHash, keyHash),
      );
      if (!single) {
        problems.push('OCSP response does not cover the certificate (certID mismatch)');
        continue;
      }
      const stale = freshnessProblem(single.thisUpdate, single.nextUpdate, now, fresh);
      if (stale) {
        problems.push(`OCSP ${stale}`);
        continue;
      }
      let responderNote = '';
      if (who.responder.id !== issuer.id && !who.responder.ocspNoCheck) {
        const status = await delegatedResponderStatus(
          who.responder,
          issuer,
          now,
          fresh,
          policy,
          cache,
        );
        if (!status.ok) {
          problems.push(status.detail);
          continue;
        }
        responderNote = `, ${status.detail}`;
      }
      return {
        ok: true,
        answer: {
          source: 'ocsp',
          status: single.status,
          producedAt: r.producedAt,
          ...(single.revokedAt ? { revokedAt: single.revokedAt } : {}),
          thisUpdate: single.thisUpdate,
          ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
          detail: `OCSP ${single.status} from ${url}${r.nonce ? ', nonce echoed' : ' (no nonce echoed; accepted)'}${responderNote}`,
        },
      };
    } catch (e) {
      problems.push(`OCSP ${url}: ${(e as Error).message}`);
    }
  }
  return { ok: false, detail: problems.join('; ') };
}
