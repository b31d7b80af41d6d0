import { styleText } from 'node:util';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan';

/** Colour only for a person at a terminal: never with --json, --no-color, NO_COLOR, or when stdout is piped. */
export function colorEnabled(
  options: { json: boolean; color: boolean },
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): boolean {
  if (options.json || !options.color) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTty;
}

/** Everything the CLI prints goes through here: results to stdout, warnings and errors (in text mode) to stderr. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly color: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  style(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Goes to stderr so that piped results stay clean. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** The one JSON object a --json run prints. */
  result(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Aligns `label: value` rows under one indent. */
export function rows(entries: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${indent}${`${label}:`.padEnd(width + 2)}${value}`);
}
