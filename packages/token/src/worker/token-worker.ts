import { parentPort, workerData } from 'node:worker_threads';
import { TokenError } from '../errors.js';
import type {
  WorkerInit,
  WorkerMethod,
  WorkerMethods,
  WorkerRequest,
  WorkerResponse,
} from '../worker-protocol.js';
import { TokenEngine } from './engine.js';

/**
 * The PKCS#11 thread: owns every native call so a slow card (C_Initialize, C_Login, C_Sign on a real reader)
 * never stalls the caller's event loop. Requests run one at a time, in arrival order.
 */
const port = parentPort;
if (!port) throw new Error('token-worker must run as a worker thread');

const post = (message: WorkerResponse) => port.postMessage(message);
const engine = new TokenEngine((level, msg, data) =>
  post({ kind: 'log', level, msg, ...(data ? { data } : {}) }),
);
const { candidates } = workerData as WorkerInit;

const handlers: {
  [M in WorkerMethod]: (...args: Parameters<WorkerMethods[M]>) => ReturnType<WorkerMethods[M]>;
} = {
  start: () => engine.start(candidates),
  listTokens: () => engine.listTokens(),
  listCertificates: () => engine.listCertificates(),
  openSigningSession: (certId, pin) => engine.openSigningSession(certId, pin),
  signDigest: (sessionId, digest, options) => engine.signDigest(sessionId, digest, options),
  closeSession: (sessionId) => engine.closeSession(sessionId),
  changePin: (serial, oldPin, newPin) => engine.changePin(serial, oldPin, newPin),
  unlockPin: (serial, puk, newPin) => engine.unlockPin(serial, puk, newPin),
  changePuk: (serial, oldPuk, newPuk) => engine.changePuk(serial, oldPuk, newPuk),
  shutdown: () => engine.shutdown(),
};

port.on('message', (request: WorkerRequest) => {
  try {
    const handler = handlers[request.method] as (...args: unknown[]) => unknown;
    const value = handler(...request.args);
    post({ kind: 'result', id: request.id, ok: true, value });
    if (request.method === 'shutdown') port.close();
  } catch (error) {
    // Only PIN-free data leaves the worker: a TokenError's own fields, or the bare name and message of a bug.
    const serialized =
      error instanceof TokenError
        ? error.toJSON()
        : {
            name: error instanceof Error ? error.name : 'Error',
            message: error instanceof Error ? error.message : String(error),
          };
    post({ kind: 'result', id: request.id, ok: false, error: serialized });
  }
});
