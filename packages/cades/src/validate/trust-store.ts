import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual, bytesHash } from '../der/reader.js';
import { parseCertificate, type Certificate } from './certificate.js';

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Splits PEM text into certificate DERs. */
export function pemToDers(pem: string): Uint8Array[] {
  return [...pem.matchAll(PEM_RE)].map(
    (m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')),
  );
}

function dersOf(input: string | Uint8Array): Uint8Array[] {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? pemToDers(text) : [input];
  }
  return pemToDers(input);
}

function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(pem|crt|cer|der)$/i.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/**
 * The configured trust: anchors (the only certificates a chain may end at) and intermediates
 * (CA certificates the validator may use to complete a chain the CMS does not carry).
 */
export class TrustStore {
  /** Anchors by the first four bytes of their SHA-256: no base64 id to build per lookup. */
  private readonly anchorsByHash = new Map<number, Certificate[]>();
  /** By the hash of the subject Name's DER; a bucket may (rarely) hold other names too. */
  private readonly bySubject = new Map<number, Certificate[]>();
  readonly anchors: Certificate[] = [];
  readonly intermediates: Certificate[] = [];

  /** Anchors and intermediates as PEM text (several certificates per string allowed) or DER. */
  static fromPem(
    anchors: string | Uint8Array | readonly (string | Uint8Array)[],
    intermediates: string | Uint8Array | readonly (string | Uint8Array)[] = [],
  ): TrustStore {
    const store = new TrustStore();
    for (const a of [anchors].flat()) for (const der of dersOf(a)) store.addAnchor(der);
    for (const i of [intermediates].flat()) for (const der of dersOf(i)) store.addIntermediate(der);
    return store;
  }

  /** Every .pem/.crt/.cer/.der file in `anchorDir` is an anchor; `intermediateDir` optional. */
  static fromDirectory(anchorDir: string, intermediateDir?: string): TrustStore {
    const store = new TrustStore();
    for (const f of filesIn(anchorDir))
      for (const der of dersOf(readFileSync(f))) store.addAnchor(der);
    if (intermediateDir) {
      for (const f of filesIn(intermediateDir))
        for (const der of dersOf(readFileSync(f))) store.addIntermediate(der);
    }
    return store;
  }

  addAnchor(der: Uint8Array): Certificate {
    const cert = parseCertificate(der);
    if (!this.isAnchor(cert)) {
      const k = cert.sha256.readUInt32BE(0);
      const list = this.anchorsByHash.get(k);
      if (list) list.push(cert);
      else this.anchorsByHash.set(k, [cert]);
      this.anchors.push(cert);
      this.index(cert);
    }
    return cert;
  }

  addIntermediate(der: Uint8Array): Certificate {
    const cert = parseCertificate(der);
    this.intermediates.push(cert);
    this.index(cert);
    return cert;
  }

  isAnchor(cert: Certificate): boolean {
    const list = this.anchorsByHash.get(cert.sha256.readUInt32BE(0));
    if (list)
      for (const a of list) if (a === cert || bytesEqual(a.sha256, cert.sha256)) return true;
    return false;
  }

  /** Anchors and intermediates whose subject is `issuerName` (DER). */
  bySubjectName(issuerName: Uint8Array): readonly Certificate[] {
    const bucket = this.bySubject.get(bytesHash(issuerName));
    if (!bucket) return [];
    for (const c of bucket) {
      if (!bytesEqual(c.subject, issuerName))
        return bucket.filter((b) => bytesEqual(b.subject, issuerName));
    }
    return bucket;
  }

  private index(cert: Certificate): void {
    const k = bytesHash(cert.subject);
    const list = this.bySubject.get(k);
    if (list) list.push(cert);
    else this.bySubject.set(k, [cert]);
  }
}
