import { password } from '@inquirer/prompts';
import { cliError } from './errors.js';
import type { Translate } from './i18n.js';

/** Where a command's PINs/PUKs come from: a hidden prompt, or standard input one per line (for scripts). */
export interface SecretSource {
  /** `promptKey` is the i18n key of the question; `kind` names the secret in error messages. */
  next(promptKey: string, kind: SecretKind): Promise<string>;
  /** A new secret: asked twice at a prompt, read once from standard input. */
  nextNew(promptKey: string, repeatKey: string, kind: SecretKind): Promise<string>;
}

export type SecretKind = 'pin' | 'puk';

/** Reads all of standard input once; the lines are the secrets in the order the command asks for them. */
export async function stdinSecrets(
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<SecretSource> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  let index = 0;
  const take = (kind: SecretKind): string => {
    const value = lines[index];
    index += 1;
    if (value === undefined || (value === '' && index >= lines.length)) {
      throw cliError('SECRET_MISSING', { line: index, kind });
    }
    if (value === '') throw cliError('SECRET_EMPTY', { kind });
    return value;
  };
  return {
    next: async (_promptKey, kind) => take(kind),
    nextNew: async (_promptKey, _repeatKey, kind) => take(kind),
  };
}

/** Masked prompts on stderr (stdout stays for results). Needs a terminal on standard input. */
export function promptSecrets(t: Translate, stdinIsTty: boolean, hintKey: string): SecretSource {
  const ask = async (promptKey: string): Promise<string> => {
    if (!stdinIsTty) throw cliError('SECRET_REQUIRED', { hint: t(hintKey) });
    return password(
      {
        message: t(promptKey),
        mask: '*',
        validate: (input) => (input.length > 0 ? true : t('prompts.empty')),
      },
      { output: process.stderr },
    );
  };
  return {
    next: (promptKey) => ask(promptKey),
    nextNew: async (promptKey, repeatKey, kind) => {
      const first = await ask(promptKey);
      const second = await ask(repeatKey);
      if (first !== second) throw cliError('SECRET_MISMATCH', { kind });
      return first;
    },
  };
}
