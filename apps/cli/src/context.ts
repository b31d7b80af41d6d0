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
}

/** Opens the token layer for one command and always closes it (the worker and the modules) afterwards. */
export async function withTokenService<T>(
  ctx: Context,
  use: (service: TokenService) => Promise<T>,
): Promise<T> {
  const logger = pino({ level: ctx.options.verbose ? 'debug' : 'silent' }, pino.destination(2));
  const service = await openTokenService({
    modulePaths: ctx.options.module,
    explicitOnly: !ctx.options.discovery,
    env: ctx.env,
    logger,
  });
  try {
    return await use(service);
  } finally {
    await service.close();
  }
}
