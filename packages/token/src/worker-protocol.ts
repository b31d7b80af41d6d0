import type { ModuleCandidate } from './discovery.js';
import type { SerializedTokenError } from './errors.js';
import type {
  CertificateInfo,
  ModuleReport,
  SignatureScheme,
  SignOptions,
  TokenInfo,
} from './types.js';

/** Messages between the main-thread TokenService and the PKCS#11 worker. PINs cross only inside `args`. */
export interface WorkerInit {
  candidates: ModuleCandidate[];
}

export interface OpenedSession {
  sessionId: number;
  certificate: CertificateInfo;
  mechanisms: SignatureScheme[];
}

export interface WorkerMethods {
  start(): { reports: ModuleReport[]; initMs: number };
  listTokens(): TokenInfo[];
  listCertificates(): CertificateInfo[];
  openSigningSession(certId: string, pin: string | null): OpenedSession;
  signDigest(sessionId: number, digest: Uint8Array, options: SignOptions): Uint8Array;
  closeSession(sessionId: number): void;
  changePin(tokenSerial: string, oldPin: string, newPin: string): void;
  unlockPin(tokenSerial: string, puk: string, newPin: string): void;
  changePuk(tokenSerial: string, oldPuk: string, newPuk: string): void;
  shutdown(): void;
}

export type WorkerMethod = keyof WorkerMethods;

export interface WorkerRequest<M extends WorkerMethod = WorkerMethod> {
  id: number;
  method: M;
  args: Parameters<WorkerMethods[M]>;
}

export type WorkerResponse =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | {
      kind: 'result';
      id: number;
      ok: false;
      error: SerializedTokenError | { name: string; message: string };
    }
  | {
      kind: 'log';
      level: 'debug' | 'info' | 'warn' | 'error';
      msg: string;
      data?: Record<string, unknown>;
    };
