import { x509 } from './x509.js';
import type { CertificateMaterial } from './types.js';
import { toBytes, toPem } from './der.js';

export function certificateMaterial(der: ArrayBuffer | Uint8Array): CertificateMaterial {
  const bytes = new Uint8Array(toBytes(der));
  const cert = new x509.X509Certificate(bytes);
  return {
    der: bytes,
    pem: toPem('CERTIFICATE', bytes),
    serialHex: cert.serialNumber.toLowerCase(),
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    x509: cert,
  };
}
