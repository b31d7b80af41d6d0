import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { softHsmConfPath } from '@eimza/state';
import { pino, type Logger } from 'pino';
import {
  findCardsJson,
  loadCardsCatalog,
  moduleCandidates,
  type CardsCatalog,
} from './discovery.js';
import { TokenError } from './errors.js';
import { pinLibraries } from './library-pins.js';
import { NODE_HASH_NAME } from './signature-formats.js';
import type {
  CertificateInfo,
  ModuleReport,
  SignatureScheme,
  SigningSession,
  SignOptions,
  TokenEvent,
  TokenInfo,
  TokenService,
  TokenServiceOptions,
  WatchOptions,
} from './types.js';
import { WorkerClient } from './worker-client.js';

/**
 * Starts the PKCS#11 worker, loads every module discovery finds (EIMZA_PKCS11_MODULE, options.modulePaths,
 * resources/cards.json, well-known paths) and returns the main-thread service. Never throws for a module that
 * fails to load: `modules()` says what was tried and why it failed.
 */
export async function openTokenService(options: TokenServiceOptions = {}): Promise<TokenService> {
  const env = options.env ?? process.env;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'token' });
  applySoftHsmConf(env, logger);

  const catalog = readCatalog(options, env, logger);
  const candidates = moduleCandidates({
    env,
    ...(options.modulePaths ? { modulePaths: options.modulePaths } : {}),
    ...(options.explicitOnly ? { explicitOnly: true } : {}),
    ...(catalog ? { catalog } : {}),
  });
  pinLibraries(candidates.map((candidate) => candidate.path));
  const client = new WorkerClient({ candidates }, logger, options.workerUrl);
  let started: { reports: ModuleReport[]; initMs: number };
  try {
    started = await client.call('start');
  } catch (error) {
    await client.terminate();
    throw error;
  }
  const loaded = started.reports.filter((report) => report.loaded);
  logger.info(
    {
      loaded: loaded.map((report) => report.path),
      tried: started.reports.length,
      initMs: Math.round(started.initMs),
    },
    'token service started',
  );
  return new WorkerTokenService(client, started.reports, logger);
}

/**
 * SoftHSM2 reads SOFTHSM2_CONF from the OS environment in C_Initialize, and a worker's process.env is only a
 * copy: so the variable is set here, in the main thread, before the worker starts. Default: the project's own
 * SoftHSM2 configuration (@eimza/state) when it exists, never the system one.
 */
function applySoftHsmConf(env: NodeJS.ProcessEnv, logger: Logger): void {
  const conf =
    env.SOFTHSM2_CONF ?? (existsSync(softHsmConfPath(env)) ? softHsmConfPath(env) : undefined);
  if (conf && process.env.SOFTHSM2_CONF !== conf) {
    process.env.SOFTHSM2_CONF = conf;
    logger.debug({ softhsm2Conf: conf }, 'SOFTHSM2_CONF set');
  }
}

function readCatalog(
  options: TokenServiceOptions,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): CardsCatalog | undefined {
  if (options.explicitOnly) return undefined;
  const path = findCardsJson(options.cardsJsonPath, env);
  if (!path) {
    logger.warn('resources/cards.json not found; using well-known module paths only');
    return undefined;
  }
  try {
    return loadCardsCatalog(path);
  } catch (error) {
    logger.warn(
      { path, error: error instanceof Error ? error.message : String(error) },
      'cards.json unreadable',
    );
    return undefined;
  }
}

const DEFAULT_WATCH_INTERVAL_MS = 1000;

class WorkerTokenService implements TokenService {
  private closed = false;
  private readonly stopWatchers = new Set<() => void>();
  private readonly sessions = new Set<RemoteSigningSession>();
  private readonly onBeforeExit = () => void this.close();

  constructor(
    private readonly client: WorkerClient,
    private readonly reports: ModuleReport[],
    private readonly logger: Logger,
  ) {
    // Finalise the modules when the program runs out of work without calling close().
    process.once('beforeExit', this.onBeforeExit);
  }

  modules(): ModuleReport[] {
    return this.reports.map((report) => ({ ...report }));
  }

  listTokens(): Promise<TokenInfo[]> {
    this.assertUsable();
    return this.client.call('listTokens');
  }

  listCertificates(): Promise<CertificateInfo[]> {
    this.assertUsable();
    return this.client.call('listCertificates');
  }

  async openSigningSession(certId: string, pin: string | null): Promise<SigningSession> {
    this.assertUsable();
    const opened = await this.client.call('openSigningSession', certId, pin);
    const session = new RemoteSigningSession(
      this.client,
      opened.sessionId,
      opened.certificate,
      opened.mechanisms,
      () => this.sessions.delete(session),
    );
    this.sessions.add(session);
    return session;
  }

  async changePin(tokenSerial: string, oldPin: string, newPin: string): Promise<void> {
    this.assertUsable();
    await this.client.call('changePin', tokenSerial, oldPin, newPin);
  }

  async unlockPin(tokenSerial: string, puk: string, newPin: string): Promise<void> {
    this.assertUsable();
    await this.client.call('unlockPin', tokenSerial, puk, newPin);
    this.forgetSessionsOf(tokenSerial);
  }

  async changePuk(tokenSerial: string, oldPuk: string, newPuk: string): Promise<void> {
    this.assertUsable();
    await this.client.call('changePuk', tokenSerial, oldPuk, newPuk);
    this.forgetSessionsOf(tokenSerial);
  }

  watch(listener: (event: TokenEvent) => void, options: WatchOptions = {}): () => void {
    this.assertUsable();
    const intervalMs = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
    let known = new Map<string, TokenInfo>();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;

    const emit = (event: TokenEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'token watch listener threw',
        );
      }
    };
    const tick = async () => {
      try {
        const current = new Map(
          (await this.client.call('listTokens')).map((token) => [tokenKey(token), token]),
        );
        if (stopped) return;
        for (const [key, token] of known) if (!current.has(key)) emit({ type: 'removed', token });
        for (const [key, token] of current) if (!known.has(key)) emit({ type: 'inserted', token });
        known = current;
      } catch (error) {
        if (stopped) return;
        this.logger.debug(
          { code: error instanceof TokenError ? error.code : undefined },
          'token poll failed',
        );
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      this.stopWatchers.delete(stop);
    };
    this.stopWatchers.add(stop);
    void tick();
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('beforeExit', this.onBeforeExit);
    for (const stop of [...this.stopWatchers]) stop();
    for (const session of this.sessions) session.markClosed();
    this.sessions.clear();
    try {
      await this.client.call('shutdown');
    } catch (error) {
      this.logger.warn(
        { code: error instanceof TokenError ? error.code : undefined },
        'token worker shutdown failed',
      );
    }
    await this.client.terminate();
    this.logger.info('token service closed');
  }

  private assertUsable(): void {
    if (this.closed)
      throw new TokenError('SESSION_CLOSED', { detail: { reason: 'the token service is closed' } });
  }

  /** The worker closed this token's signing sessions before an SO login; mirror that here. */
  private forgetSessionsOf(tokenSerial: string): void {
    for (const session of [...this.sessions]) {
      if (session.certificate.tokenSerial === tokenSerial) session.markClosed();
    }
  }
}

function tokenKey(token: TokenInfo): string {
  return `${token.modulePath}\u0000${token.slotId}\u0000${token.serial}`;
}

class RemoteSigningSession implements SigningSession {
  private closed = false;

  constructor(
    private readonly client: WorkerClient,
    private readonly sessionId: number,
    readonly certificate: CertificateInfo,
    private readonly schemes: SignatureScheme[],
    private readonly onClosed: () => void,
  ) {}

  mechanisms(): SignatureScheme[] {
    return [...this.schemes];
  }

  async signDigest(digest: Uint8Array, options: SignOptions): Promise<Uint8Array> {
    if (this.closed)
      throw new TokenError('SESSION_CLOSED', { tokenSerial: this.certificate.tokenSerial });
    try {
      return await this.client.call('signDigest', this.sessionId, digest, options);
    } catch (error) {
      if (
        error instanceof TokenError &&
        (error.code === 'TOKEN_REMOVED' || error.code === 'SESSION_CLOSED')
      )
        this.markClosed();
      throw error;
    }
  }

  signData(data: Uint8Array, options: SignOptions): Promise<Uint8Array> {
    const algorithm = NODE_HASH_NAME[options.hash];
    if (!algorithm)
      return Promise.reject(
        new TokenError('INVALID_ARGUMENT', {
          detail: { reason: `unsupported hash ${String(options.hash)}` },
        }),
      );
    return this.signDigest(createHash(algorithm).update(data).digest(), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed();
    await this.client.call('closeSession', this.sessionId);
  }

  markClosed(): void {
    this.closed = true;
    this.onClosed();
  }
}
