import type { TokenInfo } from '@eimza/token';
import { openTokens, type Context } from '../context.js';
import { CliError } from '../errors.js';
import { pinStatus } from '../format/pin-state.js';
import { promptSecrets, stdinSecrets, type SecretSource } from '../secrets.js';
import { selectToken } from '../select.js';
import { withPinStateOnError } from './pin-state-on-error.js';

export interface PinOptions {
  token?: string;
  stdin?: boolean;
}

type PinAction = 'change' | 'unlock' | 'changePuk';

/** `eimza pin change|unlock|change-puk`: the helpdesk's PIN/PUK operations, prompts or `--stdin` for scripts. */
export async function pinCommand(
  ctx: Context,
  action: PinAction,
  options: PinOptions,
): Promise<void> {
  // Read standard input before any PKCS#11 work so a script's secrets are consumed even if the token fails.
  const secrets: SecretSource = options.stdin
    ? await stdinSecrets()
    : promptSecrets(ctx.t, Boolean(process.stdin.isTTY), 'pin.stdinHint');

  const service = await openTokens(ctx);
  const chosen = selectToken(await service.listTokens(), options.token);
  refuseIfLocked(action, chosen);
  if (!options.stdin)
    ctx.out.note(ctx.t('pin.tokenChosen', { label: chosen.label, serial: chosen.serial }));
  await withPinStateOnError(service, chosen.serial, async () => {
    if (action === 'change') {
      const oldPin = await secrets.next('prompts.currentPin', 'pin');
      const newPin = checkLength(
        await secrets.nextNew('prompts.newPin', 'prompts.newPinAgain', 'pin'),
        chosen,
        'pin',
      );
      await service.changePin(chosen.serial, oldPin, newPin);
    } else if (action === 'unlock') {
      const puk = await secrets.next('prompts.puk', 'puk');
      const newPin = checkLength(
        await secrets.nextNew('prompts.newPin', 'prompts.newPinAgain', 'pin'),
        chosen,
        'pin',
      );
      await service.unlockPin(chosen.serial, puk, newPin);
    } else {
      const oldPuk = await secrets.next('prompts.currentPuk', 'puk');
      const newPuk = checkLength(
        await secrets.nextNew('prompts.newPuk', 'prompts.newPukAgain', 'puk'),
        chosen,
        'puk',
      );
      await service.changePuk(chosen.serial, oldPuk, newPuk);
    }
  });
  const token = (await service.listTokens()).find((t) => t.serial === chosen.serial) ?? chosen;

  const done = { change: 'pin.changed', unlock: 'pin.unlocked', changePuk: 'pin.pukChanged' }[
    action
  ];
  if (ctx.out.json) {
    ctx.out.result({
      ok: true,
      action,
      token: { label: token.label, serial: token.serial },
      userPinStatus: pinStatus(token.userPin),
      soPinStatus: pinStatus(token.soPin),
    });
    return;
  }
  ctx.out.line(ctx.out.style('green', ctx.t(done, { label: token.label, serial: token.serial })));
}

/** A locked secret cannot be used, so asking for it would only waste the user's time (and tries). */
function refuseIfLocked(action: PinAction, token: TokenInfo): void {
  if (action === 'change' && token.userPin.locked) {
    throw new CliError(
      'PIN_LOCKED',
      { serial: token.serial },
      { pinState: token.userPin, pinKind: 'user' },
    );
  }
  if ((action === 'unlock' || action === 'changePuk') && token.soPin.locked) {
    throw new CliError(
      'SO_PIN_LOCKED',
      { serial: token.serial },
      { pinState: token.soPin, pinKind: 'so' },
    );
  }
}

/** Checked before the token sees it: a rejected length must not count as a wrong try anywhere. */
function checkLength(secret: string, token: TokenInfo, kind: 'pin' | 'puk'): string {
  const { minPinLength: min, maxPinLength: max } = token;
  if ((min > 0 && secret.length < min) || (max > 0 && secret.length > max)) {
    throw new CliError('NEW_SECRET_LENGTH', { min, max, kind });
  }
  return secret;
}
