import type { ChainEntry, Signer } from '@eimza/protocol';
import { describeKey } from './algorithms.js';
import type { Certificate } from './certificate.js';
import { formatName, nameAttributes } from './name.js';
import { OID } from './oids.js';

/**
 * The T.C. Kimlik No from a subject serialNumber such as "12345678901", "TCKN12345678901",
 * "TCKN:12345678901" or "IDCTR-12345678901" (ETSI EN 319 412-1 semantics identifier).
 */
export function normaliseTckn(serialNumber: string): string {
  const s = serialNumber.trim();
  const m = /^(?:(?:IDC|PNO|PAS|TIN)[A-Z]{2}-|TCKN\s*[:-]?\s*|TC\s*[:-]?\s*)?(\d{11})$/i.exec(s);
  return m ? m[1]! : s;
}

export function summariseSigner(cert: Certificate): Signer {
  let cn: string | undefined;
  let given: string | undefined;
  let sur: string | undefined;
  let serialNumber: string | undefined;
  // The first of each attribute counts; a plain loop (no per-call closures) on the hot path.
  for (const a of nameAttributes(cert.subject)) {
    if (a.oid === OID.commonName) cn ??= a.value;
    else if (a.oid === OID.givenName) given ??= a.value;
    else if (a.oid === OID.surname) sur ??= a.value;
    else if (a.oid === OID.serialNumber) serialNumber ??= a.value;
  }
  return {
    tckn: serialNumber ? normaliseTckn(serialNumber) : '',
    name: cn ?? [given, sur].filter(Boolean).join(' '),
    certificateSerial: cert.serialHex,
    issuer: formatName(cert.issuer),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    keyAlgorithm: describeKey(cert.key),
  };
}

const entryCache = new Map<string, ChainEntry>();

export function chainEntry(cert: Certificate): ChainEntry {
  const hit = entryCache.get(cert.id);
  if (hit) return hit;
  const entry: ChainEntry = {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serial: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
  if (cert.basicConstraints?.cA) {
    if (entryCache.size > 10_000) entryCache.clear();
    entryCache.set(cert.id, entry);
  }
  return entry;
}
