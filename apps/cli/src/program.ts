import { Command, CommanderError, Option } from 'commander';
import { certsCommand } from './commands/certs.js';
import { pinCommand, type PinOptions } from './commands/pin.js';
import { HASH_CHOICES, signTextCommand, type SignTextOptions } from './commands/sign-text.js';
import { doctorCommand, type DoctorOptions } from './commands/doctor/index.js';
import { signCommand, type SignOptions } from './commands/sign.js';
import { tokensCommand } from './commands/tokens.js';
import { verifyCommand, type VerifyOptions } from './commands/verify.js';
import type { Context, GlobalOptions } from './context.js';
import { CliError, ReportedOutcome, toCliError } from './errors.js';
import { DOCUMENTED_EXIT_CODES, ExitCode, exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import { createTranslator, LANGS, pickLang, type Translate } from './i18n.js';
import { colorEnabled, Output } from './output.js';
import { renderError } from './render-error.js';

export interface RunIo {
  env: NodeJS.ProcessEnv;
  stdoutIsTty: boolean;
}

/** Runs `eimza` with `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function run(
  argv: string[],
  io: RunIo = { env: process.env, stdoutIsTty: Boolean(process.stdout.isTTY) },
): Promise<ExitCodeValue> {
  const early = earlyOptions(argv);
  const t = createTranslator(pickLang(early.lang, io.env));
  const out = new Output(early.json, colorEnabled(early, io.env, io.stdoutIsTty));
  const cleanups: Array<() => Promise<void>> = [];
  const onExit = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);
  const program = buildProgram(t, early.json, (options) => ({
    t,
    out,
    options,
    env: io.env,
    onExit,
  }));
  // In --json mode commander's own usage messages are folded into the one JSON error object.
  const code = await parseAndRun(program, argv, t, out, early.json);
  for (const cleanup of cleanups.reverse()) {
    // The result is already out; a failing clean-up must not turn success into an error code.
    await cleanup().catch(() => undefined);
  }
  return code;
}

async function parseAndRun(
  program: Command,
  argv: string[],
  t: Translate,
  out: Output,
  json: boolean,
): Promise<ExitCodeValue> {
  try {
    await program.parseAsync(argv);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return ExitCode.OK;
    if (error instanceof ReportedOutcome) return error.exitCode;
    // No command given: commander showed the help (on stderr); a --json caller still gets its one object.
    if (error instanceof CommanderError && error.code === 'commander.help' && json) {
      renderError(t, out, new CliError('USAGE', { detail: t('help.commandRequired') }));
      return ExitCode.USAGE;
    }
    if (error instanceof CommanderError && !json) return ExitCode.USAGE; // commander already printed it
    const failure = toCliError(error);
    renderError(t, out, failure);
    return exitCodeFor(failure.code);
  }
}

/**
 * The options that shape output (language, JSON, colour) are needed before the real parse, because the help
 * text and commander's errors are already localised. A lenient commander pass reads just those.
 */
function earlyOptions(argv: string[]): { json: boolean; lang?: string; color: boolean } {
  const pre = new Command()
    .option('--json')
    .option('--lang <lang>')
    .option('--no-color')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .exitOverride();
  pre.parse(argv);
  const opts = pre.opts<{ json?: boolean; lang?: string; color: boolean }>();
  return { json: Boolean(opts.json), lang: opts.lang, color: opts.color };
}

const HEADINGS = new Set(['Usage:', 'Options:', 'Commands:', 'Arguments:', 'Global Options:']);

function buildProgram(
  t: Translate,
  json: boolean,
  context: (options: GlobalOptions) => Context,
): Command {
  const program = new Command('eimza');
  program
    // In --json mode commander's own messages are folded into the one JSON error object. Set before the
    // subcommands are added, as they copy it.
    .configureOutput({ writeErr: (text) => (json ? undefined : process.stderr.write(text)) })
    .description(t('app.description'))
    .configureHelp({
      styleTitle: (title) =>
        HEADINGS.has(title) ? t(`help.${title.replace(/[ :]/g, '')}`) : title,
      styleUsage: (usage) => localiseUsage(t, usage),
      styleSubcommandTerm: (term) => localiseUsage(t, term),
      optionDescription: (option) => {
        const extra: string[] = [];
        if (option.argChoices) extra.push(`${t('help.choices')}: ${option.argChoices.join(', ')}`);
        if (typeof option.defaultValue === 'string') {
          extra.push(`${t('help.default')}: ${option.defaultValue}`);
        }
        return extra.length > 0
          ? `${option.description} (${extra.join('; ')})`
          : option.description;
      },
    })
    .helpOption('-h, --help', t('help.helpOption'))
    .helpCommand(false)
    .option('--json', t('options.json'))
    .addOption(new Option('--lang <lang>', t('options.lang')).choices(LANGS))
    .option(
      '--module <path>',
      t('options.module'),
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--no-discovery', t('options.noDiscovery'))
    .option('--no-color', t('options.noColor'))
    .option('--verbose', t('options.verbose'))
    .showHelpAfterError(false)
    .exitOverride()
    .addHelpText('after', () => exitCodeHelp(t));

  const globals = (command: Command): Context => {
    const raw = command.optsWithGlobals<Omit<GlobalOptions, 'lang'> & { lang?: string }>();
    return context({
      json: Boolean(raw.json),
      lang: raw.lang === 'en' ? 'en' : 'tr',
      module: raw.module ?? [],
      discovery: raw.discovery !== false,
      color: raw.color !== false,
      verbose: Boolean(raw.verbose),
    });
  };

  program
    .command('tokens')
    .description(t('tokens.description'))
    .action(async (_options, command: Command) => tokensCommand(globals(command)));

  program
    .command('certs')
    .description(t('certs.description'))
    .option('--full', t('certs.options.full'))
    .action(async (options: { full?: boolean }, command: Command) =>
      certsCommand(globals(command), options),
    );

  program
    .command('sign-text')
    .description(t('signText.description'))
    .requiredOption('--cert <id>', t('signText.options.cert'))
    .requiredOption('--in <file>', t('signText.options.in'))
    .requiredOption('--out <file>', t('signText.options.out'))
    .addOption(
      new Option('--hash <algorithm>', t('signText.options.hash'))
        .choices(HASH_CHOICES)
        .default('sha256'),
    )
    .option('--pin-stdin', t('signText.options.pinStdin'))
    .action(async (options: SignTextOptions, command: Command) =>
      signTextCommand(globals(command), options),
    );

  program
    .command('sign')
    .description(t('sign.description'))
    .requiredOption('--code <digits>', t('sign.options.code'))
    .option('--api <url>', t('sign.options.api'))
    .option('--cert <id>', t('sign.options.cert'))
    .option('--pin-stdin', t('sign.options.pinStdin'))
    .option('--yes', t('sign.options.yes'))
    .action(async (options: SignOptions, command: Command) =>
      signCommand(globals(command), options),
    );

  program
    .command('verify')
    .description(t('verify.description'))
    .argument('<file.p7s>', t('verify.options.file'))
    .option('--content <file>', t('verify.options.content'))
    .option('--trust <dir>', t('verify.options.trust'))
    .option('--api [url]', t('verify.options.api'))
    .action(async (file: string, options: VerifyOptions, command: Command) =>
      verifyCommand(globals(command), file, options),
    );

  program
    .command('doctor')
    .description(t('doctor.description'))
    .option('--api <url>', t('doctor.options.api'))
    .option('--bundle <file.zip>', t('doctor.options.bundle'))
    .action(async (options: DoctorOptions, command: Command) =>
      doctorCommand(globals(command), options),
    );

  const pin = program.command('pin').description(t('pin.description')).helpCommand(false);
  const pinActions = [
    ['change', 'change', 'pin.change.description'],
    ['unlock', 'unlock', 'pin.unlock.description'],
    ['change-puk', 'changePuk', 'pin.changePuk.description'],
  ] as const;
  for (const [name, action, description] of pinActions) {
    pin
      .command(name)
      .description(t(description))
      .option('--token <serial|label>', t('pin.options.token'))
      .option('--stdin', t(`pin.options.stdin.${action}`))
      .action(async (options: PinOptions, command: Command) =>
        pinCommand(globals(command), action, options),
      );
  }
  return program;
}

function localiseUsage(t: Translate, usage: string): string {
  return usage
    .replace('[options]', t('help.optionsArg'))
    .replace('[command]', t('help.commandArg'));
}

function exitCodeHelp(t: Translate): string {
  const lines = DOCUMENTED_EXIT_CODES.map(
    (code) => `  ${String(code).padStart(3)}  ${t(`exitCodes.${code}`)}`,
  );
  return `\n${t('help.exitCodes')}\n${lines.join('\n')}\n\n${t('help.more')}\n`;
}
