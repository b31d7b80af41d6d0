import { pino } from 'pino';
import { openTokenService, type TokenService } from '@eimza/token';
import type { Translate, Lang } from './i18n.js';
import type { Output } from './output.js';

/** The global options every command sees (`eimza [global options] <command>`). */
export interface GlobalOptions {
  json: boolean;
  lang: Lang;
  module: string[];
  discovery: boolean;
  color: boolean;
  verbose: boolean;
}

export interface Context {
  t: Translate;
  out: Output;
  options: GlobalOptions;
  env: NodeJS.ProcessEnv;
  /** Registers a clean-up that runs after the command's output (or error) has been printed. */
  onExit(cleanup: () => Promise<void>): void;
}

/**
 * Opens the token layer for a command. It is closed by `run` only after everything is printed: finalising
 * some driver combinations has crashed the process, and the user must still see the result first.
 */
export async function openTokens(ctx: Context): Promise<TokenService> {
  const logger = pino({ level: ctx.options.verbose ? 'debug' : 'silent' }, pino.destination(2));
  const service = await openTokenService({
    modulePaths: ctx.options.module,
    explicitOnly: !ctx.options.discovery,
    env: ctx.env,
    logger,
  });
  ctx.onExit(() => service.close());
  return service;
}
