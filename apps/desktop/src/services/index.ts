import { mkdirSync } from 'node:fs';
import type { ApiClientOptions, SubmissionGuard } from '@eimza/client';
import { stateDir as defaultStateDir } from '@eimza/state';
import { openTokenService, type TokenService } from '@eimza/token';
import type { AppEvent, Language, MainHandlers } from '../shared/ipc.js';
import { appInfo } from './app-info.js';
import { parseDeepLink } from './deep-link.js';
import { logFieldsOf, toIpcError } from './errors.js';
import { createDiagnosticsService } from './diagnostics.js';
import { createMainHandlers } from './handlers.js';
import { createDesktopLogger } from './logger.js';
import { createPinOperations, listTokenViews } from './pin-operations.js';
import { openSettingsStore } from './settings.js';
import { SigningController } from './signing-session.js';
import { TokenHost, probeModule, type OpenTokens } from './token-host.js';

export interface DesktopServicesOptions {
  /** Environment: EIMZA_STATE_DIR, LANG, EIMZA_API_URL, EIMZA_PKCS11_MODULE, SOFTHSM2_CONF. */
  env?: NodeJS.ProcessEnv;
  /** Main → renderer events. */
  emit: (event: AppEvent) => void;
  /** A token service the caller owns (tests); otherwise one is opened with the settings' module paths. */
  tokens?: TokenService;
  /** How to open the token service for a set of extra module paths; default openTokenService. */
  openTokens?: OpenTokens;
  /** Card watcher poll interval; default 1000 ms. */
  watchIntervalMs?: number;
  /** API client settings besides the origin (tests shorten the retries). */
  api?: Omit<ApiClientOptions, 'baseUrl'>;
  /** After a lost submission answer, how long to wait before re-reading the challenge. */
  outcomeRecheckDelayMs?: number;
  /** Default: the process-wide guard (one submission per code). */
  guard?: SubmissionGuard;
  logLevel?: string;
}

export interface DesktopServices {
  handlers: MainHandlers;
  /** An `eimza://sign?…` link from the OS: pushes `deep-link` or `deep-link-invalid`. */
  openDeepLink(url: string): void;
  close(): Promise<void>;
}

/** The main process's services: settings, tokens and their watcher, the signing session, PIN operations, the log. */
export async function createDesktopServices(
  options: DesktopServicesOptions,
): Promise<DesktopServices> {
  const env = options.env ?? process.env;
  const dir = defaultStateDir(env);
  mkdirSync(dir, { recursive: true });
  const logger = createDesktopLogger(dir, options.logLevel);
  const settings = openSettingsStore({ stateDir: dir, env, logger });
  const language = (): Language => settings.get().language;

  const emit = (event: AppEvent): void => {
    try {
      options.emit(event);
    } catch (error) {
      logger.error({ event: event.type, ...logFieldsOf(error) }, 'event listener threw');
    }
  };

  // The closures below run only after `host` is set: the watcher reports from a later tick.
  const tokens = (): TokenService => host.current();
  const signing = new SigningController({
    tokens,
    language,
    publish: (snapshot) => emit({ type: 'signing', snapshot }),
    logger,
    ...(options.api ? { api: options.api } : {}),
    ...(options.outcomeRecheckDelayMs !== undefined
      ? { outcomeRecheckDelayMs: options.outcomeRecheckDelayMs }
      : {}),
    ...(options.guard ? { guard: options.guard } : {}),
  });
  const emitTokens = (): void => {
    listTokenViews(tokens())
      .then((views) => emit({ type: 'tokens', tokens: views }))
      .catch((error: unknown) => logger.warn(logFieldsOf(error), 'token listing failed'));
  };

  const host = await TokenHost.open({
    ...(options.tokens ? { fixed: options.tokens } : {}),
    open: options.openTokens ?? ((modulePaths) => openTokenService({ modulePaths, env, logger })),
    probe: (path) => probeModule(path, env, logger),
    modulePaths: settings.get().modulePaths,
    watchIntervalMs: options.watchIntervalMs ?? 1000,
    onTokensChanged: () => {
      emitTokens();
      signing.tokensChanged();
    },
    logger,
  });

  const pins = createPinOperations({
    tokens,
    logger,
    onTokenUpdated: (view) => {
      signing.tokenUpdated(view);
      emitTokens();
    },
  });

  const handlers = createMainHandlers({
    settings,
    applySettings: (next) => host.setModulePaths(next.modulePaths),
    settingsSaved: (saved) => emit({ type: 'settings', settings: saved }),
    signing,
    pins,
    tokens,
    appInfo: () => appInfo(dir),
    logger,
    diagnostics: createDiagnosticsService({
      tokens,
      env,
      apiOrigin: () => settings.get().defaultApiOrigin,
      language,
    }),
  });

  logger.info({ stateDir: dir, language: language() }, 'desktop services started');
  return {
    handlers,
    openDeepLink(url) {
      try {
        const link = parseDeepLink(url);
        logger.info({ apiOrigin: link.apiOrigin }, 'deep link');
        emit({ type: 'deep-link', link });
      } catch (error) {
        logger.warn(logFieldsOf(error), 'deep link refused');
        emit({ type: 'deep-link-invalid', error: toIpcError(error, language()) });
      }
    },
    async close() {
      signing.close();
      await host.close();
      logger.info('desktop services closed');
      logger.flush();
    },
  };
}

export { isTrustedSender } from './sender.js';
export { findDeepLink, parseDeepLink, DEEP_LINK_SCHEME } from './deep-link.js';
export { checkOrigin, isSecureOrigin, normaliseOrigin, originForSigning } from './origins.js';
export {
  createMainHandlers,
  type DiagnosticsService,
  type HandlerDependencies,
} from './handlers.js';
export { DesktopError, toIpcError } from './errors.js';
export { desktopMessage } from './messages.js';
export {
  openSettingsStore,
  defaultSettings,
  validateSettings,
  SETTINGS_FILE,
  LOCAL_API_ORIGIN,
  type SettingsStore,
} from './settings.js';
export { certificateView, tokenView, commonNameOf, keyAlgorithmLabel, expiryOf } from './views.js';
export { LOG_FILE, createDesktopLogger } from './logger.js';
export { SigningController } from './signing-session.js';
export { createPinOperations, listTokenViews, type PinOperations } from './pin-operations.js';
