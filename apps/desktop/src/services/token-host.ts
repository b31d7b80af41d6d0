import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import {
  openTokenService,
  type ModuleReport,
  type TokenEvent,
  type TokenService,
} from '@eimza/token';
import { DesktopError, logFieldsOf } from './errors.js';
import { SerialQueue } from './serial.js';

export type OpenTokens = (modulePaths: string[]) => Promise<TokenService>;

/** What the token layer reports of one module path tried on its own. */
export type ProbeModule = (path: string) => Promise<ModuleReport>;

/**
 * Loads `path` alone in a throwaway token service and reports what happened. A library the app
 * already uses is found initialised and is not finalised again when the probe closes.
 */
export async function probeModule(
  path: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ModuleReport> {
  const { EIMZA_PKCS11_MODULE: _others, ...own } = env;
  const service = await openTokenService({
    explicitOnly: true,
    modulePaths: [path],
    env: own,
    logger,
  });
  try {
    const [report] = service.modules();
    if (!report) throw new Error('no module was tried');
    return report;
  } finally {
    await service.close();
  }
}

export interface TokenHostOptions {
  /** A service the caller owns: used as is, never re-opened or closed here. */
  fixed?: TokenService;
  open: OpenTokens;
  /** Checks a newly added module path before the running service is given up for it. */
  probe: ProbeModule;
  modulePaths: string[];
  watchIntervalMs: number;
  /** Called (coalesced) after cards were inserted or removed. */
  onTokensChanged: () => void;
  logger: Logger;
}

/**
 * Holds the app's one TokenService and its watcher. Re-opening with other module paths swaps the
 * service underneath: callers reach it through `current()` at call time, never keep it.
 */
export class TokenHost {
  private service: TokenService;
  private stopWatch?: () => void;
  private modulePaths: string[];
  private pending = false;
  private closed = false;
  /** Re-openings and the closing, one at a time: a service opened meanwhile is never left running. */
  private readonly queue = new SerialQueue();

  private constructor(
    service: TokenService,
    private readonly options: TokenHostOptions,
  ) {
    this.service = service;
    this.modulePaths = [...options.modulePaths];
    this.startWatching();
  }

  static async open(options: TokenHostOptions): Promise<TokenHost> {
    const service = options.fixed ?? (await options.open(options.modulePaths));
    return new TokenHost(service, options);
  }

  current(): TokenService {
    return this.service;
  }

  /**
   * Loads the modules again when the extra module paths changed (a fixed service stays). Every
   * added path is tried on its own first: one that does not load is refused as MODULE_NOT_FOUND
   * naming it, and the running service is kept as it is.
   */
  setModulePaths(modulePaths: string[]): Promise<void> {
    return this.queue.run(() => this.reopen(modulePaths));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.run(async () => {
      this.stopWatch?.();
      if (!this.options.fixed) await this.service.close();
    });
  }

  private async reopen(modulePaths: string[]): Promise<void> {
    if (this.options.fixed || this.closed) return;
    if (JSON.stringify(modulePaths) === JSON.stringify(this.modulePaths)) return;
    const added = modulePaths.filter((path) => !this.modulePaths.includes(path));
    for (const path of added) await this.checkModule(path);

    this.stopWatch?.();
    // Closed before the next one starts: a library both load is initialised once per process,
    // and the old service's C_Finalize would otherwise pull it from under the new one.
    await this.service.close();
    let failure: unknown;
    try {
      this.service = await this.options.open(modulePaths);
      this.modulePaths = [...modulePaths];
    } catch (error) {
      failure = error;
      this.service = await this.options.open(this.modulePaths);
    }
    this.startWatching();
    if (failure !== undefined) {
      this.options.logger.warn(
        logFieldsOf(failure),
        'token service not re-opened; previous module paths kept',
      );
      throw new DesktopError('MODULE_NOT_FOUND', {
        ...(added.length > 0 ? { params: { path: added.join(', '), reason: 'unusable' } } : {}),
        detail: logFieldsOf(failure).code,
      });
    }
    this.options.logger.info({ modulePaths: modulePaths.length }, 'token service re-opened');
    this.options.onTokensChanged();
  }

  private async checkModule(path: string): Promise<void> {
    let report: ModuleReport | undefined;
    try {
      report = await this.options.probe(path);
    } catch (error) {
      this.options.logger.warn({ path, ...logFieldsOf(error) }, 'module probe failed');
    }
    if (report?.loaded) return;
    this.options.logger.warn({ path, error: report?.error }, 'extra module refused');
    throw new DesktopError('MODULE_NOT_FOUND', {
      params: { path, reason: existsSync(path) ? 'unusable' : 'missing' },
      detail: report?.error ?? 'probe failed',
    });
  }

  private startWatching(): void {
    this.stopWatch = this.service.watch((event) => this.onEvent(event), {
      intervalMs: this.options.watchIntervalMs,
    });
  }

  private onEvent(event: TokenEvent): void {
    this.options.logger.info(
      { event: event.type, token: event.token.label, module: event.token.moduleName },
      'token event',
    );
    // One poll reports every change at once: tell the app once.
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.closed) this.options.onTokensChanged();
    });
  }
}
