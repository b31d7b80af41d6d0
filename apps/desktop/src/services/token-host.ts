import type { Logger } from 'pino';
import type { TokenEvent, TokenService } from '@eimza/token';

export type OpenTokens = (modulePaths: string[]) => Promise<TokenService>;

export interface TokenHostOptions {
  /** A service the caller owns: used as is, never re-opened or closed here. */
  fixed?: TokenService;
  open: OpenTokens;
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

  /** Loads the modules again when the extra module paths changed (a fixed service stays). */
  async setModulePaths(modulePaths: string[]): Promise<void> {
    if (this.options.fixed || this.closed) return;
    if (JSON.stringify(modulePaths) === JSON.stringify(this.modulePaths)) return;
    const next = await this.options.open(modulePaths);
    const previous = this.service;
    this.stopWatch?.();
    this.service = next;
    this.modulePaths = [...modulePaths];
    this.startWatching();
    this.options.logger.info({ modulePaths: modulePaths.length }, 'token service re-opened');
    await previous.close();
    this.options.onTokensChanged();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatch?.();
    if (!this.options.fixed) await this.service.close();
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
