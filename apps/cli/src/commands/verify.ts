import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustStore, validateCades } from '@eimza/cades';
import { createApiClient, isClientError } from '@eimza/client';
import type { Report } from '@eimza/protocol';
import { testPkiDir } from '@eimza/state';
import type { Context } from '../context.js';
import { CliError, ReportedOutcome } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { rows } from '../output.js';
import { apiBaseUrl } from './api-url.js';

export interface VerifyOptions {
  content?: string;
  trust?: string;
  /** `--api` alone means the default API address. */
  api?: string | true;
}

/** Where local validation finds its anchors without --trust: the demo test PKI of `npm run token:init`. */
export function defaultTrustDir(env: NodeJS.ProcessEnv): string {
  return join(testPkiDir(env), 'trust-anchors');
}

/**
 * `eimza verify <file.p7s>`: the validation report the API would give (same checks, same Report), computed
 * here against `--trust` (default: the state folder's test-PKI anchors), or asked of the API with `--api`.
 * Exit 0 only for TOTAL_PASSED.
 */
export async function verifyCommand(
  ctx: Context,
  file: string,
  options: VerifyOptions,
): Promise<void> {
  const cms = await readInput(file);
  const content = options.content === undefined ? undefined : await readInput(options.content);
  const apiUrl =
    options.api === undefined
      ? undefined
      : apiBaseUrl(options.api === true ? undefined : options.api, ctx.env);
  const report = apiUrl
    ? await remoteReport(apiUrl, cms, content)
    : await validateCades({
        cms,
        ...(content ? { content } : {}),
        trust: trustStore(ctx, options),
      });
  if (ctx.out.json) ctx.out.result({ file, source: apiUrl ?? 'local', report });
  else printReport(ctx, report);
  if (report.indication !== 'TOTAL_PASSED') throw new ReportedOutcome(ExitCode.REJECTED);
}

async function readInput(file: string): Promise<Uint8Array> {
  return readFile(file).catch(() => {
    throw new CliError('INPUT_READ_FAILED', { file });
  });
}

function trustStore(ctx: Context, options: VerifyOptions): TrustStore {
  const dir = options.trust ?? defaultTrustDir(ctx.env);
  try {
    return TrustStore.fromDirectory(dir);
  } catch {
    throw new CliError('TRUST_UNREADABLE', { dir });
  }
}

async function remoteReport(
  baseUrl: string,
  cms: Uint8Array,
  content: Uint8Array | undefined,
): Promise<Report> {
  const api = createApiClient({ baseUrl });
  try {
    return await api.verify({
      cms: Buffer.from(cms).toString('base64'),
      ...(content ? { content: Buffer.from(content).toString('base64') } : {}),
    });
  } catch (error) {
    if (!isClientError(error)) throw error;
    throw new CliError(
      'API_FAILED',
      { reason: error.code },
      error.detail ? { detail: error.detail } : {},
    );
  }
}

function printReport(ctx: Context, report: Report): void {
  const { out, t } = ctx;
  const passed = report.indication === 'TOTAL_PASSED';
  const indication = report.subIndication
    ? `${report.indication} / ${report.subIndication}`
    : report.indication;
  out.line(`${t('verify.indication')}: ${out.style(passed ? 'green' : 'red', indication)}`);
  out.line(t('verify.checks'));
  for (const check of report.checks) {
    const mark = check.passed ? out.style('green', '✓') : out.style('red', '✗');
    out.line(`  ${mark} ${check.name}${check.detail ? ` — ${check.detail}` : ''}`);
  }
  const entries: Array<[string, string]> = [];
  if (report.signer) {
    const s = report.signer;
    entries.push([t('verify.signer'), `${s.name} (${s.tckn})`]);
    entries.push([t('verify.certificate'), `${s.certificateSerial} — ${s.issuer}`]);
    entries.push([t('verify.validity'), `${s.notBefore} – ${s.notAfter} (${s.keyAlgorithm})`]);
  }
  if (report.signingTime) entries.push([t('verify.signingTime'), report.signingTime]);
  entries.push([
    t('verify.timestamp'),
    report.timestamp ? `${report.timestamp.genTime} (${report.timestamp.tsa})` : t('verify.none'),
  ]);
  const r = report.revocation;
  entries.push([
    t('verify.revocation'),
    r
      ? `${r.source.toUpperCase()}: ${r.status}${r.producedAt ? `, ${r.producedAt}` : ''}${r.revokedAt ? `, ${t('verify.revokedAt')} ${r.revokedAt}` : ''}`
      : t('verify.none'),
  ]);
  for (const line of rows(entries, '')) out.line(line);
  out.line(t('verify.chain'));
  if (report.chain.length === 0) out.line(`  ${t('verify.none')}`);
  for (const [index, link] of report.chain.entries()) {
    out.line(`  ${index + 1}. ${link.subject}`);
    out.line(`     ${t('verify.issuer')}: ${link.issuer}; ${link.notBefore} – ${link.notAfter}`);
  }
}
