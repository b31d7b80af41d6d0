import { existsSync } from 'node:fs';
import type { ModuleReport, TokenInfo } from '@eimza/token';
import { openTokens, type Context } from '../context.js';
import { CliError } from '../errors.js';
import { pinStatus, type PinStatus } from '../format/pin-state.js';
import { rows } from '../output.js';

export interface TokensResult {
  modules: ModuleReport[];
  tokens: TokenInfo[];
}

/** `eimza tokens`: what a helpdesk person asks first — which drivers loaded, which cards are in, are the PINs fine. */
export async function tokensCommand(ctx: Context): Promise<void> {
  const service = await openTokens(ctx);
  const modules = service.modules();
  // With no module loaded there is nothing to list, but the report of what was tried is the answer.
  const result = {
    modules,
    tokens: modules.some((m) => m.loaded) ? await service.listTokens() : [],
  };
  const noModule = !result.modules.some((m) => m.loaded);
  const failureCode = noModule ? 'NO_MODULE' : result.tokens.length === 0 ? 'NO_TOKENS' : undefined;

  if (ctx.out.json) {
    // The report stays useful when nothing was found, so it travels with the error.
    if (failureCode) throw new CliError(failureCode, {}, { data: jsonReport(result) });
    ctx.out.result(jsonReport(result));
    return;
  }
  printModules(ctx, result.modules);
  ctx.out.line();
  printTokens(ctx, result.tokens);
  if (failureCode) throw new CliError(failureCode);
}

function jsonReport(result: TokensResult) {
  return {
    modules: result.modules,
    tokens: result.tokens.map((token) => ({
      ...token,
      userPinStatus: pinStatus(token.userPin),
      soPinStatus: pinStatus(token.soPin),
    })),
  };
}

function printModules(ctx: Context, modules: ModuleReport[]): void {
  const { t, out } = ctx;
  out.line(out.style('bold', t('tokens.modulesTitle', { count: modules.length })));
  if (modules.length === 0) out.line(`  ${t('tokens.noModulesTried')}`);
  // Most candidate paths belong to drivers that simply are not installed: one summary line says so, so
  // the drivers that are there (and why they failed) stand out.
  const absent = modules.filter((m) => !m.loaded && !existsSync(m.path));
  for (const module of modules.filter((m) => !absent.includes(m))) {
    const source = t(`tokens.moduleSource.${module.source}`);
    if (module.loaded) {
      const library = module.library
        ? ` — ${module.library.manufacturer} ${module.library.description} ${module.library.version}`.trimEnd()
        : '';
      out.line(
        `  ${out.style('green', '✓')} ${module.name}  ${module.path}  (${source})${library}`,
      );
    } else {
      out.line(`  ${out.style('red', '✗')} ${module.name}  ${module.path}  (${source})`);
      out.line(`      ${t('tokens.moduleFailed', { reason: module.error ?? '?' })}`);
    }
  }
  if (absent.length > 0) {
    const names = [...new Set(absent.map((m) => m.name))].join(', ');
    out.line(
      `  ${out.style('dim', '-')} ${t('tokens.notInstalled', { count: absent.length, names })}`,
    );
  }
}

function printTokens(ctx: Context, tokens: TokenInfo[]): void {
  const { t, out } = ctx;
  out.line(out.style('bold', t('tokens.title', { count: tokens.length })));
  if (tokens.length === 0) {
    out.line(`  ${t('tokens.none')}`);
    return;
  }
  tokens.forEach((token, index) => {
    if (index > 0) out.line();
    out.line(`  ${out.style('cyan', token.label || t('tokens.noLabel'))}`);
    const lines = rows(
      [
        [t('tokens.serial'), token.serial],
        [t('tokens.manufacturer'), token.manufacturer],
        [t('tokens.model'), token.model],
        [
          t('tokens.module'),
          `${token.moduleName} (${t('tokens.slot')} ${token.slotId}: ${token.slotDescription})`,
        ],
        [t('tokens.pinPad'), token.pinPad ? t('common.yes') : t('common.no')],
        [
          t('tokens.pinLength'),
          t('tokens.pinLengthRange', { min: token.minPinLength, max: token.maxPinLength }),
        ],
        [t('tokens.userPin'), pinLabel(ctx, pinStatus(token.userPin))],
        [t('tokens.soPin'), pinLabel(ctx, pinStatus(token.soPin))],
      ],
      '    ',
    );
    for (const line of lines) out.line(line);
  });
}

export function pinLabel(ctx: Context, status: PinStatus): string {
  const text = ctx.t(`pinState.${status}`);
  if (status === 'locked') return ctx.out.style('red', text);
  if (status === 'finalTry' || status === 'countLow' || status === 'notInitialized')
    return ctx.out.style('yellow', text);
  return ctx.out.style('green', text);
}
