import { performance } from 'node:perf_hooks';
import pkcs11js from 'pkcs11js';
import { compareCertificates, describeCertificate, UnsupportedKeyError } from '../certificate.js';
import type { ModuleCandidate } from '../discovery.js';
import { TokenError } from '../errors.js';
import { DIGEST_LENGTH, digestInfo, ecdsaRawToDer } from '../signature-formats.js';
import type {
  CertificateInfo,
  HashAlgorithm,
  ModuleReport,
  SignatureScheme,
  SignOptions,
  TokenInfo,
} from '../types.js';
import type { OpenedSession } from '../worker-protocol.js';
import { ckrName, type Role, toTokenError } from './ckr.js';
import { LoadedModule } from './module.js';
import { pinStateFromFlags, readTokenInfo } from './token-info.js';

export type Log = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  data?: Record<string, unknown>,
) => void;

interface PresentToken {
  module: LoadedModule;
  slot: Buffer;
  info: TokenInfo;
}

interface SigningState {
  id: number;
  module: LoadedModule;
  slot: Buffer;
  handle: Buffer;
  key: Buffer;
  certificate: CertificateInfo;
  mechanisms: SignatureScheme[];
}

const CKM_HASH: Record<HashAlgorithm, number> = {
  'SHA-256': pkcs11js.CKM_SHA256,
  'SHA-384': pkcs11js.CKM_SHA384,
  'SHA-512': pkcs11js.CKM_SHA512,
};
const CKG_MGF1: Record<HashAlgorithm, number> = {
  'SHA-256': pkcs11js.CKG_MGF1_SHA256,
  'SHA-384': pkcs11js.CKG_MGF1_SHA384,
  'SHA-512': pkcs11js.CKG_MGF1_SHA512,
};
const SIGNATURE_BUFFER_BYTES = 1024;
/** CK_STATE values (PKCS#11 2.40, 5.6); pkcs11js does not export them. */
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const STALE_HANDLE = new Set(['CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID']);

/**
 * All PKCS#11 work, synchronous, run inside the worker thread. One instance per worker; calls arrive one at a
 * time, so the only state that outlives a call is the open signing sessions.
 */
export class TokenEngine {
  private modules: LoadedModule[] = [];
  private reports: ModuleReport[] = [];
  private sessions = new Map<number, SigningState>();
  private nextSessionId = 1;

  constructor(private readonly log: Log) {}

  start(candidates: ModuleCandidate[]): { reports: ModuleReport[]; initMs: number } {
    const began = performance.now();
    const loaded = new Map<string, LoadedModule>();
    for (const candidate of candidates) {
      const { module, report } = LoadedModule.load(candidate, loaded);
      this.reports.push(report);
      if (module) this.modules.push(module);
      if (report.loaded)
        this.log('info', 'PKCS#11 module loaded', {
          module: report.name,
          path: report.path,
          library: report.library,
        });
      else if (report.error !== 'file not found')
        this.log('warn', 'PKCS#11 module not loaded', {
          module: report.name,
          path: report.path,
          error: report.error,
        });
    }
    return { reports: this.reports, initMs: performance.now() - began };
  }

  listTokens(): TokenInfo[] {
    return this.presentTokens(true).map((token) => token.info);
  }

  listCertificates(): CertificateInfo[] {
    const certificates: CertificateInfo[] = [];
    for (const token of this.presentTokens(true)) {
      try {
        certificates.push(...this.certificatesOn(token));
      } catch (error) {
        this.log('warn', 'could not read certificates', {
          token: token.info.serial,
          ckr: ckrName(error),
        });
      }
    }
    return certificates.sort(compareCertificates);
  }

  openSigningSession(certId: string, pin: string | null): OpenedSession {
    const separator = certId.lastIndexOf(':');
    if (separator <= 0)
      throw new TokenError('INVALID_ARGUMENT', {
        detail: { reason: 'certificate id must be "<token serial>:<CKA_ID hex>"' },
      });
    const token = this.findToken(certId.slice(0, certId.indexOf(':')));
    const certificate = this.certificatesOn(token).find((candidate) => candidate.id === certId);
    if (!certificate)
      throw new TokenError('CERTIFICATE_NOT_FOUND', { tokenSerial: token.info.serial });

    const { module, slot } = token;
    const serial = token.info.serial;
    if (pin === null ? !token.info.pinPad : typeof pin !== 'string') {
      throw new TokenError('INVALID_ARGUMENT', {
        tokenSerial: serial,
        detail: { reason: 'a PIN is required: the token has no PIN pad' },
      });
    }
    const handle = this.call(() => module.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION), {
      fn: 'C_OpenSession',
      tokenSerial: serial,
    });
    try {
      this.login(token, handle, 'user', pin);
      const key = this.findObject(module, handle, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(certificate.ckaId, 'hex') },
      ]);
      if (!key) throw new TokenError('KEY_NOT_FOUND', { tokenSerial: serial });
      const mechanisms = this.schemesFor(module, slot, certificate);
      const id = this.nextSessionId++;
      this.sessions.set(id, { id, module, slot, handle, key, certificate, mechanisms });
      module.openSessions++;
      this.log('info', 'signing session opened', { session: id, certificate: certId, mechanisms });
      return { sessionId: id, certificate, mechanisms };
    } catch (error) {
      closeQuietly(module, handle);
      throw error;
    }
  }

  signDigest(sessionId: number, digest: Uint8Array, options: SignOptions): Uint8Array {
    const session = this.sessions.get(sessionId);
    if (!session) throw new TokenError('SESSION_CLOSED');
    const { hash } = options;
    if (!(hash in DIGEST_LENGTH))
      throw new TokenError('INVALID_ARGUMENT', {
        detail: { reason: `unsupported hash ${String(hash)}` },
      });
    if (digest.length !== DIGEST_LENGTH[hash]) {
      throw new TokenError('INVALID_ARGUMENT', {
        detail: {
          reason: `a ${hash} digest is ${DIGEST_LENGTH[hash]} bytes, got ${digest.length}`,
        },
      });
    }
    const { mechanism, data, ec } = this.signingMechanism(session, hash, options.scheme, digest);
    const sign = () => {
      session.module.api.C_SignInit(session.handle, mechanism, session.key);
      const signature = session.module.api.C_Sign(
        session.handle,
        data,
        Buffer.alloc(SIGNATURE_BUFFER_BYTES),
      );
      return new Uint8Array(ec ? ecdsaRawToDer(signature) : signature);
    };
    try {
      return sign();
    } catch (error) {
      if (!STALE_HANDLE.has(ckrName(error) ?? '') || !this.refindKey(session))
        throw this.sessionFailure(session, error, 'C_Sign');
    }
    try {
      return sign();
    } catch (error) {
      throw this.sessionFailure(session, error, 'C_Sign');
    }
  }

  /**
   * A logout on the token (another session re-checking its PIN, a PIN change) drops the handles of private
   * objects on some modules (SoftHSM2) while the login itself is restored: find the key again by its CKA_ID.
   */
  private refindKey(session: SigningState): boolean {
    try {
      const key = this.findObject(session.module, session.handle, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(session.certificate.ckaId, 'hex') },
      ]);
      if (!key) return false;
      session.key = key;
      return true;
    } catch {
      return false;
    }
  }

  closeSession(sessionId: number): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    session.module.openSessions--;
    // Closing the application's last session on a token also logs it out (PKCS#11 2.40, C_CloseSession).
    closeQuietly(session.module, session.handle);
    this.log('info', 'signing session closed', { session: sessionId });
  }

  changePin(tokenSerial: string, oldPin: string, newPin: string): void {
    requireSecrets(oldPin, newPin);
    const token = this.findToken(tokenSerial);
    this.withRwSession(token, (handle) => {
      const loggedIn = this.login(token, handle, 'user', oldPin);
      try {
        this.call(() => token.module.api.C_SetPIN(handle, oldPin, newPin), {
          fn: 'C_SetPIN',
          role: 'user',
          tokenSerial,
          token,
        });
      } finally {
        if (loggedIn) logoutQuietly(token.module, handle);
      }
    });
    this.log('info', 'user PIN changed', { token: tokenSerial });
  }

  unlockPin(tokenSerial: string, puk: string, newPin: string): void {
    requireSecrets(puk, newPin);
    const token = this.findToken(tokenSerial);
    this.closeSessionsOn(token);
    this.withRwSession(token, (handle) => {
      this.login(token, handle, 'so', puk);
      try {
        this.call(() => token.module.api.C_InitPIN(handle, newPin), {
          fn: 'C_InitPIN',
          role: 'user',
          tokenSerial,
          token,
        });
      } finally {
        logoutQuietly(token.module, handle);
      }
    });
    this.log('info', 'user PIN unlocked with the PUK', { token: tokenSerial });
  }

  changePuk(tokenSerial: string, oldPuk: string, newPuk: string): void {
    requireSecrets(oldPuk, newPuk);
    const token = this.findToken(tokenSerial);
    this.closeSessionsOn(token);
    this.withRwSession(token, (handle) => {
      this.login(token, handle, 'so', oldPuk);
      try {
        this.call(() => token.module.api.C_SetPIN(handle, oldPuk, newPuk), {
          fn: 'C_SetPIN',
          role: 'so',
          tokenSerial,
          token,
        });
      } finally {
        logoutQuietly(token.module, handle);
      }
    });
    this.log('info', 'PUK changed', { token: tokenSerial });
  }

  shutdown(): void {
    for (const id of [...this.sessions.keys()]) this.closeSession(id);
    for (const module of this.modules) module.finalize();
    this.modules = [];
  }

  /**
   * Present, initialised tokens of every module. With `rescan`, idle modules whose slot list only changes in
   * C_Initialize (SoftHSM2, openCryptoki) are re-initialised first so tokens added since show up; a module with
   * an open signing session is left alone and catches up once the session closes.
   */
  private presentTokens(rescan: boolean): PresentToken[] {
    if (this.modules.length === 0) {
      throw new TokenError('MODULE_NOT_FOUND', {
        detail: { reason: `none of ${this.reports.length} candidate paths loaded` },
      });
    }
    const tokens: PresentToken[] = [];
    for (const module of this.modules) {
      if (rescan && module.slotListIsStatic) this.refresh(module);
      let slots: Buffer[];
      try {
        slots = module.api.C_GetSlotList(true);
      } catch (error) {
        this.log('warn', 'C_GetSlotList failed', { module: module.name, ckr: ckrName(error) });
        continue;
      }
      for (const slot of slots) {
        const info = readTokenInfo(module, slot);
        if (info) tokens.push({ module, slot, info });
      }
    }
    return tokens;
  }

  private refresh(module: LoadedModule): void {
    try {
      module.reinitialize();
    } catch (error) {
      this.log('warn', 'module re-initialisation failed', {
        module: module.name,
        ckr: ckrName(error),
      });
    }
  }

  private findToken(serial: string): PresentToken {
    const find = (rescan: boolean) =>
      this.presentTokens(rescan).find((token) => token.info.serial === serial);
    const token = find(false) ?? find(true);
    if (!token) throw new TokenError('TOKEN_NOT_PRESENT', { tokenSerial: serial });
    return token;
  }

  private certificatesOn(token: PresentToken): CertificateInfo[] {
    const { module, slot, info } = token;
    const handle = this.call(() => module.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION), {
      fn: 'C_OpenSession',
      tokenSerial: info.serial,
    });
    try {
      const keyIds = new Set<string>();
      for (const objectClass of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY]) {
        for (const key of this.findObjects(module, handle, [
          { type: pkcs11js.CKA_CLASS, value: objectClass },
        ])) {
          keyIds.add(this.readId(module, handle, key));
        }
      }
      const certificates: CertificateInfo[] = [];
      const seen = new Set<string>();
      const certHandles = this.findObjects(module, handle, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      ]);
      for (const certHandle of certHandles) {
        const [id, label, value] = module.api.C_GetAttributeValue(handle, certHandle, [
          { type: pkcs11js.CKA_ID },
          { type: pkcs11js.CKA_LABEL },
          { type: pkcs11js.CKA_VALUE },
        ]);
        const ckaId = Buffer.isBuffer(id?.value) ? id.value.toString('hex') : '';
        const der = Buffer.isBuffer(value?.value) ? new Uint8Array(value.value) : undefined;
        if (!der) continue;
        try {
          const certificate = describeCertificate({
            tokenSerial: info.serial,
            tokenLabel: info.label,
            moduleName: module.name,
            ckaId,
            label: Buffer.isBuffer(label?.value) ? label.value.toString('utf8') : '',
            der,
            hasPrivateKey: ckaId !== '' && keyIds.has(ckaId),
          });
          // Two certificates for one key (a renewal on the same key pair) would share an id: keep them apart.
          if (seen.has(certificate.id))
            certificate.id = `${certificate.id}:${certificate.fingerprintSha256.slice(0, 16)}`;
          seen.add(certificate.id);
          certificates.push(certificate);
        } catch (error) {
          const reason =
            error instanceof UnsupportedKeyError ? error.message : 'unparseable certificate';
          this.log('warn', 'certificate skipped', { token: info.serial, ckaId, reason });
        }
      }
      return certificates;
    } finally {
      closeQuietly(module, handle);
    }
  }

  private readId(module: LoadedModule, session: Buffer, object: Buffer): string {
    const [id] = module.api.C_GetAttributeValue(session, object, [{ type: pkcs11js.CKA_ID }]);
    return Buffer.isBuffer(id?.value) ? id.value.toString('hex') : '';
  }

  private findObjects(
    module: LoadedModule,
    session: Buffer,
    template: pkcs11js.Template,
  ): Buffer[] {
    module.api.C_FindObjectsInit(session, template);
    try {
      const found: Buffer[] = [];
      for (
        let batch = module.api.C_FindObjects(session, 64);
        batch.length > 0;
        batch = module.api.C_FindObjects(session, 64)
      ) {
        found.push(...batch);
      }
      return found;
    } finally {
      module.api.C_FindObjectsFinal(session);
    }
  }

  private findObject(
    module: LoadedModule,
    session: Buffer,
    template: pkcs11js.Template,
  ): Buffer | undefined {
    return this.findObjects(module, session, template)[0];
  }

  /**
   * C_Login. When the application is already logged in (another signing session on the same token) the PIN is
   * still checked, by logging out and in again, so a wrong PIN never passes. Returns whether the caller may log
   * out when done: not when other sessions rely on the login.
   */
  private login(
    token: PresentToken,
    session: Buffer,
    role: Exclude<Role, 'none'>,
    pin: string | null,
  ): boolean {
    const userType = role === 'so' ? pkcs11js.CKU_SO : pkcs11js.CKU_USER;
    // pkcs11js cannot pass a NULL PIN; an empty one (length 0) is what PIN-pad drivers such as OpenSC take as
    // "ask on the reader".
    const attempt = () => token.module.api.C_Login(session, userType, pin ?? '');
    try {
      attempt();
      return true;
    } catch (error) {
      if (ckrName(error) !== 'CKR_USER_ALREADY_LOGGED_IN')
        throw this.pinFailure(token, error, role, 'C_Login');
    }
    try {
      token.module.api.C_Logout(session);
      attempt();
      return false;
    } catch (error) {
      throw this.pinFailure(token, error, role, 'C_Login');
    }
  }

  private pinFailure(
    token: PresentToken,
    error: unknown,
    role: Exclude<Role, 'none'>,
    fn: string,
  ): TokenError {
    const flags = this.tokenFlags(token);
    return toTokenError(error, {
      role,
      fn,
      tokenSerial: token.info.serial,
      ...(flags === undefined ? {} : { pinState: pinStateFromFlags(flags, role) }),
    });
  }

  private tokenFlags(token: PresentToken): number | undefined {
    try {
      return token.module.api.C_GetTokenInfo(token.slot).flags;
    } catch {
      return undefined;
    }
  }

  private call<T>(
    fn: () => T,
    context: {
      fn: string;
      role?: Exclude<Role, 'none'>;
      tokenSerial: string;
      token?: PresentToken;
    },
  ): T {
    try {
      return fn();
    } catch (error) {
      if (context.token && context.role)
        throw this.pinFailure(context.token, error, context.role, context.fn);
      throw toTokenError(error, { fn: context.fn, tokenSerial: context.tokenSerial });
    }
  }

  private withRwSession(token: PresentToken, work: (session: Buffer) => void): void {
    const { module, slot, info } = token;
    const open = () =>
      this.call(
        () => module.api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION),
        { fn: 'C_OpenSession', tokenSerial: info.serial },
      );
    let handle = open();
    try {
      try {
        work(handle);
      } catch (error) {
        // An SO login fails while any read-only session of this application is open on the token (a session
        // another part of this process opened): close them all and try once more.
        if (!(error instanceof TokenError) || error.detail?.ckr !== 'CKR_SESSION_READ_ONLY_EXISTS')
          throw error;
        this.log('warn', 'read-only sessions open on the token; closing them', {
          token: info.serial,
        });
        module.api.C_CloseAllSessions(slot);
        handle = open();
        work(handle);
      }
    } finally {
      closeQuietly(module, handle);
    }
  }

  private closeSessionsOn(token: PresentToken): void {
    for (const session of [...this.sessions.values()]) {
      if (session.module === token.module && session.slot.equals(token.slot))
        this.closeSession(session.id);
    }
  }

  private schemesFor(
    module: LoadedModule,
    slot: Buffer,
    certificate: CertificateInfo,
  ): SignatureScheme[] {
    const available = new Set(module.api.C_GetMechanismList(slot));
    if (certificate.keyAlgorithm.name === 'EC')
      return available.has(pkcs11js.CKM_ECDSA) ? ['ECDSA'] : [];
    const schemes: SignatureScheme[] = [];
    if (available.has(pkcs11js.CKM_RSA_PKCS)) schemes.push('RSA-PKCS1');
    if (available.has(pkcs11js.CKM_RSA_PKCS_PSS)) schemes.push('RSA-PSS');
    return schemes;
  }

  private signingMechanism(
    session: SigningState,
    hash: HashAlgorithm,
    scheme: SignOptions['scheme'],
    digest: Uint8Array,
  ): { mechanism: pkcs11js.Mechanism; data: Buffer; ec: boolean } {
    const unsupported = (reason: string) =>
      new TokenError('MECHANISM_UNSUPPORTED', {
        tokenSerial: session.certificate.tokenSerial,
        detail: { reason },
      });
    if (session.certificate.keyAlgorithm.name === 'EC') {
      if (scheme && scheme !== 'pkcs1')
        throw new TokenError('INVALID_ARGUMENT', {
          detail: { reason: `scheme ${scheme} is for RSA keys` },
        });
      if (!session.mechanisms.includes('ECDSA')) throw unsupported('the token offers no CKM_ECDSA');
      return { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, data: Buffer.from(digest), ec: true };
    }
    if (scheme === 'pss') {
      if (!session.mechanisms.includes('RSA-PSS'))
        throw unsupported('the token offers no CKM_RSA_PKCS_PSS');
      const parameter: pkcs11js.RsaPSS = {
        type: pkcs11js.CK_PARAMS_RSA_PSS,
        hashAlg: CKM_HASH[hash],
        mgf: CKG_MGF1[hash],
        saltLen: DIGEST_LENGTH[hash],
      };
      return {
        mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter },
        data: Buffer.from(digest),
        ec: false,
      };
    }
    if (scheme !== undefined && scheme !== 'pkcs1')
      throw new TokenError('INVALID_ARGUMENT', {
        detail: { reason: `unknown scheme ${String(scheme)}` },
      });
    if (!session.mechanisms.includes('RSA-PKCS1'))
      throw unsupported('the token offers no CKM_RSA_PKCS');
    return {
      mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS },
      data: digestInfo(hash, digest),
      ec: false,
    };
  }

  /**
   * A signing call failed: if the token is gone (or another one sits in its slot) the session is dead, report
   * TOKEN_REMOVED and forget it; otherwise map the CKR code.
   */
  private sessionFailure(session: SigningState, error: unknown, fn: string): TokenError {
    const serial = session.certificate.tokenSerial;
    const present = readTokenInfo(session.module, session.slot);
    if (!present || present.serial !== serial) {
      this.closeSession(session.id);
      return new TokenError('TOKEN_REMOVED', {
        tokenSerial: serial,
        detail: { fn, ...(ckrName(error) ? { ckr: ckrName(error) } : {}) },
      });
    }
    if (!this.isLoggedIn(session)) {
      // Another session's failed PIN check (or a PIN change elsewhere) logged the token out: this login is gone.
      this.closeSession(session.id);
      return new TokenError('SESSION_CLOSED', {
        tokenSerial: serial,
        detail: {
          fn,
          reason: 'the token was logged out',
          ...(ckrName(error) ? { ckr: ckrName(error) } : {}),
        },
      });
    }
    const mapped = toTokenError(error, { fn, tokenSerial: serial, inSession: true });
    if (mapped.code === 'SESSION_CLOSED') this.closeSession(session.id);
    return mapped;
  }

  private isLoggedIn(session: SigningState): boolean {
    try {
      const { state } = session.module.api.C_GetSessionInfo(session.handle);
      return state === CKS_RO_USER_FUNCTIONS || state === CKS_RW_USER_FUNCTIONS;
    } catch {
      return false;
    }
  }
}

/** PIN and PUK arguments must be non-empty strings; the message names no value. */
function requireSecrets(...secrets: unknown[]): void {
  if (secrets.some((secret) => typeof secret !== 'string' || secret.length === 0)) {
    throw new TokenError('INVALID_ARGUMENT', {
      detail: { reason: 'PIN and PUK must be non-empty strings' },
    });
  }
}

function closeQuietly(module: LoadedModule, session: Buffer): void {
  try {
    module.api.C_CloseSession(session);
  } catch {
    // The session may already be gone with its token; nothing left to release.
  }
}

function logoutQuietly(module: LoadedModule, session: Buffer): void {
  try {
    module.api.C_Logout(session);
  } catch {
    // Not logged in any more (token removed, session closed): nothing to undo.
  }
}
