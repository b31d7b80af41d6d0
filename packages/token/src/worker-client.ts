import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { TokenError, type SerializedTokenError } from './errors.js';
import type {
  WorkerInit,
  WorkerMethod,
  WorkerMethods,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: TokenError) => void;
}

/**
 * Where the worker entry lives. A bundle ships `token-worker.js` beside itself and runs it as is. From source
 * (tsx, vitest) the `.ts` entry needs tsx: on Node 20 a worker's `--import tsx` does not reach its own entry
 * module, so a small bootstrap registers tsx's loader inside the worker and then imports the entry.
 */
export function resolveWorkerEntry(explicit?: string | URL): {
  script: URL | string;
  eval: boolean;
} {
  const url = explicit
    ? explicit instanceof URL
      ? explicit
      : pathToFileURL(explicit)
    : bundledEntry();
  if (url && !url.pathname.endsWith('.ts')) return { script: url, eval: false };
  const entry = url ?? new URL('./worker/token-worker.ts', import.meta.url);
  const tsxApi = tsxEsmApiUrl();
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return { script: bootstrap, eval: true };
}

/** tsx's ESM register API (the `import` condition of `tsx/esm/api`, which require.resolve would not pick). */
function tsxEsmApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const relative = manifest.exports['./esm/api']?.import?.default;
  if (!relative) throw new Error('tsx does not export an ESM register API');
  return pathToFileURL(join(dirname(manifestPath), relative)).href;
}

function bundledEntry(): URL | undefined {
  const bundled = new URL('./token-worker.js', import.meta.url);
  return bundled.protocol === 'file:' && existsSync(fileURLToPath(bundled)) ? bundled : undefined;
}

/** Promise-based calls into the PKCS#11 worker; keeps the process alive only while a call is in flight. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  constructor(init: WorkerInit, logger: Logger, workerUrl?: string | URL) {
    const entry = resolveWorkerEntry(workerUrl);
    logger.debug(
      { workerEntry: entry.eval ? 'token-worker.ts through tsx' : String(entry.script) },
      'starting the token worker',
    );
    this.worker = new Worker(entry.script, { workerData: init, eval: entry.eval });
    this.worker.unref();
    this.worker.on('message', (message: WorkerResponse) => {
      if (message.kind === 'log') {
        logger[message.level](message.data ?? {}, message.msg);
        return;
      }
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.settle(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(revive(message.error));
    });
    this.worker.on('error', (error) => {
      logger.error({ error: error.message }, 'token worker failed');
      this.failAll(
        new TokenError('DEVICE_ERROR', {
          detail: { reason: 'the token worker stopped unexpectedly' },
        }),
      );
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.failAll(
        new TokenError('DEVICE_ERROR', { detail: { reason: 'the token worker has exited' } }),
      );
    });
  }

  call<M extends WorkerMethod>(
    method: M,
    ...args: Parameters<WorkerMethods[M]>
  ): Promise<ReturnType<WorkerMethods[M]>> {
    if (this.exited)
      return Promise.reject(
        new TokenError('DEVICE_ERROR', { detail: { reason: 'the token service is closed' } }),
      );
    const id = this.nextId++;
    // The error is rebuilt from a message: give it the caller's stack rather than this module's message handler.
    // Not for signatures: capturing a stack costs more than the signature itself on fast tokens (see the bench).
    const callSite = method === 'signDigest' ? undefined : new Error();
    return new Promise((resolve, reject) => {
      const rejectHere = (error: TokenError) => {
        if (callSite?.stack)
          error.stack = `${error.name}: ${error.message}\n${callSite.stack.split('\n').slice(1).join('\n')}`;
        reject(error);
      };
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject: rejectHere });
      if (this.pending.size === 1) this.worker.ref();
      const request: WorkerRequest<M> = { id, method, args };
      this.worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private failAll(error: TokenError): void {
    for (const [id, pending] of [...this.pending]) {
      this.settle(id);
      pending.reject(error);
    }
  }
}

function revive(error: SerializedTokenError | { name: string; message: string }): TokenError {
  if ('code' in error && error.name === 'TokenError') return TokenError.fromJSON(error);
  return new TokenError('DEVICE_ERROR', { detail: { reason: `${error.name}: ${error.message}` } });
}
