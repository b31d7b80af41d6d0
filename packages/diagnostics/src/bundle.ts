import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stateDir } from '@eimza/state';
import yazl from 'yazl';
import { reportJson, reportLines, type RenderOptions } from './render.js';
import type { Findings, Translate } from './types.js';

/** Environment variables worth seeing in a bundle; nothing else from the environment is copied. */
const ENV_KEYS = [
  'EIMZA_PKCS11_MODULE',
  'SOFTHSM2_CONF',
  'EIMZA_STATE_DIR',
  'EIMZA_API_URL',
  'LANG',
  'LC_ALL',
];
/** Only the end of each log: recent events are what the helpdesk needs, and mails have size limits. */
const LOG_TAIL_BYTES = 256 * 1024;

/**
 * Writes the support bundle a user mails to the helpdesk: versions and OS, modules, slots, the certificates'
 * public data, recent logs (<stateDir>/logs/*.log), and the report. Diagnostics never ask for a PIN, so
 * none can be in it. Returns the names of the files in the zip.
 */
export async function writeBundle(
  path: string,
  t: Translate,
  findings: Findings,
  env: NodeJS.ProcessEnv,
  options: RenderOptions = {},
): Promise<string[]> {
  const zip = new yazl.ZipFile();
  const names: string[] = [];
  const add = (name: string, text: string) => {
    zip.addBuffer(Buffer.from(text, 'utf8'), name);
    names.push(name);
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  add('doctor.txt', `${reportLines(t, findings, undefined, options).join('\n')}\n`);
  add('doctor.json', json(reportJson(t, findings, options)));
  add(
    'versions.json',
    json({
      ...findings.versions,
      createdAt: new Date().toISOString(),
      env: Object.fromEntries(ENV_KEYS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]])),
    }),
  );
  add('modules.json', json(findings.modules));
  add('slots.json', json(findings.tokens));
  add('certificates.json', json(findings.certificates));
  for (const [name, text] of recentLogs(env)) add(`logs/${name}`, text);

  const output = createWriteStream(path);
  const closed = once(output, 'close');
  zip.outputStream.pipe(output);
  zip.end();
  await closed;
  return names;
}

function recentLogs(env: NodeJS.ProcessEnv): Array<[string, string]> {
  const dir = join(stateDir(env), 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log') && statSync(join(dir, name)).isFile())
    .map((name) => {
      const data = readFileSync(join(dir, name));
      return [name, data.subarray(Math.max(0, data.length - LOG_TAIL_BYTES)).toString('utf8')];
    });
}
