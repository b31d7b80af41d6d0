import type { ChainEntry, Signer } from '@eimza/protocol';
import { describeKey } from './algorithms.js';
import type { Certificate } from './certificate.js';
import { formatAttributes, formatName, nameAttributes } from './name.js';
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

/** The report's signer summary and the signer's chain entry, from one pass over its subject. */
export interface SignerView {
  readonly signer: Signer;
  readonly entry: ChainEntry;
}

export function summariseSigner(cert: Certificate): SignerView {
  let cn: string | undefined;
  let given: string | undefined;
  let sur: string | undefined;
  let serialNumber: string | undefined;
  const attrs = nameAttributes(cert.subject);
  // The first of each attribute counts; a plain loop (no per-call closures) on the hot path.
  for (const a of attrs) {
    if (a.oid === OID.commonName) cn ??= a.value;
    else if (a.oid === OID.givenName) given ??= a.value;
    else if (a.oid === OID.surname) sur ??= a.value;
    else if (a.oid === OID.serialNumber) serialNumber ??= a.value;
  }
  const issuer = formatName(cert.issuer);
  const notBefore = cert.notBefore.toISOString();
  const notAfter = cert.notAfter.toISOString();
  return {
    signer: {
      tckn: serialNumber ? normaliseTckn(serialNumber) : '',
      name: cn ?? [given, sur].filter(Boolean).join(' '),
      certificateSerial: cert.serialHex,
      issuer,
      notBefore,
      notAfter,
      keyAlgorithm: describeKey(cert.key),
    },
    entry: {
      subject: formatAttributes(attrs),
      issuer,
      serial: cert.serialHex,
      notBefore,
      notAfter,
    },
  };
}

const entryCache = new Map<string, ChainEntry>();

/** A CA certificate's chain entry (kept: CA certificates repeat in every validation). */
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
