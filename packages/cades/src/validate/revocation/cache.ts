import type { RevocationAnswer } from './types.js';

/**
 * Revocation answers keyed by (issuer certificate hash, serial), kept until the answer's
 * nextUpdate (or `defaultTtlMs` after thisUpdate when the source gives none).
 */
export class RevocationCache {
  /** By issuer certificate id, then serial: no key string to build per lookup. */
  private readonly answers = new Map<string, Map<string, RevocationAnswer>>();
  private count = 0;
  private readonly crls = new Map<string, { readonly expires: number; readonly value: unknown }>();

  constructor(
    private readonly defaultTtlMs = 5 * 60_000,
    private readonly limit = 100_000,
  ) {}

  private expiry(a: RevocationAnswer): number {
    return a.nextUpdate ? a.nextUpdate.getTime() : a.thisUpdate.getTime() + this.defaultTtlMs;
  }

  get(issuerId: string, serialHex: string, now: Date): RevocationAnswer | undefined {
    const bySerial = this.answers.get(issuerId);
    const a = bySerial?.get(serialHex);
    if (!a) return undefined;
    if (this.expiry(a) < now.getTime()) {
      bySerial!.delete(serialHex);
      this.count--;
      return undefined;
    }
    return a;
  }

  set(issuerId: string, serialHex: string, answer: RevocationAnswer): void {
    if (this.count >= this.limit) {
      this.answers.clear();
      this.count = 0;
    }
    let bySerial = this.answers.get(issuerId);
    if (!bySerial) this.answers.set(issuerId, (bySerial = new Map()));
    if (!bySerial.has(serialHex)) this.count++;
    bySerial.set(serialHex, answer);
  }

  /** Parsed CRLs by URL, until their nextUpdate. */
  getCrl<T>(url: string, now: Date): T | undefined {
    const e = this.crls.get(url);
    if (!e) return undefined;
    if (e.expires < now.getTime()) {
      this.crls.delete(url);
      return undefined;
    }
    return e.value as T;
  }

  setCrl(url: string, expires: Date, value: unknown): void {
    this.crls.set(url, { expires: expires.getTime(), value });
  }

  get size(): number {
    return this.count;
  }
}
