import { existsSync, readFileSync } from 'node:fs';
import * as tls from 'node:tls';

// Node 20 only knows its bundled Mozilla roots; newer Node and Electron expose the OS store.
type GetCaCertificates = (type: 'default' | 'system' | 'bundled') => string[];

/** Where Linux distributions keep the OS trust bundle that administrators extend. */
const OS_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/** The system's trusted roots: the OS store where this Node can read it, plus Node's bundled roots. */
export function systemCaCertificates(): string[] {
  const getCaCertificates = (tls as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (getCaCertificates) {
    return [...new Set([...getCaCertificates('default'), ...getCaCertificates('system')])];
  }
  const roots = [...tls.rootCertificates];
  if (process.platform === 'linux') {
    const bundle = OS_BUNDLES.find((path) => existsSync(path));
    if (bundle) roots.push(readFileSync(bundle, 'utf8'));
  }
  return roots;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads an extra CA file (PEM, one or more certificates); refuses a file without any. */
export function readExtraCaFile(path: string): string[] {
  const certificates = readFileSync(path, 'utf8').match(PEM_CERTIFICATE);
  if (!certificates) throw new Error(`No PEM certificate in the extra CA file ${path}`);
  return certificates;
}
