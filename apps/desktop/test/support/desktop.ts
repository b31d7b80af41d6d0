import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubmissionGuard } from '@eimza/client';
import type { TokenService } from '@eimza/token';
import { createDesktopServices, LOG_FILE, type DesktopServices } from '../../src/services/index.js';
import type {
  AppEvent,
  Channel,
  IpcResult,
  ResponseOf,
  SigningSnapshot,
} from '../../src/shared/ipc.js';

/** The desktop services as the renderer meets them, with every event and answer recorded. */
export interface Desktop {
  services: DesktopServices;
  stateDir: string;
  events: AppEvent[];
  answers: unknown[];
  call<C extends Channel>(channel: C, request?: unknown): Promise<IpcResult<ResponseOf<C>>>;
  /** Calls and expects ok; the value. */
  value<C extends Channel>(channel: C, request?: unknown): Promise<ResponseOf<C>>;
  waitForEvent(match: (event: AppEvent) => boolean, timeoutMs?: number): Promise<AppEvent>;
  /** Runs synchronously as each event is pushed (the services wait for no one). */
  onEvent(listener: (event: AppEvent) => void): () => void;
  snapshots(): SigningSnapshot[];
  log(): string;
  close(): Promise<void>;
}

export async function startDesktop(options: {
  tokens?: TokenService;
  openTokens?: (modulePaths: string[]) => Promise<TokenService>;
  apiUrl: string;
  env?: NodeJS.ProcessEnv;
  watchIntervalMs?: number;
}): Promise<Desktop> {
  const stateDir = mkdtempSync(join(tmpdir(), 'eimza-desktop-'));
  const events: AppEvent[] = [];
  const answers: unknown[] = [];
  const waiters = new Set<() => void>();
  const listeners = new Set<(event: AppEvent) => void>();
  const services = await createDesktopServices({
    env: {
      EIMZA_STATE_DIR: stateDir,
      LANG: 'tr_TR.UTF-8',
      EIMZA_API_URL: options.apiUrl,
      ...options.env,
    },
    emit: (event) => {
      events.push(structuredClone(event));
      for (const listener of [...listeners]) listener(event);
      for (const check of [...waiters]) check();
    },
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.openTokens ? { openTokens: options.openTokens } : {}),
    watchIntervalMs: options.watchIntervalMs ?? 200,
    api: { retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 10_000 },
    outcomeRecheckDelayMs: 50,
    guard: new SubmissionGuard(),
  });
  const call = async <C extends Channel>(channel: C, request?: unknown) => {
    const handler = services.handlers[channel];
    if (!handler) throw new Error(`${channel} is not registered`);
    const answer = (await handler(request)) as IpcResult<ResponseOf<C>>;
    // Answers cross IPC as JSON: so must they here.
    answers.push(JSON.parse(JSON.stringify(answer)));
    return answer;
  };
  return {
    services,
    stateDir,
    events,
    answers,
    call,
    async value(channel, request) {
      const answer = await call(channel, request);
      if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
      return answer.value;
    },
    waitForEvent(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('timed out waiting for an event'));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshots: () => events.flatMap((e) => (e.type === 'signing' ? [e.snapshot] : [])),
    log: () => {
      const path = join(stateDir, LOG_FILE);
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
    async close() {
      await services.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Every place a secret could leak to: events, answers, the log file, the settings file. */
export function leakedSecrets(desktop: Desktop, secrets: readonly string[]): string[] {
  const haystack = [
    JSON.stringify(desktop.events),
    JSON.stringify(desktop.answers),
    desktop.log(),
  ].join('\n');
  return secrets.filter((secret) => haystack.includes(secret));
}
