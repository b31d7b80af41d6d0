import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Signer } from '@eimza/protocol';
import type { ApplicationInput } from './form.js';

export const LOGIN_TTL_MS = 30 * 60_000;
const SMS_TTL_MS = 5 * 60_000;
const SMS_ATTEMPTS = 5;
const FORGET_AFTER_MS = 60_000;

export interface PortalLogin {
  readonly tckn: string;
  readonly signer: Signer;
  readonly expiresAt: number;
}

/** What a signing session opened by the portal is for, checked again when it completes. */
export type SigningPurpose =
  | { readonly kind: 'login'; readonly tckn: string }
  | { readonly kind: 'e-onay-accept' | 'e-onay-cancel'; readonly loginId: string }
  | { readonly kind: 'operation'; readonly operation: Operation; readonly loginId: string }
  | { readonly kind: 'application'; readonly applicationId: string; readonly loginId: string };

export const OPERATIONS = {
  'askiya-al': 'Askıya Al',
  'askidan-indir': 'Askıdan İndir',
  'iptal-et': 'İptal Et',
  'bilgi-guncelle': 'Bilgi Güncelle',
} as const;
export type Operation = keyof typeof OPERATIONS;

export interface PendingApplication {
  readonly loginId: string;
  readonly input: ApplicationInput;
  readonly smsCode: string;
  readonly smsExpiresAt: number;
  attemptsLeft: number;
  smsConfirmed: boolean;
}

/**
 * The portal's own small state, in memory: logins (cookie id → person), E-Onay given, the signing
 * sessions it opened and the applications waiting for their SMS code. One process; a restart logs
 * everyone out, which a demo portal can afford.
 */
export class PortalState {
  readonly #logins = new Map<string, PortalLogin>();
  readonly #eOnay = new Set<string>();
  readonly #signing = new Map<string, { purpose: SigningPurpose; until: number }>();
  readonly #applications = new Map<string, PendingApplication>();

  login(signer: Signer, now: number): string {
    const id = randomBytes(32).toString('base64url');
    this.#logins.set(id, { tckn: signer.tckn, signer, expiresAt: now + LOGIN_TTL_MS });
    return id;
  }

  findLogin(id: string | undefined, now: number): PortalLogin | undefined {
    if (!id) return undefined;
    const login = this.#logins.get(id);
    if (login && login.expiresAt <= now) {
      this.#logins.delete(id);
      return undefined;
    }
    return login;
  }

  logout(id: string | undefined): void {
    if (id) this.#logins.delete(id);
  }

  hasEOnay(tckn: string): boolean {
    return this.#eOnay.has(tckn);
  }

  setEOnay(tckn: string, given: boolean): void {
    if (given) this.#eOnay.add(tckn);
    else this.#eOnay.delete(tckn);
  }

  /** Remembers a session until a while after it expires (pages that were closed never complete). */
  openSigning(sessionId: string, purpose: SigningPurpose, expiresAt: number, now: number): void {
    this.#prune(now);
    this.#signing.set(sessionId, { purpose, until: expiresAt + FORGET_AFTER_MS });
  }

  /** The purpose once: a completed session cannot be completed again. */
  takeSigning(sessionId: string): SigningPurpose | undefined {
    const entry = this.#signing.get(sessionId);
    this.#signing.delete(sessionId);
    return entry?.purpose;
  }

  peekSigning(sessionId: string): SigningPurpose | undefined {
    return this.#signing.get(sessionId)?.purpose;
  }

  #prune(now: number): void {
    for (const [id, entry] of this.#signing) if (entry.until <= now) this.#signing.delete(id);
    for (const [id, login] of this.#logins) if (login.expiresAt <= now) this.#logins.delete(id);
    for (const [id, application] of this.#applications)
      if (application.smsExpiresAt + LOGIN_TTL_MS <= now) this.#applications.delete(id);
  }

  openApplication(loginId: string, input: ApplicationInput, now: number): [string, string] {
    const id = randomBytes(16).toString('base64url');
    const smsCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#applications.set(id, {
      loginId,
      input,
      smsCode,
      smsExpiresAt: now + SMS_TTL_MS,
      attemptsLeft: SMS_ATTEMPTS,
      smsConfirmed: false,
    });
    return [id, smsCode];
  }

  findApplication(id: string, loginId: string): PendingApplication | undefined {
    const application = this.#applications.get(id);
    return application?.loginId === loginId ? application : undefined;
  }

  /** 'ok', or why the code is refused; five wrong codes or five minutes end the application. */
  confirmSms(application: PendingApplication, code: string, now: number): 'ok' | 'wrong' | 'over' {
    if (application.smsConfirmed) return 'ok';
    if (application.smsExpiresAt <= now || application.attemptsLeft <= 0) return 'over';
    const a = Buffer.from(code.padEnd(6, ' ').slice(0, 6));
    const b = Buffer.from(application.smsCode);
    if (code.length === 6 && timingSafeEqual(a, b)) {
      application.smsConfirmed = true;
      return 'ok';
    }
    application.attemptsLeft--;
    return application.attemptsLeft > 0 ? 'wrong' : 'over';
  }

  closeApplication(id: string): void {
    this.#applications.delete(id);
  }
}
