import type { RevocationAnswer } from './types.js';

/**
 * Revocation answers keyed by (issuer certificate hash, serial), kept until the answer's
 * nextUpdate (or `defaultTtlMs` after thisUpdate when the source gives none).
 */
export class RevocationCache {
  private readonly answers = new Map<string, RevocationAnswer>();
  private readonly crls = new Map<string, { readonly expires: number; readonly value: unknown }>();

  constructor(
    private readonly defaultTtlMs = 5 * 60_000,
    private readonly limit = 100_000,
  ) {}

  private expiry(a: RevocationAnswer): number {
    return a.nextUpdate ? a.nextUpdate.getTime() : a.thisUpdate.getTime() + this.defaultTtlMs;
  }

  get(issuerId: string, serialHex: string, now: Date): RevocationAnswer | undefined {
    const key = `${issuerId}|${serialHex}`;
    const a = this.answers.get(key);
    if (!a) return undefined;
    if (this.expiry(a) < now.getTime()) {
      this.answers.delete(key);
      return undefined;
    }
    return a;
  }

  set(issuerId: string, serialHex: string, answer: RevocationAnswer): void {
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(`${issuerId}|${serialHex}`, answer);
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
    return this.answers.size;
  }
}
