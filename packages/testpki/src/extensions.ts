import { x509 } from './x509.js';
import { derTlv, oidDer } from './der.js';
import { OID } from './oids.js';

/** ETSI EN 319 412-5 QCStatements with QcCompliance: the marker of an EU/TR qualified certificate. */
export function qcStatementsExtension(): x509.Extension {
  const qcCompliance = derTlv(0x30, oidDer(OID.qcCompliance));
  return new x509.Extension(OID.qcStatements, false, derTlv(0x30, qcCompliance));
}

/** RFC 6960 id-pkix-ocsp-nocheck: clients need not check the responder certificate's own status. */
export function ocspNoCheckExtension(): x509.Extension {
  return new x509.Extension(OID.ocspNoCheck, false, Uint8Array.of(0x05, 0x00));
}

export function crlNumberExtension(crlNumber: number): x509.Extension {
  const octets: number[] = [];
  for (let n = crlNumber; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  if (octets.length === 0 || (octets[0] ?? 0) & 0x80) octets.unshift(0);
  return new x509.Extension(OID.crlNumber, false, derTlv(0x02, Uint8Array.from(octets)));
}

export const KeyUsage = x509.KeyUsageFlags;
