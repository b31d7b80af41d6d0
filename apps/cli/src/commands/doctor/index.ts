import { collectFindings, reportJson, writeBundle } from '@eimza/diagnostics';
import packageJson from '../../../package.json' with { type: 'json' };
import { openTokens, type Context } from '../../context.js';
import { CliError, ReportedOutcome } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { apiBaseUrl } from '../api-url.js';
import { printDoctor } from './render.js';

export interface DoctorOptions {
  api?: string;
  bundle?: string;
}

/**
 * `eimza doctor`: drivers, PC/SC, readers, cards and PIN states, certificates, API and clock, each OK / WARN /
 * FAIL with a hint. Exit 0 unless a check FAILs (then 12). `--bundle` also writes the support zip.
 */
export async function doctorCommand(ctx: Context, options: DoctorOptions): Promise<void> {
  const findings = await collectFindings({
    tokens: await openTokens(ctx),
    apiUrl: apiBaseUrl(options.api, ctx.env),
    appVersion: packageJson.version,
  });
  let bundle: { path: string; files: string[] } | undefined;
  if (options.bundle) {
    const path = options.bundle;
    const files = await writeBundle(path, ctx.t, findings, ctx.env).catch(() => {
      throw new CliError('OUTPUT_WRITE_FAILED', { file: path });
    });
    bundle = { path, files };
  }
  if (ctx.out.json)
    ctx.out.result({ ...reportJson(ctx.t, findings), ...(bundle ? { bundle } : {}) });
  else {
    printDoctor(ctx.t, ctx.out, findings);
    if (bundle)
      ctx.out.line(
        ctx.t('doctor.bundleWritten', { path: bundle.path, count: bundle.files.length }),
      );
  }
  if (findings.checks.some((c) => c.status === 'FAIL'))
    throw new ReportedOutcome(ExitCode.DOCTOR_FAILED);
}
