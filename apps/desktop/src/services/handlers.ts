import { Value } from '@sinclair/typebox/value';
import { isValidVerificationCode, normaliseVerificationCode } from '@eimza/protocol';
import { ClientError } from '@eimza/client';
import type { TokenService } from '@eimza/token';
import type { Logger } from 'pino';
import type {
  AppInfo,
  Channel,
  DiagnosticsView,
  IpcResult,
  Language,
  MainHandlers,
  RequestOf,
  ResponseOf,
  Settings,
} from '../shared/ipc.js';
import { DesktopError, logFieldsOf, toIpcError } from './errors.js';
import { REQUEST_SCHEMAS } from './ipc-schemas.js';
import { checkOrigin, originForSigning } from './origins.js';
import { listTokenViews, type PinOperations } from './pin-operations.js';
import { validateSettings, type SettingsStore, type SettingsUpdate } from './settings.js';
import type { SigningController } from './signing-session.js';

/** The Tanılama screen's service (diagnostics.ts). */
export interface DiagnosticsService {
  run(): Promise<DiagnosticsView>;
  saveBundle(): Promise<{ path: string; files: string[] }>;
}

export interface HandlerDependencies {
  settings: SettingsStore;
  /**
   * Puts checked settings into effect before they are saved (re-opens the token service on new
   * module paths); a throw refuses the change and nothing is saved.
   */
  applySettings: (settings: Settings) => Promise<void>;
  /** Saved settings (the renderer is told). */
  settingsSaved: (settings: Settings) => void;
  signing: SigningController;
  pins: PinOperations;
  tokens: () => TokenService;
  appInfo: () => AppInfo;
  logger: Logger;
  diagnostics: DiagnosticsService;
}

/**
 * One handler per IPC channel. Each checks its request's shape (INVALID_REQUEST, without echoing
 * the values), runs, and answers `{ ok, value }` or `{ ok: false, error }` with the message in the
 * settings' language. Nothing a handler throws escapes; no PIN or PUK reaches the log.
 */
export function createMainHandlers(deps: HandlerDependencies): MainHandlers {
  const language = (): Language => deps.settings.get().language;

  function handle<C extends Channel>(
    channel: C,
    run: (request: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>,
  ): (request: unknown) => Promise<IpcResult<ResponseOf<C>>> {
    return async (request) => {
      const started = performance.now();
      try {
        if (!Value.Check(REQUEST_SCHEMAS[channel], request)) {
          const first = Value.Errors(REQUEST_SCHEMAS[channel], request).First();
          throw new DesktopError('INVALID_REQUEST', { detail: first?.path || '/' });
        }
        const value = await run(request as RequestOf<C>);
        deps.logger.debug({ channel, ms: Math.round(performance.now() - started) }, 'ipc ok');
        return { ok: true, value };
      } catch (error) {
        deps.logger.info(
          { channel, ms: Math.round(performance.now() - started), ...logFieldsOf(error) },
          'ipc failed',
        );
        return { ok: false, error: toIpcError(error, language()) };
      }
    };
  }

  return {
    'app:info': handle('app:info', () => deps.appInfo()),
    'settings:get': handle('settings:get', () => deps.settings.get()),
    'settings:update': handle('settings:update', async (request) => {
      const change = request as SettingsUpdate;
      const previous = deps.settings.get();
      await deps.applySettings(validateSettings({ ...previous, ...change }));
      let saved: Settings;
      try {
        saved = deps.settings.update(change);
      } catch (error) {
        await deps
          .applySettings(previous)
          .catch((undo: unknown) =>
            deps.logger.warn(logFieldsOf(undo), 'settings not saved and not undone'),
          );
        throw error;
      }
      deps.settingsSaved(saved);
      return saved;
    }),
    'origins:check': handle('origins:check', ({ origin }) =>
      checkOrigin(origin, deps.settings.get().allowedOrigins),
    ),
    'signing:start': handle('signing:start', ({ code, apiOrigin, confirmedOrigin }) => {
      const origin = originForSigning(
        apiOrigin,
        deps.settings.get().allowedOrigins,
        confirmedOrigin === true,
      );
      const normalised = normaliseVerificationCode(code);
      if (!isValidVerificationCode(normalised)) throw new ClientError('MALFORMED_CODE');
      return deps.signing.start(normalised, origin);
    }),
    'signing:snapshot': handle('signing:snapshot', () => deps.signing.snapshot()),
    'signing:refresh': handle('signing:refresh', () => deps.signing.refresh()),
    'signing:select': handle('signing:select', ({ certificateId }) =>
      deps.signing.select(certificateId),
    ),
    'signing:accept': handle('signing:accept', () => deps.signing.accept()),
    'signing:decline': handle('signing:decline', () => deps.signing.decline()),
    'signing:sign': handle('signing:sign', ({ certificateId, pin }) =>
      deps.signing.sign(certificateId, pin),
    ),
    'signing:resubmit': handle('signing:resubmit', () => deps.signing.resubmit()),
    'signing:cancel': handle('signing:cancel', () => deps.signing.cancel()),
    'signing:reset': handle('signing:reset', () => deps.signing.reset()),
    'tokens:list': handle('tokens:list', () => listTokenViews(deps.tokens())),
    'pin:change': handle('pin:change', ({ tokenSerial, oldPin, newPin }) =>
      deps.pins.changePin(tokenSerial, oldPin, newPin),
    ),
    'pin:unlock': handle('pin:unlock', ({ tokenSerial, puk, newPin }) =>
      deps.pins.unlockPin(tokenSerial, puk, newPin),
    ),
    'pin:change-puk': handle('pin:change-puk', ({ tokenSerial, oldPuk, newPuk }) =>
      deps.pins.changePuk(tokenSerial, oldPuk, newPuk),
    ),
    'diagnostics:run': handle('diagnostics:run', () => deps.diagnostics.run()),
    'diagnostics:save-bundle': handle('diagnostics:save-bundle', () =>
      deps.diagnostics.saveBundle(),
    ),
  };
}
