import { isTokenError, type TokenInfo, type TokenService } from '@eimza/token';
import type { Logger } from 'pino';
import type { TokenView } from '../shared/ipc.js';
import { DesktopError, fromTokenError, logFieldsOf } from './errors.js';
import { tokenView } from './views.js';

export interface PinOperationsOptions {
  tokens: () => TokenService;
  logger: Logger;
  /** Told after every successful operation, with the token's fresh view. */
  onTokenUpdated: (token: TokenView) => void;
}

type Operation = 'change-pin' | 'unlock-pin' | 'change-puk';

/** Sertifika İşlemleri: PIN change, PIN unlock with the PUK, PUK change. Secrets are passed on, never kept. */
export interface PinOperations {
  changePin(tokenSerial: string, oldPin: string, newPin: string): Promise<TokenView>;
  unlockPin(tokenSerial: string, puk: string, newPin: string): Promise<TokenView>;
  changePuk(tokenSerial: string, oldPuk: string, newPuk: string): Promise<TokenView>;
}

/** All current tokens with their certificates, as the renderer shows them. */
export async function listTokenViews(tokens: TokenService): Promise<TokenView[]> {
  const [infos, certificates] = await Promise.all([tokens.listTokens(), tokens.listCertificates()]);
  const now = new Date();
  return infos.map((token) => tokenView(token, certificates, now));
}

export function createPinOperations(options: PinOperationsOptions): PinOperations {
  async function tokenBySerial(serial: string): Promise<TokenInfo> {
    const token = (await options.tokens().listTokens()).find((t) => t.serial === serial);
    if (!token)
      throw new DesktopError('TOKEN_NOT_PRESENT', { detail: 'no token with that serial' });
    return token;
  }

  function checkLength(token: TokenInfo, secret: string): void {
    const { minPinLength: min, maxPinLength: max } = token;
    if ((min > 0 && secret.length < min) || (max > 0 && secret.length > max)) {
      throw new DesktopError('PIN_LEN_RANGE', { params: { min, max } });
    }
  }

  async function freshView(serial: string): Promise<TokenView> {
    const view = (await listTokenViews(options.tokens())).find((t) => t.serial === serial);
    if (!view)
      throw new DesktopError('TOKEN_REMOVED', { detail: 'token gone after the operation' });
    return view;
  }

  async function perform(
    operation: Operation,
    serial: string,
    newSecret: string,
    call: (service: TokenService) => Promise<void>,
  ): Promise<TokenView> {
    const token = await tokenBySerial(serial);
    checkLength(token, newSecret);
    try {
      await call(options.tokens());
    } catch (error) {
      options.logger.warn(
        { operation, token: token.label, ...logFieldsOf(error) },
        'PIN operation failed',
      );
      // A wrong PIN or PUK used up a try: the screens show the token's new flags before the answer.
      await freshView(serial).then(options.onTokenUpdated, (gone: unknown) =>
        options.logger.warn(logFieldsOf(gone), 'token not listed after a failed PIN operation'),
      );
      throw isTokenError(error) ? fromTokenError(error) : error;
    }
    options.logger.info({ operation, token: token.label }, 'PIN operation done');
    const view = await freshView(serial);
    options.onTokenUpdated(view);
    return view;
  }

  return {
    changePin: (serial, oldPin, newPin) =>
      perform('change-pin', serial, newPin, (s) => s.changePin(serial, oldPin, newPin)),
    unlockPin: (serial, puk, newPin) =>
      perform('unlock-pin', serial, newPin, (s) => s.unlockPin(serial, puk, newPin)),
    changePuk: (serial, oldPuk, newPuk) =>
      perform('change-puk', serial, newPuk, (s) => s.changePuk(serial, oldPuk, newPuk)),
  };
}
